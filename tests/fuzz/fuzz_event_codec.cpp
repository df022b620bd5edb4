// The event codec and its helpers on arbitrary bytes:
//  - EventDecoder::decode with and without a default currency: an accepted
//    event is strict JSON, validates and round-trips byte for byte;
//  - canonical_json_object: accepted text is strict JSON, the output means
//    the same JSON (same keys in the same order, same values) and is a fixed
//    point (canonical(canonical(x)) == canonical(x));
//  - parse_decimal_minor agrees with an independent reference for every
//    minor-unit exponent in use, and accepted amounts survive format_minor.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bre/core/event_codec.h"
#include "bre/core/money.h"
#include "fuzz_support.h"

namespace {

constexpr const char* kTarget = "fuzz_event_codec";

void check_canonical_object(std::string_view input) {
  std::string error;
  auto canon = bre::canonical_json_object(input, &error);
  if (!canon) {
    if (error.empty()) bre_fuzz::fail(kTarget, "canonical_json_object refused without a reason", input);
    return;
  }
  if (!bre_fuzz::strict_json(input)) bre_fuzz::fail(kTarget, "canonical_json_object accepted invalid JSON", input);
  auto original = nlohmann::ordered_json::parse(input, nullptr, false);
  auto rewritten = nlohmann::ordered_json::parse(*canon, nullptr, false);
  if (rewritten.is_discarded()) bre_fuzz::fail(kTarget, "canonical output is not JSON", *canon);
  if (!original.is_discarded() && original != rewritten)
    bre_fuzz::fail(kTarget, "canonical output means something else", *canon);
  auto twice = bre::canonical_json_object(*canon, &error);
  if (!twice || *twice != *canon) bre_fuzz::fail(kTarget, "canonical form is not a fixed point", *canon);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);
  static bre::EventDecoder decoder;
  for (const char* currency : {"USD", ""}) {
    const bre::DecodeDefaults defaults{currency, 1709251200000};
    bre::DecodeResult r = decoder.decode(input, defaults);
    if (r.event.has_value() == !r.problems.empty()) bre_fuzz::fail(kTarget, "an event with problems, or neither", input);
    if (!r.event) continue;
    bre_fuzz::check_accepted_event(kTarget, decoder, input, *r.event, defaults);
    if (r.event->amount_minor) {
      const int digits = bre::currency_minor_digits(r.event->currency).value_or(-1);
      if (digits < 0) bre_fuzz::fail(kTarget, "accepted amount in an unknown currency", input);
      bre_fuzz::check_decimal(kTarget, bre::format_minor(*r.event->amount_minor, digits), digits);
    }
  }
  check_canonical_object(input);
  if (size <= 64)
    for (int digits : {0, 2, 3, 4}) bre_fuzz::check_decimal(kTarget, input, digits);
  return 0;
}
