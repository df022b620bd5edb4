// WhatIfScenario as JSON: the design's fields plus the fits behind them.
#include <cmath>
#include <nlohmann/json.hpp>

#include "bre/core/time.h"
#include "bre/simulate/what_if.h"

namespace bre {

namespace {

using Json = nlohmann::ordered_json;

std::string date(DayNumber d) { return format_date(d * kMsPerDay); }

Json incident_json(const SimulatedIncident& s, const BusinessTime& clock) {
  const DetectedIncident& i = s.incident;
  Json j = {{"incident_id", i.incident_id},
            {"incident_type", i.incident_type},
            {"severity", i.severity},
            {"confidence", i.confidence},
            {"incident_window_start", date(i.window_start)},
            {"incident_window_end", date(i.window_end)},
            {"detected_at", format_iso8601(clock.day_end(i.detected_day))},
            {"days_after_start", s.days_after_start},
            {"primary_metric", i.primary.metric},
            {"primary_metric_value", i.primary.value},
            {"primary_metric_baseline", i.primary.baseline},
            {"primary_metric_zscore", i.primary.z},
            {"detection_methods", i.detection_methods}};
  if (s.baseline_severity) j["baseline_severity"] = *s.baseline_severity;
  if (s.baseline_window_end) j["baseline_window_end"] = date(*s.baseline_window_end);
  return j;
}

Json incidents_json(const std::vector<SimulatedIncident>& list, const BusinessTime& clock) {
  Json a = Json::array();
  for (const auto& s : list) a.push_back(incident_json(s, clock));
  return a;
}

}  // namespace

std::string what_if_json(const WhatIfScenario& s) {
  Json j;
  j["scenario_id"] = s.scenario_id;
  Json perturbations = Json::array();
  for (const Perturbation& p : s.perturbations) perturbations.push_back({{"metric", p.metric}, {p.points ? "change_pp" : "change_pct", p.change_pct}});
  j["perturbations"] = perturbations;
  j["window"] = {date(s.window_from), date(s.window_to)};
  j["latest_metric_day"] = date(s.latest_day);
  j["dependency_graph_version"] = s.dependency_graph_version;
  Json propagation = Json::array();
  for (const EdgeEffect& e : s.propagation) {
    Json p = {{"from", e.from}, {"to", e.to}, {"max_lag_days", e.max_lag_days}};
    if (e.fit) {
      p["lag_days"] = e.fit->lag;
      p["coefficient"] = e.fit->slope;
      p["intercept"] = e.fit->intercept;
      p["r2"] = e.fit->r2;
      p["correlation"] = e.fit->correlation;
      p["points"] = e.fit->points;
      p["t_stat"] = std::isfinite(e.fit->t_stat) ? Json(e.fit->t_stat) : Json();
      p["effective_t"] = std::isfinite(e.effective_t) ? Json(e.effective_t) : Json();
    }
    p["fitted_parent"] = e.fitted_parent;
    if (!e.per.empty()) p["per"] = e.per;
    p["expected_sign"] = e.expected_sign;
    p["propagated"] = e.propagated;
    p["note"] = e.note;
    propagation.push_back(std::move(p));
  }
  j["propagation"] = propagation;
  Json metrics = Json::object();
  for (const ChangedMetric& c : s.simulated_metrics) {
    Json days = Json::array();
    for (const ChangedDay& d : c.days)
      days.push_back({{"day", date(d.day)}, {"baseline", d.baseline}, {"simulated", d.simulated}});
    metrics[c.metric] = {{"cause", c.cause}, {"days", days}};
  }
  j["simulated_metrics"] = metrics;
  j["triggered_incidents"] = incidents_json(s.triggered_incidents, s.business_time);
  j["escalated_incidents"] = incidents_json(s.escalated_incidents, s.business_time);
  j["prolonged_incidents"] = incidents_json(s.prolonged_incidents, s.business_time);
  j["incidents_avoided"] = incidents_json(s.incidents_avoided, s.business_time);
  Json cascades = Json::array();
  for (const IncidentCascade& c : s.triggered_cascades) cascades.push_back(Json::parse(cascade_json(c)));
  j["triggered_cascades"] = cascades;
  j["narrative"] = s.narrative;
  j["caveat"] = s.caveat;
  j["algorithm_version"] = kWhatIfVersion;
  return j.dump();
}

}  // namespace bre
