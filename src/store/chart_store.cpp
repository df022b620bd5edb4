// Metric charts from the workspace (chart_store.h).
#include "bre/store/chart_store.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "bre/core/time.h"
#include "bre/detect/run_detect.h"
#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"

namespace bre {

namespace {

std::optional<DayNumber> day_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  const auto t = parse_date(j[key].get<std::string>());
  if (!t) return std::nullopt;
  return *t / kMsPerDay;
}

bool names_metric(const nlohmann::json& inc, const std::string& metric) {
  if (inc.value("primary_metric", "") == metric) return true;
  if (inc.contains("supporting_metrics") && inc["supporting_metrics"].is_array())
    for (const auto& s : inc["supporting_metrics"])
      if (s.is_object() && s.value("metric", "") == metric) return true;
  return false;
}

}  // namespace

std::vector<IncidentWindow> incident_windows_for(Database& db, const std::string& metric, DayNumber from,
                                                 DayNumber to) {
  std::vector<IncidentWindow> out;
  for (const std::string& payload : list_incidents(db, {})) {
    const nlohmann::json inc = nlohmann::json::parse(payload, nullptr, false);
    if (!inc.is_object() || !names_metric(inc, metric)) continue;
    const auto start = day_field(inc, "incident_window_start"), end = day_field(inc, "incident_window_end");
    if (!start || !end || *end < from || *start > to) continue;
    const std::string severity = inc.value("severity", "");
    out.push_back({*start, *end, inc.value("incident_type", "") + " (" + severity + ")", severity});
  }
  return out;
}

std::vector<MetricChart> workspace_metric_charts(Database& db, const std::vector<std::string>& metrics,
                                                 std::optional<DayNumber> from, std::optional<DayNumber> to) {
  const DailyMetrics daily = read_daily_metrics(db);
  DetectConfig detect;
  exclude_labelled_windows(detect, windows_labelled_normal(db));
  const DayNumber first = from.value_or(daily.first_day);
  const DayNumber last = to.value_or(daily.days ? daily.day(daily.days - 1) : daily.first_day);
  std::vector<MetricChart> charts;
  for (const std::string& m : metrics)
    charts.push_back(metric_chart(daily, m, first, last, detect, incident_windows_for(db, m, first, last)));
  return charts;
}

std::vector<MetricChart> postmortem_charts(Database& db, const Postmortem& pm, int days_before, int days_after) {
  if (pm.incidents.empty()) return {};
  std::vector<std::string> metrics;
  DayNumber first = std::numeric_limits<DayNumber>::max(), last = std::numeric_limits<DayNumber>::min();
  for (const PostmortemIncident& inc : pm.incidents) {
    if (!inc.metric.empty() && std::find(metrics.begin(), metrics.end(), inc.metric) == metrics.end())
      metrics.push_back(inc.metric);
    first = std::min(first, inc.window_start);
    last = std::max(last, inc.window_end);
  }
  return workspace_metric_charts(db, metrics, first - days_before, last + days_after);
}

}  // namespace bre
