// What-if simulation: the regression and propagation formulas against
// hand-computed values, bounds, ids, and the whole run on a synthetic
// business whose ticket volume follows its late deliveries by a day.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "bre/core/error.h"
#include "bre/simulate/what_if.h"
#include "detect_test_support.h"

using namespace bre;

namespace {

constexpr DayNumber kJan1 = 20454;  // 2026-01-01

DailyMetrics metrics_of(const std::vector<std::pair<std::string_view, MetricValues>>& series) {
  DailyMetrics m;
  m.first_day = kJan1;
  m.days = series.front().second.size();
  for (const auto& [name, values] : series) {
    m.names.push_back(name);
    m.values.push_back(values);
  }
  return m;
}

MetricValues known(const std::vector<double>& v) { return {v.begin(), v.end()}; }

EdgeEffect used_edge(const char* from, const char* to, int lag, double slope) {
  EdgeEffect e{from, to, 3, LaggedFit{lag, slope, 0, 1, 1, 50, 0}, +1, true, "", from, "", 0};
  return e;
}

// 120 days: late deliveries around 5 % with noise; tickets = 2 + 100 × the
// previous day's delay rate, plus noise. The truth the fit should find.
DailyMetrics delivery_business(std::uint64_t seed = 11) {
  const std::size_t days = 120;
  const auto delay_noise = test::gaussian_noise(days, seed, 0.05, 0.01);
  const auto ticket_noise = test::gaussian_noise(days, seed + 1, 0, 0.1);
  MetricValues delay, tickets;
  for (std::size_t t = 0; t < days; ++t) {
    delay.push_back(std::max(0.0, delay_noise[t]));
    tickets.push_back(t == 0 ? 4.0 : std::max(0.0, 2 + 100 * *delay[t - 1] + ticket_noise[t]));
  }
  return metrics_of({{"delivery_delay_rate", delay}, {"ticket_volume", tickets}});
}

Dag delay_to_tickets() {
  return Dag("test", {"delivery_delay_rate", "ticket_volume"},
             {{"delivery_delay_rate", "ticket_volume", "customers ask where their order is", false, 3}}, "test");
}

}  // namespace

TEST_CASE("simulate: perturbations parse as METRIC=+N% or METRIC=-N%") {
  const Perturbation up = parse_perturbation("delivery_delay_rate=+30%");
  CHECK(up.metric == "delivery_delay_rate");
  CHECK(up.change_pct == 30);
  CHECK(parse_perturbation("ar_aging_amount=-50%").change_pct == -50);
  CHECK(parse_perturbation("order_volume=+12.5%").change_pct == 12.5);
  for (const char* bad : {"delivery_delay_rate=30%", "delivery_delay_rate=+30", "no_such_metric=+30%",
                          "delivery_delay_rate", "=+30%", "ar_aging_amount=-100%", "order_volume=+0%",
                          "order_volume=+abc%"}) {
    CAPTURE(bad);
    try {
      parse_perturbation(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      CHECK(e.code() == "BAD_PERTURBATION");
    }
  }
}

TEST_CASE("simulate: a ratio metric takes percentage points, METRIC=+Npp") {
  const Perturbation pp = parse_perturbation("delivery_delay_rate=+30pp");
  CHECK(pp.metric == "delivery_delay_rate");
  CHECK(pp.change_pct == 30);
  CHECK(pp.points);
  CHECK_FALSE(parse_perturbation("delivery_delay_rate=+30%").points);
  CHECK(parse_perturbation("refund_rate=-2.5pp").change_pct == -2.5);
  // Not a ratio, more than the whole share, unsigned, zero.
  for (const char* bad : {"order_volume=+30pp", "delivery_delay_rate=+101pp", "delivery_delay_rate=30pp",
                          "delivery_delay_rate=+0pp", "delivery_delay_rate=+pp"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_perturbation(bad), Error);
  }
  // Points and percent are different questions: different ids.
  CHECK(scenario_id_of({{"delivery_delay_rate", 30, true}}, 100, 113, 113) !=
        scenario_id_of({{"delivery_delay_rate", 30, false}}, 100, 113, 113));
}

TEST_CASE("simulate: the fit's t statistic and its effective-sample reading match the hand-computed values") {
  // r = 0.6 over 4 points: t = 0.6 × √2 / √0.64 = 1.0607.
  const auto noisy = fit_lagged(known({1, 2, 3, 4}), known({2, 1, 4, 3}), 0);
  REQUIRE(noisy);
  CHECK(noisy->t_stat == doctest::Approx(0.6 * std::sqrt(2.0) / 0.8));
  CHECK(effective_t(*noisy, 1) == doctest::Approx(noisy->t_stat));
  // 70 overlapping 7-day means count as 10 points: t × √(8/68).
  LaggedFit f;
  f.points = 70;
  f.t_stat = 3;
  CHECK(effective_t(f, 7) == doctest::Approx(3 * std::sqrt(8.0 / 68.0)));
  CHECK(effective_t(f, 35) == 0);  // 2 effective points say nothing
}

TEST_CASE("simulate: a rate's effect on a count is fitted on the rate's numerator count") {
  // 120 days of 10 deliveries, late ones noisy around 0.5 a day, tickets = 2
  // + 0.5 per late delivery the same day + noise: the fit is per late delivery.
  const std::size_t days = 120;
  const auto late_noise = test::gaussian_noise(days, 5, 0.5, 0.3);
  const auto ticket_noise = test::gaussian_noise(days, 6, 0, 0.05);
  MetricValues late, count, rate, tickets;
  for (std::size_t t = 0; t < days; ++t) {
    const double l = std::max(0.0, late_noise[t]);
    late.push_back(l), count.push_back(10.0), rate.push_back(l / 10), tickets.push_back(2 + 0.5 * l + ticket_noise[t]);
  }
  const DailyMetrics m = metrics_of({{"delivery_delay_rate", rate},
                                     {"late_delivery_count", late},
                                     {"delivery_count", count},
                                     {"ticket_volume", tickets}});
  const EdgeEffect e =
      estimate_edge_effect(m, {"delivery_delay_rate", "ticket_volume", "", false, 3}, {}, +1);
  CHECK(e.fitted_parent == "late_delivery_count");
  CHECK(e.per == "delivery_count");
  REQUIRE(e.fit);
  CHECK(e.fit->lag == 0);
  CHECK(e.fit->slope == doctest::Approx(0.5).epsilon(0.1));
  CHECK(e.propagated);
  CHECK(e.effective_t > 2);
  // Not a count child: the rate itself is fitted.
  CHECK(estimate_edge_effect(m, {"delivery_delay_rate", "review_score_avg", "", false, 3}, {}, -1).fitted_parent ==
        "delivery_delay_rate");

  // Propagation: +10 points on days 1..3 of 5 with 10, 20, 10, 20, 10
  // deliveries is 1, 2, 1 more late deliveries... × 0.5 tickets each, a day later.
  const DailyMetrics five = metrics_of({{"delivery_delay_rate", known({0.05, 0.05, 0.05, 0.05, 0.05})},
                                        {"delivery_count", known({10, 20, 10, 20, 10})},
                                        {"ticket_volume", known({2, 2, 2, 2, 2})}});
  EdgeEffect edge = used_edge("delivery_delay_rate", "ticket_volume", 1, 0.5);
  edge.fitted_parent = "late_delivery_count";
  edge.per = "delivery_count";
  const auto deltas =
      propagate(five, {{"delivery_delay_rate", 10, true}}, kJan1 + 1, kJan1 + 3, delay_to_tickets(), {edge});
  REQUIRE(deltas.size() == 2);
  CHECK(deltas[0].metric == "delivery_delay_rate");
  CHECK(deltas[0].delta[0] == 0);
  CHECK(deltas[0].delta[1] == doctest::Approx(0.1));  // points: the same 0.1 whatever the value
  CHECK(deltas[0].delta[3] == doctest::Approx(0.1));
  CHECK(deltas[0].delta[4] == 0);
  CHECK(deltas[1].metric == "ticket_volume");
  // Δlate = 0.1 × (20, 10, 20) = 2, 1, 2 on days 1..3; tickets 0.5 × that on days 2..4.
  CHECK(deltas[1].delta[0] == 0);
  CHECK(deltas[1].delta[1] == 0);
  CHECK(deltas[1].delta[2] == doctest::Approx(1));
  CHECK(deltas[1].delta[3] == doctest::Approx(0.5));
  CHECK(deltas[1].delta[4] == doctest::Approx(1));
}

TEST_CASE("simulate: the lagged least-squares fit matches the hand-computed line") {
  // child[t] = 2 × parent[t − 1] + 1 exactly: slope 2, intercept 1, R² 1 over 4 pairs.
  const MetricValues parent = known({1, 2, 3, 4, 5}), child = known({0, 3, 5, 7, 9});
  const auto exact = fit_lagged(parent, child, 1);
  REQUIRE(exact);
  CHECK(exact->slope == doctest::Approx(2));
  CHECK(exact->intercept == doctest::Approx(1));
  CHECK(exact->r2 == doctest::Approx(1));
  CHECK(exact->points == 4);
  // x = 1,2,3,4; y = 2,1,4,3: Sxy = 3, Sxx = Syy = 5, so slope 0.6, intercept
  // 2.5 − 0.6 × 2.5 = 1, r = 3/5, R² 0.36.
  const auto noisy = fit_lagged(known({1, 2, 3, 4}), known({2, 1, 4, 3}), 0);
  REQUIRE(noisy);
  CHECK(noisy->slope == doctest::Approx(0.6));
  CHECK(noisy->intercept == doctest::Approx(1));
  CHECK(noisy->correlation == doctest::Approx(0.6));
  CHECK(noisy->r2 == doctest::Approx(0.36));
  // Missing days are skipped; fewer than 3 pairs is no fit; a constant parent explains nothing.
  MetricValues gappy = known({1, 2, 3, 4});
  gappy[1].reset();
  CHECK(fit_lagged(gappy, known({2, 1, 4, 3}), 0)->points == 3);
  CHECK_FALSE(fit_lagged(known({1, 2}), known({1, 2}), 0));
  const auto flat = fit_lagged(known({3, 3, 3, 3}), known({1, 2, 3, 4}), 0);
  REQUIRE(flat);
  CHECK(flat->slope == 0);
  CHECK(flat->r2 == 0);
  // first_day: only the days from it on are used.
  CHECK(fit_lagged(known({1, 2, 3, 4}), known({2, 1, 4, 3}), 0, 1)->points == 3);
  CHECK_FALSE(fit_lagged(known({1, 2, 3, 4}), known({2, 1, 4, 3}), 0, 2));
}

TEST_CASE("simulate: trailing means need half their days known") {
  const MetricValues v = {1.0, 2.0, 3.0, std::nullopt, 5.0};
  const MetricValues two = trailing_mean(v, 2), three = trailing_mean(v, 3);
  CHECK(two == MetricValues{1.0, 1.5, 2.5, 3.0, 5.0});
  CHECK(three == MetricValues{std::nullopt, 1.5, 2.0, 2.5, 4.0});
  CHECK(trailing_mean(v, 1) == v);
}

TEST_CASE("simulate: an edge's effect is the best lag's fit and a weak or contrary fit propagates nothing") {
  const DailyMetrics m = delivery_business();
  const GraphEdge edge{"delivery_delay_rate", "ticket_volume", "", false, 3};
  // Smoothed 7 days, the slope of the linear relation is unchanged.
  const EdgeEffect e = estimate_edge_effect(m, edge, {}, +1);
  REQUIRE(e.fit);
  CHECK(e.fit->lag == 1);
  CHECK(e.fit->slope == doctest::Approx(100).epsilon(0.1));
  CHECK(e.fit->r2 > 0.5);
  CHECK(e.propagated);
  // A graph whose mechanism says the tickets should fall: the fit contradicts it.
  const EdgeEffect contrary = estimate_edge_effect(m, edge, {}, -1);
  CHECK_FALSE(contrary.propagated);
  CHECK(contrary.note.find("contradicts") != std::string::npos);
  // The same tickets against a parent unrelated to them (unsmoothed, so R² is plain).
  WhatIfConfig daily;
  daily.smoothing_days = 1;
  DailyMetrics unrelated = m;
  unrelated.values[0] = known(test::gaussian_noise(m.days, 99, 0.05, 0.01));
  const EdgeEffect weak = estimate_edge_effect(unrelated, edge, daily, +1);
  REQUIRE(weak.fit);
  CHECK(weak.fit->r2 < 0.1);
  CHECK_FALSE(weak.propagated);
  CHECK(weak.note.find("weak fit") != std::string::npos);
  WhatIfConfig strict;
  strict.min_points = 1000;
  CHECK_FALSE(estimate_edge_effect(m, edge, strict, +1).propagated);
}

TEST_CASE("simulate: the perturbation propagates down the DAG by slope and lag and stops at the last day") {
  // a → b (lag 1, slope 2), b → c (lag 0, slope 0.5); a = 10 every day; a +50 % on days 2..4 of 5.
  const DailyMetrics m = metrics_of({{"order_volume", known({10, 10, 10, 10, 10})},
                                     {"fulfillment_backlog", known({20, 20, 20, 20, 20})},
                                     {"delivery_delay_rate", known({0.1, 0.1, 0.1, 0.1, 0.1})}});
  const Dag dag("test", {"order_volume", "fulfillment_backlog", "delivery_delay_rate"},
                {{"order_volume", "fulfillment_backlog", "", false, 3},
                 {"fulfillment_backlog", "delivery_delay_rate", "", false, 3}},
                "test");
  const std::vector<EdgeEffect> edges = {used_edge("order_volume", "fulfillment_backlog", 1, 2),
                                         used_edge("fulfillment_backlog", "delivery_delay_rate", 0, 0.5)};
  const auto deltas = propagate(m, {{"order_volume", 50}}, kJan1 + 2, kJan1 + 4, dag, edges);
  REQUIRE(deltas.size() == 3);
  // Sorted by name: delivery_delay_rate, fulfillment_backlog, order_volume.
  CHECK(deltas[2].delta == std::vector<double>{0, 0, 5, 5, 5});
  CHECK(deltas[1].delta == std::vector<double>{0, 0, 0, 10, 10});  // day 5's effect would land after the data
  CHECK(deltas[0].delta == std::vector<double>{0, 0, 0, 5, 5});
  // An edge not used passes nothing on.
  std::vector<EdgeEffect> cut = edges;
  cut[1].propagated = false;
  CHECK(propagate(m, {{"order_volume", 50}}, kJan1 + 2, kJan1 + 4, dag, cut).size() == 2);

  const DailyMetrics after = apply_deltas(m, deltas);
  CHECK(*after.find("fulfillment_backlog")->at(4) == 30);
  CHECK(*after.find("delivery_delay_rate")->at(4) == 1.0);  // 0.1 + 5 is held at a rate's ceiling
  CHECK(*after.find("order_volume")->at(0) == 10);
}

TEST_CASE("simulate: topological order puts every parent first") {
  const auto order = topological_order(default_dependency_graphs().metrics);
  REQUIRE(order.size() == default_dependency_graphs().metrics.nodes().size());
  const auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n) - order.begin(); };
  for (const GraphEdge& e : default_dependency_graphs().metrics.edges()) CHECK(pos(e.from) < pos(e.to));
}

TEST_CASE("simulate: scenario ids depend on the perturbations and the window and the latest day only") {
  const auto id = scenario_id_of({{"a", 30}, {"b", -50}}, 100, 113, 113);
  CHECK(id.rfind("scn_", 0) == 0);
  CHECK(id.size() == 20);
  CHECK(scenario_id_of({{"b", -50}, {"a", 30}}, 100, 113, 113) == id);
  CHECK(scenario_id_of({{"a", 30}, {"b", -40}}, 100, 113, 113) != id);
  CHECK(scenario_id_of({{"a", 30}, {"b", -50}}, 101, 113, 113) != id);
  CHECK(scenario_id_of({{"a", 30}, {"b", -50}}, 100, 113, 114) != id);
  CHECK(incident_type_title("fulfillment_sla_degradation") == "Fulfillment SLA Degradation");
}

TEST_CASE("simulate: doubling late deliveries fires fulfillment at once and support days later") {
  const DailyMetrics m = delivery_business();
  DependencyGraphs g = default_dependency_graphs();
  g.metrics = delay_to_tickets();
  WhatIfConfig cfg;
  cfg.detect.isolation_forest = cfg.detect.changepoints = false;  // Layer 1 is enough to fire; faster
  const DayNumber from = m.day(m.days - 14), to = m.day(m.days - 1);
  const WhatIfScenario s = simulate_what_if(m, g, {{{"delivery_delay_rate", 100}}, from, to}, cfg);

  REQUIRE(s.propagation.size() == 1);
  CHECK(s.propagation[0].propagated);
  REQUIRE(s.simulated_metrics.size() == 2);
  CHECK(s.simulated_metrics[0].metric == "delivery_delay_rate");
  CHECK(s.simulated_metrics[0].cause == "perturbed");
  CHECK(s.simulated_metrics[0].days.size() == 14);
  CHECK(s.simulated_metrics[0].days[0].simulated == doctest::Approx(2 * s.simulated_metrics[0].days[0].baseline));
  // Tickets move from the day after the perturbation starts, by slope × the rate's change.
  CHECK(s.simulated_metrics[1].metric == "ticket_volume");
  CHECK(s.simulated_metrics[1].cause == "propagated");
  CHECK(s.simulated_metrics[1].days.front().day == from + s.propagation[0].fit->lag);

  std::map<std::string, int> timing;
  for (const auto& t : s.triggered_incidents) timing[t.incident.incident_type] = t.days_after_start;
  REQUIRE(timing.count("fulfillment_sla_degradation"));
  REQUIRE(timing.count("support_load_surge"));
  CHECK(timing["fulfillment_sla_degradation"] == 0);
  CHECK(timing["support_load_surge"] >= 1);
  CHECK(s.narrative.find("A 100% increase in delivery_delay_rate") == 0);
  CHECK(s.narrative.find("Fulfillment SLA Degradation") != std::string::npos);
  CHECK(s.narrative.find("Support Load Surge") != std::string::npos);
  // Simulated incidents name no parties, so a link scores exp(-days/3) x the
  // 0.3 overlap floor: 5 days apart is 0.057, under the 0.06 threshold, and
  // the cascade forms only with a lower one.
  CHECK(timing["support_load_surge"] == 5);
  CHECK(s.triggered_cascades.empty());
  WhatIfConfig lower = cfg;
  lower.cascade.threshold = 0.05;
  const WhatIfScenario linked = simulate_what_if(m, g, {{{"delivery_delay_rate", 100}}, from, to}, lower);
  REQUIRE(linked.triggered_cascades.size() == 1);
  CHECK(linked.triggered_cascades[0].cascade_path ==
        std::vector<std::string>{"fulfillment_sla_degradation", "support_load_surge"});
  CHECK(linked.triggered_cascades[0].links[0].score == doctest::Approx(std::exp(-5.0 / 3) * 0.3));
  CHECK(linked.narrative.find("They would form a cascade: Fulfillment SLA Degradation -> Support Load Surge") !=
        std::string::npos);

  // The saved document carries the design's fields and only the changed metrics.
  const auto j = nlohmann::json::parse(what_if_json(s));
  for (const char* k : {"scenario_id", "perturbations", "simulated_metrics", "triggered_incidents",
                        "triggered_cascades", "narrative", "propagation", "incidents_avoided", "caveat"})
    CHECK(j.contains(k));
  CHECK(j["simulated_metrics"].size() == 2);
  CHECK(j["perturbations"][0]["change_pct"] == 100);
}

TEST_CASE("simulate: bringing an anomaly back down avoids the incident it fired") {
  DailyMetrics m = delivery_business();
  // Late deliveries double over the last 10 days: today's data fires.
  for (std::size_t t = m.days - 10; t < m.days; ++t) *m.values[0][t] *= 2;
  DependencyGraphs g = default_dependency_graphs();
  g.metrics = delay_to_tickets();
  WhatIfConfig cfg;
  cfg.detect.isolation_forest = cfg.detect.changepoints = false;
  const WhatIfScenario s =
      simulate_what_if(m, g, {{{"delivery_delay_rate", -50}}, m.day(m.days - 10), m.day(m.days - 1)}, cfg);
  bool avoided = false;
  for (const auto& a : s.incidents_avoided) avoided |= a.incident.incident_type == "fulfillment_sla_degradation";
  CHECK(avoided);
  CHECK(s.narrative.find("would avoid Fulfillment SLA Degradation") != std::string::npos);
  for (const auto& t : s.triggered_incidents) CHECK(t.incident.incident_type != "fulfillment_sla_degradation");
}

TEST_CASE("simulate: late days merged into an incident that ended before the window prolong it") {
  DailyMetrics m = delivery_business();
  // Late deliveries quadruple on days 100..104: a critical incident today,
  // over before the window (days 106..119) starts.
  for (std::size_t t = 100; t <= 104; ++t) *m.values[0][t] *= 4;
  DependencyGraphs g = default_dependency_graphs();
  g.metrics = delay_to_tickets();
  WhatIfConfig cfg;
  cfg.detect.isolation_forest = cfg.detect.changepoints = false;
  const DayNumber from = m.day(106), to = m.day(m.days - 1);
  // +20 points: the detector re-fires within reopen_days of the end, so the
  // simulated run has one incident from day 100 on, as severe as today's.
  const WhatIfScenario s = simulate_what_if(m, g, {{{"delivery_delay_rate", 20, true}}, from, to}, cfg);
  REQUIRE(s.prolonged_incidents.size() == 1);
  const SimulatedIncident& p = s.prolonged_incidents[0];
  CHECK(p.incident.incident_type == "fulfillment_sla_degradation");
  REQUIRE(p.baseline_window_end);
  CHECK(*p.baseline_window_end < from);
  CHECK(p.incident.window_end > from);
  CHECK(p.days_after_start == 0);  // today's ended before the window: the extension starts with it
  for (const auto& t : s.triggered_incidents) CHECK(t.incident.incident_type != "fulfillment_sla_degradation");
  CHECK(s.narrative.find("A 20 percentage point increase in delivery_delay_rate") == 0);
  CHECK(s.narrative.find("would prolong Fulfillment SLA Degradation") != std::string::npos);
  const auto j = nlohmann::json::parse(what_if_json(s));
  CHECK(j["perturbations"][0]["change_pp"] == 20);
  CHECK(j["prolonged_incidents"][0].contains("baseline_window_end"));
}

TEST_CASE("simulate: a window outside the data or a metric twice or none are usage errors") {
  const DailyMetrics m = delivery_business();
  const DependencyGraphs& g = default_dependency_graphs();
  const DayNumber last = m.day(m.days - 1);
  CHECK_THROWS_AS(simulate_what_if(m, g, {{{"delivery_delay_rate", 30}}, last - 3, last + 1}), Error);
  CHECK_THROWS_AS(simulate_what_if(m, g, {{{"delivery_delay_rate", 30}, {"delivery_delay_rate", 10}}, last - 3, last}),
                  Error);
  CHECK_THROWS_AS(simulate_what_if(m, g, {{}, last - 3, last}), Error);
  CHECK_THROWS_AS(simulate_what_if(m, g, {{{"refund_rate", 30}}, last - 3, last}), Error);  // no such series
}
