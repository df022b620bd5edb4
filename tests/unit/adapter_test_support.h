// Helpers for the supplemental-file adapter tests: read CSV the way the ingest
// driver does (the header picks encoding and table kind), run map(), and look
// at what came out.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bre/core/event_codec.h"
#include "bre/ingest/adapter.h"
#include "bre/ingest/csv.h"
#include "test_support.h"

namespace bre::adapter_test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A real data file under $BRE_SHARED_DATA (or ../shared/data); empty text when absent.
inline std::string shared_file(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(shared_data_dir()) / relative;
  if (!std::filesystem::exists(p)) return {};
  return read_file(p);
}

inline std::vector<SourceRecord> csv_records(const Adapter& adapter, std::string_view text, const std::string& file) {
  Problem problem;
  CsvRow header;
  CsvReader probe(text, file);
  REQUIRE(probe.next(header, &problem));
  CsvReader reader(text, file, adapter.encoding(header.fields));
  REQUIRE(reader.next(header, &problem));
  auto columns = std::make_shared<const std::vector<std::string>>(header.fields);
  const std::string kind = adapter.classify(header.fields);
  REQUIRE_MESSAGE(!kind.empty(), file);
  std::vector<SourceRecord> out;
  CsvRow row;
  while (reader.next(row, &problem)) {
    REQUIRE_MESSAGE(problem.reason.empty(), problem.to_string());
    REQUIRE(row.fields.size() == columns->size());
    out.push_back({file, row.line, kind, columns, row.fields});
  }
  return out;
}

struct Mapped {
  std::vector<MapContext::Emitted> events;
  std::vector<ReferenceEntity> entities;
  std::vector<MapContext::Rejection> rejections;

  std::size_t count(EventType t) const {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.event.event_type == t; }));
  }
  std::size_t count_flag(EventType t, const std::string& flag) const {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) {
      const auto& f = e.event.data_quality_flags;
      return e.event.event_type == t && std::find(f.begin(), f.end(), flag) != f.end();
    }));
  }
  std::size_t count_entities(const std::string& kind) const {
    return static_cast<std::size_t>(
        std::count_if(entities.begin(), entities.end(), [&](const auto& e) { return e.kind == kind; }));
  }
  // The one event of this type from this source entity, or nullptr.
  const CanonicalEvent* find(EventType t, const std::string& source_entity_id) const {
    for (const auto& e : events)
      if (e.event.event_type == t && e.event.source_entity_id == source_entity_id) return &e.event;
    return nullptr;
  }
  const ReferenceEntity* entity(const std::string& kind, const std::string& id) const {
    for (const auto& e : entities)
      if (e.kind == kind && e.entity_id == id) return &e;
    return nullptr;
  }
  bool has_flag(const CanonicalEvent& e, const std::string& flag) const {
    return std::find(e.data_quality_flags.begin(), e.data_quality_flags.end(), flag) != e.data_quality_flags.end();
  }
};

constexpr TimeMs kIngestedAt = 1'700'000'000'000;

inline Mapped run_map(const Adapter& adapter, const std::vector<SourceRecord>& records, AdapterOptions options = {}) {
  MapContext ctx(kIngestedAt, "USD");
  adapter.map(records, options, ctx);
  return {std::move(ctx.events()), std::move(ctx.entities()), std::move(ctx.rejections())};
}

// Every event passes the shared contract checks and ids are unique.
inline void check_contract(const Mapped& m) {
  std::set<std::string> ids;
  std::size_t invalid = 0;
  for (const auto& em : m.events) {
    auto problems = validate_event(em.event);
    if (!problems.empty() && invalid++ < 5) FAIL_CHECK(encode_event(em.event) << " : " << problems[0].to_string());
    ids.insert(em.event.event_id);
  }
  CHECK(invalid == 0);
  CHECK(ids.size() == m.events.size());
}

// The fields of a rejection, for compact checks: "line:field".
inline std::vector<std::string> rejection_fields(const Mapped& m, const std::vector<SourceRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : m.rejections) out.push_back(std::to_string(records[r.record_index].line) + ":" + r.field);
  return out;
}

}  // namespace bre::adapter_test
