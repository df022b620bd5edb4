// Writes of the ingest layers: batches, bronze records, canonical events,
// reference entities, rejects and quality reports. Callers hold the
// transaction; each writer prepares its statement once.
#pragma once
#include <cstdint>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bre/core/event.h"
#include "bre/ingest/adapter.h"
#include "bre/quality/quality.h"
#include "bre/store/workspace.h"

namespace bre {

struct BatchRecord {
  std::string batch_id;
  std::string source;
  std::vector<std::string> inputs;
  int mapping_version = 1;
  TimeMs started_at = 0;
  std::string kind = "ingest";
};

// "batch_20261126T224358Z_1a2b3c": sortable by time, unique by the random tail.
std::string new_batch_id(std::string_view prefix);

void insert_batch(Database& db, const BatchRecord& b);
void finish_batch(Database& db, const std::string& batch_id, const DataQualityReport& q, std::int64_t inserted,
                  std::int64_t duplicates);

class EventWriter {
 public:
  EventWriter(Database& db, std::string batch_id);
  // INSERT OR IGNORE: false when an event with this id is already stored.
  bool insert(const CanonicalEvent& e);
  // Appends the events in order, several rows per statement (one statement
  // step and one cursor for a group of rows instead of one each); returns
  // how many were stored. The same rows and rowids as insert() one by one.
  std::int64_t append(const std::vector<const CanonicalEvent*>& events);

  static constexpr std::size_t kRowsPerAppend = 16;

 private:
  void bind_row(Statement& s, int first_param, const CanonicalEvent& e, std::string& flags);

  Database& db_;
  Statement stmt_;
  std::optional<Statement> append_stmt_;  // prepared on first use
  std::string batch_id_;
  std::string flags_;
  std::vector<std::string> append_flags_;  // one per row of append_stmt_, alive until its step
};

class BronzeSupplementalWriter {
 public:
  BronzeSupplementalWriter(Database& db, std::string batch_id, std::string source);
  bool insert(const SourceRecord& r, TimeMs ingested_at);

 private:
  Database& db_;
  Statement stmt_;
  std::string batch_id_, source_;
};

void upsert_entities(Database& db, const std::vector<ReferenceEntity>& entities, const std::string& source,
                     TimeMs now);
void insert_reject(Database& db, const std::string& batch_id, const Problem& p, const std::string& raw_record);
void insert_quality_report(Database& db, const DataQualityReport& q, TimeMs now);

// Rows of the events table decoded back into canonical events.
CanonicalEvent read_event_row(const Statement& s);  // columns as in kEventColumns
extern const char* const kEventColumns;

std::int64_t count_live_events(Database& db);
std::int64_t count_events(Database& db);

// The last rowids of events and superseded_events. Both tables are
// append-only (their triggers refuse UPDATE and DELETE), so the same end
// means the same live events, and the rows after an earlier end are exactly
// what later batches added.
struct EventLogEnd {
  std::int64_t events = 0, superseded = 0;
  bool operator==(const EventLogEnd&) const = default;
};
EventLogEnd event_log_end(Database& db);

// Event id → event_time of the ids given that are stored. `remembered`
// (optional) is asked first and learns the rest: an event's time never
// changes, so what it holds never goes stale.
std::map<std::string, TimeMs> event_times(Database& db, const std::set<std::string>& ids,
                                          std::map<std::string, TimeMs>* remembered = nullptr);
// The times the last postmortems looked up (table event_time_memo), and keeping them.
std::map<std::string, TimeMs> load_event_time_memo(Database& db);
void save_event_time_memo(Database& db, const std::map<std::string, TimeMs>& times);
// The earliest event_time among the events stored after rowid `after`
// (nullopt: none were): how far back the batches since an earlier end reach.
std::optional<TimeMs> earliest_event_after(Database& db, std::int64_t after);

}  // namespace bre
