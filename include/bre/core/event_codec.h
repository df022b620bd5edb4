// Strict JSON codec for canonical_v1 events. Decoding refuses unknown event
// and entity types, unknown fields, missing required fields, wrong JSON types,
// bad timestamps, impossible negative amounts and unknown currency codes,
// naming the field and the reason. Encoding is canonical: a fixed field order,
// minified, so encode(decode(encode(e))) == encode(e) byte for byte.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/error.h"
#include "bre/core/event.h"

namespace bre {

std::string encode_event(const CanonicalEvent& e);

struct DecodeDefaults {
  std::string currency;      // used when an amount comes without a currency
  TimeMs ingested_at = 0;    // used when the record has no ingested_at
};

struct DecodeResult {
  std::optional<CanonicalEvent> event;
  std::vector<Problem> problems;  // field + reason; file and line left to the caller
};

// Reuses its parser buffers across calls: keep one per thread on hot paths.
class EventDecoder {
 public:
  EventDecoder();
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;
  DecodeResult decode(std::string_view json, const DecodeDefaults& defaults);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The contract checks that every source shares: ids present, amount rules,
// currency known, required attributes of the event type present and typed.
std::vector<Problem> validate_event(const CanonicalEvent& e);

// Canonical form of a JSON object text: minified, key order kept, numbers as
// written. Refuses duplicate keys and nesting deeper than 32.
std::optional<std::string> canonical_json_object(std::string_view json, std::string* error);

}  // namespace bre
