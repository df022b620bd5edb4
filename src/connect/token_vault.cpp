// AES-256-GCM over OpenSSL EVP; key from the environment or a 0600 key file.
#include "bre/connect/token_vault.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"

namespace bre::connect {

namespace {

constexpr std::size_t kNonce = 12, kTag = 16;

std::optional<Key> parse_hex(std::string_view s) {
  if (s.size() != 64) return std::nullopt;
  Key k{};
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nib(s[2 * i]), lo = nib(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    k[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return k;
}

std::optional<Key> parse_b64(std::string_view s) {
  // 32 bytes encode to 44 characters ending in a single '='.
  if (s.size() != 44 || s[43] != '=' || s[42] == '=') return std::nullopt;
  unsigned char out[48];
  const int n = EVP_DecodeBlock(out, reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n != 33) return std::nullopt;  // DecodeBlock keeps the padding byte
  Key k{};
  std::memcpy(k.data(), out, 32);
  return k;
}

std::string to_hex(const Key& k) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned char b : k) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

struct CipherCtx {
  EVP_CIPHER_CTX* p = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(p); }
};

[[noreturn]] void unreadable() {
  throw Error(ErrorKind::not_authorised, "TOKENS_UNREADABLE",
              "stored connection tokens cannot be decrypted (wrong key or tampered data); run 'bre connect quickbooks' "
              "again");
}

}  // namespace

std::optional<Key> parse_key(std::string_view text) {
  if (auto k = parse_hex(text)) return k;
  return parse_b64(text);
}

std::string key_file_path(const std::string& workspace_path) { return workspace_path + ".key"; }

Key load_or_create_key(const std::string& workspace_path) {
  if (const char* env = std::getenv("BRE_SECRET_KEY"); env && *env) {
    if (auto k = parse_key(trim(env))) return *k;
    throw Error(ErrorKind::usage, "BAD_SECRET_KEY", "BRE_SECRET_KEY must be 64 hex characters or base64 of 32 bytes");
  }
  const std::string path = key_file_path(workspace_path);
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    Key k{};
    if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) throw_internal("no randomness for a new key");
    int wfd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (wfd >= 0) {
      ::fchmod(wfd, 0600);  // whatever the umask
      const std::string text = to_hex(k) + "\n";
      const bool ok = ::write(wfd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
      const bool synced = ::fsync(wfd) == 0;
      ::close(wfd);
      if (!ok || !synced) {
        ::unlink(path.c_str());
        throw_io("cannot write the key file", path);
      }
      return k;
    }
    if (errno != EEXIST) throw Error(ErrorKind::cant_create, "KEY_FILE", "cannot create the key file", path);
    fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);  // lost a race: read the winner's
  }
  if (fd < 0) throw_io(fmt::format("cannot open the key file: {}", std::strerror(errno)), path);
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw_io("the key file is not a regular file", path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    throw Error(ErrorKind::not_authorised, "KEY_FILE_PERMISSIONS",
                fmt::format("key file is accessible by other users (mode {:o}); run 'chmod 600' on it",
                            st.st_mode & 0777),
                path);
  }
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) throw_io("cannot read the key file", path);
  if (auto k = parse_key(trim(std::string(buf, static_cast<std::size_t>(n))))) return *k;
  throw Error(ErrorKind::data_invalid, "BAD_KEY_FILE", "the key file does not hold a 32-byte key", path);
}

std::string TokenVault::seal(std::string_view plaintext, std::string_view aad) const {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(o, kNonce) != 1) throw_internal("no randomness for a nonce");
  CipherCtx ctx;
  int len = 0;
  if (!ctx.p || EVP_EncryptInit_ex(ctx.p, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.p, EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.p, nullptr, nullptr, key_.data(), o) != 1)
    throw_internal("AES-GCM setup failed");
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.p, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1)
    throw_internal("AES-GCM failed");
  if (EVP_EncryptUpdate(ctx.p, o + kNonce, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.p, o + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.p, EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce + plaintext.size()) != 1)
    throw_internal("AES-GCM failed");
  return out;
}

std::string TokenVault::open(std::string_view blob, std::string_view aad) const {
  if (blob.size() < kNonce + kTag) unreadable();
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  const std::size_t n = blob.size() - kNonce - kTag;
  std::string out(n, '\0');
  CipherCtx ctx;
  int len = 0;
  if (!ctx.p || EVP_DecryptInit_ex(ctx.p, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.p, EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.p, nullptr, nullptr, key_.data(), b) != 1)
    throw_internal("AES-GCM setup failed");
  if (!aad.empty() && EVP_DecryptUpdate(ctx.p, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                                        static_cast<int>(aad.size())) != 1)
    unreadable();
  if (EVP_DecryptUpdate(ctx.p, reinterpret_cast<unsigned char*>(out.data()), &len, b + kNonce,
                        static_cast<int>(n)) != 1)
    unreadable();
  std::array<unsigned char, kTag> tag{};
  std::memcpy(tag.data(), b + kNonce + n, kTag);
  if (EVP_CIPHER_CTX_ctrl(ctx.p, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1) unreadable();
  int fin = 0;
  if (EVP_DecryptFinal_ex(ctx.p, reinterpret_cast<unsigned char*>(out.data()) + len, &fin) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    unreadable();
  }
  return out;
}

std::string to_json(const TokenSet& t) {
  nlohmann::json j{{"access_token", t.access_token},
                   {"refresh_token", t.refresh_token},
                   {"access_expires_at", t.access_expires_at},
                   {"refresh_expires_at", t.refresh_expires_at},
                   {"client_secret", t.client_secret}};
  return j.dump();
}

TokenSet token_set_from_json(std::string_view json) {
  try {
    auto j = nlohmann::json::parse(json);
    TokenSet t;
    t.access_token = j.value("access_token", "");
    t.refresh_token = j.value("refresh_token", "");
    t.access_expires_at = j.value("access_expires_at", TimeMs{0});
    t.refresh_expires_at = j.value("refresh_expires_at", TimeMs{0});
    t.client_secret = j.value("client_secret", "");
    return t;
  } catch (const nlohmann::json::exception&) {
    unreadable();
  }
}

void save_connection(Database& db, const TokenVault& vault, const Connection& c, const TokenSet& tokens) {
  std::string plain = to_json(tokens);
  const std::string blob = vault.seal(plain, c.connection_id);
  OPENSSL_cleanse(plain.data(), plain.size());
  // One statement, so the row never exists without its tokens; the
  // ciphertext is bound as a real BLOB (Statement binds text only).
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.handle(),
                         "INSERT INTO connections(connection_id, provider, realm_id, status, encrypted_tokens, payload, "
                         "updated_at) VALUES(?,?,?,?,?,?,?) ON CONFLICT(connection_id) DO UPDATE SET "
                         "provider=excluded.provider, realm_id=excluded.realm_id, status=excluded.status, "
                         "encrypted_tokens=excluded.encrypted_tokens, payload=excluded.payload, "
                         "updated_at=excluded.updated_at",
                         -1, &raw, nullptr) != SQLITE_OK)
    throw_internal(sqlite3_errmsg(db.handle()));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(raw, sqlite3_finalize);
  auto text = [&](int i, const std::string& v) {
    sqlite3_bind_text(raw, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  text(1, c.connection_id);
  text(2, c.provider);
  text(3, c.realm_id);
  text(4, c.status);
  sqlite3_bind_blob(raw, 5, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  text(6, c.payload);
  sqlite3_bind_int64(raw, 7, c.updated_at ? c.updated_at : now_ms());
  if (sqlite3_step(raw) != SQLITE_DONE)
    throw Error(ErrorKind::io, "WORKSPACE_WRITE", fmt::format("cannot save the connection: {}",
                                                              sqlite3_errmsg(db.handle())), db.path());
}

std::optional<Connection> find_connection(Database& db, const std::string& provider) {
  Statement s = db.prepare(
      "SELECT connection_id, provider, coalesce(realm_id,''), status, payload, updated_at FROM connections "
      "WHERE provider=? ORDER BY updated_at DESC LIMIT 1");
  s.bind(1, provider);
  if (!s.step()) return std::nullopt;
  return Connection{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.int64(5)};
}

TokenSet load_tokens(Database& db, const TokenVault& vault, const std::string& connection_id) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.handle(), "SELECT encrypted_tokens FROM connections WHERE connection_id=?", -1, &raw,
                         nullptr) != SQLITE_OK)
    throw_internal(sqlite3_errmsg(db.handle()));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(raw, sqlite3_finalize);
  sqlite3_bind_text(raw, 1, connection_id.data(), static_cast<int>(connection_id.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(raw) != SQLITE_ROW || sqlite3_column_type(raw, 0) == SQLITE_NULL)
    throw Error(ErrorKind::not_authorised, "NOT_CONNECTED", "no stored tokens; run 'bre connect quickbooks' first");
  const auto* p = static_cast<const char*>(sqlite3_column_blob(raw, 0));
  const std::string blob(p, static_cast<std::size_t>(sqlite3_column_bytes(raw, 0)));
  std::string plain = vault.open(blob, connection_id);
  TokenSet t = token_set_from_json(plain);
  OPENSSL_cleanse(plain.data(), plain.size());
  return t;
}

void set_connection_status(Database& db, const std::string& connection_id, const std::string& status) {
  Statement s = db.prepare("UPDATE connections SET status=?, updated_at=? WHERE connection_id=?");
  s.bind(1, status).bind(2, now_ms()).bind(3, connection_id).run();
}

void delete_connection(Database& db, const std::string& connection_id) {
  Statement s = db.prepare("DELETE FROM connections WHERE connection_id=?");
  s.bind(1, connection_id).run();
}

}  // namespace bre::connect
