// bre connect quickbooks | status | disconnect: the OAuth connection to a
// QuickBooks Online company. Tokens live only in the vault; nothing here
// prints or logs one.
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bre/connect/oauth.h"
#include "bre/connect/token_vault.h"
#include "bre/core/error.h"
#include "command.h"

extern char** environ;

namespace bre::cli {

namespace {

// Best effort: hand the URL to xdg-open when a desktop session is there.
void open_browser(const std::string& url) {
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) return;
  pid_t pid = 0;
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
  }
}

nlohmann::ordered_json status_json(const std::optional<connect::Connection>& c) {
  nlohmann::ordered_json j;
  j["provider"] = connect::kQboProvider;
  if (!c) {
    j["status"] = "not_connected";
    return j;
  }
  j["connection_id"] = c->connection_id;
  j["realm_id"] = c->realm_id;
  j["status"] = c->status;
  const auto p = nlohmann::json::parse(c->payload, nullptr, false);
  for (const char* k : {"environment", "client_id", "access_expires_at", "refresh_expires_at"})
    if (p.is_object() && p.contains(k) && p[k].is_string()) j[k] = p[k];
  j["updated_at"] = format_iso8601(c->updated_at);
  return j;
}

std::string render_status(const nlohmann::ordered_json& j) {
  std::string s = fmt::format("provider: {}\nstatus:   {}\n", j["provider"].get<std::string>(),
                              j["status"].get<std::string>());
  if (j.contains("realm_id")) s += fmt::format("realm:    {}\n", j["realm_id"].get<std::string>());
  if (j.contains("environment")) s += fmt::format("env:      {}\n", j["environment"].get<std::string>());
  if (j.contains("access_expires_at"))
    s += fmt::format("access token expires: {}\n", j["access_expires_at"].get<std::string>());
  return s;
}

}  // namespace

void register_connect(Declarer& root) {
  static connect::OAuthClient client;
  static bool no_browser = false;
  root.command("connect", "connect bre to a QuickBooks Online company (OAuth 2.0)", [](Declarer& group) {
    group.command(
        "quickbooks", "authorise bre to read a QuickBooks Online company",
        [](Declarer& d) {
          d.option("--client-id", &client.client_id, "the app's OAuth client id (Intuit developer portal, Keys)");
          d.option("--client-secret", &client.client_secret,
                   "the app's OAuth client secret (default: $BRE_QBO_CLIENT_SECRET)");
          d.option("--redirect-uri", &client.redirect_uri, "a redirect URI registered for the app, used verbatim");
          d.flag("--no-browser", &no_browser, "only print the authorization URL; do not try to open a browser");
          d.footer(
              "Prints the authorization URL, then reads the URL the browser was redirected to from standard input\n"
              "(the code, state and realmId in it), exchanges the code and stores the tokens encrypted in the\n"
              "workspace. Environment: INTUIT_ENV=sandbox|production; BRE_SECRET_KEY (else <workspace>.key).\n"
              "Example:\n"
              "  bre connect quickbooks --client-id ABC --redirect-uri https://example.com/cb --no-browser\n"
              "Exit codes: 77 state mismatch or refused grant, 69 Intuit unreachable, 75 retry later.");
        },
        [](Context& ctx) {
          if (client.client_secret.empty())
            if (const char* s = std::getenv("BRE_QBO_CLIENT_SECRET")) client.client_secret = s;
          if (client.client_id.empty() || client.client_secret.empty() || client.redirect_uri.empty())
            throw_usage("--client-id, --client-secret (or $BRE_QBO_CLIENT_SECRET) and --redirect-uri are required");
          const connect::QboEndpoints ep = connect::qbo_endpoints_from_env();
          Workspace& ws = ctx.workspace();
          const connect::TokenVault vault = connect::TokenVault::for_workspace(ws.path());
          const std::string state = connect::new_oauth_state();
          const std::string url = connect::authorization_url(ep, client, state);
          std::fprintf(stderr, "Open this URL, approve access, then paste the address you were redirected to:\n%s\n",
                       url.c_str());
          if (!no_browser) open_browser(url);
          std::string pasted;
          if (!std::getline(std::cin, pasted) || pasted.empty())
            throw Error(ErrorKind::usage, "NO_REDIRECT", "no redirect URL on standard input");
          const connect::Connection c =
              connect::complete_qbo_connect(ws, vault, ep, client, state, pasted, ctx.log());
          const nlohmann::ordered_json out = status_json(c);
          ctx.emit(out, [&](Format) { return "Connected.\n" + render_status(out); });
          return 0;
        });
    group.command(
        "status", "show the QuickBooks connection (never the tokens)",
        [](Declarer& d) { d.footer("Example: bre connect status --format json"); },
        [](Context& ctx) {
          Workspace& ws = ctx.workspace();
          const nlohmann::ordered_json out = status_json(connect::find_connection(ws.db(), connect::kQboProvider));
          ctx.emit(out, [&](Format) { return render_status(out); });
          return 0;
        });
    group.command(
        "disconnect", "revoke the QuickBooks tokens and forget the connection",
        [](Declarer& d) { d.footer("Example: bre connect disconnect"); },
        [](Context& ctx) {
          Workspace& ws = ctx.workspace();
          auto c = connect::find_connection(ws.db(), connect::kQboProvider);
          nlohmann::ordered_json out;
          out["provider"] = connect::kQboProvider;
          if (!c) {
            out["status"] = "not_connected";
            out["revoked"] = false;
            ctx.emit(out);
            return 0;
          }
          bool revoked = false;
          try {
            const connect::TokenVault vault = connect::TokenVault::for_workspace(ws.path());
            const connect::TokenSet t = connect::load_tokens(ws.db(), vault, c->connection_id);
            const auto p = nlohmann::json::parse(c->payload, nullptr, false);
            const std::string client_id = p.is_object() ? p.value("client_id", "") : "";
            connect::revoke_token(connect::qbo_endpoints_from_env(), client_id, t.client_secret,
                                  t.refresh_token.empty() ? t.access_token : t.refresh_token);
            revoked = true;
          } catch (const Error& e) {
            // Unreachable Intuit: keep the tokens so the revoke can be retried.
            if (e.kind() != ErrorKind::not_authorised) throw;
            ctx.log().warn("connect", "qbo_revoke_refused", {{"code", e.code()}});
          }
          connect::delete_connection(ws.db(), c->connection_id);
          out["realm_id"] = c->realm_id;
          out["status"] = "disconnected";
          out["revoked"] = revoked;
          ctx.emit(out, [&](Format) {
            return fmt::format("Disconnected from realm {}{}.\n", c->realm_id,
                               revoked ? "" : " (the tokens were already invalid)");
          });
          return 0;
        });
  }, nullptr);
}

}  // namespace bre::cli
