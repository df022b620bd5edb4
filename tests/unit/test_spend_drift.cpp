// The spend-drift rule: the one-sided CUSUM with hand-computed values, its
// restarts and guards, and margin_compression incidents from a vendor whose
// spend drifts inside lumpy expenses (and none when nothing drifts).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "bre/core/metric_catalog.h"
#include "bre/detect/incidents.h"
#include "bre/detect/run_detect.h"
#include "bre/detect/seeded_random.h"
#include "bre/detect/spend_drift.h"
#include "detect_test_support.h"

using namespace bre;

namespace {

// Four days of baseline, h = 3: small enough to follow by hand.
CusumRules tiny_rules() {
  CusumRules r;
  r.reference_k = 0.5;
  r.threshold_h = 3;
  r.clip_z = 3;
  r.baseline_days = 4;
  r.min_baseline_days = 4;
  r.min_baseline_active_days = 1;
  r.max_run_days = 10;
  return r;
}

}  // namespace

TEST_CASE("spend drift: the one-sided CUSUM, computed by hand") {
  //                         baseline    excursion     back down   a huge bill
  const std::vector<double> x = {1, 3, 1, 3, 4, 4, 4, 1, 0, 0, 0, 100};
  const auto d = cusum_days(x, tiny_rules());
  for (std::size_t i = 0; i < 4; ++i) CHECK_FALSE(d[i].scored);  // fewer than 4 days before
  // Day 4: baseline 1,3,1,3: mean 2, sample sd sqrt(4/3) = 1.1547; z = 2/1.1547 = 1.7321; S = 1.7321 − 0.5.
  REQUIRE(d[4].scored);
  CHECK(d[4].baseline_mean == doctest::Approx(2.0));
  CHECK(d[4].baseline_sigma == doctest::Approx(std::sqrt(4.0 / 3.0)));
  CHECK(d[4].z == doctest::Approx(1.7321).epsilon(1e-4));
  CHECK(d[4].statistic == doctest::Approx(1.2321).epsilon(1e-4));
  // The baseline stays frozen while S > 0: days 5 and 6 add 1.2321 each; S reaches h on day 6.
  CHECK(d[5].baseline_mean == doctest::Approx(2.0));
  CHECK(d[6].statistic == doctest::Approx(3.6962).epsilon(1e-4));
  CHECK(d[6].run_start == 4);
  CHECK(d[6].excess == doctest::Approx(6.0));  // (4 − 2) × 3
  // Day 7: x = 1, z = −0.8660: S = 3.6962 − 0.8660 − 0.5 = 2.3301, excess 5.
  CHECK(d[7].statistic == doctest::Approx(2.3301).epsilon(1e-4));
  CHECK(d[7].excess == doctest::Approx(5.0));
  // Day 8: z = −1.7321: S = 0.0981; day 9: S = 0 (the excursion is over).
  CHECK(d[8].statistic == doctest::Approx(0.0981).epsilon(1e-3));
  CHECK(d[9].statistic == 0.0);
  // Day 10 starts afresh on days 6..9 (4, 1, 0, 0): mean 1.25, sd sqrt(10.75/3) = 1.8930.
  CHECK(d[10].run_start == 10);
  CHECK(d[10].baseline_mean == doctest::Approx(1.25));
  CHECK(d[10].baseline_sigma == doctest::Approx(std::sqrt(10.75 / 3.0)));
  CHECK(d[10].statistic == 0.0);
  // Day 11: one bill 400 sigmas out is clipped to z = 3, so S = 2.5 < h: one bill alone never fires.
  CHECK(d[11].z == 3.0);
  CHECK(d[11].statistic == doctest::Approx(2.5));
}

TEST_CASE("spend drift: a day labelled normal is left out of later baselines, and still scored itself") {
  // The example above with day 6 (a 4) in a window a person labelled expected.
  const std::vector<double> x = {1, 3, 1, 3, 4, 4, 4, 1, 0, 0, 0, 100};
  std::vector<bool> excluded(7, false);
  excluded[6] = true;
  const auto d = cusum_days(x, tiny_rules(), excluded);
  // Day 6 is scored as before, on the baseline frozen at day 4.
  CHECK(d[6].statistic == doctest::Approx(3.6962).epsilon(1e-4));
  // Day 10 would start afresh on days 6..9; without day 6 only 3 remain (< 4): not scored.
  CHECK_FALSE(d[10].scored);
  // Day 11 starts on days 7..10 (1, 0, 0, 0): mean 0.25, sd sqrt(0.75/3) = 0.5; the bill clips to z 3.
  REQUIRE(d[11].scored);
  CHECK(d[11].baseline_mean == doctest::Approx(0.25));
  CHECK(d[11].baseline_sigma == doctest::Approx(0.5));
  CHECK(d[11].statistic == doctest::Approx(2.5));
  // Without the label day 10 is scored on 4, 1, 0, 0 (the test above).
  CHECK(cusum_days(x, tiny_rules())[10].scored);
}

TEST_CASE("spend drift: a stream that is new or flat is not scored, and a long excursion restarts on a new normal") {
  CusumRules r = tiny_rules();
  r.min_baseline_active_days = 2;
  // One day of spend in the four before: too new to have a baseline.
  auto d = cusum_days({0, 0, 0, 5, 5, 5}, r);
  CHECK_FALSE(d[4].scored);
  CHECK(d[5].scored);  // 0, 0, 5, 5 before it
  // A permanent step: after max_run_days the excursion restarts on the last
  // four days, all at the new level (sd 0: not scored, no alarm).
  r.max_run_days = 6;
  std::vector<double> step = {1, 3, 1, 3};
  step.resize(20, 10.0);
  d = cusum_days(step, r);
  CHECK(d[9].statistic >= r.threshold_h);
  CHECK(d[9].run_start == 4);
  CHECK_FALSE(d[10].scored);  // day 4 + 6: the baseline would be 10, 10, 10, 10
  CHECK(d[19].statistic == 0.0);
  CHECK_THROWS(cusum_days({1.0, NAN}, r));
  r.threshold_h = 0;
  CHECK_THROWS(cusum_days({1.0}, r));
}

TEST_CASE("spend drift: the excess must be a share of revenue, and each day keeps its largest drift") {
  SpendDriftRules rules;
  rules.cusum = tiny_rules();
  rules.min_revenue_share = 0.05;
  const std::vector<PartySpend> parties = {
      {"v1", "Small", {1, 3, 1, 3, 4, 4, 4, 4}},          // excess 2 a day
      {"v2", "Large", {10, 30, 10, 30, 40, 40, 40, 40}},  // excess 20 a day, the same z
  };
  MetricValues revenue(8, 100.0);
  // Day 6: S = 3.70 ≥ 3 for both; excess over days 4..6 is 6 (2 %) and 60 (20 %) of 300.
  auto drifts = spend_drifts(parties, revenue, rules);
  REQUIRE(drifts.size() == 2);  // days 6 and 7
  CHECK(drifts[0].day == 6);
  CHECK(drifts[0].party->id == "v2");
  CHECK(drifts[0].revenue == 300.0);
  CHECK(drifts[0].revenue_share() == doctest::Approx(0.2));
  rules.min_revenue_share = 0.25;  // 60/300 and 80/400: neither is enough
  CHECK(spend_drifts(parties, revenue, rules).empty());
  rules.min_revenue_share = 0.05;
  rules.enabled = false;
  CHECK(spend_drifts(parties, revenue, rules).empty());
}

namespace {

const DayNumber kStart = day_of(*parse_date("2026-01-05"));  // a Monday

// 180 days of a business with lumpy bills from forty vendors (a bill every
// twenty days each on average, log-normal sizes: the 7-day expense ratio swings
// by a third on its own) against steady revenue; `drift` adds, from day 110
// on weekdays for 21 days, a bill from vendor v0 that grows to half of a
// weekday's normal bills (about 500). expense_ratio is the 7-day ratio of sums.
struct LumpyBusiness {
  DailyMetrics metrics;
  std::vector<PartySpend> vendors;
};

LumpyBusiness lumpy_business(bool drift) {
  constexpr std::size_t kDays = 180;
  LumpyBusiness b;
  SeededRandom random(7);
  std::vector<double> total(kDays, 0.0), revenue(kDays, 0.0);
  const auto noise = test::gaussian_noise(kDays * 8, 11);
  std::size_t n = 0;
  for (int v = 0; v < 40; ++v) {
    PartySpend p{"v" + std::to_string(v), "Vendor " + std::to_string(v), std::vector<double>(kDays, 0.0)};
    for (std::size_t i = 0; i < kDays; ++i)
      if (random.uniform() < 0.05) p.daily[i] = 150.0 * std::exp(0.7 * noise[n++ % noise.size()]);
    b.vendors.push_back(std::move(p));
  }
  if (drift)
    for (std::size_t t = 0; t < 21; ++t)
      if ((t + 110) % 7 < 5)  // weekdays: day 0 is a Monday
        b.vendors[0].daily[110 + t] += 0.5 * 500.0 * static_cast<double>(t + 1) / 21.0;
  for (const PartySpend& p : b.vendors)
    for (std::size_t i = 0; i < kDays; ++i) total[i] += p.daily[i];
  for (std::size_t i = 0; i < kDays; ++i) revenue[i] = 1000.0 * (1.0 + 0.1 * noise[(n++) % noise.size()]);
  DailyMetrics& m = b.metrics;
  m.first_day = kStart;
  m.days = kDays;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(kDays));
  auto set = [&](std::string_view name, std::size_t i, double x) { const_cast<MetricValues&>(*m.find(name))[i] = x; };
  for (std::size_t i = 0; i < kDays; ++i) {
    set("daily_revenue", i, revenue[i]);
    set("daily_expenses", i, total[i]);
    if (i < 6) continue;
    double e = 0, r = 0;
    for (std::size_t j = i - 6; j <= i; ++j) e += total[j], r += revenue[j];
    set("expense_ratio", i, e / r);
  }
  return b;
}

DetectConfig layer1_only() {
  DetectConfig c;
  c.isolation_forest = c.changepoints = false;
  return c;
}

}  // namespace

TEST_CASE("spend drift: a vendor drifting inside lumpy expenses opens a margin_compression incident") {
  // The same lumpy business without the drift: no vendor's CUSUM fires, so
  // the rule adds nothing (the z-score's own incident on a lumpy late week,
  // days 172-175, is there with or without it).
  const LumpyBusiness flat = lumpy_business(false);
  CHECK(spend_drifts(flat.vendors, *flat.metrics.find("daily_revenue"), SpendDriftRules{}).empty());
  const auto flat_found = detect_incidents(flat.metrics, layer1_only(), nullptr, &flat.vendors);
  CHECK(flat_found.size() == detect_incidents(flat.metrics, layer1_only()).size());
  for (const DetectedIncident& i : flat_found) CHECK(i.detection_methods == std::vector<std::string>{"mad_zscore"});

  const LumpyBusiness b = lumpy_business(true);
  // The drift is invisible to the z-score alone ...
  CHECK(detect_incidents(b.metrics, layer1_only()).empty());
  // ... and found by the CUSUM on the vendor's own spend.
  const auto found = detect_incidents(b.metrics, layer1_only(), nullptr, &b.vendors);
  REQUIRE(found.size() == 1);
  const DetectedIncident& inc = found.front();
  CHECK(inc.incident_type == "margin_compression");
  CHECK(inc.detection_methods == std::vector<std::string>{"cusum_drift"});
  CHECK(inc.confidence == "medium");  // layer 1 alone
  CHECK(inc.primary.metric == "expense_ratio");
  CHECK(inc.primary.z > 0);
  // Inside the drift or the week after it, found before it ended.
  CHECK(inc.window_start >= kStart + 110);
  CHECK(inc.window_start <= kStart + 130);
  CHECK(inc.detected_day <= kStart + 130);
  CHECK(inc.window_end <= kStart + 140);
  const bool named = std::any_of(inc.notes.begin(), inc.notes.end(), [](const std::string& n) {
    return n.rfind("drift (CUSUM) in spend with vendor Vendor 0 (v0)", 0) == 0;
  });
  CHECK(named);
  // Stable ids; and the rule can be switched off in the config.
  CHECK(detect_incidents(b.metrics, layer1_only(), nullptr, &b.vendors).front().incident_id == inc.incident_id);
  DetectConfig off = layer1_only();
  off.spend_drift.enabled = false;
  CHECK(detect_incidents(b.metrics, off, nullptr, &b.vendors).empty());
  // A margin_compression window labelled expected (exclude_labelled_windows
  // puts it on expense_ratio) leaves the vendors' baselines too: with the
  // 90 days before the drift labelled, no baseline is left to drift from.
  DetectConfig labelled = layer1_only();
  exclude_labelled_windows(labelled, {{"inc_x", "margin_compression", "expected", kStart, kStart + 109}});
  CHECK(detect_incidents(b.metrics, labelled, nullptr, &b.vendors).empty());
}

TEST_CASE("spend drift: no look-ahead, a day's drift verdict is the same with the later days cut off") {
  const LumpyBusiness b = lumpy_business(true);
  const MetricValues& revenue = *b.metrics.find("daily_revenue");
  const auto full = spend_drifts(b.vendors, revenue, SpendDriftRules{});
  REQUIRE_FALSE(full.empty());
  for (std::size_t cut : {full.front().day + 1, full.back().day + 1}) {
    std::vector<PartySpend> vendors = b.vendors;
    for (PartySpend& p : vendors) p.daily.resize(cut);
    const MetricValues head(revenue.begin(), revenue.begin() + static_cast<std::ptrdiff_t>(cut));
    const auto part = spend_drifts(vendors, head, SpendDriftRules{});
    std::vector<std::pair<std::size_t, std::string>> want, got;
    for (const SpendDrift& d : full)
      if (d.day < cut) want.emplace_back(d.day, d.party->id);
    for (const SpendDrift& d : part) got.emplace_back(d.day, d.party->id);
    CHECK(got == want);
  }
}
