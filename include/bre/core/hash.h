#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bre {
// SHA-256 (OpenSSL) of data.
void sha256(std::string_view data, unsigned char (&digest)[32]);
// Appends the lower-case hex of count bytes.
void append_hex(std::string& out, const unsigned char* bytes, std::size_t count);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);

// SHA-256 of data given in pieces: the digest of their concatenation, without
// holding it (over every event id of a 10^7-event log that string is 360 MB).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(std::string_view data);
  std::string hex();  // lower-case hex; ends the stream

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// A hash of a set of distinct strings that does not depend on their order and
// grows with them: the sum, word by word modulo 2^64, of each string's SHA-256
// read as four little-endian 64-bit words. Adding the strings of a set in any
// order, or resuming from the hex of a part of it, gives the same hex.
class SetHash {
 public:
  SetHash() = default;
  // nullopt unless `hex` is 64 lower-case hex digits (what hex() writes).
  static std::optional<SetHash> from_hex(std::string_view hex);
  void add(std::string_view item);
  std::string hex() const;

 private:
  std::uint64_t words_[4] = {0, 0, 0, 0};
};
}  // namespace bre
