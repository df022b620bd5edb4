#include <doctest/doctest.h>

#include "bre/core/money.h"
#include "bre/core/time.h"

using namespace bre;

TEST_CASE("money: decimals parse exactly into minor units") {
  CHECK(parse_decimal_minor("107.78", 2).minor == 10778);
  CHECK(parse_decimal_minor("199.0", 2).minor == 19900);
  CHECK(parse_decimal_minor("12.500", 2).minor == 1250);  // trailing zeros are not precision
  CHECK(parse_decimal_minor("0.1", 2).minor == 10);       // 0.1 has no exact double; exact here
  CHECK(parse_decimal_minor("1e3", 2).minor == 100000);
  CHECK(parse_decimal_minor("1.5E-1", 2).minor == 15);
  CHECK(parse_decimal_minor("-0.05", 2).minor == -5);
  CHECK(parse_decimal_minor("1000", 0).minor == 1000);
  CHECK(parse_decimal_minor("1.234", 3).minor == 1234);
}

TEST_CASE("money: refuses what cannot be represented") {
  CHECK_FALSE(parse_decimal_minor("12.345", 2).minor);
  CHECK(parse_decimal_minor("12.345", 2).error == "more decimal places than the currency allows");
  CHECK_FALSE(parse_decimal_minor("abc", 2).minor);
  CHECK_FALSE(parse_decimal_minor("", 2).minor);
  CHECK_FALSE(parse_decimal_minor("1.2.3", 2).minor);
  CHECK_FALSE(parse_decimal_minor("1e", 2).minor);
  CHECK_FALSE(parse_decimal_minor("99999999999999999999", 2).minor);
  CHECK(parse_decimal_minor("92233720368547758.07", 2).minor == INT64_MAX);
  CHECK_FALSE(parse_decimal_minor("92233720368547758.08", 2).minor);
}

TEST_CASE("money: summing a thousand 0.10 payments reconciles to the cent") {
  std::int64_t total = 0;
  for (int i = 0; i < 1000; ++i) total += *parse_decimal_minor("0.10", 2).minor;
  CHECK(total == 10000);
  CHECK(format_minor(total, 2) == "100.00");
}

TEST_CASE("money: formatting") {
  CHECK(format_minor(10778, 2) == "107.78");
  CHECK(format_minor(5, 2) == "0.05");
  CHECK(format_minor(-5, 2) == "-0.05");
  CHECK(format_minor(0, 2) == "0.00");
  CHECK(format_minor(1000, 0) == "1000");
  CHECK(format_minor(INT64_MIN, 2) == "-92233720368547758.08");
}

TEST_CASE("money: ISO 4217 codes and their minor units") {
  CHECK(currency_minor_digits("USD") == 2);
  CHECK(currency_minor_digits("BRL") == 2);
  CHECK(currency_minor_digits("JPY") == 0);
  CHECK(currency_minor_digits("KWD") == 3);
  CHECK_FALSE(currency_minor_digits("usd"));
  CHECK_FALSE(currency_minor_digits("XYZ"));
  CHECK_FALSE(currency_minor_digits(""));
}

TEST_CASE("time: civil dates round trip and known epochs") {
  CHECK(days_from_civil({1970, 1, 1}) == 0);
  CHECK(days_from_civil({2000, 3, 1}) == 11017);
  CHECK(days_from_civil({1969, 12, 31}) == -1);
  for (std::int64_t d = -800000; d < 800000; d += 997) CHECK(days_from_civil(civil_from_days(d)) == d);
  CHECK(valid_civil(2024, 2, 29));
  CHECK_FALSE(valid_civil(2023, 2, 29));
  CHECK_FALSE(valid_civil(1900, 2, 29));
  CHECK(valid_civil(2000, 2, 29));
  CHECK_FALSE(valid_civil(2024, 13, 1));
}

TEST_CASE("time: strict ISO-8601 parsing") {
  CHECK(parse_iso8601("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601("2024-03-01T09:30:00Z") == 1709285400000);
  CHECK(parse_iso8601("2024-03-01T09:30:00.250Z") == 1709285400250);
  CHECK(parse_iso8601("2024-03-01T10:30:00+01:00") == 1709285400000);
  CHECK(parse_iso8601("2024-03-01T04:30:00-05:00") == 1709285400000);
  CHECK(parse_iso8601("2024-03-01T09:30:00.123456789Z") == 1709285400123);
  CHECK_FALSE(parse_iso8601("2024-03-01T09:30:00"));   // no zone: ambiguous
  CHECK_FALSE(parse_iso8601("2024-02-30T09:30:00Z"));  // no such day
  CHECK_FALSE(parse_iso8601("2024-03-01 09:30:00Z"));
  CHECK_FALSE(parse_iso8601("2024-03-01T24:00:00Z"));
  CHECK_FALSE(parse_iso8601("2024-03-01T09:30:00Zjunk"));
  CHECK_FALSE(parse_iso8601(""));
  CHECK(parse_date("2024-03-01") == 1709251200000);
  CHECK_FALSE(parse_date("2024-3-1"));
}

TEST_CASE("time: canonical formatting") {
  CHECK(format_iso8601(1709285400000) == "2024-03-01T09:30:00Z");
  CHECK(format_iso8601(1709285400250) == "2024-03-01T09:30:00.250Z");
  CHECK(format_iso8601(-1000) == "1969-12-31T23:59:59Z");
  CHECK(format_date(1709285400000) == "2024-03-01");
  CHECK(format_date(-1) == "1969-12-31");
}
