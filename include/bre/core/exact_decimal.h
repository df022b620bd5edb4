// Exact decimals for currency conversion: an amount or a rate is an integer
// mantissa and a power-of-ten scale, and a conversion multiplies in 128-bit
// integers and rounds once, half to even. Binary floating point never sees
// money (cli.md §4a: "stored exactly").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bre {

// value = mantissa / 10^scale, 0 <= scale <= kMaxDecimalScale.
struct ExactDecimal {
  std::int64_t mantissa = 0;
  int scale = 0;

  bool operator==(const ExactDecimal&) const = default;
};
inline constexpr int kMaxDecimalScale = 18;
// A configured rate carries at most this many fractional digits.
inline constexpr int kMaxRateFractionDigits = 12;

struct ExactDecimalParse {
  std::optional<ExactDecimal> value;  // set on success, trailing fractional zeros dropped
  std::string error;                  // why the text was refused otherwise
};

// JSON number syntax ("12.50", "-3", "1e-2"). Refuses what an int64 mantissa
// at scale <= 18 cannot hold exactly.
ExactDecimalParse parse_exact_decimal(std::string_view text);

// A currency rate as typed by a person: plain positive decimal digits with an
// optional point ("1.0835", "150", "0.0067"), at most 12 fractional digits.
ExactDecimalParse parse_rate(std::string_view text);

// Plain decimal text without exponent or trailing fractional zeros: "1.0835",
// "-0.5", "150".
std::string format_exact_decimal(ExactDecimal d);

// value × rate in units of 10^-to_digits (0 <= to_digits <= 18), rounded half
// to even; nullopt when the result does not fit an int64.
std::optional<std::int64_t> multiply_to_minor(ExactDecimal value, ExactDecimal rate, int to_digits);

// Minor units of one currency into minor units of another at `rate` (home
// units per foreign unit): 1234 EUR cents at 1.0835 with 2 and 2 digits -> 1337.
inline std::optional<std::int64_t> convert_minor(std::int64_t minor, int from_digits, ExactDecimal rate,
                                                 int to_digits) {
  return multiply_to_minor({minor, from_digits}, rate, to_digits);
}

}  // namespace bre
