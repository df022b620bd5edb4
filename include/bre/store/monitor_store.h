// Prevention monitors and their alerts in the workspace (tables monitors and
// monitor_alerts). Generated rules are folded into the stored ones with
// merge_monitor_rules, so a metric and condition has one monitor however many
// incidents ask for it; people enable, disable and tune them; the runtime
// remembers per monitor the last day it evaluated.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/monitor/monitor_runtime.h"
#include "bre/store/sqlite.h"

namespace bre {

struct MonitorSaveResult {
  std::int64_t created = 0, updated = 0, unchanged = 0;
  std::vector<std::string> created_ids, updated_ids;
};
// Merges `generated` into the stored monitors, in the caller's transaction.
MonitorSaveResult save_generated_monitors(Database& db, const std::vector<MonitorRule>& generated);

// Every stored monitor, by id.
std::vector<MonitorRule> list_monitors(Database& db);
// Error(not_found, MONITOR_NOT_FOUND) for an unknown id.
MonitorRule get_monitor(Database& db, const std::string& monitor_id);
void set_monitor_enabled(Database& db, const std::string& monitor_id, bool enabled);
// A person's threshold (|z| in the bad direction, > 0), window (days in a
// row, 1..30) and/or path agreement (on, or off: the monitor reads alone);
// what is set here is kept when later incidents regenerate the monitor.
// Usage error for values out of range.
MonitorRule tune_monitor(Database& db, const std::string& monitor_id, std::optional<double> z_threshold,
                         std::optional<int> window_days, std::optional<bool> path_agreement = std::nullopt);

// The last data day `bre monitor run` evaluated for the monitor (nullopt: never).
std::optional<DayNumber> monitor_last_evaluated(Database& db, const std::string& monitor_id);
void set_monitor_last_evaluated(Database& db, const std::string& monitor_id, DayNumber day);

// "zscore > 2.5" | "zscore < -2.5": the condition text of a direction and threshold.
std::string monitor_condition_text(int direction, double z_threshold);

struct AlertSaveResult {
  std::int64_t raised = 0, extended = 0;
  std::vector<std::string> raised_ids;
};
// Raised alerts are inserted (an alert already stored keeps its status and
// only has its episode updated, so re-running a range adds nothing); extended
// ones update the stored alert of their episode, if there is one.
AlertSaveResult save_alerts(Database& db, const MonitorEvaluation& evaluation);

struct AlertFilter {
  std::string status;      // active | acknowledged | dismissed; empty: all
  std::string monitor_id;  // empty: all
};
// Alerts oldest day first.
std::vector<MonitorAlert> list_alerts(Database& db, const AlertFilter& filter);
// Error(not_found, ALERT_NOT_FOUND) for an unknown id.
MonitorAlert get_alert(Database& db, const std::string& alert_id);
inline constexpr const char* kAlertStatuses[] = {"active", "acknowledged", "dismissed"};
// Usage error for another status.
MonitorAlert set_alert_status(Database& db, const std::string& alert_id, const std::string& status);

}  // namespace bre
