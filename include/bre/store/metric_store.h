// Gold metric rows in the workspace: reading the live events the state
// builder needs, and writing and reading metrics_daily / metrics_weekly.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/state/daily_metrics.h"
#include "bre/state/state_accumulator.h"
#include "bre/store/event_store.h"
#include "bre/store/sqlite.h"

namespace bre {

// Every live event, reduced to what the metrics read (on its local date in
// `clock`'s zone), streamed into a StateAccumulator: never all held at once.
StateAccumulator accumulate_live_events(Database& db, int currency_digits, const BusinessTime& clock);
// Folds the events appended after `seen` into acc, which holds every live
// event up to `seen`; nothing may have been superseded since.
void accumulate_events_after(Database& db, StateAccumulator& acc, const EventLogEnd& seen, int currency_digits,
                             const BusinessTime& clock);

// The accumulator build-state keeps between builds (table state_snapshot):
// saved with the event log's end it covers and the `config` it was counted
// under. Loaded when the config matches and it covers the same superseded
// events and no more events than `upto`; the caller then folds in the
// events after the returned snapshot's end (it may lag behind the last
// build: build-state stores it again only once enough events piled up).
struct StateSnapshot {
  StateAccumulator totals;
  EventLogEnd end;
};
void save_state_snapshot(Database& db, const StateAccumulator& acc, const EventLogEnd& end, const std::string& config);
std::optional<StateSnapshot> load_state_snapshot(Database& db, const EventLogEnd& upto, const std::string& config);

// Detection's memo (detect/score_memo.h) as bytes; empty when there is none.
std::string load_score_memo(Database& db);
void save_score_memo(Database& db, std::string_view bytes);

// Replace the daily rows from `from_day` on, and the weekly rows from its
// week on (a week's rollup reads only its own days); all of them when
// nullopt. In the caller's transaction. Return the rows written.
std::int64_t write_daily_metrics(Database& db, const DailyMetrics& m, std::optional<DayNumber> from_day,
                                 const StateWindows& w, const std::string& run_id);
std::int64_t write_weekly_metrics(Database& db, const DailyMetrics& m, std::optional<DayNumber> from_day,
                                  const std::string& run_id);

struct MetricRow {
  std::string metric;
  std::string day;
  std::optional<double> value;
  int schema_version = 0;
  std::string evidence;  // JSON: {"event_types":[...],"from":"YYYY-MM-DD","to":"YYYY-MM-DD"}
};
std::vector<MetricRow> read_metric_history(Database& db, const std::string& metric, const std::string& from_day,
                                           const std::string& to_day);
// Every metric on the latest day that has rows.
std::vector<MetricRow> read_current_metrics(Database& db);

// Every daily row back as a DailyMetrics (days without rows stay null).
DailyMetrics read_daily_metrics(Database& db);

}  // namespace bre
