#include "bre/store/incident_store.h"

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/json_text.h"
#include "bre/core/metric_catalog.h"

namespace bre {

namespace {

std::string reading_json(const MetricReading& r) {
  return JsonObjectWriter()
      .string("metric", r.metric)
      .number("value", r.value)
      .number("baseline", r.baseline)
      .number("zscore", r.z)
      .string("method", r.method)
      .boolean("seasonal", r.seasonal)
      .str();
}

std::string string_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_string(v[i]);
  return out + "]";
}

// The events behind the primary metric over the window (and the metric's own
// look-back on its first day). Satisfaction drops keep only low scores.
std::pair<std::vector<std::string>, std::int64_t> evidence(Database& db, const DetectedIncident& inc,
                                                           DayNumber first_day) {
  const MetricEvidence ev = metric_evidence(inc.primary.metric, inc.window_start, first_day);
  std::string types;
  for (EventType t : ev.event_types) types += (types.empty() ? "" : ",") + json_string(to_string(t));
  std::string where = fmt::format("event_type IN ({}) AND event_time >= ? AND event_time < ?", types);
  if (inc.incident_type == "satisfaction_drop") where += " AND json_extract(attributes, '$.score') <= 2";
  Statement s = db.prepare("SELECT event_id FROM live_events WHERE " + where + " ORDER BY event_time, event_id");
  s.bind(1, ev.from * kMsPerDay).bind(2, (inc.window_end + 1) * kMsPerDay);
  std::vector<std::string> ids;
  std::int64_t count = 0;
  while (s.step()) {
    if (ids.size() < kMaxEvidenceIds) ids.push_back(s.text(0));
    ++count;
  }
  return {ids, count};
}

}  // namespace

StoredIncidents store_incidents(Database& db, const std::vector<DetectedIncident>& incidents, DayNumber first_day,
                                const std::string& run_id) {
  StoredIncidents r;
  Statement up = db.prepare(
      "INSERT INTO incidents(incident_id, incident_type, severity, confidence, state, status, window_start, window_end, "
      "detected_at, payload, run_id) VALUES(?,?,?,?,?,'open',?,?,?,?,?) "
      "ON CONFLICT(incident_id) DO UPDATE SET severity = excluded.severity, confidence = excluded.confidence, "
      "state = excluded.state, window_end = excluded.window_end, detected_at = excluded.detected_at, "
      "payload = excluded.payload, run_id = excluded.run_id");
  std::vector<std::string> ids;
  for (const DetectedIncident& inc : incidents) {
    const auto [evidence_ids, evidence_count] = evidence(db, inc, first_day);
    const TimeMs detected_at = (inc.detected_day + 1) * kMsPerDay - 1;  // the end of the first firing day
    std::string supporting = "[";
    for (std::size_t i = 0; i < inc.supporting.size(); ++i) supporting += (i ? "," : "") + reading_json(inc.supporting[i]);
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
        .raw("detection_methods", string_array(inc.detection_methods))
        .string("primary_metric", inc.primary.metric)
        .string("primary_metric_domain", info ? to_string(info->domain) : "")
        .number("primary_metric_value", inc.primary.value)
        .number("primary_metric_baseline", inc.primary.baseline)
        .number("primary_metric_zscore", inc.primary.z)
        .string("baseline_method", inc.primary.method)
        .raw("supporting_metrics", supporting)
        .raw("evidence_event_ids", string_array(evidence_ids))
        .integer("evidence_event_count", evidence_count)
        .null("data_quality_score")
        .string("run_id", run_id)
        .null("cascade_id")
        .string("state", inc.state)
        .raw("explanation", string_array(inc.notes))
        .string("config_version", kDetectConfigVersion);
    up.bind(1, inc.incident_id).bind(2, inc.incident_type).bind(3, inc.severity).bind(4, inc.confidence);
    up.bind(5, inc.state).bind(6, format_day(inc.window_start)).bind(7, format_day(inc.window_end));
    up.bind(8, detected_at).bind(9, p.str()).bind(10, run_id).run();
    ++r.written;
  }
  Statement stale = db.prepare("DELETE FROM incidents WHERE status = 'open' AND (run_id IS NULL OR run_id <> ?)");
  stale.bind(1, run_id).run();
  r.withdrawn = db.changes();
  return r;
}

std::vector<std::string> list_incidents(Database& db, const IncidentFilter& f) {
  Statement s = db.prepare(
      "SELECT payload, status FROM incidents WHERE (?1 = '' OR incident_type = ?1) AND (?2 = '' OR severity = ?2) "
      "AND (?3 = '' OR state = ?3) AND (?4 = '' OR status = ?4) AND (?5 = '' OR window_end >= ?5) "
      "AND (?6 = '' OR window_start <= ?6) ORDER BY window_start, incident_type");
  s.bind(1, f.type).bind(2, f.severity).bind(3, f.state).bind(4, f.status).bind(5, f.from).bind(6, f.to);
  std::vector<std::string> out;
  while (s.step()) {
    std::string payload = s.text(0);
    payload.insert(payload.size() - 1, ",\"status\":" + json_string(s.text_view(1)));
    out.push_back(std::move(payload));
  }
  return out;
}

std::optional<std::string> find_incident(Database& db, const std::string& incident_id) {
  Statement s = db.prepare("SELECT payload, status FROM incidents WHERE incident_id = ?");
  s.bind(1, incident_id);
  if (!s.step()) return std::nullopt;
  std::string payload = s.text(0);
  payload.insert(payload.size() - 1, ",\"status\":" + json_string(s.text_view(1)));
  return payload;
}

void set_incident_status(Database& db, const std::string& incident_id, const std::string& status) {
  if (status != "open" && status != "acknowledged" && status != "resolved")
    throw Error(ErrorKind::usage, "BAD_STATUS", "status must be open, acknowledged or resolved");
  Statement s = db.prepare("UPDATE incidents SET status = ? WHERE incident_id = ?");
  s.bind(1, status).bind(2, incident_id).run();
  if (db.changes() == 0) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", incident_id);
}

}  // namespace bre
