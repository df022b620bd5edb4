// Incidents in the workspace: detection results upserted by their stable id
// (a person's status survives re-runs), with the evidence event ids read from
// live_events for each window.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/detect/incidents.h"
#include "bre/store/sqlite.h"

namespace bre {

inline constexpr std::size_t kMaxEvidenceIds = 500;

struct StoredIncidents {
  std::int64_t written = 0;   // new or updated
  std::int64_t withdrawn = 0; // open incidents this run no longer finds
};

// Replaces the detection results in the caller's transaction: each incident
// keeps its status; open ones not detected again are removed. Evidence
// queries are answered from evidence_memo while the events they read are
// unchanged (reuse_evidence false: every query runs again).
StoredIncidents store_incidents(Database& db, const std::vector<DetectedIncident>& incidents, DayNumber first_day,
                                const std::string& run_id, bool reuse_evidence = true);

struct IncidentFilter {
  std::string type, severity, state, status;
  std::string from, to;  // YYYY-MM-DD, on the window
  std::string label;           // anomaly | expected | not_anomaly | none (no label)
  std::string min_confidence;  // low | medium | high | very_high: at least this
};
// A reading (primary or supporting metric) as the stored Incident writes it.
std::string metric_reading_json(const MetricReading& r);

// The stored JSON payloads (design's Incident fields), oldest window first.
std::vector<std::string> list_incidents(Database& db, const IncidentFilter& filter);
std::optional<std::string> find_incident(Database& db, const std::string& incident_id);
// open | acknowledged | resolved; not_found for an unknown id.
void set_incident_status(Database& db, const std::string& incident_id, const std::string& status);

// A person's verdict on an incident, kept in incident_feedback with its time;
// the latest one counts. expected and not_anomaly windows are left out of the
// baselines of later detections (run_detect.h).
inline constexpr const char* kIncidentLabels[] = {"anomaly", "expected", "not_anomaly"};
// Usage error for another label, not_found for an unknown id; an empty note is none.
void label_incident(Database& db, const std::string& incident_id, const std::string& label, const std::string& note,
                    TimeMs at);

// Incidents whose latest label is expected or not_anomaly, with their windows.
struct LabelledWindow {
  std::string incident_id, incident_type, label;
  DayNumber from = 0, to = 0;
};
std::vector<LabelledWindow> windows_labelled_normal(Database& db);

// What people set that a run reads: every incident with a status other than
// open or a label, as the JSON array run manifests record (incident_id,
// status, label, label_note, labelled_at).
std::string human_inputs_json(Database& db);

}  // namespace bre
