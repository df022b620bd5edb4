// Shared oracles for the fuzz targets: what must hold for every event the
// decoder accepts, and an independent reference for decimal amounts.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bre/core/event_codec.h"
#include "bre/core/money.h"

namespace bre_fuzz {

[[noreturn]] inline void fail(const char* target, const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "%s invariant violated: %s\n  %.*s\n", target, what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// Strict JSON per nlohmann (RFC 8259, UTF-8 checked, no lone surrogates): an
// independent judge of whether text the codec accepted is JSON at all.
inline bool strict_json(std::string_view text) { return nlohmann::json::accept(text); }

// An event the decoder accepted must be valid, encode canonically, and come
// back from its own encoding unchanged: decode(encode(e)) == e and
// encode(decode(encode(e))) == encode(e) byte for byte.
inline void check_accepted_event(const char* target, bre::EventDecoder& decoder, std::string_view input,
                                 const bre::CanonicalEvent& e, const bre::DecodeDefaults& defaults) {
  if (!strict_json(input)) fail(target, "decoder accepted text that is not strict JSON", input);
  if (!bre::validate_event(e).empty()) fail(target, "decoded event does not validate", input);
  const std::string first = bre::encode_event(e);
  if (!strict_json(first)) fail(target, "encode_event produced invalid JSON", first);
  bre::DecodeResult again = decoder.decode(first, defaults);
  if (!again.event) {
    std::string why = first;
    for (const bre::Problem& p : again.problems) why += "\n  " + p.field + ": " + p.reason;
    fail(target, "encoded event does not decode", why);
  }
  if (!(*again.event == e)) fail(target, "decode(encode(e)) != e", first);
  const std::string second = bre::encode_event(*again.event);
  if (second != first) fail(target, "encode(decode(encode(e))) differs from encode(e)", first + "\n  " + second);
  // The object-valued fields are already canonical.
  for (const std::string* obj : {&e.attributes, &e.related_entity_ids}) {
    std::string error;
    auto canon = bre::canonical_json_object(*obj, &error);
    if (!canon || *canon != *obj) fail(target, "stored object text is not canonical", *obj);
  }
}

// Reference decimal parser: value * 10^digits must be an integer in int64.
// Returns nullopt when the text is outside the grammar this reference covers
// (then the real parser is only required not to crash).
struct RefDecimal {
  bool in_grammar = false;
  std::optional<std::int64_t> minor;
};

inline RefDecimal reference_decimal(std::string_view s, int digits) {
  RefDecimal r;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::string mantissa;
  int frac = 0;
  bool point = false, any = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      mantissa.push_back(s[i]);
      any = true;
      if (point) ++frac;
    } else if (s[i] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return r;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 1000) return r;  // beyond the reference's range
    }
    if (i == start) return r;
    if (eneg) exponent = -exponent;
  }
  if (i != s.size()) return r;
  r.in_grammar = true;
  // Strip leading zeros; the value is mantissa * 10^shift minor units.
  std::size_t nz = mantissa.find_first_not_of('0');
  mantissa = nz == std::string::npos ? std::string() : mantissa.substr(nz);
  long shift = exponent - frac + digits;
  if (mantissa.empty()) {
    r.minor = 0;
    return r;
  }
  while (shift < 0) {
    if (mantissa.back() != '0') return r;  // precision the currency cannot hold
    mantissa.pop_back();
    ++shift;
  }
  if (static_cast<long>(mantissa.size()) + shift > 19) return r;  // > 9.99e18: out of range
  __int128 v = 0;
  for (char c : mantissa) v = v * 10 + (c - '0');
  for (long k = 0; k < shift; ++k) v *= 10;
  const __int128 limit = static_cast<__int128>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  if (v > limit) return r;  // INT64_MIN is in range, its magnitude is not
  r.minor = static_cast<std::int64_t>(negative ? -v : v);
  return r;
}

// parse_decimal_minor agrees with the reference, and accepted amounts survive
// format_minor -> parse_decimal_minor -> format_minor.
inline void check_decimal(const char* target, std::string_view text, int digits) {
  bre::DecimalParse p = bre::parse_decimal_minor(text, digits);
  if (p.minor.has_value() == !p.error.empty()) fail(target, "DecimalParse sets both or neither of minor and error", text);
  RefDecimal ref = reference_decimal(text, digits);
  if (ref.in_grammar && ref.minor != p.minor) fail(target, "parse_decimal_minor disagrees with the reference", text);
  if (!ref.in_grammar && p.minor) {
    // Only the exponent cap may differ; such text must still be decimal-shaped.
    if (text.find_first_not_of("+-.0123456789eE") != std::string_view::npos)
      fail(target, "parse_decimal_minor accepted non-decimal text", text);
  }
  if (!p.minor) return;
  const std::string formatted = bre::format_minor(*p.minor, digits);
  bre::DecimalParse back = bre::parse_decimal_minor(formatted, digits);
  if (back.minor != p.minor) fail(target, "format_minor output does not parse back to the same amount", formatted);
  if (bre::format_minor(*back.minor, digits) != formatted) fail(target, "format_minor is not canonical", formatted);
}

}  // namespace bre_fuzz
