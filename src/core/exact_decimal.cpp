#include "bre/core/exact_decimal.h"

#include <limits>

namespace bre {

namespace {

__extension__ typedef __int128 Wide;  // GCC and Clang; -Wpedantic knows no 128-bit type

// 10^n for 0 <= n <= 38, the largest power of ten an __int128 holds.
Wide power_of_ten(int n) {
  Wide p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// The digits of a decimal (all of them, integer and fraction, leading zeros
// dropped) and the power of ten that scales them to the value.
struct DecimalDigits {
  bool negative = false;
  std::string digits;
  int scale = 0;  // value = digits / 10^scale; may be negative before normalising
};

ExactDecimalParse refuse(std::string why) { return {std::nullopt, std::move(why)}; }

ExactDecimalParse to_exact(DecimalDigits d) {
  d.digits.erase(0, std::min(d.digits.find_first_not_of('0'), d.digits.size()));
  if (d.digits.empty()) return {ExactDecimal{0, 0}, {}};
  while (d.scale < 0) {
    d.digits.push_back('0');
    ++d.scale;
  }
  while (d.scale > 0 && d.digits.back() == '0') {
    d.digits.pop_back();
    --d.scale;
  }
  if (d.scale > kMaxDecimalScale) return refuse("more than 18 decimal places");
  const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t v = 0;
  for (char c : d.digits) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (limit - digit) / 10) return refuse("out of range");
    v = v * 10 + digit;
  }
  const auto magnitude = static_cast<std::int64_t>(v);
  return {ExactDecimal{d.negative ? -magnitude : magnitude, d.scale}, {}};
}

}  // namespace

ExactDecimalParse parse_exact_decimal(std::string_view s) {
  DecimalDigits d;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.negative = s[i++] == '-';
  bool seen_digit = false, seen_point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      seen_digit = true;
      d.digits.push_back(s[i]);
      if (seen_point) ++d.scale;
    } else if (s[i] == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return refuse("not a decimal number");
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    const std::size_t start = i;
    int exponent = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (exponent > 1000) return refuse("out of range");
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == start) return refuse("not a decimal number");
    d.scale += exp_negative ? exponent : -exponent;
  }
  if (i != s.size()) return refuse("not a decimal number");
  if (d.scale < -40) return refuse("out of range");
  return to_exact(std::move(d));
}

ExactDecimalParse parse_rate(std::string_view s) {
  DecimalDigits d;
  bool seen_point = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      d.digits.push_back(c);
      if (seen_point) ++d.scale;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      return refuse("must be a plain decimal number such as 1.0835");
    }
  }
  if (d.digits.empty()) return refuse("must be a plain decimal number such as 1.0835");
  if (d.scale > kMaxRateFractionDigits) return refuse("at most 12 digits after the decimal point");
  ExactDecimalParse r = to_exact(std::move(d));
  if (r.value && r.value->mantissa == 0) return refuse("must be greater than zero");
  return r;
}

std::string format_exact_decimal(ExactDecimal d) {
  const bool negative = d.mantissa < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(d.mantissa) : static_cast<std::uint64_t>(d.mantissa);
  std::uint64_t unit = 1;  // 10^scale, scale <= 18
  for (int i = 0; i < d.scale; ++i) unit *= 10;
  std::string text = negative && magnitude != 0 ? "-" : "";
  text += std::to_string(magnitude / unit);
  if (const std::uint64_t fraction = magnitude % unit; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits = std::string(static_cast<std::size_t>(d.scale) - digits.size(), '0') + digits;
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text;
}

std::optional<std::int64_t> multiply_to_minor(ExactDecimal value, ExactDecimal rate, int to_digits) {
  // |mantissa| < 2^63 each, so the product is below 2^126: no overflow yet.
  Wide product = static_cast<Wide>(value.mantissa) * static_cast<Wide>(rate.mantissa);
  const int shift = to_digits - value.scale - rate.scale;
  if (shift >= 0) {
    for (int k = 0; k < shift; ++k)
      if (__builtin_mul_overflow(product, Wide{10}, &product)) return std::nullopt;
  } else {
    // -shift <= 36, and 10^36 < 2^120.
    const Wide divisor = power_of_ten(-shift);
    Wide quotient = product / divisor;  // truncated toward zero
    const Wide remainder = product % divisor;
    const Wide twice = (remainder < 0 ? -remainder : remainder) * 2;
    const bool round_away = twice > divisor || (twice == divisor && quotient % 2 != 0);
    if (round_away) quotient += product < 0 ? -1 : 1;
    product = quotient;
  }
  if (product > std::numeric_limits<std::int64_t>::max() || product < std::numeric_limits<std::int64_t>::min())
    return std::nullopt;
  return static_cast<std::int64_t>(product);
}

}  // namespace bre
