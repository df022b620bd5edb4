#include "bre/state/build_state.h"

#include <fmt/format.h>

#include "bre/core/money.h"
#include "bre/store/event_store.h"
#include "bre/store/metric_store.h"

namespace bre {

namespace {

constexpr const char* kBuiltThroughBatch = "state_built_through_batch_rowid";
// The last events and superseded_events rowids the build saw. Both tables are
// append-only (their triggers refuse UPDATE and DELETE), so rows after these
// are exactly what later batches added: a range scan on the rowid, where a
// join of every event with its batch (events.batch_id has no index) costs a
// pass over the whole log.
constexpr const char* kBuiltThroughEvent = "state_built_through_event_rowid";
constexpr const char* kBuiltThroughSuperseded = "state_built_through_superseded_rowid";
// The business time zone the stored days were counted in: under another
// zone every event may fall on another day, so nothing stored can be kept.
constexpr const char* kBuiltInZone = "state_built_timezone";
// Events past the stored totals after which a build stores them again.
constexpr std::int64_t kResaveAfterEvents = 20000;

using LogEnd = EventLogEnd;

std::optional<DayNumber> first_day_of(Statement& s, const BusinessTime& clock) {
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return clock.local_day(s.int64(0));
}

// The earliest day touched by batches after `rowid`: their new events, and
// the events they superseded.
std::optional<DayNumber> earliest_touched(Database& db, std::int64_t rowid, const BusinessTime& clock) {
  Statement s = db.prepare(
      "SELECT min(t) FROM ("
      " SELECT min(e.event_time) AS t FROM events e JOIN ingest_batches b ON b.batch_id = e.batch_id WHERE b.rowid > ?1"
      " UNION ALL"
      " SELECT min(e.event_time) FROM superseded_events s JOIN events e ON e.event_id = s.event_id"
      "   JOIN ingest_batches b ON b.batch_id = s.superseded_by_batch WHERE b.rowid > ?1)");
  s.bind(1, rowid);
  return first_day_of(s, clock);
}

// The same from the rowids the last build saw (`seen`): events appended
// since, and events superseded since.
std::optional<DayNumber> earliest_touched_after(Database& db, const LogEnd& seen, const BusinessTime& clock) {
  Statement s = db.prepare(
      "SELECT min(t) FROM ("
      " SELECT min(event_time) AS t FROM events WHERE rowid > ?1"
      " UNION ALL"
      " SELECT min(e.event_time) FROM superseded_events s JOIN events e ON e.event_id = s.event_id WHERE s.rowid > ?2)");
  s.bind(1, seen.events).bind(2, seen.superseded);
  return first_day_of(s, clock);
}

// The rowids the last build recorded, when it recorded them and they still
// fit the log (a workspace built before they were kept has none).
std::optional<LogEnd> seen_log_end(Workspace& ws, const LogEnd& now) {
  const auto events = ws.setting(kBuiltThroughEvent), superseded = ws.setting(kBuiltThroughSuperseded);
  if (!events || !superseded) return std::nullopt;
  const LogEnd seen{std::stoll(*events), std::stoll(*superseded)};
  if (seen.events > now.events || seen.superseded > now.superseded) return std::nullopt;
  return seen;
}

}  // namespace

StateBuildResult build_state(Workspace& ws, const std::string& run_id, bool force_full, const Logger& log,
                             const StateWindows& windows) {
  ScopedTimer timer(log, "state", "build_state");
  Database& db = ws.db();
  StateBuildResult r;
  Transaction tx(db);
  const std::int64_t latest_batch = db.query_int("SELECT coalesce(max(rowid), 0) FROM ingest_batches");
  const LogEnd end = event_log_end(db);
  const auto built = ws.setting(kBuiltThroughBatch);
  const bool same_schema =
      db.query_int("SELECT count(*) FROM metrics_daily WHERE metric_schema_version <> " +
                   std::to_string(kMetricSchemaVersion)) == 0;
  const BusinessTime clock = ws.business_time();
  r.timezone = clock.zone();
  // A workspace built before the zone was recorded was built in UTC.
  const bool same_zone = ws.setting(kBuiltInZone).value_or("UTC") == clock.zone();
  r.full = force_full || !built || !same_schema || !same_zone;
  std::optional<DayNumber> from;
  std::optional<LogEnd> seen;
  if (!r.full) {
    // No batch since the last build: nothing to look for.
    const std::int64_t built_through = std::stoll(*built);
    if (latest_batch > built_through) {
      seen = seen_log_end(ws, end);
      from = seen ? earliest_touched_after(db, *seen, clock) : earliest_touched(db, built_through, clock);
    }
    if (!from) {
      r.up_to_date = true;
      tx.commit();
      return r;
    }
  }
  const int digits = currency_minor_digits(ws.setting("currency").value_or("")).value_or(2);
  // What the stored running totals were counted under besides the events.
  const std::string config = fmt::format("snapshot {} metrics {} zone {} digits {}", StateAccumulator::kSnapshotFormat,
                                         kMetricSchemaVersion, clock.zone(), digits);
  // Go on from the last build's totals when only new events arrived (an
  // event superseded since would have to be taken out again: read them all).
  std::optional<StateSnapshot> resumed;
  if (!r.full && seen && seen->superseded == end.superseded) resumed = load_state_snapshot(db, *seen, config);
  StateAccumulator events = resumed ? std::move(resumed->totals) : accumulate_live_events(db, digits, clock);
  const std::int64_t before = resumed ? events.events() : 0;
  if (resumed) accumulate_events_after(db, events, resumed->end, digits, clock);
  r.events = events.events();
  r.events_read = r.events - before;
  const DailyMetrics m = events.finish(windows);
  if (m.days > 0) r.first_day = m.first_day, r.last_day = m.day(m.days - 1);
  if (from && r.first_day && *from < *r.first_day) from = r.first_day;
  r.rewritten_from = r.full ? r.first_day : from;
  r.daily_rows = write_daily_metrics(db, m, r.full ? std::nullopt : from, windows, run_id);
  r.weekly_rows = write_weekly_metrics(db, m, r.full ? std::nullopt : from, run_id);
  ws.set_setting(kBuiltThroughBatch, std::to_string(latest_batch));
  ws.set_setting(kBuiltThroughEvent, std::to_string(end.events));
  ws.set_setting(kBuiltThroughSuperseded, std::to_string(end.superseded));
  ws.set_setting(kBuiltInZone, clock.zone());
  // Storing the totals costs more than folding in a few thousand events
  // again, so they are stored again only once that many piled up.
  if (!resumed || end.events - resumed->end.events >= kResaveAfterEvents) save_state_snapshot(db, events, end, config);
  tx.commit();
  log.info("state", "state_built",
           {{"events", r.events}, {"events_read", r.events_read}, {"mode", r.full ? "full" : "incremental"},
            {"timezone", r.timezone},
            {"daily_rows", r.daily_rows}, {"weekly_rows", r.weekly_rows}});
  return r;
}

}  // namespace bre
