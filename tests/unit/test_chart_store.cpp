// Charts from a workspace: the stored metric with its detection baseline,
// the stored incidents that name it as windows, and a postmortem's range.
#include <doctest/doctest.h>

#include "bre/core/metric_catalog.h"
#include "bre/detect/run_detect.h"
#include "bre/store/chart_store.h"
#include "bre/store/metric_store.h"
#include "test_support.h"

using namespace bre;

namespace {

const DayNumber kFirst = *parse_date("2026-01-05") / kMsPerDay;

// 90 days of refund_rate at 2 % (a little wobble), 9 % on days 60–64, and one null day.
DailyMetrics refund_spike_metrics() {
  DailyMetrics m;
  m.first_day = kFirst;
  m.days = 90;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(m.days));
  auto& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  for (std::size_t d = 0; d < m.days; ++d) v[d] = 0.02 + 0.001 * static_cast<double>(d % 3);
  for (std::size_t d = 60; d <= 64; ++d) v[d] = 0.09;
  v[40] = std::nullopt;
  return m;
}

}  // namespace

TEST_CASE("chart store: a stored metric with its incident's window, and a postmortem's range") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  Database& db = ws->db();
  {
    Transaction tx(db);
    write_daily_metrics(db, refund_spike_metrics(), std::nullopt, {}, "run-state");
    tx.commit();
  }
  Logger log;
  DetectConfig cfg;
  cfg.isolation_forest = cfg.changepoints = false;
  run_detect_recorded(*ws, "run-detect", log, cfg);

  const std::vector<IncidentWindow> windows = incident_windows_for(db, "refund_rate", kFirst, kFirst + 89);
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].from == kFirst + 60);
  CHECK(windows[0].label.rfind("refund_spike (", 0) == 0);
  CHECK(incident_windows_for(db, "refund_rate", kFirst, kFirst + 50).empty());  // ends before the spike
  CHECK(incident_windows_for(db, "order_volume", kFirst, kFirst + 89).empty());

  const std::vector<MetricChart> all = workspace_metric_charts(db, {"refund_rate"}, std::nullopt, std::nullopt);
  REQUIRE(all.size() == 1);
  CHECK(all[0].first_day == kFirst);
  REQUIRE(all[0].values.size() == 90);
  CHECK_FALSE(all[0].values[40].has_value());  // a null day stays null
  CHECK(all[0].values[61] == doctest::Approx(0.09));
  CHECK(all[0].windows.size() == 1);

  Postmortem pm;
  PostmortemIncident inc;
  inc.metric = "refund_rate";
  inc.window_start = windows[0].from;
  inc.window_end = windows[0].to;
  pm.incidents = {inc, inc};  // the same metric twice: one chart
  const std::vector<MetricChart> charts = postmortem_charts(db, pm);
  REQUIRE(charts.size() == 1);
  CHECK(charts[0].first_day == inc.window_start - 28);
  CHECK(charts[0].last_day() == std::min<DayNumber>(inc.window_end + 7, kFirst + 89));
  CHECK(charts[0].windows.size() == 1);
  CHECK(postmortem_charts(db, Postmortem{}).empty());
}
