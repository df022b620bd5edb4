// Layer 2's remembered verdicts: reusing them gives the incidents a fresh fit
// gives, the memo is really consulted, and a changed window gets a new key.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "bre/core/metric_catalog.h"
#include "bre/core/time.h"
#include "bre/detect/forest_verdicts.h"
#include "bre/detect/incidents.h"
#include "detect_test_support.h"

using namespace bre;

namespace {

// refund_rate steps from 4 % to 5.4 % on day 80: the forest flags the shift.
DailyMetrics shifted_refunds() {
  DailyMetrics m;
  m.first_day = day_of(*parse_date("2026-03-02"));
  m.days = 110;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(m.days));
  MetricValues& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  const std::vector<double> noise = test::gaussian_noise(m.days, 5, 0.0, 0.004);
  for (std::size_t d = 0; d < m.days; ++d) v[d] = (d < 80 ? 0.04 : 0.054) + noise[d];
  return m;
}

// Everything of an incident the forest can influence.
std::vector<std::string> summary(const std::vector<DetectedIncident>& found) {
  std::vector<std::string> out;
  for (const DetectedIncident& i : found) {
    std::string s = i.incident_id + " " + i.incident_type + " " + i.confidence + " " + i.severity;
    for (const std::string& m : i.detection_methods) s += " " + m;
    for (const std::string& n : i.notes) s += " | " + n;
    out.push_back(s);
  }
  return out;
}

bool uses_forest(const std::vector<DetectedIncident>& found) {
  return std::any_of(found.begin(), found.end(), [](const DetectedIncident& i) {
    return std::count(i.detection_methods.begin(), i.detection_methods.end(), "isolation_forest") > 0;
  });
}

}  // namespace

TEST_CASE("forest verdicts: remembered verdicts give the incidents of a fresh fit, without fitting") {
  const DailyMetrics m = shifted_refunds();
  const auto fresh = detect_incidents(m);
  REQUIRE(uses_forest(fresh));

  ForestVerdicts first;
  CHECK(summary(detect_incidents(m, {}, &first)) == summary(fresh));
  CHECK(first.hits == 0);
  CHECK(first.fits > 0);
  CHECK(first.computed.size() == first.used.size());

  ForestVerdicts second;
  second.known = first.computed;
  CHECK(summary(detect_incidents(m, {}, &second)) == summary(fresh));
  CHECK(second.fits == 0);
  CHECK(second.hits == first.fits);
  CHECK(second.computed.empty());
}

TEST_CASE("forest verdicts: the memo is what decides, so a wrong one would show") {
  const DailyMetrics m = shifted_refunds();
  ForestVerdicts first;
  detect_incidents(m, {}, &first);
  ForestVerdicts silenced;
  for (const auto& [key, flagged] : first.computed) silenced.known[key] = false;
  CHECK_FALSE(uses_forest(detect_incidents(m, {}, &silenced)));
}

TEST_CASE("forest verdicts: the key covers every value, the parameters and the seed") {
  std::vector<std::vector<double>> rows = {{1.0, 2.0}, {1.5, 2.5}, {0.5, 9.0}};
  IsolationForestParams p;
  const std::string key = forest_verdict_key(rows, p);
  CHECK(key.size() == 64);
  CHECK(forest_verdict_key(rows, p) == key);
  auto changed = rows;
  changed[1][1] = std::nextafter(2.5, 3.0);
  CHECK(forest_verdict_key(changed, p) != key);
  IsolationForestParams seeded = p;
  seeded.seed = 1;
  CHECK(forest_verdict_key(rows, seeded) != key);
  IsolationForestParams smaller = p;
  smaller.n_estimators = 50;
  CHECK(forest_verdict_key(rows, smaller) != key);
}
