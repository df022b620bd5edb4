// QuickBooks Online OAuth 2.0 (authorization code flow) and an API session
// that refreshes on 401, retries 429/5xx with backoff, and saves every
// rotated refresh token in the same transaction that consumed the old one.
// Endpoints come from the environment: INTUIT_ENV=sandbox|production picks
// the API host; BRE_QBO_OAUTH_BASE and BRE_QBO_API_BASE override the hosts.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/connect/http.h"
#include "bre/connect/token_vault.h"
#include "bre/core/log.h"
#include "bre/store/workspace.h"

namespace bre::connect {

inline constexpr const char* kQboProvider = "quickbooks";
inline constexpr const char* kQboScope = "com.intuit.quickbooks.accounting";
inline constexpr int kQboMinorVersion = 75;

struct QboEndpoints {
  std::string authorize_url;  // https://appcenter.intuit.com/connect/oauth2
  std::string token_url;      // https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer
  std::string revoke_url;     // https://developer.api.intuit.com/v2/oauth2/tokens/revoke
  std::string api_base;       // https://quickbooks.api.intuit.com (no /v3)
  std::string environment;    // production | sandbox
};
QboEndpoints qbo_endpoints_from_env();

struct OAuthClient {
  std::string client_id;
  std::string client_secret;
  std::string redirect_uri;
};

std::string new_oauth_state();  // 32 random bytes, URL-safe hex
std::string authorization_url(const QboEndpoints& ep, const OAuthClient& client, const std::string& state);

struct RedirectResult {
  std::string code;
  std::string realm_id;
};
// Parses the URL the browser was sent back to. A state that is not
// `expected_state` (or missing) is Error(not_authorised, STATE_MISMATCH);
// error=access_denied is not_authorised too.
RedirectResult parse_redirect(std::string_view url, const std::string& expected_state);

// Token endpoint calls (HTTP Basic client auth, form bodies). A 400
// invalid_grant is Error(not_authorised, INVALID_GRANT). Results carry
// absolute expiry times computed from `now`.
TokenSet exchange_code(const QboEndpoints& ep, const OAuthClient& client, const std::string& code);
TokenSet refresh_grant(const QboEndpoints& ep, const std::string& client_id, const std::string& client_secret,
                       const std::string& refresh_token);
void revoke_token(const QboEndpoints& ep, const std::string& client_id, const std::string& client_secret,
                  const std::string& token);

// Saves a new connection (status connected) and returns it.
Connection store_qbo_connection(Workspace& ws, const TokenVault& vault, const QboEndpoints& ep,
                                const OAuthClient& client, const std::string& realm_id, const TokenSet& tokens);
// `bre connect quickbooks` end to end but for the browser: parse the pasted
// redirect, exchange the code, store. Returns the stored connection.
Connection complete_qbo_connect(Workspace& ws, const TokenVault& vault, const QboEndpoints& ep,
                                const OAuthClient& client, const std::string& expected_state,
                                std::string_view pasted_redirect_url, const Logger& log);

struct RetryPolicy {
  int max_attempts = 5;      // per request, for 429 / 5xx / transport failures
  long base_delay_ms = 1000; // doubled per attempt, with full jitter
  long max_delay_ms = 60'000;
  std::function<void(long ms)> sleep;  // default: std::this_thread::sleep_for
};

// An authorised QBO API session over the workspace's stored connection.
class QboSession {
 public:
  QboSession(Workspace& ws, TokenVault vault, QboEndpoints ep, const Logger& log, RetryPolicy retry = {});
  const std::string& realm_id() const { return conn_.realm_id; }
  // GET {api_base}/v3/company/{realm}/{path_and_query}: Bearer token, JSON,
  // one refresh + one retry on 401, backoff on 429/5xx honouring
  // Retry-After. Non-2xx after that throws (77 on auth, 75 on throttling, 69
  // on server errors). Returns the 2xx body.
  std::string get(const std::string& path_and_query);
  // The same for a create: POST a JSON body. Retried like a GET, so callers
  // pass QBO's `requestid` parameter to make a repeat return the first result.
  std::string post(const std::string& path_and_query, const std::string& json_body);
  // Refreshes now (serialised with BEGIN IMMEDIATE; skipped when another
  // process already replaced `stale_access_token`).
  void refresh(const std::string& stale_access_token);
  std::int64_t refreshes() const { return refreshes_; }

 private:
  std::string send(const std::string& method, const std::string& path_and_query, const std::string& body);
  Workspace& ws_;
  TokenVault vault_;
  QboEndpoints ep_;
  const Logger& log_;
  RetryPolicy retry_;
  Connection conn_;
  TokenSet tokens_;
  std::int64_t refreshes_ = 0;
};

// What a pull asks for (qbo_pull.h does the pulling).
struct QboPullOptions {
  std::vector<std::string> entities;  // empty: the default set
  int page_size = 1000;
  int cdc_object_limit = 1000;        // CDC's documented cap per response, across all types
};
std::vector<std::string> default_qbo_entities();
// `SELECT * FROM <entity> [WHERE Active IN (true,false)] STARTPOSITION n
// MAXRESULTS m`: name lists hide inactive records unless asked.
std::string qbo_query_for(const std::string& entity, std::int64_t start_position, int page_size);
}  // namespace bre::connect
