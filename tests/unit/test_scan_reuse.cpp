// The scan's input fingerprint (scan/scan_reuse.h): stable while nothing
// changes, moved by every kind of input, and not by the writes the scan
// itself makes after its stages (the monitor runtime's bookkeeping, its own
// record of the fingerprint).
#include <doctest/doctest.h>

#include "bre/scan/scan_reuse.h"
#include "test_support.h"

namespace bre {

TEST_CASE("scan reuse: the fingerprint moves with each input and not with the scan's own bookkeeping") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  Database& db = ws->db();
  const DetectConfig detect;
  const CascadeConfig cascades;
  const RcaConfig rca;
  const DependencyGraphs& graphs = default_dependency_graphs();
  const auto fingerprint = [&](const DetectConfig& d = DetectConfig{}) {
    return scan_inputs_fingerprint(*ws, d, cascades, rca, graphs);
  };
  std::string before = fingerprint();
  CHECK(fingerprint() == before);

  // The code's side: detection parameters and layers.
  DetectConfig stricter = detect;
  stricter.strong_z += 1;
  CHECK(fingerprint(stricter) != before);
  DetectConfig layer1_only = detect;
  layer1_only.isolation_forest = false;
  CHECK(fingerprint(layer1_only) != before);

  // The scan's own record is not an input; another setting is.
  remember_scan_inputs(*ws, before, "run-1");
  CHECK(fingerprint() == before);
  REQUIRE(scan_run_for_inputs(*ws, before) == std::nullopt);  // no such run recorded
  db.exec("INSERT INTO runs(run_id, command, started_at, status) VALUES('run-1', 'scan', 0, 'succeeded')");
  CHECK(scan_run_for_inputs(*ws, before) == std::optional<std::string>("run-1"));
  ws->set_setting("timezone", "America/New_York");
  CHECK(fingerprint() != before);
  CHECK(scan_run_for_inputs(*ws, fingerprint()) == std::nullopt);  // the scan asks with the current one

  // Monitors: a person's switch is an input, the runtime's last day is not.
  db.exec("INSERT INTO monitors(monitor_id, metric, condition, threshold, payload, created_at) "
          "VALUES('mon_1', 'refund_rate', 'above', 3, '{}', 0)");
  before = fingerprint();
  db.exec("UPDATE monitors SET last_evaluated_day = '2026-03-01' WHERE monitor_id = 'mon_1'");
  db.exec("INSERT INTO monitor_alerts(alert_id, monitor_id, fired_at, payload, day) VALUES('al_1', 'mon_1', 0, '{}', '2026-03-01')");
  CHECK(fingerprint() == before);
  db.exec("UPDATE monitors SET enabled = 0 WHERE monitor_id = 'mon_1'");
  CHECK(fingerprint() != before);

  // Results written by any command, and triage, are inputs.
  before = fingerprint();
  db.exec("INSERT INTO incidents(incident_id, incident_type, severity, confidence, state, window_start, window_end, "
          "detected_at, payload) VALUES('inc_1', 'refund_spike', 'high', 'high', 'active', '2026-03-01', '2026-03-02', 0, '{}')");
  const std::string with_incident = fingerprint();
  CHECK(with_incident != before);
  db.exec("UPDATE incidents SET status = 'acknowledged' WHERE incident_id = 'inc_1'");
  CHECK(fingerprint() != with_incident);
}

}  // namespace bre
