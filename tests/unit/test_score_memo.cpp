// Detection's memo (detect/score_memo.h): going on from a saved memo gives
// the incidents of a detection without one, the memo is really consulted,
// and whatever changed under it (a value, the rules, the first day) is
// scored again.
#include <doctest/doctest.h>

#include <algorithm>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "bre/core/time.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/incidents.h"
#include "bre/detect/score_memo.h"
#include "detect_test_support.h"

using namespace bre;

namespace {

// 120 days: refund_rate steps up on day 80, tickets surge on days 95-99,
// the other trigger metrics are noise; every layer has something to say.
DailyMetrics business(std::size_t days = 120) {
  DailyMetrics m;
  m.first_day = day_of(*parse_date("2026-03-02"));
  m.days = days;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(days));
  auto series = [&](const char* name) -> MetricValues& { return const_cast<MetricValues&>(*m.find(name)); };
  const std::vector<double> a = test::gaussian_noise(days, 5, 0.0, 0.004), b = test::gaussian_noise(days, 6, 20, 3),
                            c = test::gaussian_noise(days, 7, 0.1, 0.02);
  for (std::size_t d = 0; d < days; ++d) {
    series("refund_rate")[d] = (d < 80 ? 0.04 : 0.056) + a[d];
    series("ticket_volume")[d] = std::max(0.0, std::round(b[d] + (d >= 95 && d < 100 ? 25 : 0)));
    series("delivery_delay_rate")[d] = std::max(0.0, c[d]);
  }
  return m;
}

DailyMetrics first_days(const DailyMetrics& m, std::size_t days) {
  DailyMetrics p = m;
  p.days = days;
  for (MetricValues& v : p.values) v.resize(days);
  return p;
}

std::vector<std::string> summary(const std::vector<DetectedIncident>& found) {
  std::vector<std::string> out;
  for (const DetectedIncident& i : found) {
    std::string s = i.incident_id + " " + i.incident_type + " " + i.confidence + " " + i.severity + " " +
                    std::to_string(i.window_end) + " " + i.primary.metric + " " + std::to_string(i.primary.z);
    for (const std::string& m : i.detection_methods) s += " " + m;
    for (const std::string& n : i.notes) s += " | " + n;
    out.push_back(s);
  }
  return out;
}

// Detects m with the memo loaded from `saved` (empty: none); returns the
// incidents and leaves the memo's bytes and counts behind.
struct Detection {
  std::vector<DetectedIncident> found;
  std::string saved;
  std::int64_t reused = 0, computed = 0;
};
Detection detect_with_memo(const DailyMetrics& m, const std::string& saved, DetectConfig cfg = {}) {
  ScoreMemo memo = ScoreMemo::load(saved);
  cfg.baseline.memo = &memo;
  memo.bind(m, "forest");
  memo.serve(cfg.baseline);  // by address: the rules detection reads
  Detection d;
  d.found = detect_incidents(m, cfg);
  d.saved = memo.save();
  d.reused = memo.reused(), d.computed = memo.computed();
  return d;
}

}  // namespace

TEST_CASE("score memo: one more day from a saved memo gives the incidents of a detection without it") {
  const DailyMetrics all = business();
  const auto fresh = summary(detect_incidents(all));
  REQUIRE(fresh.size() >= 2);
  const Detection before = detect_with_memo(first_days(all, 119), "");
  const Detection after = detect_with_memo(all, before.saved);
  CHECK(summary(after.found) == fresh);
  // Only the new day (and what was never asked before) is scored.
  CHECK(before.computed > 10 * after.computed);
  CHECK(after.reused > 10 * after.computed);
  // And once more with nothing new: nothing is scored at all.
  const Detection again = detect_with_memo(all, after.saved);
  CHECK(summary(again.found) == fresh);
  CHECK(again.computed == 0);
}

TEST_CASE("score memo: a day after many, and BOCPD going on, match a fresh run at every step") {
  const DailyMetrics all = business();
  std::string saved;
  for (std::size_t days = 60; days <= all.days; days += 15) {
    const DailyMetrics m = first_days(all, days);
    const Detection d = detect_with_memo(m, saved);
    CHECK(summary(d.found) == summary(detect_incidents(m)));
    saved = d.saved;
  }
}

TEST_CASE("score memo: a changed value is scored again from its day on") {
  const DailyMetrics all = business();
  const Detection first = detect_with_memo(all, "");
  DailyMetrics changed = all;
  const_cast<MetricValues&>(*changed.find("refund_rate"))[60] = 0.09;  // a late refund lands on day 60
  const Detection d = detect_with_memo(changed, first.saved);
  CHECK(summary(d.found) == summary(detect_incidents(changed)));
  CHECK(d.computed > 0);
  CHECK(summary(d.found) != summary(first.found));  // the change matters: a stale memo would show
}

TEST_CASE("score memo: other rules or another first day score everything again") {
  const DailyMetrics all = business();
  const Detection first = detect_with_memo(all, "");
  DetectConfig other;
  other.baseline.baseline_days = 21;
  const Detection d = detect_with_memo(all, first.saved, other);
  CHECK(summary(d.found) == summary(detect_incidents(all, other)));
  DailyMetrics shifted = all;
  shifted.first_day += 1;
  const Detection s = detect_with_memo(shifted, first.saved);
  CHECK(summary(s.found) == summary(detect_incidents(shifted)));
  CHECK(s.computed >= first.computed);
}

TEST_CASE("score memo: bytes of another format are an empty memo, damaged bytes an error") {
  const Detection d = detect_with_memo(business(), "");
  std::string other = d.saved;
  other[10] = other[10] == 'x' ? 'y' : 'x';  // inside the format name
  const DailyMetrics m = business();
  DetectConfig cfg;
  ScoreMemo empty = ScoreMemo::load(other);
  empty.bind(m);
  empty.serve(cfg.baseline);
  CHECK(empty.day_slot("refund_rate", *m.find("refund_rate"), 100, m.first_day, cfg.baseline)->known == false);
  CHECK_THROWS_AS(ScoreMemo::load(d.saved.substr(0, d.saved.size() / 2)), Error);
}

TEST_CASE("score memo: a series or rules it is not bound to are not answered from it") {
  const DailyMetrics m = business();
  DetectConfig cfg;
  ScoreMemo memo;
  memo.bind(m);
  memo.serve(cfg.baseline);
  const MetricValues copy = *m.find("refund_rate");
  CHECK(memo.day_slot("refund_rate", copy, 100, m.first_day, cfg.baseline) == nullptr);
  CHECK(memo.day_slot("ticket_volume", *m.find("refund_rate"), 100, m.first_day, cfg.baseline) == nullptr);
  const BaselineRules other = cfg.baseline;
  CHECK(memo.day_slot("refund_rate", *m.find("refund_rate"), 100, m.first_day, other) == nullptr);
  CHECK(memo.day_slot("refund_rate", *m.find("refund_rate"), 100, m.first_day, cfg.baseline) != nullptr);
}

TEST_CASE("bocpd: a detector saved and restored goes on exactly as one that never stopped") {
  const std::vector<double> x = test::gaussian_noise(200, 11, 5, 1);
  std::vector<double> shifted = x;
  for (std::size_t i = 120; i < shifted.size(); ++i) shifted[i] += 4;
  const std::vector<BocpdStep> straight = bocpd(shifted);
  const BocpdParams params;
  const NormalGammaPrior prior = prior_from_baseline(std::span(shifted).first(params.prior_baseline));
  Bocpd first(prior, params);
  for (std::size_t i = 0; i < 100; ++i) first.observe(shifted[i]);
  ByteWriter out;
  first.save(out);
  const std::string bytes = out.take();
  Bocpd second(prior, params);
  ByteReader in(bytes, "test_corrupt", "state");
  second.restore(in);
  CHECK(second.observations() == 100);
  for (std::size_t i = 100; i < shifted.size(); ++i) {
    const BocpdStep s = second.observe(shifted[i]);
    CHECK(s.map_run_length == straight[i].map_run_length);
    CHECK(s.change_probability == straight[i].change_probability);
    CHECK(s.likely_change == straight[i].likely_change);
  }
}

TEST_CASE("score memo: recompute forgets what is served after it, and keeps the tables of rules not served") {
  const DailyMetrics m = business();
  const Detection first = detect_with_memo(m, "");
  DetectConfig cfg;
  DetectConfig other;
  other.baseline.baseline_days = 21;  // a monitor's rules, say
  std::string saved;
  {
    ScoreMemo memo = ScoreMemo::load(first.saved);
    memo.bind(m);
    memo.serve(other.baseline);
    memo.day_slot("refund_rate", *m.find("refund_rate"), 100, m.first_day, other.baseline)->known = true;
    saved = memo.save();
  }
  ScoreMemo memo = ScoreMemo::load(saved);
  memo.bind(m);
  memo.recompute();
  memo.serve(cfg.baseline);
  const MetricValues& refunds = *m.find("refund_rate");
  CHECK_FALSE(memo.day_slot("refund_rate", refunds, 100, m.first_day, cfg.baseline)->known);
  CHECK(memo.bocpd_run(refunds) == nullptr);
  CHECK(*memo.forest_slot(Domain::financial, 100) == -1);
  // The other rules' table was not served after recompute: it is kept.
  ScoreMemo later = ScoreMemo::load(memo.save());
  later.bind(m);
  later.serve(other.baseline);
  CHECK(later.day_slot("refund_rate", refunds, 100, m.first_day, other.baseline)->known);
}
