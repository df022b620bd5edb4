// BRE-RCA: each score component against hand-computed values, root
// localisation on synthetic cascades, evidence clusters, and the invariants
// (scores in range, paths acyclic and ending at the incident metric).
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "bre/core/dependency_graphs.h"
#include "bre/core/error.h"
#include "bre/rca/bre_rca.h"
#include "detect_test_support.h"

using namespace bre;

namespace {

using Fault = test::MetricFault;

// 100 days of noisy operations metrics with the given faults added.
DailyMetrics synthetic(const std::vector<Fault>& faults, std::uint64_t seed = 7, std::size_t days = 100) {
  return test::noisy_metrics({{"supplier_delay_rate", 0.10, 0.02},
                              {"supplier_delay_severity", 2.0, 0.3},
                              {"order_volume", 50, 5},
                              {"fulfillment_backlog", 40, 4},
                              {"delivery_delay_rate", 0.05, 0.01}},
                             faults, seed, days);
}

RcaIncident delivery_incident(std::size_t from, std::size_t to) {
  return {"inc_test", "fulfillment_sla_degradation", "delivery_delay_rate", 20454 + static_cast<DayNumber>(from),
          20454 + static_cast<DayNumber>(to)};
}

}  // namespace

TEST_CASE("lagged correlation: a spike one day later correlates 1 at lag 1 and -0.2 at lag 0") {
  const std::vector<double> x = {0, 0, 5, 0, 0, 0}, y = {0, 0, 0, 5, 0, 0};
  CHECK(lagged_correlation(x, y, 1, 3) == doctest::Approx(1.0));
  // lag 0: means 5/6; Σdxdy = 4·25/36 − 2·125/36 = −150/36; Σdx² = Σdy² = 750/36.
  CHECK(lagged_correlation(x, y, 0, 3) == doctest::Approx(-0.2));
  CHECK(lagged_correlation(x, y, 4, 3) == 0);               // 2 overlapping pairs < 3
  CHECK(lagged_correlation({1, 1, 1}, {1, 2, 3}, 0, 2) == 0);  // a constant side
}

TEST_CASE("episodes: a blip is bridged over one quiet day or a warm gap, not over two quiet days") {
  // Runs at >= 2: day 0 (2.0, one day below 3: a blip), days 3-4 (3.5, 4.0),
  // day 6 (2.2), day 10 (2.1, a blip), day 12 (2.5, a blip), day 16 (2.3, a
  // blip), day 19 (2.6).
  const std::vector<double> bad = {2.0, 0, 0, 3.5, 4.0, 0, 2.2, 0, 0, 0, 2.1, 0, 2.5, 0, 0, 0, 2.3, 1.2, 1.5, 2.6};
  RcaConfig cfg;  // onset_z 2, implicate_z 3, min_episode_days 2, max_gap_days 2, blip_max_gap_days 1, blip_bridge_z 1
  const auto e = signal_episodes(bad, cfg);
  // Day 0 stays alone (two quiet days after a blip); days 3-4 are real, so
  // day 6 joins them; day 10 is 4 days on; day 12 joins it over one quiet
  // day; day 16 is 4 days on; day 19 joins it over a warm gap (1.2, 1.5).
  REQUIRE(e.size() == 4);
  CHECK((e[0].from == 0 && e[0].to == 0 && e[0].days_on == 1 && e[0].peak_z == 2.0));
  CHECK((e[1].from == 3 && e[1].to == 6 && e[1].days_on == 3 && e[1].peak == 4 && e[1].peak_z == 4.0));
  CHECK((e[2].from == 10 && e[2].to == 12 && e[2].days_on == 2 && e[2].peak == 12));
  CHECK((e[3].from == 16 && e[3].to == 19 && e[3].days_on == 2 && e[3].peak_z == 2.6));
  // A cooler gap (a day below blip_bridge_z) ends the blip's episode.
  cfg.blip_bridge_z = 1.3;
  REQUIRE(signal_episodes(bad, cfg).size() == 5);
  // The rule off: every run within 2 quiet days of the last is bridged.
  cfg.blips_end_at_gaps = false;
  const auto all = signal_episodes(bad, cfg);
  REQUIRE(all.size() == 3);
  CHECK((all[0].from == 0 && all[0].to == 6 && all[0].days_on == 4 && all[0].peak == 4));
  CHECK((all[1].from == 10 && all[1].to == 12 && all[1].days_on == 2 && all[1].peak_z == 2.5));
  // A single day at implicate_z is not a blip: what follows is bridged to it.
  cfg.blips_end_at_gaps = true;
  const auto strong = signal_episodes({3.0, 0, 0, 2.0}, cfg);
  REQUIRE(strong.size() == 1);
  CHECK(strong[0].days_on == 2);
}

TEST_CASE("dependency graphs: the defaults are acyclic, paths and distances follow the edges") {
  const DependencyGraphs& g = default_dependency_graphs();
  CHECK(g.metrics.distance("supplier_delay_rate", "delivery_delay_rate") == 1);
  CHECK(g.metrics.distance("order_volume", "delivery_delay_rate") == 2);
  CHECK(g.metrics.distance("order_volume", "order_volume") == 0);
  CHECK_FALSE(g.metrics.distance("churn_proxy", "order_volume").has_value());
  const auto paths = g.metrics.paths("ticket_backlog", "churn_proxy");
  REQUIRE(paths.size() == 2);  // via avg_resolution_time directly (added edge), or through review_score_avg
  CHECK(paths[0] == std::vector<std::string>{"ticket_backlog", "avg_resolution_time", "churn_proxy"});
  CHECK(paths[1].size() == 4);
  CHECK(g.plausible("supplier_dependency_failure", "support_load_surge"));  // through fulfillment
  CHECK_FALSE(g.plausible("support_load_surge", "supplier_dependency_failure"));
  CHECK_FALSE(g.plausible("refund_spike", "refund_spike"));
  CHECK(g.metrics.edge("avg_resolution_time", "churn_proxy")->max_lag_days == 14);
  CHECK(g.metrics.edge("supplier_delay_rate", "delivery_delay_rate")->max_lag_days == 3);
  const auto up = g.metrics.ancestors("delivery_delay_rate");
  CHECK(std::set<std::string>(up.begin(), up.end()) ==
        std::set<std::string>{"supplier_delay_rate", "supplier_delay_severity", "fulfillment_backlog", "order_volume"});
}

TEST_CASE("dependency graphs: a cycle, an unknown node and a duplicate edge are refused together") {
  try {
    Dag("v", {"a", "b"}, {{"a", "b", "", false}, {"b", "a", "", false}}, "cfg.json");
    FAIL("cycle accepted");
  } catch (const Error& e) {
    CHECK(e.code() == "GRAPH_INVALID");
    CHECK(e.problems().at(0).reason.find("cycle") != std::string::npos);
  }
  try {
    Dag("v", {"a", "b"}, {{"a", "c", "", false}, {"a", "b", "", false}, {"a", "b", "", false}}, "cfg.json");
    FAIL("bad edges accepted");
  } catch (const Error& e) {
    CHECK(e.problems().size() == 2);  // unknown node c, duplicate a->b
  }
  nlohmann::ordered_json cfg = {
      {"dependency_graph",
       {{"version", "mine_v1"},
        {"nodes", {{{"metric", "order_volume"}, {"direction", "up"}}, {{"metric", "no_such_metric"}}}},
        {"edges", nlohmann::ordered_json::array()}}}};
  CHECK_THROWS_AS(load_dependency_graphs(cfg, "cfg.json"), Error);
}

TEST_CASE("BRE-RCA: supplier delays that fill the backlog are the root of late deliveries") {
  const DailyMetrics m = synthetic({{"supplier_delay_rate", 70, 79, 0.3},
                                    {"fulfillment_backlog", 72, 81, 30},
                                    {"delivery_delay_rate", 74, 83, 0.2}});
  const CausalChain c = analyse_incident(m, delivery_incident(74, 83), default_dependency_graphs(), {});
  CHECK(c.root_cause == "supplier_delay_rate");
  REQUIRE_FALSE(c.paths.empty());
  // Every intermediate is implicated, so the longer path explains more and wins the tie.
  CHECK(c.paths[0].metrics ==
        std::vector<std::string>{"supplier_delay_rate", "fulfillment_backlog", "delivery_delay_rate"});
  CHECK(c.paths[0].root_unexplained);
  CHECK(c.causal_from == 20454 + 74 - 14);
  const CausalNode* s = c.node("supplier_delay_rate");
  REQUIRE(s);
  CHECK(s->implicated);
  CHECK_FALSE(s->moved_after);
  CHECK(s->graph_proximity == doctest::Approx(0.5));
  CHECK(*s->onset_day == 20454 + 70);
  // The printed signal (one bad-direction z a day of the causal window) gives the onset back.
  REQUIRE(s->signal.size() == static_cast<std::size_t>(c.causal_to - c.causal_from + 1));
  bool onset_recomputed = false;
  for (const auto& ep : signal_episodes(s->signal, RcaConfig{}))
    onset_recomputed |= c.causal_from + static_cast<DayNumber>(ep.from) == *s->onset_day;
  CHECK(onset_recomputed);
  CHECK(s->optimal_lag >= 2);  // the onset lead is 4 days; the lag is searched within ±2 of it
  CHECK(s->optimal_lag <= 6);
  CHECK(s->lag_decay == doctest::Approx(std::exp(-s->optimal_lag / 7.0)));
  CHECK(s->temporal_precedence == doctest::Approx(std::max(0.0, s->cross_correlation) * s->lag_decay));
  // Path 1's score is its root's contribution (intermediates implicated: support 1).
  CHECK(c.paths[0].overall_score == doctest::Approx(s->contribution_score));
  CHECK(c.node("order_volume")->graph_proximity == doctest::Approx(1.0 / 3));
}

TEST_CASE("BRE-RCA: two late-delivery incidents with different causes get different chains") {
  // Days 30-39: a supplier delay fills the backlog; days 160-169: an order
  // surge does (far enough apart that the first is out of the second's
  // 90-day scale history).
  const DailyMetrics m = synthetic({{"supplier_delay_rate", 30, 39, 0.3},
                                    {"fulfillment_backlog", 32, 41, 30},
                                    {"delivery_delay_rate", 34, 43, 0.2},
                                    {"order_volume", 160, 162, 60},
                                    {"fulfillment_backlog", 161, 170, 30},
                                    {"delivery_delay_rate", 163, 172, 0.2}},
                                   7, 200);
  const auto first = analyse_incident(m, delivery_incident(34, 43), default_dependency_graphs(), {});
  const auto second = analyse_incident(m, delivery_incident(163, 172), default_dependency_graphs(), {});
  CHECK(first.root_cause == "supplier_delay_rate");
  CHECK(second.root_cause == "order_volume");
  CHECK(second.paths[0].metrics ==
        std::vector<std::string>{"order_volume", "fulfillment_backlog", "delivery_delay_rate"});
}

TEST_CASE("BRE-RCA: the walk passes one intermediate that did not move, at skip_penalty") {
  // An order surge on days 70-72 and late deliveries from day 73, with the
  // backlog between them (and the supplier rate) left flat: neither parent
  // of delivery_delay_rate moved, so only a skip reaches the surge.
  const DailyMetrics m = synthetic({{"order_volume", 70, 72, 60}, {"delivery_delay_rate", 73, 82, 0.2}});
  RcaConfig skips;
  skips.skip_silent_parent = true;
  const CausalChain c = analyse_incident(m, delivery_incident(73, 82), default_dependency_graphs(), {}, {}, skips);
  CHECK(c.root_cause == "order_volume");
  REQUIRE_FALSE(c.paths.empty());
  const CausalPath& p = c.paths[0];
  REQUIRE(p.metrics.size() == 3);  // order_volume -> (fulfillment_backlog | supplier_delay_rate) -> delivery_delay_rate
  CHECK(p.root_unexplained);
  REQUIRE(p.skipped.size() == 1);
  CHECK(p.skipped[0] == p.metrics[1]);
  // overall_score = contribution(root) × skip_penalty for the skipped link.
  CHECK(p.overall_score == doctest::Approx(c.node("order_volume")->contribution_score * 0.5));
  RcaConfig no_skips;
  no_skips.skip_silent_parent = false;
  const CausalChain strict = analyse_incident(m, delivery_incident(73, 82), default_dependency_graphs(), {}, {}, no_skips);
  CHECK(strict.root_cause == "delivery_delay_rate");
  CHECK(strict.paths[0].skipped.empty());
}

TEST_CASE("BRE-RCA: the walk skips a silent node only right below the incident metric") {
  // A supplier hiccup on days 66-69, late deliveries flat, then a ticket
  // surge from day 70 that fills the backlog from day 71 (golden
  // support_failure's shape).
  const DailyMetrics m = test::noisy_metrics({{"supplier_delay_rate", 0.10, 0.02},
                                              {"supplier_delay_severity", 2.0, 0.3},
                                              {"order_volume", 50, 5},
                                              {"fulfillment_backlog", 40, 4},
                                              {"delivery_delay_rate", 0.05, 0.01},
                                              {"ticket_volume", 20, 2},
                                              {"ticket_backlog", 30, 3}},
                                             {{"supplier_delay_rate", 66, 69, 0.3},
                                              {"ticket_volume", 70, 79, 15},
                                              {"ticket_backlog", 71, 80, 25}},
                                             7);
  auto incident = [](const char* metric, DayNumber from, DayNumber to) {
    return RcaIncident{"inc_test", "support_load_surge", metric, 20454 + from, 20454 + to};
  };
  // Incident at the ticket volume: nothing that moved explains it, so the
  // walk passes the flat late-delivery rate to the supplier hiccup.
  const CausalChain at_volume = analyse_incident(m, incident("ticket_volume", 70, 79), default_dependency_graphs(), {});
  CHECK(at_volume.root_cause == "supplier_delay_rate");
  REQUIRE_FALSE(at_volume.paths.empty());
  CHECK(at_volume.paths[0].skipped == std::vector<std::string>{"delivery_delay_rate"});
  // Incident at the backlog: the ticket surge moved first and is implicated;
  // it is the root, not traded for the hiccup through the silent link.
  const CausalChain at_backlog = analyse_incident(m, incident("ticket_backlog", 71, 80), default_dependency_graphs(), {});
  CHECK(at_backlog.root_cause == "ticket_volume");
  REQUIRE_FALSE(at_backlog.paths.empty());
  CHECK(at_backlog.paths[0].metrics == std::vector<std::string>{"ticket_volume", "ticket_backlog"});
  CHECK(at_backlog.paths[0].skipped.empty());
}

TEST_CASE("BRE-RCA: with nothing upstream moving first, the incident metric is its own root") {
  const DailyMetrics m = synthetic({{"delivery_delay_rate", 74, 83, 0.2}});
  const CausalChain c = analyse_incident(m, delivery_incident(74, 83), default_dependency_graphs(), {});
  CHECK(c.root_cause == "delivery_delay_rate");
  REQUIRE_FALSE(c.paths.empty());
  CHECK(c.paths[0].metrics == std::vector<std::string>{"delivery_delay_rate"});
  const CausalNode* self = c.node("delivery_delay_rate");
  CHECK(self->temporal_precedence == 1);
  CHECK(self->graph_proximity == 1);
  CHECK(self->contribution_score == doctest::Approx(self->anomaly_magnitude));
  CHECK(self->anomaly_magnitude == doctest::Approx(std::min(std::abs(self->metric_zscore) / 3, 3.0)));
}

TEST_CASE("BRE-RCA: a metric that moved after the incident metric is penalised and cannot be the root") {
  const DailyMetrics m = synthetic({{"delivery_delay_rate", 74, 83, 0.2}, {"supplier_delay_rate", 79, 85, 0.3}});
  const CausalChain c = analyse_incident(m, delivery_incident(74, 83), default_dependency_graphs(), {});
  const CausalNode* s = c.node("supplier_delay_rate");
  CHECK(s->moved_after);
  CHECK_FALSE(s->implicated);
  CHECK(s->temporal_precedence == doctest::Approx(0.1 * std::max(0.0, s->cross_correlation) * s->lag_decay));
  CHECK(c.root_cause == "delivery_delay_rate");
}

TEST_CASE("BRE-RCA: the data-quality weight scales the contribution") {
  const DailyMetrics m = synthetic({{"supplier_delay_rate", 70, 79, 0.3}, {"delivery_delay_rate", 74, 83, 0.2}});
  const auto full = analyse_incident(m, delivery_incident(74, 83), default_dependency_graphs(), {});
  const auto weak =
      analyse_incident(m, delivery_incident(74, 83), default_dependency_graphs(), {{"supplier_delay_rate", 0.8}});
  CHECK(weak.node("supplier_delay_rate")->data_quality_weight == 0.8);
  CHECK(weak.node("supplier_delay_rate")->contribution_score ==
        doctest::Approx(0.8 * full.node("supplier_delay_rate")->contribution_score));
}

TEST_CASE("evidence clusters: ranked by share of the change, with the window's counts and a summary") {
  EvidenceSpec spec = *evidence_spec("supplier_delay_rate");
  auto ev = [](std::string id, DayNumber d, std::string vendor, double days) {
    EvidenceEvent e;
    e.event_id = std::move(id);
    e.day = d;
    e.measure = days;
    e.entities = {{"vendor", std::move(vendor)}};
    return e;
  };
  // Window days 10-14 (5), baseline days 0-9 (10): the baseline predicts half its count.
  std::vector<EvidenceEvent> window, before;
  for (int i = 0; i < 6; ++i) window.push_back(ev("a" + std::to_string(i), 10 + i % 5, "A", 4));
  for (int i = 0; i < 2; ++i) window.push_back(ev("b" + std::to_string(i), 11, "B", 1));
  for (int i = 0; i < 2; ++i) before.push_back(ev("x" + std::to_string(i), 3, "A", 1));
  for (int i = 0; i < 2; ++i) before.push_back(ev("y" + std::to_string(i), 4, "B", 1));
  const auto clusters = cluster_evidence(spec, window, before, {10, 14, 0, 9}, {{"vendor:A", "Acme"}}, 2);
  REQUIRE(clusters.size() == 3);
  // Total change 8 − 4·0.5 = 6; A: 6 − 1 = 5 → 5/6; B: 2 − 1 = 1 → 1/6.
  CHECK(clusters[0].entity_name == "Acme");
  CHECK(clusters[0].share_of_change == doctest::Approx(5.0 / 6));
  CHECK(clusters[0].baseline_expected == doctest::Approx(1.0));
  CHECK(clusters[0].event_count == 6);
  CHECK(clusters[0].summary == "6 shipment delays from Acme averaging 4.0 days, 83% of the change");
  CHECK(clusters[1].entity_id == "B");
  CHECK(clusters[1].share_of_change == doctest::Approx(1.0 / 6));
  CHECK(clusters[2].entity_type == "all");
  CHECK(clusters[2].event_count == 8);
  CHECK(clusters[2].event_ids.front() == "a0");
}

TEST_CASE("evidence clusters: a display name that already says what the entity is is not prefixed twice") {
  EvidenceSpec spec = *evidence_spec("delivery_delay_rate");
  std::vector<EvidenceEvent> window;
  for (int i = 0; i < 4; ++i) {
    EvidenceEvent e;
    e.event_id = "l" + std::to_string(i);
    e.day = 10;
    e.measure = 2;
    e.entities = {{"seller", "s1"}, {"customer", "c" + std::to_string(i % 2)}};
    window.push_back(e);
  }
  const auto clusters = cluster_evidence(spec, window, {}, {10, 10, 0, 9},
                                         {{"seller:s1", "seller 3442f895 (campinas/SP)"}, {"customer:c0", "Ana"},
                                          {"customer:c1", "customer 259dac75 (mogi das cruzes, SP)"}},
                                         2);
  REQUIRE(clusters.size() == 4);
  CHECK(clusters[0].cluster_label == "seller 3442f895 (campinas/SP)");
  CHECK(clusters[0].summary == "4 late deliveries (seller 3442f895 (campinas/SP)) averaging 2.0 days late, 100% of the change");
  CHECK(clusters[1].summary.find("for customer 259dac75 (mogi das cruzes, SP)") != std::string::npos);
  CHECK(clusters[2].cluster_label == "customer Ana");
}

TEST_CASE("BRE-RCA invariants: scores in range, paths acyclic, from their root to the incident metric") {
  const bool ok = rc::check("rca invariants", [] {
    const auto start = *rc::gen::inRange<std::size_t>(40, 80);
    const auto lead = *rc::gen::inRange<std::size_t>(0, 8);
    const double size = *rc::gen::inRange(1, 6) * 0.05;
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000);
    const DailyMetrics m = synthetic({{"supplier_delay_rate", start, start + 6, size},
                                      {"delivery_delay_rate", start + lead, start + lead + 8, 0.2}},
                                     seed);
    const auto c = analyse_incident(m, delivery_incident(start + lead, start + lead + 8), default_dependency_graphs(),
                                    {});
    RC_ASSERT(!c.paths.empty());
    RC_ASSERT(c.root_cause == c.paths[0].metrics.front());
    for (const CausalNode& n : c.nodes) {
      RC_ASSERT(n.anomaly_magnitude >= 0.0);
      RC_ASSERT(n.anomaly_magnitude <= 3.0);
      RC_ASSERT(n.temporal_precedence >= 0.0);
      RC_ASSERT(n.temporal_precedence <= 1.0);
      RC_ASSERT(n.graph_proximity > 0.0);
      RC_ASSERT(n.graph_proximity <= 1.0);
      RC_ASSERT(std::abs(n.contribution_score - n.anomaly_magnitude * n.temporal_precedence * n.graph_proximity *
                                                    n.data_quality_weight) < 1e-12);
    }
    for (const CausalPath& p : c.paths) {
      RC_ASSERT(p.metrics.back() == std::string("delivery_delay_rate"));
      RC_ASSERT(std::set<std::string>(p.metrics.begin(), p.metrics.end()).size() == p.metrics.size());
      for (std::size_t i = 0; i + 1 < p.metrics.size(); ++i)
        RC_ASSERT(default_dependency_graphs().metrics.edge(p.metrics[i], p.metrics[i + 1]) != nullptr);
    }
    // Deterministic: the same input gives the same chain.
    const auto again = analyse_incident(m, delivery_incident(start + lead, start + lead + 8),
                                        default_dependency_graphs(), {});
    RC_ASSERT(again.root_cause == c.root_cause);
    RC_ASSERT(again.paths.size() == c.paths.size());
  });
  CHECK(ok);
}
