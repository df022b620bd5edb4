// Text for fixed-width boxes: making arbitrary bytes safe to draw, and
// wrapping on word boundaries so that nothing is ever cut off. Pure; the
// width of a piece of text comes from the caller (the PDF font's metrics,
// or an estimate), so the same code wraps for every backend.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bre {

// Valid UTF-8 out, whatever comes in: each byte of an invalid or truncated
// sequence, each surrogate and each code point the font cannot draw
// (`can_draw` false; default: everything in the Basic Multilingual Plane)
// becomes '?'; tabs and other control characters become a space; '\n' stays.
std::string sanitize_utf8(std::string_view text, const std::function<bool(char32_t)>& can_draw = {});

// The code points of valid UTF-8 (sanitize_utf8 first).
std::vector<char32_t> decode_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t cp);

// Lines no wider than max_width: words are kept whole when they fit a line;
// a word wider than a line is broken after its last '_', '-', '/' or '.'
// that fits, else between code points (at least one per line, so it always
// ends). '\n' starts a new line; runs of spaces collapse.
// Empty text gives one empty line.
std::vector<std::string> wrap_text(std::string_view text, double max_width,
                                   const std::function<double(std::string_view)>& width);

}  // namespace bre
