// Feedback labels: a window labelled expected leaves the baselines of its
// type's trigger metrics, so a later spike like it is found; labels are
// stored with their time (the latest counts), shown with the incident,
// recorded as run inputs; and the versioned config has one canonical JSON
// and hash.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "bre/detect/detect_config.h"
#include "bre/detect/run_detect.h"
#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"
#include "detect_test_support.h"
#include "test_support.h"

using namespace bre;

namespace {

const DayNumber kStart = day_of(*parse_date("2026-01-05"));  // a Monday

// 100 days where only refund_rate has values: 2 % with a little noise, a
// 10-day stretch at 5 % from day 50 (a promotion with many returns), and
// the same level again on days 77..79 (more than the 10 days that would make
// it the same incident).
DailyMetrics promotion_then_spike() {
  DailyMetrics m;
  m.first_day = kStart;
  m.days = 100;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(m.days));
  MetricValues& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  const std::vector<double> noise = test::gaussian_noise(m.days, 11, 0.0, 0.0008);
  for (std::size_t d = 0; d < m.days; ++d) v[d] = 0.02 + noise[d];
  for (std::size_t d = 50; d <= 59; ++d) v[d] = 0.05 + noise[d];
  for (std::size_t d = 77; d <= 79; ++d) v[d] = 0.05 + noise[d];
  return m;
}

DetectConfig layer1_only() {
  DetectConfig cfg;
  cfg.isolation_forest = cfg.changepoints = false;
  return cfg;
}

const DetectedIncident* starting_on(const std::vector<DetectedIncident>& found, DayNumber day) {
  for (const DetectedIncident& i : found)
    if (i.window_start == day) return &i;
  return nullptr;
}

nlohmann::json incident(Database& db, const std::string& id) { return nlohmann::json::parse(*find_incident(db, id)); }

}  // namespace

TEST_CASE("feedback: a window labelled expected no longer inflates the baseline, so a later spike like it is found") {
  const DailyMetrics m = promotion_then_spike();
  const MetricValues& v = *m.find("refund_rate");
  DetectConfig cfg = layer1_only();

  // Unlabelled, the 10 days at 5 % are more than a tenth of day 77's 90-day
  // history: the tail scale (docs/detection.md) takes them for normal swings.
  const auto before = score_day("refund_rate", v, 77, kStart, cfg.baseline);
  REQUIRE(before);
  CHECK(before->method == "tail");
  CHECK(before->z < 3);
  const std::vector<DetectedIncident> unlabelled = detect_incidents(m, cfg);
  const DetectedIncident* promotion = starting_on(unlabelled, kStart + 50);
  REQUIRE(promotion);
  CHECK(promotion->incident_type == "refund_spike");
  CHECK_FALSE(starting_on(unlabelled, kStart + 77));

  // Labelled expected: its window leaves refund_rate's history.
  exclude_labelled_windows(cfg, {{promotion->incident_id, "refund_spike", "expected", promotion->window_start,
                                  promotion->window_end}});
  REQUIRE(cfg.baseline.excluded_days.count("refund_rate") == 1);
  CHECK(cfg.baseline.excluded_days.size() == 1);  // refund_spike has one trigger metric
  const auto after = score_day("refund_rate", v, 77, kStart, cfg.baseline);
  REQUIRE(after);
  CHECK(after->baseline == doctest::Approx(0.02).epsilon(0.05));
  CHECK(after->scale < before->scale);
  CHECK(after->z > 3);
  CHECK(after->history < before->history);
  // Other metrics and the labelled days themselves are still scored.
  CHECK(score_day("refund_rate", v, 55, kStart, cfg.baseline));

  const std::vector<DetectedIncident> labelled = detect_incidents(m, cfg);
  const DetectedIncident* kept = starting_on(labelled, kStart + 50);
  REQUIRE(kept);
  CHECK(kept->incident_id == promotion->incident_id);
  const DetectedIncident* spike = starting_on(labelled, kStart + 77);
  REQUIRE(spike);
  CHECK(spike->incident_type == "refund_spike");
  CHECK(spike->window_end >= kStart + 78);  // day 79: seven 5 % days of 68 are a tenth, the tail has them
}

TEST_CASE("feedback: labels in the workspace, the latest counts, fed to the next detection and recorded") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  Database& db = ws->db();
  {
    Transaction tx(db);
    write_daily_metrics(db, promotion_then_spike(), std::nullopt, {}, "run-state");
    tx.commit();
  }
  Logger log;
  const DetectConfig cfg = layer1_only();
  const auto manifest = nlohmann::json::parse(run_detect_recorded(*ws, "run-1", log, cfg).manifest);
  CHECK(manifest["command"] == "detect");
  CHECK(manifest["config_hash"] == detect_config_hash(cfg));
  CHECK(manifest["config"] == nlohmann::json::parse(detect_config_json(cfg)));
  CHECK(manifest["human_inputs"].empty());
  CHECK(db.query_int("SELECT count(*) FROM runs WHERE run_id = 'run-1' AND command = 'detect'") == 1);
  const std::string id = [&] {
    Statement s = db.prepare("SELECT incident_id FROM incidents WHERE window_start = '2026-02-24'");  // day 50
    REQUIRE(s.step());
    return s.text(0);
  }();
  CHECK(db.query_int("SELECT count(*) FROM incidents WHERE window_start = '2026-03-23'") == 0);  // day 77
  CHECK(incident(db, id)["label"].is_null());

  // Errors: the label must be one of three, the incident must exist; nothing is written.
  try {
    label_incident(db, id, "fine", "", 1);
    FAIL("a bad label was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(std::string(e.what()).find("anomaly, expected, not_anomaly") != std::string::npos);
  }
  try {
    label_incident(db, "inc_nope", "expected", "", 1);
    FAIL("an unknown incident was labelled");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::not_found);
    CHECK(e.code() == "INCIDENT_NOT_FOUND");
  }
  CHECK(db.query_int("SELECT count(*) FROM incident_feedback") == 0);

  // The latest label counts, and shows with the incident.
  label_incident(db, id, "anomaly", "", 1'000);
  label_incident(db, id, "expected", "spring promotion", 2'000);
  const auto shown = incident(db, id);
  CHECK(shown["label"] == "expected");
  CHECK(shown["label_note"] == "spring promotion");
  CHECK(shown["labelled_at"] == "1970-01-01T00:00:02Z");
  CHECK(nlohmann::json::parse(list_incidents(db, {}).front())["label"] == "expected");
  const std::vector<LabelledWindow> windows = windows_labelled_normal(db);
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].incident_id == id);
  CHECK(windows[0].from == kStart + 50);

  // The next detection leaves the window out and finds the second spike; the labelled incident stays.
  const DetectRunResult second = run_detect_recorded(*ws, "run-2", log, cfg);
  const auto again = nlohmann::json::parse(second.manifest);
  CHECK(second.excluded_windows == 1);
  CHECK(again["human_inputs"].size() == 1);
  CHECK(again["human_inputs"][0]["incident_id"] == id);
  CHECK(again["human_inputs"][0]["label"] == "expected");
  CHECK(again["human_inputs"][0]["label_note"] == "spring promotion");
  CHECK(again["baseline_exclusions"][0]["metrics"] == nlohmann::json::array({"refund_rate"}));
  CHECK(db.query_int("SELECT count(*) FROM incidents WHERE window_start = '2026-03-23'") == 1);
  CHECK(incident(db, id)["label"] == "expected");

  // Labelled an anomaly after all: the window is history again, the second spike is withdrawn.
  label_incident(db, id, "anomaly", "", 3'000);
  CHECK(windows_labelled_normal(db).empty());
  CHECK(run_detect_recorded(*ws, "run-3", log, cfg).excluded_windows == 0);
  CHECK(db.query_int("SELECT count(*) FROM incidents WHERE window_start = '2026-03-23'") == 0);
  CHECK(incident(db, id)["label"] == "anomaly");
  CHECK(incident(db, id)["label_note"].is_null());
}

TEST_CASE("config: one canonical JSON with every threshold, versioned and hashed") {
  const DetectConfig defaults;
  const auto j = nlohmann::json::parse(detect_config_json(defaults));
  CHECK(j["version"] == kDetectConfigVersion);
  CHECK(j["baseline"]["baseline_days"] == 30);
  CHECK(j["incidents"]["cold_start_days"] == 14);
  CHECK(j["severity_bands"]["critical"] == 8.0);
  CHECK(j["incident_rules"].size() == incident_rules().size());
  CHECK(j["incident_rules"][0]["triggers"][0]["direction"] == "up");
  CHECK(j["metric_traits"].size() == metric_catalog().size());
  CHECK(detect_config_json(defaults) == detect_config_json(DetectConfig{}));
  CHECK(detect_config_hash(defaults).rfind("sha256:", 0) == 0);
  CHECK(detect_config_hash(defaults).size() == 7 + 64);

  DetectConfig other;
  other.severity_bands[2] = 9;
  CHECK(detect_config_hash(other) != detect_config_hash(defaults));
  // Labelled windows are an input, not config: they do not change the hash.
  other = defaults;
  other.baseline.excluded_days["refund_rate"].push_back({1, 2});
  CHECK(detect_config_hash(other) == detect_config_hash(defaults));
}
