#include "bre/state/build_state.h"

#include "bre/core/money.h"
#include "bre/store/metric_store.h"

namespace bre {

namespace {

constexpr const char* kBuiltThroughBatch = "state_built_through_batch_rowid";

// The earliest day touched by batches after `rowid`: their new events, and
// the events they superseded.
std::optional<DayNumber> earliest_touched(Database& db, std::int64_t rowid) {
  Statement s = db.prepare(
      "SELECT min(t) FROM ("
      " SELECT min(e.event_time) AS t FROM events e JOIN ingest_batches b ON b.batch_id = e.batch_id WHERE b.rowid > ?1"
      " UNION ALL"
      " SELECT min(e.event_time) FROM superseded_events s JOIN events e ON e.event_id = s.event_id"
      "   JOIN ingest_batches b ON b.batch_id = s.superseded_by_batch WHERE b.rowid > ?1)");
  s.bind(1, rowid);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return day_of(s.int64(0));
}

}  // namespace

StateBuildResult build_state(Workspace& ws, const std::string& run_id, bool force_full, const Logger& log,
                             const StateWindows& windows) {
  ScopedTimer timer(log, "state", "build_state");
  Database& db = ws.db();
  StateBuildResult r;
  Transaction tx(db);
  const std::int64_t latest_batch = db.query_int("SELECT coalesce(max(rowid), 0) FROM ingest_batches");
  const auto built = ws.setting(kBuiltThroughBatch);
  const bool same_schema =
      db.query_int("SELECT count(*) FROM metrics_daily WHERE metric_schema_version <> " +
                   std::to_string(kMetricSchemaVersion)) == 0;
  r.full = force_full || !built || !same_schema;
  std::optional<DayNumber> from;
  if (!r.full) {
    // No batch since the last build: nothing to look for. (The query below
    // joins every event with its batch, half a second at 10^6 events.)
    const std::int64_t built_through = std::stoll(*built);
    if (latest_batch > built_through) from = earliest_touched(db, built_through);
    if (!from) {
      r.up_to_date = true;
      tx.commit();
      return r;
    }
  }
  const std::string currency = ws.setting("currency").value_or("");
  const MetricEvents events = load_metric_events(db, currency_minor_digits(currency).value_or(2));
  r.events = static_cast<std::int64_t>(events.events.size());
  const DailyMetrics m = compute_daily_metrics(events, windows);
  if (m.days > 0) r.first_day = m.first_day, r.last_day = m.day(m.days - 1);
  if (from && r.first_day && *from < *r.first_day) from = r.first_day;
  r.rewritten_from = r.full ? r.first_day : from;
  r.daily_rows = write_daily_metrics(db, m, r.full ? std::nullopt : from, windows, run_id);
  r.weekly_rows = write_weekly_metrics(db, m, run_id);
  ws.set_setting(kBuiltThroughBatch, std::to_string(latest_batch));
  tx.commit();
  log.info("state", "state_built",
           {{"events", r.events}, {"mode", r.full ? "full" : "incremental"}, {"daily_rows", r.daily_rows}, {"weekly_rows", r.weekly_rows}});
  return r;
}

}  // namespace bre
