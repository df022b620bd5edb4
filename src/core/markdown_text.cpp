#include "bre/core/markdown_text.h"

#include <algorithm>

namespace bre {

namespace {

// ASCII only: next to other bytes (a Unicode punctuation mark may be one) an
// underscore is escaped, which is always safe.
bool alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Where a line beginning with `s` would open a block (heading, block quote,
// bullet or ordered list item, thematic break), the offset of the character
// to escape: the marker, or the '.'/')' after an ordered list's number.
std::size_t block_marker(std::string_view s) {
  if (s.empty()) return std::string_view::npos;
  if (s[0] == '#' || s[0] == '>' || s[0] == '-' || s[0] == '+') return 0;
  std::size_t i = 0;
  while (i < s.size() && i < 9 && s[i] >= '0' && s[i] <= '9') ++i;
  if (i > 0 && i < s.size() && (s[i] == '.' || s[i] == ')') && (i + 1 == s.size() || s[i + 1] == ' ')) return i;
  return std::string_view::npos;
}

}  // namespace

std::string markdown_text(std::string_view text) {
  std::string one_line(text);
  std::replace_if(one_line.begin(), one_line.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  // Leading spaces would make an indented code block at a paragraph's start.
  const std::string_view s = std::string_view(one_line).substr(std::min(one_line.find_first_not_of(' '), one_line.size()));
  const std::size_t marker = block_marker(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    bool escape = i == marker;
    switch (c) {
      case '\\': case '`': case '*': case '[': case ']': case '<': case '|': case '~':
        escape = true;
        break;
      case '_':
        escape = i == 0 || i + 1 == s.size() || !alnum(s[i - 1]) || !alnum(s[i + 1]);
        break;
      case '&':
        escape = i + 1 < s.size() && (s[i + 1] == '#' || alnum(s[i + 1]));
        break;
      default: break;
    }
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_lines(std::string_view text) {
  std::string out;
  for (std::size_t at = 0;;) {
    const std::size_t end = text.find('\n', at);
    out += markdown_text(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos) return out;
    out += '\n';
    at = end + 1;
  }
}

std::string markdown_code(std::string_view text) {
  std::string one_line(text);
  std::replace_if(one_line.begin(), one_line.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  std::size_t longest = 0, run = 0;
  for (char c : one_line) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
  const std::string fence(longest + 1, '`');
  const bool pad = !one_line.empty() && (one_line.front() == '`' || one_line.back() == '`');
  return fence + (pad ? " " : "") + one_line + (pad ? " " : "") + fence;
}

}  // namespace bre
