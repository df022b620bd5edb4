#pragma once
#include <cstddef>
#include <memory>
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
}  // namespace bre
