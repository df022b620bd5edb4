// The token vault: OAuth tokens (and the client secret that refreshes them)
// are kept only as AES-256-GCM ciphertext in connections.encrypted_tokens.
// The key comes from $BRE_SECRET_KEY (64 hex characters or base64 of 32
// bytes), else from a 0600 key file `<workspace>.key` created beside the
// workspace. Nothing here logs or puts a token into an error message.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bre/core/time.h"
#include "bre/store/workspace.h"

namespace bre::connect {

using Key = std::array<unsigned char, 32>;

// Parses 64 hex characters or base64 of exactly 32 bytes; nullopt otherwise.
std::optional<Key> parse_key(std::string_view text);
// $BRE_SECRET_KEY when set (a malformed value is a usage error), else the key
// file beside the workspace, created with mode 0600 when absent. A key file
// readable or writable by group or others is refused (not_authorised).
Key load_or_create_key(const std::string& workspace_path);
std::string key_file_path(const std::string& workspace_path);

class TokenVault {
 public:
  explicit TokenVault(const Key& key) : key_(key) {}
  static TokenVault for_workspace(const std::string& workspace_path) {
    return TokenVault(load_or_create_key(workspace_path));
  }
  // nonce (12 bytes) || ciphertext || tag (16 bytes). `aad` binds the blob to its row.
  std::string seal(std::string_view plaintext, std::string_view aad = {}) const;
  // Throws Error(not_authorised, TOKENS_UNREADABLE) on a wrong key or any tampering.
  std::string open(std::string_view blob, std::string_view aad = {}) const;

 private:
  Key key_;
};

// What the vault protects. Never logged, never printed.
struct TokenSet {
  std::string access_token;
  std::string refresh_token;
  TimeMs access_expires_at = 0;
  TimeMs refresh_expires_at = 0;
  std::string client_secret;  // kept with the tokens: refreshing needs it
};
std::string to_json(const TokenSet& t);
TokenSet token_set_from_json(std::string_view json);

// One row of `connections`; `payload` is non-secret JSON (client id, redirect
// URI, expiry times) that `bre connect status` may show.
struct Connection {
  std::string connection_id;
  std::string provider;
  std::string realm_id;
  std::string status;  // connected | stale | disconnected
  std::string payload = "{}";
  TimeMs updated_at = 0;
};

// Inserts or replaces the row with freshly sealed tokens. Runs inside the
// caller's transaction when there is one (refresh rotation must be atomic).
void save_connection(Database& db, const TokenVault& vault, const Connection& c, const TokenSet& tokens);
std::optional<Connection> find_connection(Database& db, const std::string& provider);
// Decrypts the stored tokens of a connection; throws not_authorised when absent.
TokenSet load_tokens(Database& db, const TokenVault& vault, const std::string& connection_id);
void set_connection_status(Database& db, const std::string& connection_id, const std::string& status);
void delete_connection(Database& db, const std::string& connection_id);

}  // namespace bre::connect
