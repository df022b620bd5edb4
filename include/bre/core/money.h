// Money is decimal: parsed from text into integer minor units (cents for USD),
// never through binary floating point, so totals reconcile to the cent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bre {

// ISO 4217 minor-unit digits for an active currency code, or nullopt when the
// code is unknown.
std::optional<int> currency_minor_digits(std::string_view code);

struct DecimalParse {
  std::optional<std::int64_t> minor;  // set on success
  std::string error;                  // why the text was refused otherwise
};

// Accepts JSON number syntax and plain CSV decimals ("199.0", "1e3", "-0.5").
// Refuses precision the currency cannot hold (12.345 USD) and overflow.
DecimalParse parse_decimal_minor(std::string_view text, int minor_digits);

// "1234.50" for 123450 with 2 digits; "-0.05"; "12" with 0 digits.
std::string format_minor(std::int64_t minor, int minor_digits);

}  // namespace bre
