// Layer 1 scores with hand-computed values, and incident detection per type
// on metric series built by hand: type, window, severity, ids, cold start.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "bre/core/metric_catalog.h"
#include "bre/detect/baseline_score.h"
#include "bre/detect/incidents.h"
#include "bre/detect/robust_stats.h"
#include "detect_test_support.h"

using namespace bre;

namespace {

const DayNumber kMonday = day_of(*parse_date("2026-03-02"));

DailyMetrics empty_metrics(std::size_t days) {
  DailyMetrics m;
  m.first_day = kMonday;
  m.days = days;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(days));
  return m;
}

MetricValues& series(DailyMetrics& m, std::string_view name) {
  return const_cast<MetricValues&>(*m.find(name));
}

// A steady level with deterministic noise of about ±4 %.
void steady(MetricValues& v, double level) {
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = level * (1.0 + 0.04 * std::sin(static_cast<double>(i) * 1.7));
}

}  // namespace

TEST_CASE("baseline score: the design's modified z-score on a trailing median and MAD") {
  MetricValues v;
  for (int i = 0; i < 30; ++i) v.push_back(i % 2 ? 12.0 : 10.0);  // median 11, MAD 1
  v.push_back(20.0);
  const auto s = score_day("avg_resolution_time", v, 30, kMonday);
  REQUIRE(s);
  CHECK(s->method == "mad");
  CHECK(s->baseline == 11.0);
  // 0.6745 · (20 − 11) / 1 = 6.07 (= 9 / 1.4826)
  CHECK(s->z == doctest::Approx(0.6745 * 9.0).epsilon(1e-3));
  CHECK(s->practical);
  CHECK(s->history == 30);
}

TEST_CASE("baseline score: MAD 0 falls back to the tail, the scaled mean absolute deviation, then a floor") {
  MetricValues v;
  for (int i = 0; i < 30; ++i) v.push_back(i < 20 ? 10.0 : 12.0);  // median 10, MAD 0, mean |dev| 20/30
  v.push_back(14.0);
  // The 90 % tail: the 27th of 30 sorted |dev| is 2; 2 / Φ⁻¹(0.95) = 2 / 1.6449 = 1.2159; z = 4 / 1.2159.
  auto s = score_day("avg_resolution_time", v, 30, kMonday);
  REQUIRE(s);
  CHECK(s->method == "tail");
  CHECK(s->z == doctest::Approx(4.0 / (2.0 / 1.644854)).epsilon(1e-5));
  // Without the tail rule: the scaled mean absolute deviation.
  BaselineRules no_tail;
  no_tail.tail_quantile = 0;
  s = score_day("avg_resolution_time", v, 30, kMonday, no_tail);
  REQUIRE(s);
  CHECK(s->method == "mean_abs_dev");
  CHECK(s->z == doctest::Approx(4.0 / (1.2533 * 20.0 / 30.0)).epsilon(1e-6));

  MetricValues flat(30, 10.0);
  flat.push_back(13.0);
  s = score_day("avg_resolution_time", flat, 30, kMonday);
  REQUIRE(s);
  CHECK(s->method == "floor");
  // Floor = max(2/3, 0.05·10, 0.02·13) = 0.667 hours: z = 3 / 0.667 = 4.5.
  CHECK(s->z == doctest::Approx(4.5));
  CHECK(metric_warmup_days("ar_aging_amount") == 45);
  CHECK(metric_warmup_days("refund_rate") == 6);
  CHECK(metric_warmup_days("order_volume") == 0);
}

TEST_CASE("baseline score: the tail sigma needs two values above its quantile") {
  std::vector<double> nine(19, 1.0);
  nine.back() = 5.0;
  CHECK(tail_sigma(nine) == 0.0);  // 19 × 10 % < 2: the outlier would set its own scale
  std::vector<double> twenty;
  for (int i = 0; i < 20; ++i) twenty.push_back(i);  // median 9.5; |dev| 0.5 .. 10.5, the 18th sorted is 9.5
  CHECK(tail_sigma(twenty) == doctest::Approx(9.5 / 1.644854).epsilon(1e-5));
}

TEST_CASE("baseline score: a trending stock is scored by its weekly log change") {
  // Overdue receivables growing 1 % a day with a ±0.5 % wobble, then a jump of 60 % on day 80.
  MetricValues v(81);
  for (std::size_t i = 0; i < 80; ++i) v[i] = 1000.0 * std::pow(1.01, static_cast<double>(i)) * (i % 2 ? 1.005 : 0.995);
  v[80] = *v[79] * 1.6;
  const auto s = score_day("ar_aging_amount", v, 80, kMonday);
  REQUIRE(s);
  CHECK(s->method.find("log_change") != std::string::npos);
  // Weekly log changes (days 45..79: from the end of the 45-day stock warm-up) alternate
  // 7·ln 1.01 ± ln(1.005/0.995); the floor ln 1.25 / 3 = 0.0744 sets the scale:
  // z = (ln(v80 / v73) − their median) / 0.0744.
  std::vector<double> changes;
  for (std::size_t j = 45; j < 80; ++j) changes.push_back(std::log(*v[j] / *v[j - 7]));
  const double center = median(changes);
  CHECK(s->z == doctest::Approx((std::log(*v[80] / *v[73]) - center) / (std::log(1.25) / 3)).epsilon(1e-9));
  CHECK(s->baseline == doctest::Approx(*v[73] * std::exp(center)));
  CHECK(s->z > 3);
  // The steady climb itself is not unusual.
  const auto climb = score_day("ar_aging_amount", v, 79, kMonday);
  REQUIRE(climb);
  CHECK(std::abs(climb->z) < 1);
  // Before the stock has filled (14 days after its first non-zero value) nothing is scored.
  MetricValues late(60, 0.0);
  for (std::size_t i = 40; i < 60; ++i) late[i] = 500.0;
  CHECK_FALSE(score_day("ar_aging_amount", late, 50, kMonday));
}

TEST_CASE("baseline score: a sustained shift is found by the mean of the last days") {
  // Tickets in the backlog: 2 a day for 60 days (with a ±1 wobble), then 4 a day for a week.
  MetricValues v(67);
  for (std::size_t i = 0; i < 60; ++i) v[i] = i % 3 == 0 ? 3.0 : i % 3 == 1 ? 1.0 : 2.0;
  for (std::size_t i = 60; i < 67; ++i) v[i] = 4.0;
  const auto day = score_day("ticket_backlog", v, 66, kMonday);
  const auto span = score_sustained("ticket_backlog", v, 66, kMonday);
  REQUIRE(day);
  REQUIRE(span);
  // Earlier 7-day means are all 2 (± 1/7): median 2; the MAD of means of a period-3 pattern is 1/7 · 1.4826, the
  // tail 1/7 / 1.6449 is smaller; the floor max(2/3 / √7, 0.05 · 2) = 0.252 wins: z = (4 − 2) / 0.252.
  CHECK(span->span == 7);
  CHECK(span->value == doctest::Approx(4.0));
  CHECK(span->baseline == doctest::Approx(2.0));
  CHECK(span->z == doctest::Approx(2.0 / (2.0 / 3.0 / std::sqrt(7.0))).epsilon(1e-6));
  CHECK(span->z > day->z);
  // Not for rolling windows: they are already means.
  CHECK_FALSE(score_sustained("refund_rate", v, 66, kMonday));
}

TEST_CASE("baseline score: small counts use a Poisson tail turned into z") {
  CHECK(poisson_upper_tail(10, 3) == doctest::Approx(0.0011025).epsilon(1e-3));  // 1 − Σ_{k<10} e^-3 3^k/k!
  CHECK(z_from_upper_tail(0.0013499) == doctest::Approx(3.0).epsilon(1e-3));
  CHECK(z_from_upper_tail(0.5) == doctest::Approx(0.0).epsilon(1e-6));
  MetricValues v(56, 3.0);
  v.push_back(10.0);
  const auto s = score_day("ticket_volume", v, 56, kMonday);
  REQUIRE(s);
  CHECK(s->method == "poisson");
  CHECK(s->z == doctest::Approx(z_from_upper_tail(poisson_upper_tail(10, 3))));
  CHECK(s->z > 3.0);
  v.back() = 8.0;  // P(X ≥ 8 | 3) ≈ 0.012: not an incident by itself
  CHECK(score_day("ticket_volume", v, 56, kMonday)->z < 3.0);
}

TEST_CASE("baseline score: daily flows are compared with the same weekday") {
  MetricValues v;
  for (int i = 0; i < 63; ++i) v.push_back((i % 7) < 5 ? 40.0 : 4.0);  // busy weekdays, quiet weekends
  // Day 62 is a Sunday. A quiet Sunday is normal; a weekday-sized Sunday is not.
  auto quiet = score_day("ticket_volume", v, 62, kMonday);
  REQUIRE(quiet);
  CHECK(quiet->seasonal);
  CHECK(quiet->baseline == doctest::Approx(4.0));
  CHECK(std::abs(quiet->z) < 1.0);
  v[62] = 40.0;
  auto busy = score_day("ticket_volume", v, 62, kMonday);
  REQUIRE(busy);
  CHECK(busy->z > 3.0);
  CHECK(busy->practical);
  CHECK_FALSE(score_day("ticket_volume", v, 10, kMonday));  // 10 days of history is too little
}

TEST_CASE("detection: each incident type fires on its trigger, with window, severity and a stable id") {
  struct Case {
    const char* type;
    const char* metric;
    double level;
    double shifted;  // the anomalous value on days 60..62
  };
  const Case cases[] = {
      {"refund_spike", "refund_rate", 0.02, 0.06},
      {"fulfillment_sla_degradation", "delivery_delay_rate", 0.05, 0.20},
      {"support_load_surge", "ticket_backlog", 40, 90},
      {"churn_acceleration", "churn_proxy", 0.02, 0.05},
      {"margin_compression", "margin_proxy", 0.40, 0.20},
      {"liquidity_crunch_risk", "net_cash_proxy", 50000, 20000},
      {"supplier_dependency_failure", "supplier_delay_severity", 2.0, 6.0},
      {"customer_satisfaction_regression", "review_score_avg", 4.5, 3.6},
  };
  for (const Case& c : cases) {
    const std::string type = c.type;
    CAPTURE(type);
    DailyMetrics m = empty_metrics(90);
    MetricValues& v = series(m, c.metric);
    steady(v, c.level);
    for (std::size_t d = 60; d <= 62; ++d) v[d] = c.shifted;
    const auto found = detect_incidents(m);
    REQUIRE(found.size() == 1);
    const DetectedIncident& inc = found.front();
    CHECK(inc.incident_type == c.type);
    CHECK(inc.window_start == kMonday + 60);
    CHECK(inc.window_end == kMonday + 62);
    CHECK(inc.primary.metric == c.metric);
    CHECK(inc.state == "ended");
    CHECK(inc.incident_id == detect_incidents(m).front().incident_id);
    CHECK(inc.incident_id.rfind("inc_", 0) == 0);
    // The severity bands: z in [t,4) low, [4,6) medium, [6,8) high, ≥ 8 critical.
    const double z = std::abs(inc.primary.z);
    const char* expected = z >= 8 ? "critical" : z >= 6 ? "high" : z >= 4 ? "medium" : "low";
    if (std::string(c.type) == "refund_spike" && z >= 8) expected = "high";  // 6 % of revenue is not > 10 %
    CHECK(inc.severity == expected);
    CHECK(inc.detection_methods.front() == "mad_zscore");
  }
}

TEST_CASE("detection: firing days close together are one incident, far apart two") {
  DailyMetrics m = empty_metrics(120);
  MetricValues& v = series(m, "refund_rate");
  steady(v, 0.02);
  v[60] = v[61] = v[68] = 0.08;  // 6 quiet days between: the same incident, reopened
  v[100] = v[101] = 0.08;       // 31 days later: a new one
  const auto found = detect_incidents(m);
  REQUIRE(found.size() == 2);
  CHECK(found[0].window_start == kMonday + 60);
  CHECK(found[0].window_end == kMonday + 68);
  CHECK(found[1].window_start == kMonday + 100);
  CHECK(found[1].state == "ended");
  v[118] = v[119] = 0.08;  // firing on the last days: active
  CHECK(detect_incidents(m).back().state == "active");
}

TEST_CASE("detection: a weak signal on a single day is not an incident, a strong one is") {
  DailyMetrics m = empty_metrics(90);
  MetricValues& v = series(m, "delivery_delay_rate");
  steady(v, 0.05);
  // z ≈ 3.5 (below strong_z 5) on one or two days: dropped; on three days (min_days_weak): kept, low.
  DetectConfig layer1;
  layer1.isolation_forest = layer1.changepoints = false;
  const auto weak = [&](std::size_t d) {
    const auto s = score_day("delivery_delay_rate", v, d, kMonday);
    return s->baseline + 3.5 * s->scale;
  };
  v[70] = std::max(weak(70), 0.05 * 1.26);
  CHECK(detect_incidents(m, layer1).empty());
  v[71] = std::max(weak(71), 0.05 * 1.26);
  CHECK(detect_incidents(m, layer1).empty());
  v[72] = std::max(weak(72), 0.05 * 1.26);
  REQUIRE(detect_incidents(m, layer1).size() == 1);
  CHECK(detect_incidents(m, layer1).front().severity == "low");
  steady(v, 0.05);
  v[70] = 0.5;  // one strong day
  REQUIRE(detect_incidents(m).size() == 1);
  CHECK(detect_incidents(m).front().severity != "low");
}

TEST_CASE("detection: no incident in the first 14 days, low confidence before 30") {
  DailyMetrics m = empty_metrics(60);
  MetricValues& v = series(m, "refund_rate");
  steady(v, 0.02);
  v[10] = v[11] = 0.10;  // two days: only the cold start keeps it out
  CHECK(detect_incidents(m).empty());
  steady(v, 0.02);
  v[22] = v[23] = 0.10;
  DetectConfig lax;
  lax.baseline.min_history_days = 7;
  const auto found = detect_incidents(m, lax);
  REQUIRE(found.size() == 1);
  CHECK(found[0].confidence == "low");
  CHECK(std::any_of(found[0].notes.begin(), found[0].notes.end(),
                    [](const std::string& n) { return n.find("30 days") != std::string::npos; }));
}

TEST_CASE("detection: liquidity is critical when both triggers fire on one day") {
  DailyMetrics m = empty_metrics(90);
  steady(series(m, "net_cash_proxy"), 50000);
  steady(series(m, "ar_aging_amount"), 8000);
  series(m, "net_cash_proxy")[70] = 35000;
  series(m, "ar_aging_amount")[70] = 12000;
  const auto found = detect_incidents(m);
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == "critical");
  CHECK(found[0].supporting.size() == 1);
}

TEST_CASE("detection: layer 2 or 3 alone raises a low-confidence incident where layer 1 raises none") {
  // refund_rate at 4 % (σ 0.4 points) for 80 days, then 5.4 % for 30: its days score z 1–4 by the noise, not
  // three of them at 3 or more close enough together for layer 1; the forest and BOCPD see the shift.
  DailyMetrics m = empty_metrics(110);
  MetricValues& v = series(m, "refund_rate");
  const std::vector<double> noise = test::gaussian_noise(m.days, 5, 0.0, 0.004);
  for (std::size_t d = 0; d < m.days; ++d) v[d] = (d < 80 ? 0.04 : 0.054) + noise[d];
  DetectConfig layer1;
  layer1.isolation_forest = layer1.changepoints = false;
  CHECK(detect_incidents(m, layer1).empty());
  const auto found = detect_incidents(m);
  const auto weak = std::find_if(found.begin(), found.end(), [](const DetectedIncident& i) {
    return i.incident_type == "refund_spike" && i.window_end >= kMonday + 80;
  });
  REQUIRE(weak != found.end());
  CHECK(weak->confidence == "low");
  CHECK(std::find(weak->detection_methods.begin(), weak->detection_methods.end(), "mad_zscore") ==
        weak->detection_methods.end());
  CHECK(weak->primary.z >= DetectConfig{}.weak_z);
  CHECK(weak->primary.z < DetectConfig{}.strong_z);  // too weak and short for layer 1 to make an incident of
  CHECK(weak->notes.front().find("not a layer-1 incident") == 0);
  if (std::find(weak->detection_methods.begin(), weak->detection_methods.end(), "changepoint") !=
      weak->detection_methods.end()) {
    const bool described = std::any_of(weak->notes.begin(), weak->notes.end(), [](const std::string& n) {
      return n.rfind("mean of refund_rate shifted from 0.04", 0) == 0;
    });
    CHECK(described);
  }
}
