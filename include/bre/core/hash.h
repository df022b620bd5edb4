#pragma once
#include <string>
#include <string_view>

namespace bre {
// Lower-case hex SHA-256 (OpenSSL).
std::string sha256_hex(std::string_view data);
}  // namespace bre
