// The closed loop, measured: which monitor alerts came before the detection
// engine opened an incident of the kind the monitor was born from, and by
// how many days. `bre demo` prints them; scripts/eval_monitors counts them.
#pragma once
#include <string>
#include <vector>

#include "bre/monitor/monitor_rules.h"
#include "bre/monitor/monitor_runtime.h"

namespace bre {

struct DetectedAt {
  std::string incident_id, incident_type;
  DayNumber window_start = 0;
  DayNumber detected_day = 0;  // the day of detected_at
};

struct EarlyWarning {
  std::string alert_id, monitor_id, metric_name;
  DayNumber alert_day = 0;
  std::string incident_id, incident_type;
  DayNumber detected_day = 0;
  int days_earlier = 0;  // detected_day − alert_day, ≥ 1
};

// For each alert, the first incident of its monitor's source incident type
// detected 1..horizon_days after the alert day whose window had not begun
// before it (an alert inside an open incident warns of nothing). Alerts of
// monitors not in `rules` are skipped. Ordered by alert day, then monitor id.
std::vector<EarlyWarning> early_warnings(const std::vector<MonitorAlert>& alerts,
                                         const std::vector<MonitorRule>& rules,
                                         const std::vector<DetectedAt>& incidents, int horizon_days = 14);

}  // namespace bre
