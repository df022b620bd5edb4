#include "bre/core/money.h"

#include <algorithm>
#include <array>
#include <limits>

namespace bre {

namespace {

struct CurrencyInfo {
  const char* code;
  int digits;
};

// Active ISO 4217 codes (list 1), with their minor-unit exponent.
constexpr std::array kCurrencies = std::to_array<CurrencyInfo>({
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2},
    {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2},
    {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2},
    {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2},
    {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2},
    {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
    {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2},
    {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3},
    {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2},
    {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2},
    {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2},
    {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
});

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

}  // namespace

std::optional<int> currency_minor_digits(std::string_view code) {
  auto it = std::lower_bound(kCurrencies.begin(), kCurrencies.end(), code,
                             [](const CurrencyInfo& c, std::string_view k) { return std::string_view(c.code) < k; });
  if (it == kCurrencies.end() || std::string_view(it->code) != code) return std::nullopt;
  return it->digits;
}

DecimalParse parse_decimal_minor(std::string_view s, int minor_digits) {
  DecimalParse out;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string mantissa;  // all significant digits, integer and fraction
  int frac_digits = 0;
  bool seen_digit = false, seen_point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      mantissa.push_back(c);
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) {
    out.error = "not a decimal number";
    return out;
  }
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_neg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_neg = s[i++] == '-';
    std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (exponent > 1000) break;
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == start) {
      out.error = "not a decimal number";
      return out;
    }
    if (exp_neg) exponent = -exponent;
  }
  if (i != s.size()) {
    out.error = "not a decimal number";
    return out;
  }
  // value = mantissa * 10^(exponent - frac_digits); we want value * 10^minor_digits.
  // Leading zeros carry no value: without them a zero mantissa is empty, and
  // zero is exact at any scale ("0e-5" is 0, not too precise).
  mantissa.erase(0, std::min(mantissa.find_first_not_of('0'), mantissa.size()));
  if (mantissa.empty()) {
    out.minor = 0;
    return out;
  }
  int shift = exponent - frac_digits + minor_digits;
  while (shift < 0) {
    if (mantissa.empty() || mantissa.back() != '0') {
      out.error = "more decimal places than the currency allows";
      return out;
    }
    mantissa.pop_back();
    ++shift;
  }
  // Accumulate the magnitude unsigned: a negative amount may reach INT64_MIN,
  // whose magnitude is one more than INT64_MAX (format_minor writes it).
  const std::uint64_t limit = static_cast<std::uint64_t>(kMax) + (negative ? 1 : 0);
  std::uint64_t v = 0;
  auto push = [&](int digit) {
    if (v > (limit - static_cast<std::uint64_t>(digit)) / 10) return false;
    v = v * 10 + static_cast<std::uint64_t>(digit);
    return true;
  };
  for (char c : mantissa)
    if (!push(c - '0')) {
      out.error = "amount out of range";
      return out;
    }
  for (int k = 0; k < shift; ++k)
    if (!push(0)) {
      out.error = "amount out of range";
      return out;
    }
  out.minor = static_cast<std::int64_t>(negative ? 0 - v : v);  // modular in C++20: 2^63 -> INT64_MIN
  return out;
}

std::string format_minor(std::int64_t minor, int minor_digits) {
  const bool negative = minor < 0;
  // Work in unsigned so INT64_MIN has a magnitude.
  std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(mag);
  if (minor_digits > 0) {
    if (digits.size() <= static_cast<std::size_t>(minor_digits))
      digits.insert(0, static_cast<std::size_t>(minor_digits) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(minor_digits), ".");
  }
  return negative ? "-" + digits : digits;
}

}  // namespace bre
