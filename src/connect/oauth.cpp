// QBO OAuth 2.0 and the API session. Tokens appear only in request headers
// and bodies and in the vault; logs and errors name statuses, codes and the
// realm, never a token, a code or a secret.
#include "bre/connect/oauth.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bre/core/error.h"
#include "bre/ingest/qbo.h"

namespace bre::connect {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string strip_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string form_value(std::string_view query, std::string_view key) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == key)
      return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return {};
}

std::string hex_random(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw_internal("no randomness");
  std::string out;
  for (unsigned char c : raw) out += fmt::format("{:02x}", c);
  return out;
}

std::string basic_auth(const std::string& id, const std::string& secret) {
  return "Basic " + base64_encode(id + ":" + secret);
}

// The `error` of a token endpoint failure body, when it is JSON and has one.
std::string oauth_error_code(const std::string& body) {
  try {
    auto j = nlohmann::json::parse(body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  return {};
}

TokenSet token_call(const QboEndpoints& ep, const std::string& client_id, const std::string& client_secret,
                    const std::string& form) {
  HttpRequest req;
  req.method = "POST";
  req.url = ep.token_url;
  // A refresh runs inside the workspace's write lock: keep it short.
  req.timeout_ms = 20'000;
  req.headers = {{"Authorization", basic_auth(client_id, client_secret)},
                 {"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = form;
  const HttpResponse r = http_send(req);
  if (r.status != 200) {
    const std::string err = oauth_error_code(r.body);
    if (err == "invalid_grant")
      throw Error(ErrorKind::not_authorised, "INVALID_GRANT",
                  "QuickBooks refused the grant (invalid_grant): the authorization is expired or revoked; run 'bre "
                  "connect quickbooks' again");
    if (r.status == 400 || r.status == 401 || r.status == 403)
      throw Error(ErrorKind::not_authorised, "OAUTH_REFUSED",
                  fmt::format("QuickBooks token endpoint answered HTTP {}{}", r.status,
                              err.empty() ? std::string() : " (" + err + ")"));
    if (r.status == 429 || r.status == 503)
      throw Error(ErrorKind::temp_failure, "REMOTE_BUSY",
                  fmt::format("QuickBooks token endpoint answered HTTP {}; retry later", r.status));
    throw Error(ErrorKind::unavailable, "REMOTE_UNAVAILABLE",
                fmt::format("QuickBooks token endpoint answered HTTP {}", r.status));
  }
  try {
    auto j = nlohmann::json::parse(r.body);
    TokenSet t;
    t.access_token = j.at("access_token").get<std::string>();
    t.refresh_token = j.value("refresh_token", "");
    const TimeMs now = now_ms();
    t.access_expires_at = now + j.value("expires_in", std::int64_t{3600}) * 1000;
    t.refresh_expires_at = now + j.value("x_refresh_token_expires_in", std::int64_t{0}) * 1000;
    return t;
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::unavailable, "REMOTE_INVALID", "QuickBooks token endpoint sent an unreadable response");
  }
}

std::string connection_payload(const QboEndpoints& ep, const std::string& client_id, const std::string& redirect_uri,
                               const TokenSet& t) {
  nlohmann::ordered_json p{{"client_id", client_id},
                           {"redirect_uri", redirect_uri},
                           {"environment", ep.environment},
                           {"access_expires_at", format_iso8601(t.access_expires_at)}};
  if (t.refresh_expires_at) p["refresh_expires_at"] = format_iso8601(t.refresh_expires_at);
  return p.dump();
}

std::string payload_string(const Connection& c, const char* key) {
  try {
    auto j = nlohmann::json::parse(c.payload);
    if (j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  return {};
}

// A short description of an API error body (JSON Fault, lower-case fault, or
// XML), without echoing the body itself.
std::string fault_summary(const HttpResponse& r) {
  std::string code;
  const std::string& b = r.body;
  if (auto p = b.find("<Error code=\""); p != std::string::npos) {
    auto e = b.find('"', p + 13);
    if (e != std::string::npos) code = b.substr(p + 13, e - p - 13);
  } else {
    try {
      auto j = nlohmann::json::parse(b);
      const nlohmann::json* f = nullptr;
      if (j.contains("Fault")) f = &j["Fault"]["Error"];
      else if (j.contains("fault")) f = &j["fault"]["error"];
      if (f && f->is_array() && !f->empty() && (*f)[0].contains("code") && (*f)[0]["code"].is_string())
        code = (*f)[0]["code"].get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
  }
  std::string s = fmt::format("HTTP {}", r.status);
  if (!code.empty() && code.size() < 16) s += " (fault code " + code + ")";
  const std::string tid = r.header("intuit_tid");
  if (!tid.empty() && tid.size() < 80) s += ", intuit_tid " + tid;
  return s;
}

}  // namespace

QboEndpoints qbo_endpoints_from_env() {
  QboEndpoints ep;
  const std::string env = env_or("INTUIT_ENV", "production");
  if (env != "production" && env != "sandbox")
    throw Error(ErrorKind::usage, "BAD_INTUIT_ENV", "INTUIT_ENV must be 'production' or 'sandbox'");
  ep.environment = env;
  const std::string oauth = strip_slash(env_or("BRE_QBO_OAUTH_BASE", ""));
  ep.authorize_url = oauth.empty() ? "https://appcenter.intuit.com/connect/oauth2" : oauth + "/connect/oauth2";
  ep.token_url = oauth.empty() ? "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
                               : oauth + "/oauth2/v1/tokens/bearer";
  ep.revoke_url = oauth.empty() ? "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
                                : oauth + "/v2/oauth2/tokens/revoke";
  ep.api_base = strip_slash(env_or("BRE_QBO_API_BASE", env == "sandbox" ? "https://sandbox-quickbooks.api.intuit.com"
                                                                        : "https://quickbooks.api.intuit.com"));
  return ep;
}

std::string new_oauth_state() { return hex_random(32); }

std::string authorization_url(const QboEndpoints& ep, const OAuthClient& client, const std::string& state) {
  return fmt::format("{}?client_id={}&response_type=code&scope={}&redirect_uri={}&state={}", ep.authorize_url,
                     url_encode(client.client_id), url_encode(kQboScope), url_encode(client.redirect_uri),
                     url_encode(state));
}

RedirectResult parse_redirect(std::string_view url, const std::string& expected_state) {
  std::string_view u = url;
  while (!u.empty() && std::isspace(static_cast<unsigned char>(u.back()))) u.remove_suffix(1);
  while (!u.empty() && std::isspace(static_cast<unsigned char>(u.front()))) u.remove_prefix(1);
  const std::size_t q = u.find('?');
  if (q == std::string_view::npos)
    throw Error(ErrorKind::usage, "BAD_REDIRECT", "the pasted redirect URL has no query (expected ?code=...&state=...)");
  std::string_view query = u.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  const std::string state = form_value(query, "state");
  if (state.empty() || expected_state.empty() || state != expected_state)
    throw Error(ErrorKind::not_authorised, "STATE_MISMATCH",
                "the redirect's state does not match this connect attempt; start 'bre connect quickbooks' again");
  if (const std::string err = form_value(query, "error"); !err.empty())
    throw Error(ErrorKind::not_authorised, "ACCESS_DENIED",
                fmt::format("QuickBooks did not grant access ({})", err == "access_denied" ? err : "error"));
  RedirectResult r{form_value(query, "code"), form_value(query, "realmId")};
  if (r.code.empty()) throw Error(ErrorKind::usage, "BAD_REDIRECT", "the pasted redirect URL has no code");
  if (r.realm_id.empty()) throw Error(ErrorKind::usage, "BAD_REDIRECT", "the pasted redirect URL has no realmId");
  return r;
}

TokenSet exchange_code(const QboEndpoints& ep, const OAuthClient& client, const std::string& code) {
  TokenSet t = token_call(ep, client.client_id, client.client_secret,
                          "grant_type=authorization_code&code=" + url_encode(code) +
                              "&redirect_uri=" + url_encode(client.redirect_uri));
  t.client_secret = client.client_secret;
  return t;
}

TokenSet refresh_grant(const QboEndpoints& ep, const std::string& client_id, const std::string& client_secret,
                       const std::string& refresh_token) {
  TokenSet t = token_call(ep, client_id, client_secret, "grant_type=refresh_token&refresh_token=" + url_encode(refresh_token));
  t.client_secret = client_secret;
  return t;
}

void revoke_token(const QboEndpoints& ep, const std::string& client_id, const std::string& client_secret,
                  const std::string& token) {
  HttpRequest req;
  req.method = "POST";
  req.url = ep.revoke_url;
  req.timeout_ms = 60'000;
  req.headers = {{"Authorization", basic_auth(client_id, client_secret)},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"}};
  req.body = nlohmann::json{{"token", token}}.dump();
  const HttpResponse r = http_send(req);
  if (r.status != 200)
    throw Error(r.status >= 500 ? ErrorKind::unavailable : ErrorKind::not_authorised, "REVOKE_FAILED",
                fmt::format("QuickBooks revoke endpoint answered HTTP {}", r.status));
}

Connection store_qbo_connection(Workspace& ws, const TokenVault& vault, const QboEndpoints& ep,
                                const OAuthClient& client, const std::string& realm_id, const TokenSet& tokens) {
  Connection c{std::string(kQboProvider) + ":" + realm_id, kQboProvider, realm_id, "connected",
               connection_payload(ep, client.client_id, client.redirect_uri, tokens), now_ms()};
  Transaction tx(ws.db());
  // One QuickBooks company per workspace: a new connect replaces the old one.
  Statement del = ws.db().prepare("DELETE FROM connections WHERE provider=? AND connection_id<>?");
  del.bind(1, kQboProvider).bind(2, c.connection_id).run();
  save_connection(ws.db(), vault, c, tokens);
  tx.commit();
  return c;
}

Connection complete_qbo_connect(Workspace& ws, const TokenVault& vault, const QboEndpoints& ep,
                                const OAuthClient& client, const std::string& expected_state,
                                std::string_view pasted_redirect_url, const Logger& log) {
  const RedirectResult r = parse_redirect(pasted_redirect_url, expected_state);
  const TokenSet t = exchange_code(ep, client, r.code);
  Connection c = store_qbo_connection(ws, vault, ep, client, r.realm_id, t);
  log.info("connect", "qbo_connected", {{"realm_id", r.realm_id}, {"environment", ep.environment}});
  return c;
}

QboSession::QboSession(Workspace& ws, TokenVault vault, QboEndpoints ep, const Logger& log, RetryPolicy retry)
    : ws_(ws), vault_(std::move(vault)), ep_(std::move(ep)), log_(log), retry_(std::move(retry)) {
  auto c = find_connection(ws_.db(), kQboProvider);
  if (!c || c->status == "disconnected")
    throw Error(ErrorKind::not_authorised, "NOT_CONNECTED", "no QuickBooks connection; run 'bre connect quickbooks'");
  if (c->status == "stale")
    throw Error(ErrorKind::not_authorised, "RECONNECT_REQUIRED",
                "the QuickBooks connection is stale (refresh refused); run 'bre connect quickbooks' again");
  conn_ = *c;
  tokens_ = load_tokens(ws_.db(), vault_, conn_.connection_id);
  if (!retry_.sleep) retry_.sleep = [](long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
}

void QboSession::refresh(const std::string& stale_access_token) {
  Database& db = ws_.db();
  Transaction tx(db);  // BEGIN IMMEDIATE: one refresh at a time per workspace
  TokenSet current = load_tokens(db, vault_, conn_.connection_id);
  if (current.access_token != stale_access_token && current.access_expires_at > now_ms() + 60'000) {
    tx.commit();  // another process refreshed meanwhile; use its tokens
    tokens_ = current;
    log_.info("connect", "qbo_refresh_skipped", {{"realm_id", conn_.realm_id}});
    return;
  }
  const std::string client_id = payload_string(conn_, "client_id");
  TokenSet fresh;
  try {
    fresh = refresh_grant(ep_, client_id, current.client_secret, current.refresh_token);
  } catch (const Error& e) {
    if (e.code() == "INVALID_GRANT") {
      set_connection_status(db, conn_.connection_id, "stale");
      tx.commit();
      conn_.status = "stale";
      log_.warn("connect", "qbo_refresh_refused", {{"realm_id", conn_.realm_id}, {"marked", "stale"}});
    }
    throw;
  }
  if (fresh.refresh_token.empty()) fresh.refresh_token = current.refresh_token;
  if (!fresh.refresh_expires_at) fresh.refresh_expires_at = current.refresh_expires_at;
  conn_.status = "connected";
  conn_.payload = connection_payload(ep_, client_id, payload_string(conn_, "redirect_uri"), fresh);
  conn_.updated_at = now_ms();
  save_connection(db, vault_, conn_, fresh);
  tx.commit();
  tokens_ = fresh;
  ++refreshes_;
  log_.info("connect", "qbo_token_refreshed",
            {{"realm_id", conn_.realm_id}, {"access_expires_at", format_iso8601(fresh.access_expires_at)}});
}

std::string QboSession::get(const std::string& path_and_query) { return send("GET", path_and_query, ""); }

std::string QboSession::post(const std::string& path_and_query, const std::string& json_body) {
  return send("POST", path_and_query, json_body);
}

std::string QboSession::send(const std::string& method, const std::string& path_and_query, const std::string& body) {
  if (tokens_.access_expires_at && tokens_.access_expires_at <= now_ms() + 30'000) refresh(tokens_.access_token);
  const std::string url = ep_.api_base + "/v3/company/" + url_encode(conn_.realm_id) + "/" + path_and_query;
  bool refreshed = false;
  std::mt19937_64 rng(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.headers = {{"Authorization", "Bearer " + tokens_.access_token}, {"Accept", "application/json"}};
    if (method == "POST") {
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = body;
    }
    HttpResponse r;
    bool transport_failed = false;
    try {
      r = http_send(req);
    } catch (const Error&) {
      if (attempt >= retry_.max_attempts) throw;
      transport_failed = true;
    }
    if (!transport_failed && r.status >= 200 && r.status < 300) return r.body;
    if (!transport_failed && r.status == 401) {
      if (refreshed)
        throw Error(ErrorKind::not_authorised, "RECONNECT_REQUIRED",
                    fmt::format("QuickBooks refused the refreshed token ({}); run 'bre connect quickbooks' again",
                                fault_summary(r)));
      log_.info("connect", "qbo_access_expired", {{"realm_id", conn_.realm_id}});
      refresh(tokens_.access_token);
      refreshed = true;
      --attempt;  // a refresh is not a retry
      continue;
    }
    const bool retryable = transport_failed || r.status == 429 || r.status >= 500;
    if (!retryable)
      throw Error(r.status == 403 ? ErrorKind::not_authorised : ErrorKind::unavailable, "REMOTE_ERROR",
                  fmt::format("QuickBooks answered {}", fault_summary(r)));
    if (attempt >= retry_.max_attempts)
      throw Error(r.status == 429 || r.status == 503 ? ErrorKind::temp_failure : ErrorKind::unavailable,
                  r.status == 429 ? "REMOTE_THROTTLED" : "REMOTE_UNAVAILABLE",
                  fmt::format("QuickBooks answered {} after {} attempts; retry later", fault_summary(r), attempt));
    // Full jitter on an exponential ceiling; Retry-After is a floor.
    const long ceiling = std::min(retry_.max_delay_ms, retry_.base_delay_ms << std::min(attempt - 1, 16));
    long delay = std::uniform_int_distribution<long>(0, std::max(ceiling, 0L))(rng);
    if (!transport_failed)
      if (auto ra = r.retry_after_s()) delay = std::min(retry_.max_delay_ms, std::max(delay, *ra * 1000));
    log_.info("connect", "qbo_retry",
              {{"status", static_cast<std::int64_t>(r.status)}, {"attempt", attempt}, {"delay_ms", static_cast<std::int64_t>(delay)}});
    retry_.sleep(delay);
  }
}

std::vector<std::string> default_qbo_entities() {
  return {"Customer", "Vendor",      "Item",          "Invoice", "Payment",     "SalesReceipt", "CreditMemo",
          "RefundReceipt", "Estimate", "Bill", "BillPayment", "Purchase", "PurchaseOrder"};
}

std::string qbo_query_for(const std::string& entity, std::int64_t start_position, int page_size) {
  const bool name_list = entity == "Customer" || entity == "Vendor" || entity == "Item";
  return fmt::format("SELECT * FROM {}{} STARTPOSITION {} MAXRESULTS {}", entity,
                     name_list ? " WHERE Active IN (true,false)" : "", start_position, page_size);
}

}  // namespace bre::connect
