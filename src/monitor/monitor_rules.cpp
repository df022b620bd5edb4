// Monitor generation: the metrics of the top causal path, watched a little
// below their detection trigger (docs/monitors.md).
#include "bre/monitor/monitor_rules.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/core/json_text.h"
#include "bre/core/names.h"
#include "bre/core/severity.h"

namespace bre {

namespace {


const TriggerRule* trigger_watching(const std::string& metric) {
  for (const IncidentRule& r : incident_rules())
    for (const TriggerRule& t : r.triggers)
      if (t.metric == metric) return &t;
  return nullptr;
}

const IncidentRule* rule_of_type(const std::string& type) {
  for (const IncidentRule& r : incident_rules())
    if (r.type == type) return &r;
  return nullptr;
}

std::string condition_text(int direction, double z) {
  return direction > 0 ? fmt::format("zscore > {:g}", z) : fmt::format("zscore < {:g}", -z);
}

}  // namespace

double monitor_threshold(const std::string& metric, const std::string& source_incident_type,
                         double early_warning_z) {
  double trigger_z = 3.0;
  if (const TriggerRule* t = trigger_watching(metric)) trigger_z = t->z_threshold;
  else if (const IncidentRule* r = rule_of_type(source_incident_type); r && !r->triggers.empty())
    trigger_z = r->triggers.front().z_threshold;
  return trigger_z - early_warning_z;
}

std::string monitor_id_for(const std::string& metric, int direction) {
  return "mon_" + sha256_hex(metric + '\n' + (direction > 0 ? "up" : "down")).substr(0, 16);
}

std::vector<MonitorRule> generate_monitor_rules(const CausalChain& chain, const std::string& severity,
                                                DayNumber source_day, const DependencyGraphs& graphs,
                                                const DetectConfig& detect, TimeMs now) {
  // The incident metric alone when RCA found no path: every incident leaves
  // at least one monitor behind (design §9).
  std::vector<std::string> metrics =
      chain.paths.empty() ? std::vector<std::string>{chain.incident_metric} : chain.paths.front().metrics;
  const std::string type_title = title_case(chain.incident_type);
  const std::string source_date = format_day(source_day);
  const std::string monitor_severity = std::string(kSeverityOrder[static_cast<std::size_t>(std::max(0, severity_rank(severity) - 1))]);

  std::vector<MonitorRule> out;
  for (const std::string& metric : metrics) {
    if (metric.empty()) continue;
    MonitorRule r;
    const TriggerRule* trigger = trigger_watching(metric);
    r.direction = trigger ? trigger->direction : graphs.direction_of(metric);
    r.metric_name = metric;
    r.monitor_id = monitor_id_for(metric, r.direction);
    r.z_threshold = monitor_threshold(metric, chain.incident_type);
    r.condition = condition_text(r.direction, r.z_threshold);
    r.name = title_case(metric) + " Watch";
    const bool is_root = metric == metrics.front() && metrics.size() > 1;
    r.description = fmt::format("Early warning on {} ({} {}): {} of the {} incident {} that began {}.", metric,
                                r.direction > 0 ? "rising" : "falling", r.condition,
                                metric == chain.incident_metric ? "the incident metric"
                                : is_root                       ? "the root cause"
                                                                : "a link in the causal path",
                                chain.incident_type, chain.incident_id, source_date);
    r.source_incident_id = chain.incident_id;
    r.source_incident_ids = {chain.incident_id};
    r.source_incident_type = chain.incident_type;
    r.source_incident_day = source_day;
    r.baseline_window_days = detect.baseline.baseline_days;
    r.severity_if_triggered = monitor_severity;
    r.created_at = now;
    r.alert_message_template = fmt::format(
        "{} has crossed its early-warning threshold ({}): {{value}} against a baseline of {{baseline}} (z "
        "{{zscore}}) on {{day}}. This pattern preceded a {} incident ({}) on {}.",
        title_case(metric), r.condition, type_title, chain.incident_id, source_date);
    if (std::none_of(out.begin(), out.end(), [&](const MonitorRule& o) { return o.monitor_id == r.monitor_id; }))
      out.push_back(std::move(r));
  }
  return out;
}

std::vector<MonitorRule> merge_monitor_rules(std::vector<MonitorRule> existing,
                                             const std::vector<MonitorRule>& generated) {
  std::map<std::string, MonitorRule> by_id;
  for (MonitorRule& r : existing) by_id.emplace(r.monitor_id, std::move(r));
  for (const MonitorRule& g : generated) {
    auto [it, inserted] = by_id.emplace(g.monitor_id, g);
    if (inserted) continue;
    MonitorRule& r = it->second;
    for (const std::string& id : g.source_incident_ids)
      if (std::find(r.source_incident_ids.begin(), r.source_incident_ids.end(), id) == r.source_incident_ids.end())
        r.source_incident_ids.push_back(id);
    if (!r.threshold_set_by_user && g.z_threshold < r.z_threshold) {
      r.z_threshold = g.z_threshold;
      r.condition = condition_text(r.direction, r.z_threshold);
    }
    if (severity_rank(g.severity_if_triggered) > severity_rank(r.severity_if_triggered))
      r.severity_if_triggered = g.severity_if_triggered;
  }
  std::vector<MonitorRule> out;
  out.reserve(by_id.size());
  for (auto& [id, r] : by_id) out.push_back(std::move(r));
  return out;
}

std::string monitor_rule_json(const MonitorRule& r) {
  JsonObjectWriter w;
  w.string("monitor_id", r.monitor_id).string("name", r.name).string("description", r.description);
  w.string("source_incident_id", r.source_incident_id);
  w.raw("source_incident_ids", json_string_array(r.source_incident_ids));
  w.string("source_incident_type", r.source_incident_type);
  w.string("source_incident_date", format_day(r.source_incident_day));
  w.string("metric_name", r.metric_name).string("direction", r.direction > 0 ? "up" : "down");
  w.number("z_threshold", r.z_threshold).string("condition", r.condition);
  w.integer("baseline_window_days", r.baseline_window_days).integer("window_days", r.window_days);
  w.string("check_frequency", r.check_frequency).string("severity_if_triggered", r.severity_if_triggered);
  w.boolean("path_agreement", r.path_agreement);
  w.boolean("enabled", r.enabled).boolean("threshold_set_by_user", r.threshold_set_by_user);
  w.string("created_at", format_iso8601(r.created_at));
  w.string("alert_message_template", r.alert_message_template);
  return w.str();
}

MonitorRule monitor_rule_from_json(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::data_invalid, "MONITOR_INVALID", "stored monitor is not a JSON object");
  try {
    MonitorRule r;
    r.monitor_id = j.at("monitor_id").get<std::string>();
    r.name = j.at("name").get<std::string>();
    r.description = j.at("description").get<std::string>();
    r.source_incident_id = j.at("source_incident_id").get<std::string>();
    r.source_incident_ids = j.at("source_incident_ids").get<std::vector<std::string>>();
    r.source_incident_type = j.at("source_incident_type").get<std::string>();
    const auto day = parse_date(j.at("source_incident_date").get<std::string>());
    if (!day) throw Error(ErrorKind::data_invalid, "MONITOR_INVALID", "bad source_incident_date");
    r.source_incident_day = day_of(*day);
    r.metric_name = j.at("metric_name").get<std::string>();
    r.direction = j.at("direction").get<std::string>() == "down" ? -1 : +1;
    r.z_threshold = j.at("z_threshold").get<double>();
    r.condition = j.at("condition").get<std::string>();
    r.baseline_window_days = j.at("baseline_window_days").get<int>();
    r.window_days = j.at("window_days").get<int>();
    r.path_agreement = j.value("path_agreement", true);
    r.check_frequency = j.at("check_frequency").get<std::string>();
    r.severity_if_triggered = j.at("severity_if_triggered").get<std::string>();
    r.enabled = j.at("enabled").get<bool>();
    r.threshold_set_by_user = j.at("threshold_set_by_user").get<bool>();
    const auto created = parse_iso8601(j.at("created_at").get<std::string>());
    r.created_at = created ? *created : 0;
    r.alert_message_template = j.at("alert_message_template").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::data_invalid, "MONITOR_INVALID", std::string("stored monitor: ") + e.what());
  }
}

}  // namespace bre
