// UTF-8 sanitising and word wrapping (text_layout.h).
#include "bre/postmortem/text_layout.h"

namespace bre {

namespace {

// The code point starting at text[i] and its length, or nullopt-like {0, 0}
// when the bytes there are not a valid, shortest-form, non-surrogate sequence.
std::pair<char32_t, std::size_t> next_code_point(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07;
  else return {0, 0};
  if (i + len > text.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string sanitize_utf8(std::string_view text, const std::function<bool(char32_t)>& can_draw) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto [cp, len] = next_code_point(text, i);
    if (len == 0) {
      out += '?';
      ++i;
      continue;
    }
    i += len;
    if (cp == '\n') out += '\n';
    else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) out += ' ';
    else if (can_draw ? !can_draw(cp) : cp > 0xFFFF) out += '?';
    else append_utf8(out, cp);
  }
  return out;
}

std::vector<char32_t> decode_utf8(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto [cp, len] = next_code_point(text, i);
    out.push_back(len == 0 ? U'?' : cp);
    i += len == 0 ? 1 : len;
  }
  return out;
}

namespace {

// Appends `word` to `lines`/`line`, breaking it when it is wider than a
// whole line.
void place_word(const std::string& word, double max_width, const std::function<double(std::string_view)>& width,
                std::vector<std::string>& lines, std::string& line) {
  if (!line.empty()) {
    const std::string joined = line + ' ' + word;
    if (width(joined) <= max_width) {
      line = joined;
      return;
    }
    lines.push_back(line);
    line.clear();
  }
  if (width(word) <= max_width) {
    line = word;
    return;
  }
  // Too wide for any line: break it, after the last '_', '-', '/' or '.'
  // that fits when there is one (identifiers read better split there).
  for (char32_t cp : decode_utf8(word)) {
    std::string longer = line;
    append_utf8(longer, cp);
    while (!line.empty() && width(longer) > max_width) {
      const std::size_t cut = line.find_last_of("_-/.");
      if (cut == std::string::npos || cut == 0) {
        lines.push_back(line);
        line.clear();
      } else {
        lines.push_back(line.substr(0, cut + 1));
        line.erase(0, cut + 1);
      }
      longer = line;
      append_utf8(longer, cp);
    }
    line = std::move(longer);
  }
}

}  // namespace

std::vector<std::string> wrap_text(std::string_view text, double max_width,
                                   const std::function<double(std::string_view)>& width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    const std::string_view paragraph = text.substr(start, end == std::string_view::npos ? end : end - start);
    std::string line, word;
    for (char c : paragraph) {
      if (c == ' ') {
        if (!word.empty()) place_word(word, max_width, width, lines, line);
        word.clear();
      } else {
        word += c;
      }
    }
    if (!word.empty()) place_word(word, max_width, width, lines, line);
    lines.push_back(line);  // the paragraph's last line (empty for an empty paragraph)
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace bre
