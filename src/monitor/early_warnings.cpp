#include "bre/monitor/early_warnings.h"

#include <algorithm>
#include <map>
#include <optional>

namespace bre {

std::vector<EarlyWarning> early_warnings(const std::vector<MonitorAlert>& alerts,
                                         const std::vector<MonitorRule>& rules,
                                         const std::vector<DetectedAt>& incidents, int horizon_days) {
  std::map<std::string, const MonitorRule*> by_id;
  for (const MonitorRule& r : rules) by_id[r.monitor_id] = &r;
  std::vector<EarlyWarning> out;
  for (const MonitorAlert& a : alerts) {
    const auto rule = by_id.find(a.monitor_id);
    if (rule == by_id.end()) continue;
    std::optional<DetectedAt> first;
    for (const DetectedAt& i : incidents) {
      if (i.incident_type != rule->second->source_incident_type) continue;
      if (i.window_start < a.day || i.detected_day <= a.day || i.detected_day > a.day + horizon_days) continue;
      if (!first || i.detected_day < first->detected_day ||
          (i.detected_day == first->detected_day && i.incident_id < first->incident_id))
        first = i;
    }
    if (!first) continue;
    out.push_back({a.alert_id, a.monitor_id, a.metric_name, a.day, first->incident_id, first->incident_type,
                   first->detected_day, static_cast<int>(first->detected_day - a.day)});
  }
  std::sort(out.begin(), out.end(), [](const EarlyWarning& x, const EarlyWarning& y) {
    return x.alert_day != y.alert_day ? x.alert_day < y.alert_day : x.monitor_id < y.monitor_id;
  });
  return out;
}

}  // namespace bre
