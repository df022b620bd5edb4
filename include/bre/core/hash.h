#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace bre {
// SHA-256 (OpenSSL) of data.
void sha256(std::string_view data, unsigned char (&digest)[32]);
// Appends the lower-case hex of count bytes.
void append_hex(std::string& out, const unsigned char* bytes, std::size_t count);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
}  // namespace bre
