#include "bre/store/metric_store.h"

#include <algorithm>

#include "bre/core/json_text.h"
#include "bre/core/metric_catalog.h"

namespace bre {

namespace {

constexpr const char* kStateColumns =
    "SELECT event_type, event_time, entity_type, entity_id, source, amount_minor, related_entity_ids, attributes ";

// Folds every row of `s` (kStateColumns) into acc; with `new_overdue`, also
// lists the invoices whose first overdue event this is.
void accumulate(Statement& s, StateAccumulator& acc, const BusinessTime& clock, int currency_digits,
                std::vector<std::string>* new_overdue = nullptr) {
  StateEventText text;
  while (s.step()) {
    auto type = parse_event_type(s.text_view(0));
    if (!type) continue;  // the codec admits only known types; a newer binary's rows are skipped
    const StateEvent e = read_state_event(*type, s.int64(1), s.text_view(2), s.text_view(3), s.text_view(4),
                                          s.is_null(5) ? std::nullopt : std::optional<std::int64_t>(s.int64(5)),
                                          s.text_view(6), s.text_view(7), clock, currency_digits, text);
    if (new_overdue && !acc.knows_overdue(e.entity)) new_overdue->emplace_back(e.entity);
    acc.add(e);
  }
}

}  // namespace

StateAccumulator accumulate_live_events(Database& db, int currency_digits, const BusinessTime& clock) {
  StateAccumulator acc(currency_digits);
  // Overdue invoices first: the accumulator keeps a payment only for an
  // invoice it knows went overdue. The rest in storage order, one at a time.
  for (const char* where : {"WHERE event_type = 'invoice_overdue'", "WHERE event_type <> 'invoice_overdue'"}) {
    Statement s = db.prepare(std::string(kStateColumns) + "FROM live_events " + where);
    accumulate(s, acc, clock, currency_digits);
  }
  return acc;
}

void accumulate_events_after(Database& db, StateAccumulator& acc, const EventLogEnd& seen, int currency_digits,
                             const BusinessTime& clock) {
  // Nothing was superseded since `seen`, so every event after it is live.
  Statement overdue = db.prepare(std::string(kStateColumns) +
                                 "FROM events WHERE rowid > ?1 AND event_type = 'invoice_overdue'");
  overdue.bind(1, seen.events);
  std::vector<std::string> new_overdue;
  accumulate(overdue, acc, clock, currency_digits, &new_overdue);
  if (!new_overdue.empty()) {
    // Their earlier payments were counted but not kept (the invoice was not
    // overdue then): find them again.
    std::string ids = "[";
    for (const std::string& id : new_overdue) ids += (ids.size() > 1 ? "," : "") + json_string(id);
    ids += "]";
    Statement paid = db.prepare(
        "SELECT entity_id, event_time FROM events e WHERE event_type = 'invoice_paid' AND rowid <= ?1"
        " AND entity_id IN (SELECT value FROM json_each(?2))"
        " AND NOT EXISTS (SELECT 1 FROM superseded_events s WHERE s.event_id = e.event_id)");
    paid.bind(1, seen.events).bind(2, ids);
    while (paid.step()) acc.add_overdue_payment(paid.text_view(0), clock.local_day(paid.int64(1)));
  }
  Statement rest = db.prepare(std::string(kStateColumns) + "FROM events WHERE rowid > ?1 AND event_type <> 'invoice_overdue'");
  rest.bind(1, seen.events);
  accumulate(rest, acc, clock, currency_digits);
}

void save_state_snapshot(Database& db, const StateAccumulator& acc, const EventLogEnd& end, const std::string& config) {
  const std::string bytes = acc.save();
  Statement s = db.prepare(
      "INSERT OR REPLACE INTO state_snapshot(id, events_rowid, superseded_rowid, config, data) VALUES(1, ?, ?, ?, ?)");
  s.bind(1, end.events).bind(2, end.superseded).bind(3, config).bind_blob_static(4, bytes).run();
}

std::optional<StateSnapshot> load_state_snapshot(Database& db, const EventLogEnd& upto, const std::string& config) {
  Statement s = db.prepare("SELECT events_rowid, superseded_rowid, config, data FROM state_snapshot WHERE id = 1");
  if (!s.step() || s.int64(0) > upto.events || s.int64(1) != upto.superseded || s.text_view(2) != config)
    return std::nullopt;
  return StateSnapshot{StateAccumulator::load(s.blob_view(3)), {s.int64(0), s.int64(1)}};
}

std::string load_score_memo(Database& db) {
  Statement s = db.prepare("SELECT data FROM score_memo WHERE id = 1");
  return s.step() ? std::string(s.blob_view(0)) : std::string();
}

void save_score_memo(Database& db, std::string_view bytes) {
  db.prepare("INSERT OR REPLACE INTO score_memo(id, data) VALUES(1, ?)").bind_blob_static(1, bytes).run();
}

namespace {

std::string evidence_json(const MetricEvidence& ev) {
  std::string types = "[";
  for (std::size_t i = 0; i < ev.event_types.size(); ++i) types += (i ? "," : "") + json_string(to_string(ev.event_types[i]));
  types += "]";
  return JsonObjectWriter().raw("event_types", types).string("from", format_day(ev.from)).string("to", format_day(ev.to)).str();
}

MetricRow row_from(Statement& s) {
  MetricRow r;
  r.metric = s.text(0);
  r.day = s.text(1);
  if (!s.is_null(2)) r.value = s.real(2);
  r.schema_version = static_cast<int>(s.int64(3));
  r.evidence = s.text(4);
  return r;
}

}  // namespace

std::int64_t write_daily_metrics(Database& db, const DailyMetrics& m, std::optional<DayNumber> from_day,
                                 const StateWindows& w, const std::string& run_id) {
  const DayNumber from = from_day.value_or(m.first_day);
  if (from_day) {
    Statement del = db.prepare("DELETE FROM metrics_daily WHERE day >= ?");
    del.bind(1, format_day(from)).run();
  } else {
    db.exec("DELETE FROM metrics_daily");
  }
  Statement ins = db.prepare(
      "INSERT INTO metrics_daily(metric, day, value, metric_schema_version, evidence, run_id) VALUES(?,?,?,?,?,?)");
  std::int64_t rows = 0;
  for (std::size_t i = 0; i < m.days; ++i) {
    const DayNumber d = m.day(i);
    if (d < from) continue;
    const std::string day = format_day(d);
    for (std::size_t k = 0; k < m.names.size(); ++k) {
      ins.bind(1, m.names[k]).bind(2, day);
      ins.bind(3, m.values[k][i]);
      ins.bind(4, kMetricSchemaVersion).bind(5, evidence_json(metric_evidence(m.names[k], d, m.first_day, w)));
      ins.bind(6, run_id).run();
      ++rows;
    }
  }
  return rows;
}

std::int64_t write_weekly_metrics(Database& db, const DailyMetrics& m, std::optional<DayNumber> from_day,
                                  const std::string& run_id) {
  const std::optional<DayNumber> from_week = from_day ? std::optional(monday_of(*from_day)) : std::nullopt;
  if (from_week) {
    Statement del = db.prepare("DELETE FROM metrics_weekly WHERE week_start >= ?");
    del.bind(1, format_day(*from_week)).run();
  } else {
    db.exec("DELETE FROM metrics_weekly");
  }
  Statement ins = db.prepare(
      "INSERT INTO metrics_weekly(metric, week_start, value, metric_schema_version, run_id) VALUES(?,?,?,?,?)");
  std::int64_t rows = 0;
  for (const WeeklyValue& v : weekly_rollup(m)) {
    if (from_week && v.week_start < *from_week) continue;
    ins.bind(1, v.metric).bind(2, format_day(v.week_start));
    ins.bind(3, v.value);
    ins.bind(4, kMetricSchemaVersion).bind(5, run_id).run();
    ++rows;
  }
  return rows;
}

std::vector<MetricRow> read_metric_history(Database& db, const std::string& metric, const std::string& from_day,
                                           const std::string& to_day) {
  Statement s = db.prepare(
      "SELECT metric, day, value, metric_schema_version, evidence FROM metrics_daily "
      "WHERE metric = ? AND day >= ? AND day <= ? ORDER BY day");
  s.bind(1, metric).bind(2, from_day.empty() ? std::string("0000-00-00") : from_day);
  s.bind(3, to_day.empty() ? std::string("9999-99-99") : to_day);
  std::vector<MetricRow> out;
  while (s.step()) out.push_back(row_from(s));
  return out;
}

std::vector<MetricRow> read_current_metrics(Database& db) {
  Statement s = db.prepare(
      "SELECT metric, day, value, metric_schema_version, evidence FROM metrics_daily "
      "WHERE day = (SELECT max(day) FROM metrics_daily)");
  std::vector<MetricRow> out;
  while (s.step()) out.push_back(row_from(s));
  return out;
}

DailyMetrics read_daily_metrics(Database& db) {
  DailyMetrics m;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.resize(m.names.size());
  Statement range = db.prepare("SELECT min(day), max(day) FROM metrics_daily");
  if (!range.step() || range.is_null(0)) return m;
  m.first_day = day_of(*parse_date(range.text_view(0)));
  m.days = static_cast<std::size_t>(day_of(*parse_date(range.text_view(1))) - m.first_day + 1);
  for (auto& v : m.values) v.assign(m.days, std::nullopt);
  Statement s = db.prepare("SELECT metric, day, value FROM metrics_daily WHERE value IS NOT NULL");
  while (s.step()) {
    const std::string_view name = s.text_view(0);
    auto it = std::find(m.names.begin(), m.names.end(), name);
    if (it == m.names.end()) continue;
    const DayNumber d = day_of(*parse_date(s.text_view(1)));
    m.values[static_cast<std::size_t>(it - m.names.begin())][static_cast<std::size_t>(d - m.first_day)] = s.real(2);
  }
  return m;
}

}  // namespace bre
