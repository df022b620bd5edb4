// Intuit's webhook signature (HMAC-SHA256 over the raw body, base64), the
// delivery handler and the queue the pull drains. No network, no printing.
#include "bre/connect/webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <fmt/format.h>

#include "bre/connect/http.h"
#include "bre/core/error.h"
#include "bre/core/error_json.h"
#include "bre/core/json_text.h"

namespace bre::connect {

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw_internal("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string intuit_signature(std::string_view verifier_token, std::string_view raw_body) {
  return base64_encode(hmac_sha256(verifier_token, raw_body));
}

bool verify_intuit_signature(std::string_view verifier_token, std::string_view raw_body,
                             std::string_view header_value) {
  while (!header_value.empty() && (header_value.back() == ' ' || header_value.back() == '\t'))
    header_value.remove_suffix(1);
  while (!header_value.empty() && (header_value.front() == ' ' || header_value.front() == '\t'))
    header_value.remove_prefix(1);
  // 32 bytes are 44 base64 characters ending in exactly one '='.
  if (verifier_token.empty() || header_value.size() != 44 || header_value[43] != '=' || header_value[42] == '=')
    return false;
  unsigned char decoded[48];
  // DecodeBlock rejects characters outside the alphabet and keeps the padding byte.
  if (EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(header_value.data()), 44) != 33) return false;
  const std::string expected = hmac_sha256(verifier_token, raw_body);
  return CRYPTO_memcmp(decoded, expected.data(), 32) == 0;
}

namespace {

std::string find_header(const std::map<std::string, std::string>& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

WebhookResult refused(const Error& e, TimeMs now, const std::string& request_id) {
  return WebhookResult{http_status(e.kind()), 0, 0, error_json(e, now, request_id)};
}

std::string ok_body(const WebhookResult& r, std::string_view status, std::string_view format,
                    const std::string& request_id) {
  JsonObjectWriter w;
  w.string("status", status).integer("accepted", r.accepted).integer("duplicates", r.duplicates);
  if (!format.empty()) w.string("format", format);
  if (!request_id.empty()) w.string("request_id", request_id);
  return w.str();
}

// All rows of one delivery in one transaction; repeats are ignored, counted.
void enqueue(Database& db, const std::vector<QboNotification>& notes, TimeMs now, WebhookResult& r) {
  Transaction tx(db);
  Statement ins = db.prepare(
      "INSERT OR IGNORE INTO qbo_webhook_events(event_key, realm_id, entity_type, entity_id, operation, deleted_id, "
      "event_time, format, received_at) VALUES(?,?,?,?,?,?,?,?,?)");
  for (const QboNotification& n : notes) {
    ins.bind(1, n.event_key).bind(2, n.realm_id).bind(3, n.entity_type).bind(4, n.entity_id).bind(5, n.operation);
    if (n.deleted_id)
      ins.bind(6, *n.deleted_id);
    else
      ins.bind_null(6);
    ins.bind(7, n.event_time).bind(8, to_string(n.format)).bind(9, now);
    ins.run();
    if (db.changes() > 0)
      ++r.accepted;
    else
      ++r.duplicates;
  }
  tx.commit();
}

}  // namespace

WebhookResult handle_qbo_webhook(Workspace& ws, const std::string& verifier_token,
                                 const std::map<std::string, std::string>& headers, std::string_view raw_body,
                                 TimeMs now, const Logger& log, const std::string& request_id) {
  if (verifier_token.empty()) {
    log.log(LogLevel::error, "webhook", "qbo_webhook_not_configured");
    return refused(Error(ErrorKind::temp_failure, "WEBHOOK_NOT_CONFIGURED",
                         fmt::format("the QuickBooks webhook is not configured: set {} to the app's verifier token",
                                     kQboVerifierEnv)),
                   now, request_id);
  }
  const std::string signature = find_header(headers, "intuit-signature");
  if (!verify_intuit_signature(verifier_token, raw_body, signature)) {
    log.warn("webhook", "qbo_webhook_signature_invalid",
             {{"signature", signature.empty() ? "missing" : "mismatch"}, {"bytes", raw_body.size()}});
    return refused(Error(ErrorKind::not_authorised, "WEBHOOK_SIGNATURE_INVALID",
                         signature.empty() ? "missing intuit-signature header"
                                           : "intuit-signature does not match the body"),
                   now, request_id);
  }
  WebhookResult r;
  std::vector<QboNotification> notes;
  try {
    notes = parse_qbo_webhook(raw_body);
  } catch (const Error& e) {
    // Signed by Intuit but unreadable: a resend would not parse either, and a
    // non-200 holds back later events; the next pull's CDC covers the change.
    const std::string first = e.problems().empty() ? e.where() : e.problems().front().to_string();
    log.log(LogLevel::error, "webhook", "qbo_webhook_unreadable",
            {{"reason", e.what()}, {"problem", first}, {"problems", e.problems().size()}, {"bytes", raw_body.size()}});
    r.body = ok_body(r, "ignored_unreadable", "", request_id);
    return r;
  }
  enqueue(ws.db(), notes, now, r);
  const std::string_view format = notes.empty() ? std::string_view() : to_string(notes.front().format);
  log.info("webhook", "qbo_webhook_queued",
           {{"accepted", r.accepted}, {"duplicates", r.duplicates}, {"format", std::string(format)}});
  r.body = ok_body(r, "queued", format, request_id);
  return r;
}

std::vector<QueuedQboChange> queued_qbo_changes(Database& db, const std::string& realm_id) {
  Statement s = db.prepare(
      "SELECT event_key, realm_id, entity_type, entity_id, operation, deleted_id, event_time FROM qbo_webhook_events "
      "WHERE realm_id = ? AND fetched_by_pull IS NULL ORDER BY received_at, event_key");
  s.bind(1, realm_id);
  std::vector<QueuedQboChange> out;
  while (s.step()) {
    QueuedQboChange c{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), std::nullopt, std::nullopt};
    if (!s.is_null(5)) c.deleted_id = s.text(5);
    if (!s.is_null(6)) c.event_time = s.int64(6);
    out.push_back(std::move(c));
  }
  return out;
}

void mark_qbo_changes_fetched(Database& db, const std::vector<std::string>& event_keys, const std::string& pull_id) {
  auto mark = [&] {
    Statement s = db.prepare(
        "UPDATE qbo_webhook_events SET fetched_by_pull = ? WHERE event_key = ? AND fetched_by_pull IS NULL");
    for (const std::string& key : event_keys) s.bind(1, pull_id).bind(2, key).run();
  };
  if (!sqlite3_get_autocommit(db.handle())) {  // the caller's transaction
    mark();
    return;
  }
  Transaction tx(db);
  mark();
  tx.commit();
}

}  // namespace bre::connect
