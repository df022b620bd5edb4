// Prevention monitors (design component I): each incident's top causal path
// becomes watch rules on its metrics, set a little below the detection
// trigger so the monitor speaks before the detector does. Pure: the chain,
// the incident and the detection config in; rules out. The runtime that
// evaluates them is monitor_runtime.h; the store keeps one rule per metric
// and condition (a second incident reuses and strengthens it).
#pragma once
#include <string>
#include <vector>

#include "bre/core/dependency_graphs.h"
#include "bre/core/time.h"
#include "bre/detect/incidents.h"
#include "bre/rca/bre_rca.h"

namespace bre {

inline constexpr const char* kMonitorModelVersion = "monitor_v2";

struct MonitorRule {
  std::string monitor_id;  // mon_ + hash(metric, direction): one rule per metric and condition
  std::string name;        // "Supplier Delay Rate Watch"
  std::string description;
  std::string source_incident_id;                // the first incident that asked for it
  std::vector<std::string> source_incident_ids;  // every incident whose top path named it, oldest first
  std::string source_incident_type;
  DayNumber source_incident_day = 0;             // the source incident's window start
  std::string metric_name;
  int direction = +1;        // the bad way: +1 rising, -1 falling
  double z_threshold = 2.5;  // |z| in the bad direction that alerts
  std::string condition;     // "zscore > 2.5" | "zscore < -2.5"
  int baseline_window_days = 30;  // the detection baseline's trailing window
  int window_days = 1;            // days in a row the condition must hold before an alert
  // Path agreement (MonitorRuntimeConfig::agreement_days): a day counts only
  // when a monitor of the same causal path agrees. false: the monitor reads
  // alone (`bre monitor set --agreement off`); kept when incidents regenerate it.
  bool path_agreement = true;
  std::string check_frequency = "daily";
  std::string severity_if_triggered;  // one level below the source incident's severity (low at least)
  bool enabled = true;
  bool threshold_set_by_user = false;  // `bre monitor set`: generation no longer moves it
  TimeMs created_at = 0;
  std::string alert_message_template;  // placeholders {value} {baseline} {zscore} {day}
};

// The threshold for `metric`: the z of the incident trigger that watches this
// metric (that of the source incident's primary trigger when no rule
// watches it) minus `early_warning_z`.
double monitor_threshold(const std::string& metric, const std::string& source_incident_type,
                         double early_warning_z = 0.5);

// "mon_" + 16 hex of sha256(metric, direction).
std::string monitor_id_for(const std::string& metric, int direction);

// One rule per node of the chain's top path (root cause → incident metric).
// `severity` is the source incident's; `source_day` its window start.
std::vector<MonitorRule> generate_monitor_rules(const CausalChain& chain, const std::string& severity,
                                                DayNumber source_day, const DependencyGraphs& graphs,
                                                const DetectConfig& detect, TimeMs now);

// Folds newly generated rules into the existing ones: a rule with the same
// id keeps its id, creation time, enabled flag and any user-set threshold,
// adds the new source incident, takes the lower (earlier-warning) generated
// threshold and the higher severity. Rules are returned sorted by id.
std::vector<MonitorRule> merge_monitor_rules(std::vector<MonitorRule> existing,
                                             const std::vector<MonitorRule>& generated);

// The design's MonitorRule as JSON (plus direction, z_threshold, window_days,
// path_agreement, source_incident_ids, threshold_set_by_user). A stored rule
// without path_agreement (older workspaces) reads as true.
std::string monitor_rule_json(const MonitorRule& rule);
MonitorRule monitor_rule_from_json(const std::string& json);

}  // namespace bre
