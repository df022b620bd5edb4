// Small pieces the supplemental-file adapters share: header matching, stable
// ids, lenient numbers and event scaffolding. Private to src/ingest.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bre/core/event.h"
#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "bre/ingest/adapter.h"

namespace bre::adapter_support {

std::string_view trim(std::string_view s);

// True when every name is a column of the header (order and extra columns do not matter).
bool has_columns(const std::vector<std::string>& header, std::initializer_list<std::string_view> names);

// Lower-case ASCII letters and digits, every other run turned into one '-'.
// Names that differ only in case or punctuation share a slug on purpose: they
// are the same party spelled twice. Text without any ASCII alphanumeric gets a
// hash instead, so the slug is never empty.
std::string slug(std::string_view text);
// First 16 hex digits of SHA-256: an id that reveals nothing about its input.
std::string short_hash(std::string_view text);
std::uint64_t hash_u64(std::string_view text);

// An integer that pandas may have written as a float ("725.0"). Refuses a
// fraction that is not zero.
std::optional<std::int64_t> parse_integral(std::string_view text);

// Money whose source went through binary floating point ("317.9200134"):
// parsed as a decimal with up to 7 digits beyond the currency's, then rounded
// half-to-even to minor units in integer arithmetic.
DecimalParse parse_money_rounded(std::string_view text, int minor_digits);

// A JSON array of strings, for related_entity_ids lists (core/json_text.h).
using bre::json_string_array;

void add_flag(std::vector<std::string>& flags, std::string flag);

// An event with its id, source, entity and time set; the id is derived from
// (source, source_entity_id, type, mapping version, discriminator).
CanonicalEvent make_event(const Adapter& adapter, EventType type, std::string_view source_entity_id,
                          EntityType entity_type, std::string entity_id, TimeMs event_time,
                          std::string_view discriminator = {});

// Remembers which record first used an id, so a repeat can be rejected with a
// pointer to the first one.
class FirstSeen {
 public:
  // nullopt when the id is new; otherwise the line of the record that had it first.
  std::optional<std::int64_t> repeat_of(const std::string& id, std::int64_t line);

 private:
  std::unordered_map<std::string, std::int64_t> lines_;
};

// Emits each reference entity once per batch.
class EntitySink {
 public:
  explicit EntitySink(MapContext& ctx) : ctx_(ctx) {}
  void add(ReferenceEntity e);

 private:
  MapContext& ctx_;
  std::unordered_set<std::string> seen_;
};

}  // namespace bre::adapter_support
