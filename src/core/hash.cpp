#include "bre/core/hash.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace bre {

// OpenSSL 3's one-shot SHA256() fetches the algorithm and allocates a context
// on every call, which costs more than hashing a short key. Event ids hash
// one short key per event, so the algorithm is fetched once and each thread
// keeps one context.
struct Sha256Context {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

namespace {
[[noreturn]] void sha256_unavailable() { throw std::runtime_error("SHA-256 is unavailable in this OpenSSL"); }
}  // namespace

struct Sha256Stream::Context : Sha256Context {};

Sha256Stream::Sha256Stream() : context_(std::make_unique<Context>()) {
  if (!context_->md || !context_->ctx || EVP_DigestInit_ex(context_->ctx.get(), context_->md.get(), nullptr) != 1)
    sha256_unavailable();
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::string_view data) {
  if (EVP_DigestUpdate(context_->ctx.get(), data.data(), data.size()) != 1) sha256_unavailable();
}

std::string Sha256Stream::hex() {
  unsigned char digest[32];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx.get(), digest, &length) != 1 || length != 32) sha256_unavailable();
  std::string out;
  out.reserve(64);
  append_hex(out, digest, 32);
  return out;
}

void sha256(std::string_view data, unsigned char (&digest)[32]) {
  thread_local Sha256Context c;
  unsigned int length = 0;
  if (!c.md || !c.ctx || EVP_DigestInit_ex(c.ctx.get(), c.md.get(), nullptr) != 1 ||
      EVP_DigestUpdate(c.ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(c.ctx.get(), digest, &length) != 1 || length != 32)
    sha256_unavailable();
}

void append_hex(std::string& out, const unsigned char* bytes, std::size_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[32];
  sha256(data, digest);
  std::string out;
  out.reserve(64);
  append_hex(out, digest, 32);
  return out;
}

void SetHash::add(std::string_view item) {
  unsigned char digest[32];
  sha256(item, digest);
  for (int w = 0; w < 4; ++w) {
    std::uint64_t word = 0;
    for (int b = 7; b >= 0; --b) word = (word << 8) | digest[w * 8 + b];
    words_[w] += word;
  }
}

std::string SetHash::hex() const {
  unsigned char bytes[32];
  for (int w = 0; w < 4; ++w)
    for (int b = 0; b < 8; ++b) bytes[w * 8 + b] = static_cast<unsigned char>(words_[w] >> (8 * b));
  std::string out;
  append_hex(out, bytes, 32);
  return out;
}

std::optional<SetHash> SetHash::from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  SetHash h;
  for (std::size_t i = 0; i < 64; ++i) {
    const char c = hex[i];
    const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return std::nullopt;
    const std::size_t byte = i / 2, word = byte / 8, shift = 8 * (byte % 8) + (i % 2 == 0 ? 4 : 0);
    h.words_[word] |= static_cast<std::uint64_t>(v) << shift;
  }
  return h;
}

}  // namespace bre
