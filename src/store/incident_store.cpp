#include "bre/store/incident_store.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/json_text.h"
#include "bre/core/metric_catalog.h"
#include "bre/store/event_store.h"
#include "bre/store/workspace.h"

namespace bre {

namespace {


// The events behind the primary metric over the window (and the metric's own
// look-back on its first day). Satisfaction drops keep only low scores.
//
// A query's answer is kept in evidence_memo with the event log end it read:
// while no event was superseded since and none stored since is of its types
// and in its time range, the answer stands (a scan after one more day asks
// again for every incident it keeps).
class Evidence {
 public:
  Evidence(Database& db, bool reuse) : db_(db), now_(event_log_end(db)), reuse_(reuse) {}

  std::pair<std::vector<std::string>, std::int64_t> of(const BusinessTime& clock, const DetectedIncident& inc,
                                                       DayNumber first_day) {
    const MetricEvidence ev = metric_evidence(inc.primary.metric, inc.window_start, first_day);
    std::string types;
    for (EventType t : ev.event_types) types += (types.empty() ? "" : ",") + json_string(to_string(t));
    std::string where = fmt::format("event_type IN ({}) AND event_time >= ?1 AND event_time < ?2", types);
    if (inc.incident_type == "customer_satisfaction_regression") where += " AND json_extract(attributes, '$.score') <= 2";
    const auto range = clock.days(ev.from, inc.window_end);
    const std::string query = fmt::format("{}|{}|{}", where, range.from, range.until);
    used_.push_back(query);
    if (reuse_)
      if (auto kept = remembered(query, where, range.from, range.until)) return *kept;
    Statement s = db_.prepare("SELECT event_id FROM live_events WHERE " + where + " ORDER BY event_time, event_id");
    s.bind(1, range.from).bind(2, range.until);
    std::vector<std::string> ids;
    std::int64_t count = 0;
    while (s.step()) {
      if (ids.size() < kMaxEvidenceIds) ids.push_back(s.text(0));
      ++count;
    }
    db_.prepare("INSERT OR REPLACE INTO evidence_memo(query, events_rowid, superseded_rowid, ids, count) "
                "VALUES(?, ?, ?, ?, ?)")
        .bind(1, query)
        .bind(2, now_.events)
        .bind(3, now_.superseded)
        .bind(4, json_string_array(ids))
        .bind(5, count)
        .run();
    return {ids, count};
  }

  // Forgets the answers no incident of this run asked for.
  void prune() {
    db_.prepare("DELETE FROM evidence_memo WHERE query NOT IN (SELECT value FROM json_each(?))")
        .bind(1, json_string_array(used_))
        .run();
  }

 private:
  std::optional<std::pair<std::vector<std::string>, std::int64_t>> remembered(const std::string& query,
                                                                              const std::string& where, TimeMs from,
                                                                              TimeMs until) {
    Statement s = db_.prepare("SELECT events_rowid, superseded_rowid, ids, count FROM evidence_memo WHERE query = ?");
    s.bind(1, query);
    if (!s.step() || s.int64(1) != now_.superseded || s.int64(0) > now_.events) return std::nullopt;
    // By rowid, not the type and time index: the planner prefers the index,
    // which walks every event of the types in the range (all history, for a
    // stock metric) to find the few stored since.
    Statement since = db_.prepare("SELECT 1 FROM events NOT INDEXED WHERE rowid > ?3 AND " + where + " LIMIT 1");
    since.bind(1, from).bind(2, until).bind(3, s.int64(0));
    if (since.step()) return std::nullopt;
    std::vector<std::string> ids;
    for (const auto& id : nlohmann::json::parse(s.text_view(2))) ids.push_back(id.get<std::string>());
    return std::make_pair(std::move(ids), s.int64(3));
  }

  Database& db_;
  const EventLogEnd now_;
  const bool reuse_;
  std::vector<std::string> used_;
};

}  // namespace

StoredIncidents store_incidents(Database& db, const std::vector<DetectedIncident>& incidents, DayNumber first_day,
                                const std::string& run_id, bool reuse_evidence) {
  StoredIncidents r;
  Statement up = db.prepare(
      "INSERT INTO incidents(incident_id, incident_type, severity, confidence, state, status, window_start, window_end, "
      "detected_at, payload, run_id) VALUES(?,?,?,?,?,'open',?,?,?,?,?) "
      "ON CONFLICT(incident_id) DO UPDATE SET severity = excluded.severity, confidence = excluded.confidence, "
      "state = excluded.state, window_end = excluded.window_end, detected_at = excluded.detected_at, "
      "payload = excluded.payload, run_id = excluded.run_id");
  std::vector<std::string> ids;
  const BusinessTime clock = business_time(db);
  Evidence evidence(db, reuse_evidence);
  for (const DetectedIncident& inc : incidents) {
    const auto [evidence_ids, evidence_count] = evidence.of(clock, inc, first_day);
    const TimeMs detected_at = clock.day_end(inc.detected_day);  // the end of the day it was detected (cli.md §4a)
    std::string supporting = "[";
    for (std::size_t i = 0; i < inc.supporting.size(); ++i) supporting += (i ? "," : "") + metric_reading_json(inc.supporting[i]);
    supporting += "]";
    const MetricInfo* info = find_metric(inc.primary.metric);
    JsonObjectWriter p;
    p.string("incident_id", inc.incident_id)
        .string("incident_type", inc.incident_type)
        .string("detected_at", format_iso8601(detected_at))
        .string("incident_window_start", format_day(inc.window_start))
        .string("incident_window_end", format_day(inc.window_end))
        .string("severity", inc.severity)
        .string("confidence", inc.confidence)
        .raw("detection_methods", json_string_array(inc.detection_methods))
        .string("primary_metric", inc.primary.metric)
        .string("primary_metric_domain", info ? to_string(info->domain) : "")
        .number("primary_metric_value", inc.primary.value)
        .number("primary_metric_baseline", inc.primary.baseline)
        .number("primary_metric_zscore", inc.primary.z)
        .string("baseline_method", inc.primary.method)
        .raw("supporting_metrics", supporting)
        .raw("evidence_event_ids", json_string_array(evidence_ids))
        .integer("evidence_event_count", evidence_count)
        .null("data_quality_score")
        .string("run_id", run_id)
        .null("cascade_id")
        .string("state", inc.state)
        .raw("explanation", json_string_array(inc.notes))
        .string("config_version", kDetectConfigVersion);
    up.bind(1, inc.incident_id).bind(2, inc.incident_type).bind(3, inc.severity).bind(4, inc.confidence);
    up.bind(5, inc.state).bind(6, format_day(inc.window_start)).bind(7, format_day(inc.window_end));
    up.bind(8, detected_at).bind(9, p.str()).bind(10, run_id).run();
    ++r.written;
  }
  evidence.prune();
  // A label is a person's input too: a labelled incident is kept like a triaged one.
  Statement stale = db.prepare(
      "DELETE FROM incidents WHERE status = 'open' AND (run_id IS NULL OR run_id <> ?) "
      "AND NOT EXISTS (SELECT 1 FROM incident_feedback f WHERE f.incident_id = incidents.incident_id)");
  stale.bind(1, run_id).run();
  r.withdrawn = db.changes();
  return r;
}

namespace {

// Incidents i with their latest label f (NULL columns when unlabelled): the
// newest feedback row of kind label, the later row on the same millisecond.
constexpr const char* kWithLabel =
    " FROM incidents i LEFT JOIN incident_feedback f ON f.feedback_id = (SELECT g.feedback_id FROM "
    "incident_feedback g WHERE g.incident_id = i.incident_id AND g.kind = 'label' "
    "ORDER BY g.created_at DESC, g.feedback_id DESC LIMIT 1) ";
// Columns from `col` on: status, label, note, labelled at.
constexpr const char* kTriageColumns = "i.status, f.value, f.note, f.created_at";

std::string text_or_null(const Statement& s, int col) { return s.is_null(col) ? "null" : json_string(s.text_view(col)); }

// The person-set fields of a row selected with kTriageColumns from `col` on.
std::string triage_fields(const Statement& s, int col) {
  return ",\"status\":" + json_string(s.text_view(col)) + ",\"label\":" + text_or_null(s, col + 1) +
         ",\"label_note\":" + text_or_null(s, col + 2) + ",\"labelled_at\":" +
         (s.is_null(col + 3) ? "null" : json_string(format_iso8601(s.int64(col + 3))));
}

// The stored payload with the person-set fields added.
std::string payload_with_triage(const Statement& s) {
  std::string payload = s.text(0);
  payload.insert(payload.size() - 1, triage_fields(s, 1));
  return payload;
}

// The fusion levels in order, as an SQL expression over `column`.
std::string confidence_rank(const char* column) {
  return fmt::format("(CASE {} WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)", column);
}

}  // namespace

std::vector<std::string> list_incidents(Database& db, const IncidentFilter& f) {
  Statement s = db.prepare(fmt::format(
      "SELECT i.payload, {}{}WHERE (?1 = '' OR i.incident_type = ?1) AND (?2 = '' OR i.severity = ?2) "
      "AND (?3 = '' OR i.state = ?3) AND (?4 = '' OR i.status = ?4) AND (?5 = '' OR i.window_end >= ?5) "
      "AND (?6 = '' OR i.window_start <= ?6) AND (?7 = '' OR (?7 = 'none' AND f.value IS NULL) OR f.value = ?7) "
      "AND (?8 = '' OR {} >= {}) ORDER BY i.window_start, i.incident_type",
      kTriageColumns, kWithLabel, confidence_rank("i.confidence"), confidence_rank("?8")));
  s.bind(1, f.type).bind(2, f.severity).bind(3, f.state).bind(4, f.status).bind(5, f.from).bind(6, f.to);
  s.bind(7, f.label).bind(8, f.min_confidence);
  std::vector<std::string> out;
  while (s.step()) out.push_back(payload_with_triage(s));
  return out;
}

std::optional<std::string> find_incident(Database& db, const std::string& incident_id) {
  Statement s = db.prepare(fmt::format("SELECT i.payload, {}{}WHERE i.incident_id = ?", kTriageColumns, kWithLabel));
  s.bind(1, incident_id);
  if (!s.step()) return std::nullopt;
  return payload_with_triage(s);
}

void set_incident_status(Database& db, const std::string& incident_id, const std::string& status) {
  if (status != "open" && status != "acknowledged" && status != "resolved")
    throw Error(ErrorKind::usage, "BAD_STATUS", "status must be open, acknowledged or resolved");
  Statement s = db.prepare("UPDATE incidents SET status = ? WHERE incident_id = ?");
  s.bind(1, status).bind(2, incident_id).run();
  if (db.changes() == 0) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", incident_id);
}

void label_incident(Database& db, const std::string& incident_id, const std::string& label, const std::string& note,
                    TimeMs at) {
  if (std::find(std::begin(kIncidentLabels), std::end(kIncidentLabels), label) == std::end(kIncidentLabels))
    throw Error(ErrorKind::usage, "BAD_LABEL",
                fmt::format("label must be {}, not '{}'", fmt::join(kIncidentLabels, ", "), label));
  Statement exists = db.prepare("SELECT 1 FROM incidents WHERE incident_id = ?");
  exists.bind(1, incident_id);
  if (!exists.step()) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", incident_id);
  Statement s = db.prepare("INSERT INTO incident_feedback(incident_id, kind, value, note, created_at) VALUES(?, 'label', ?, ?, ?)");
  s.bind(1, incident_id).bind(2, label);
  if (note.empty()) s.bind_null(3);
  else s.bind(3, note);
  s.bind(4, at).run();
}

std::vector<LabelledWindow> windows_labelled_normal(Database& db) {
  Statement s = db.prepare(std::string("SELECT i.incident_id, i.incident_type, f.value, i.window_start, i.window_end") +
                           kWithLabel + "WHERE f.value IN ('expected', 'not_anomaly') ORDER BY i.incident_id");
  std::vector<LabelledWindow> out;
  while (s.step()) {
    const auto from = parse_date(s.text_view(3)), to = parse_date(s.text_view(4));
    if (!from || !to) throw_internal("incident " + s.text(0) + " has a malformed window");
    out.push_back({s.text(0), s.text(1), s.text(2), day_of(*from), day_of(*to)});
  }
  return out;
}

std::string human_inputs_json(Database& db) {
  Statement s = db.prepare(fmt::format("SELECT i.incident_id, {}{}WHERE i.status <> 'open' OR f.value IS NOT NULL "
                                       "ORDER BY i.incident_id",
                                       kTriageColumns, kWithLabel));
  std::string out = "[";
  while (s.step())
    out += (out.size() > 1 ? ",{\"incident_id\":" : "{\"incident_id\":") + json_string(s.text_view(0)) +
           triage_fields(s, 1) + "}";
  return out + "]";
}

std::string metric_reading_json(const MetricReading& r) {
  return JsonObjectWriter()
      .string("metric", r.metric)
      .number("value", r.value)
      .number("baseline", r.baseline)
      .number("zscore", r.z)
      .string("method", r.method)
      .boolean("seasonal", r.seasonal)
      .str();
}

}  // namespace bre
