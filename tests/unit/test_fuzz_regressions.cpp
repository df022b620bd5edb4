// Regressions for what the libFuzzer targets (tests/fuzz, scripts/fuzz) found.
// Each crashing input is also kept in tests/fuzz/corpus/<target>/regress_*.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bre/core/event_codec.h"
#include "bre/core/money.h"
#include "bre/ingest/input.h"
#include "test_support.h"

using namespace bre;

namespace {

const DecodeDefaults kFuzzDefaults{"USD", 1700000000000};

std::string valid_with(const std::string& extra) {
  return R"({"event_type":"order_placed","event_time":"2024-03-05T09:30:00Z","source":"shop",)"
         R"("source_entity_id":"o-1","entity_type":"order","entity_id":"o-1")" +
         extra + "}";
}

bool has_reason(const DecodeResult& r, const std::string& part) {
  for (const Problem& p : r.problems)
    if (p.reason.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

// fuzz_event_codec crash: simdjson types an atom by its first byte, so "null```"
// reached write_canonical as a null, and converting the failed is_null() result
// to bool threw simdjson_error out of canonical_json_object and decode.
TEST_CASE("fuzz regression: a broken null atom is malformed JSON, not an exception") {
  const std::string crash =
      "{\"a\":{\"b\":[1,2.50,-3e-2,\"\\u0000\\n\",{}]},\"c\":null``````````,\"d\":false}";
  std::string error;
  std::optional<std::string> canon;
  CHECK_NOTHROW(canon = canonical_json_object(crash, &error));
  CHECK_FALSE(canon);
  CHECK(error == "malformed JSON");
  for (const char* atom : {"nul", "nulll", "nope", "n"}) {
    CAPTURE(atom);
    CHECK_FALSE(canonical_json_object(std::string("{\"k\":") + atom + "}", &error));
    CHECK_FALSE(canonical_json_object(std::string("{\"k\":[1,") + atom + "]}", &error));
  }
  CHECK(canonical_json_object(R"({"k":null,"l":[null]})", &error) == std::optional<std::string>(R"({"k":null,"l":[null]})"));

  EventDecoder d;
  DecodeResult r;
  CHECK_NOTHROW(r = d.decode(valid_with(R"(,"attributes":{"c":null```})"), kFuzzDefaults));
  CHECK_FALSE(r.event);
  CHECK(has_reason(r, "malformed"));
}

// Found with the strict-JSON oracle while fixing the above: a top-level field
// whose value starts with 'n' was skipped as null without looking at the
// atom, so the decoder accepted records that are not JSON at all.
TEST_CASE("fuzz regression: the decoder refuses non-null atoms in nullable fields") {
  EventDecoder d;
  for (const char* field : {"event_id", "ingested_at", "amount", "currency", "related_entity_ids", "attributes"}) {
    for (const char* atom : {"nope", "nul", "nulll", "n"}) {
      CAPTURE(field);
      CAPTURE(atom);
      DecodeResult r = d.decode(valid_with(std::string(",\"") + field + "\":" + atom), kFuzzDefaults);
      CHECK_FALSE(r.event);
      CHECK(has_reason(r, "malformed"));
    }
    DecodeResult ok = d.decode(valid_with(std::string(",\"") + field + "\":null"), kFuzzDefaults);
    CHECK(ok.event);
  }
  DecodeResult spaced = d.decode(valid_with(R"(,"currency": null , "amount" :null)"), kFuzzDefaults);
  CHECK(spaced.event);
}

// fuzz_event_codec invariant: "-0.e-502" is exactly zero, but the precision
// check popped the zero mantissa empty and refused it as too precise, while
// "0.000" was accepted. Leading zeros are now dropped first; zero is exact.
TEST_CASE("fuzz regression: zero with a negative exponent is zero at any scale") {
  for (int digits : {0, 2, 3, 4}) {
    CAPTURE(digits);
    for (const char* zero : {"-0.e-502", "0e-5", "0.0e-9", "-0", "000.000", "0E-1000"}) {
      CAPTURE(zero);
      DecimalParse p = parse_decimal_minor(zero, digits);
      REQUIRE(p.minor);
      CHECK(*p.minor == 0);
    }
  }
  // Precision is still refused for non-zero values, and leading zeros do not count.
  CHECK_FALSE(parse_decimal_minor("0.001", 2).minor);
  CHECK_FALSE(parse_decimal_minor("1e-3", 2).minor);
  CHECK(parse_decimal_minor("00012.50", 2).minor == std::optional<std::int64_t>(1250));
  CHECK(parse_decimal_minor("1000e-3", 2).minor == std::optional<std::int64_t>(100));
  CHECK(parse_decimal_minor("0009223372036854775807", 0).minor == std::optional<std::int64_t>(INT64_MAX));
  CHECK_FALSE(parse_decimal_minor("9223372036854775808", 0).minor);

  EventDecoder d;
  DecodeResult r = d.decode(valid_with(R"(,"amount":0e-5,"currency":"USD")"), kFuzzDefaults);
  REQUIRE(r.event);
  CHECK(r.event->amount_minor == std::optional<std::int64_t>(0));
}

// fuzz_jsonl ran at ~20 inputs/s: every LineReader zero-filled a 1 MiB buffer.
// A regular file now gets a buffer of its size rounded up to 4 KiB; lines
// across and beyond that size must still come out whole.
TEST_CASE("fuzz regression: LineReader sized to a small file reads every line") {
  TempDir dir;
  // Lines of varied length (some longer than a whole 4 KiB page), LF and CRLF.
  std::string text;
  for (std::size_t n = 0; text.size() < 20000; ++n)
    text += std::string(n % 4 == 3 ? 5000 : 37 + n, static_cast<char>('a' + n % 26)) + (n % 2 ? "\r\n" : "\n");
  for (std::size_t size : {0u, 1u, 4095u, 4096u, 4097u, 8191u, 8192u, 12000u, 20000u}) {
    CAPTURE(size);
    const std::string data = text.substr(0, size);
    std::vector<std::string> expected;  // split on LF, one trailing CR dropped, no phantom last line
    for (std::size_t pos = 0; pos < data.size();) {
      std::size_t nl = data.find('\n', pos);
      std::string line = data.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      expected.push_back(line);
      pos = nl == std::string::npos ? data.size() : nl + 1;
    }
    const std::string path = dir.write("lines" + std::to_string(size) + ".jsonl", data);
    LineReader reader(path);
    CHECK(reader.size_hint() == size);
    std::string_view line;
    std::vector<std::string> got;
    while (reader.next(line)) got.emplace_back(line);
    CHECK(got == expected);
    CHECK(reader.line_number() == static_cast<std::int64_t>(expected.size()));
  }
}

// Property (c) in test_properties.cpp: format_minor writes INT64_MIN (its
// magnitude held unsigned), but parse_decimal_minor accumulated the magnitude
// in a signed int64 and refused "-9223372036854775808" as out of range.
TEST_CASE("property regression: INT64_MIN survives format_minor -> parse_decimal_minor") {
  for (int digits : {0, 2, 3, 4}) {
    CAPTURE(digits);
    const std::string text = format_minor(INT64_MIN, digits);
    DecimalParse p = parse_decimal_minor(text, digits);
    REQUIRE_MESSAGE(p.minor, p.error);
    CHECK(*p.minor == INT64_MIN);
    CHECK(parse_decimal_minor(format_minor(INT64_MAX, digits), digits).minor == std::optional<std::int64_t>(INT64_MAX));
  }
  CHECK(parse_decimal_minor("-9223372036854775808", 0).minor == std::optional<std::int64_t>(INT64_MIN));
  CHECK_FALSE(parse_decimal_minor("-9223372036854775809", 0).minor);
  CHECK_FALSE(parse_decimal_minor("9223372036854775808", 0).minor);
  CHECK_FALSE(parse_decimal_minor("+9223372036854775808", 0).minor);
}
