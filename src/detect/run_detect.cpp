#include "bre/detect/run_detect.h"

#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"

namespace bre {

DetectRunResult run_detect(Workspace& ws, const std::string& run_id, const Logger& log, const DetectConfig& cfg) {
  ScopedTimer timer(log, "detect", "detect");
  Database& db = ws.db();
  Transaction tx(db);
  const DailyMetrics m = read_daily_metrics(db);
  const std::vector<DetectedIncident> found = detect_incidents(m, cfg);
  const StoredIncidents stored = store_incidents(db, found, m.first_day, run_id);
  tx.commit();
  DetectRunResult r;
  r.days = static_cast<std::int64_t>(m.days);
  r.incidents = stored.written;
  r.withdrawn = stored.withdrawn;
  for (const DetectedIncident& i : found) ++r.by_type[i.incident_type];
  log.info("detect", "incidents_detected", {{"days", r.days}, {"incidents", r.incidents}, {"withdrawn", r.withdrawn}});
  return r;
}

}  // namespace bre
