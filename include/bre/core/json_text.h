// Small helpers for writing canonical JSON text by hand on hot paths, where
// building a DOM per record would cost more than the record itself.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bre {

// Appends s as a JSON string literal (quotes included). Invalid UTF-8 bytes
// are replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);
bool valid_utf8(std::string_view s);

// Builds one JSON object in insertion order, minified: the canonical form of
// attributes and related_entity_ids.
class JsonObjectWriter {
 public:
  JsonObjectWriter& string(std::string_view key, std::string_view value);
  JsonObjectWriter& integer(std::string_view key, std::int64_t value);
  // Shortest text that reads back as the same double; non-finite becomes null.
  JsonObjectWriter& number(std::string_view key, double value);
  JsonObjectWriter& boolean(std::string_view key, bool value);
  JsonObjectWriter& null(std::string_view key);
  // value must already be valid canonical JSON text.
  JsonObjectWriter& raw(std::string_view key, std::string_view json_value);
  bool empty() const { return body_.empty(); }
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(std::string_view k);
  std::string body_;
};

std::string json_number(double value);
// [element(items[0]),...]: a JSON array of the texts `element` makes.
template <class T, class F>
std::string json_array_of(const std::vector<T>& items, F&& element) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + element(items[i]);
  return out + "]";
}
// ["a","b"]: the strings as a JSON array literal.
std::string json_string_array(const std::vector<std::string>& items);

}  // namespace bre
