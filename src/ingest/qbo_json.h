// A small read-only JSON tree for QBO objects. Numbers keep their raw token
// text ("410.0", "18.75") so money is parsed as a decimal, never via double.
// Private to src/ingest.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/time.h"

namespace bre::qbo {

struct JNode {
  enum class Kind : std::uint8_t { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  std::string text;               // unescaped string, raw number token, "true"/"false"
  std::vector<std::string> keys;  // object: keys[i] names items[i]
  std::vector<JNode> items;       // array elements or object values

  bool is_object() const { return kind == Kind::object; }
  bool is_array() const { return kind == Kind::array; }
  // The member named key (first one), or nullptr; nullptr-safe via at().
  const JNode* get(std::string_view key) const;
};

// Follows a path of member names; nullptr when any step is missing.
const JNode* at(const JNode* n, std::initializer_list<std::string_view> path);
// String or number text at the path; empty when absent or of another kind.
std::string_view text_at(const JNode* n, std::initializer_list<std::string_view> path);

// Parses one JSON document; nullopt with *error set when malformed.
std::optional<JNode> parse_tree(std::string_view json, std::string* error);

// "YYYY-MM-DD" or an ISO-8601 timestamp with offset; nullopt otherwise.
std::optional<TimeMs> parse_qbo_time(std::string_view text);

}  // namespace bre::qbo
