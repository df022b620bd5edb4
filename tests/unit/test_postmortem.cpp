// Postmortems: the timeline's crossings against the detector's own readings
// on a hand-made series, the summary and root-cause text from hand-built
// chains, the recommendations table, cascades, determinism, the renderings,
// and (RapidCheck) design §9: every postmortem carries a monitor rule.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "bre/core/dependency_graphs.h"
#include "bre/core/error.h"
#include "bre/postmortem/build_postmortem.h"
#include "bre/postmortem/recommendations.h"
#include "bre/postmortem/render_postmortem.h"
#include "bre/postmortem/timeline.h"
#include "bre/store/postmortem_store.h"
#include "bre/store/workspace.h"
#include "detect_test_support.h"
#include "test_support.h"

using namespace bre;

namespace {

constexpr DayNumber kJan1 = 20454;  // 2026-01-01
constexpr DayNumber kMar1 = kJan1 + 59;

using Fault = test::MetricFault;

// 100 days of noisy operations metrics from 2026-01-01, faults added.
DailyMetrics series(const std::vector<Fault>& faults, std::uint64_t seed = 11) {
  return test::noisy_metrics({{"supplier_delay_rate", 0.10, 0.02},
                              {"order_volume", 50, 5},
                              {"fulfillment_backlog", 40, 4},
                              {"delivery_delay_rate", 0.05, 0.01}},
                             faults, seed);
}

EvidenceCluster cluster(std::string type, std::string name, std::int64_t count, double share, std::optional<double> mean,
                        std::string summary, std::vector<std::string> ids) {
  EvidenceCluster c;
  c.entity_type = type;
  c.entity_name = name;
  if (type != "all") c.entity_id = name;
  c.cluster_label = type == "all" ? "all events" : type + " " + name;
  c.event_count = count;
  c.share_of_change = share;
  c.mean_measure = mean;
  c.summary = std::move(summary);
  c.event_ids = std::move(ids);
  return c;
}

CausalNode node(std::string metric, double contribution, double z, double value, double baseline, DayNumber peak,
                DayNumber onset) {
  CausalNode n;
  n.metric_name = metric;
  n.contribution_score = contribution;
  n.anomaly_magnitude = std::min(std::abs(z) / 3, 3.0);
  n.temporal_precedence = 1;
  n.graph_proximity = 1;
  n.metric_zscore = z;
  n.metric_value = value;
  n.metric_baseline = baseline;
  n.peak_day = peak;
  n.onset_day = onset;
  n.anomaly_from = onset;
  n.anomaly_to = peak + 2;
  n.implicated = true;
  return n;
}

// Late deliveries caused by an AcmeSupplier delay through the backlog, by hand.
CausalChain supplier_chain() {
  CausalChain c;
  c.chain_id = "chn_test";
  c.incident_id = "inc_fulfil";
  c.incident_type = "fulfillment_sla_degradation";
  c.incident_metric = "delivery_delay_rate";
  c.dependency_graph_version = "business_dag_v2";
  c.causal_from = kMar1 - 9;
  c.causal_to = kMar1 + 14;
  c.root_cause = "supplier_delay_rate";
  CausalNode root = node("supplier_delay_rate", 0.566, 13.6, 0.31, 0.08, kMar1 + 4, kMar1);
  root.graph_proximity = 0.5;
  root.anomaly_magnitude = 3;
  root.temporal_precedence = 0.3773;
  root.cross_correlation = 0.81;
  root.optimal_lag = 4;
  root.anomaly_from = kMar1;
  root.anomaly_to = kMar1 + 8;
  root.evidence_clusters = {
      cluster("vendor", "AcmeSupplier", 23, 0.74, 4.1, "23 shipment delays from AcmeSupplier averaging 4.1 days, 74% of the change",
              {"ev_a1", "ev_a2"}),
      cluster("vendor", "Borax", 5, 0.12, 2.0, "5 shipment delays from Borax averaging 2.0 days, 12% of the change", {"ev_b1"}),
      cluster("all", "all", 31, 0, 3.6, "31 shipment delays in the window averaging 3.6 days", {"ev_a1", "ev_a2", "ev_b1"})};
  CausalNode backlog = node("fulfillment_backlog", 0.526, 6.9, 70, 40, kMar1 + 9, kMar1 + 5);
  CausalNode delivery = node("delivery_delay_rate", 3, 9.8, 0.15, 0.04, kMar1 + 12, kMar1 + 5);
  CausalNode volume = node("order_volume", 0.064, 3.4, 62, 50, kMar1 + 3, kMar1 + 2);
  c.nodes = {delivery, root, backlog, volume};
  c.top_candidates = {"supplier_delay_rate", "fulfillment_backlog", "order_volume"};
  c.paths = {{1, 0.566, true, {"supplier_delay_rate", "fulfillment_backlog", "delivery_delay_rate"}, {}},
             {2, 0.064, false, {"order_volume", "fulfillment_backlog", "delivery_delay_rate"}, {}}};
  return c;
}

PostmortemIncident fulfil_incident() {
  PostmortemIncident i;
  i.incident_id = "inc_fulfil";
  i.incident_type = "fulfillment_sla_degradation";
  i.severity = "high";
  i.confidence = "very_high";
  i.state = "ended";
  i.status = "open";
  i.window_start = kMar1 + 5;
  i.window_end = kMar1 + 14;
  i.detected_at = (kMar1 + 6) * kMsPerDay - 1;
  i.metric = "delivery_delay_rate";
  i.value = 0.15;
  i.baseline = 0.04;
  i.zscore = 9.8;
  i.detection_methods = {"mad_zscore", "isolation_forest", "changepoint"};
  i.evidence_event_ids = {"ev_d1", "ev_d2"};
  i.evidence_event_count = 2;
  return i;
}

MonitorRule rule_for(const std::string& metric, const std::string& incident) {
  MonitorRule r;
  r.monitor_id = "mon_" + metric;
  r.name = metric + " watch";
  r.metric_name = metric;
  r.source_incident_id = incident;
  r.source_incident_ids = {incident};
  r.condition = "zscore > 2.5";
  r.severity_if_triggered = "medium";
  return r;
}

PostmortemInput supplier_input() {
  PostmortemInput in;
  in.incidents = {fulfil_incident()};
  in.chains = {supplier_chain()};
  in.blast_radius.incident_id = "inc_fulfil";
  in.blast_radius.narrative = "This incident affected 40 orders across 37 customers.";
  in.monitors = {rule_for("supplier_delay_rate", "inc_fulfil"), rule_for("delivery_delay_rate", "inc_fulfil")};
  in.quality_weights = {{"supplier_delay_rate", 1.0}, {"delivery_delay_rate", 0.8}};
  in.evidence_event_times = {{"ev_a1", (kMar1 + 1) * kMsPerDay + 3600000},
                             {"ev_a2", (kMar1 + 4) * kMsPerDay},
                             {"ev_b1", (kMar1 + 2) * kMsPerDay}};
  in.run_id = "run_test";
  in.generated_at = 1'780'000'000'000;
  return in;
}

const DailyMetrics kNoMetrics{};

}  // namespace

TEST_CASE("postmortem text: titles, day ranges, durations and values") {
  CHECK(incident_type_title("fulfillment_sla_degradation") == "Fulfillment SLA Degradation");
  CHECK(incident_type_title("brand_new_type") == "Brand New Type");
  CHECK(day_range_text(kMar1 + 7, kMar1 + 14) == "Mar 8–15, 2026");
  CHECK(day_range_text(kMar1 - 1, kMar1 + 2) == "Feb 28 – Mar 3, 2026");
  CHECK(day_range_text(kJan1 - 2, kJan1 + 1) == "Dec 30, 2025 – Jan 2, 2026");
  CHECK(day_range_text(kMar1, kMar1) == "Mar 1, 2026");
  CHECK(duration_text(kMar1, kMar1) == "1 day");
  CHECK(duration_text(kMar1 + 7, kMar1 + 13) == "7 days");
  CHECK(value_text(42) == "42");
  CHECK(value_text(0.15283) == "0.153");
  CHECK(value_text(12.345) == "12.3");
  CHECK(value_text(18400.4) == "18400");
  CHECK(value_text(1e300).size() == 301);  // beyond int64: printed, not converted
  CHECK(value_text(std::nan("")) == "nan");
}

TEST_CASE("postmortem timeline: crossings are the detector's own readings of a hand-made series") {
  // supplier_delay_rate jumps by 0.15 (7.5 sd) on days 60..66 (Mar 2..8).
  const DailyMetrics m = series({{"supplier_delay_rate", 60, 66, 0.15}});
  const DetectConfig detect;
  const auto c = metric_crossings(m, "supplier_delay_rate", +1, 2.0, 3.0, kJan1 + 50, kJan1 + 80, std::nullopt, detect);
  REQUIRE(c);
  CHECK(c->onset_day == kJan1 + 60);
  REQUIRE(c->threshold_day);
  CHECK(*c->threshold_day == kJan1 + 60);
  CHECK(c->peak_day >= kJan1 + 60);
  CHECK(c->peak_day <= kJan1 + 66);
  REQUIRE(c->recovery_day);
  CHECK(*c->recovery_day > c->peak_day);
  CHECK(*c->recovery_day <= kJan1 + 67);  // the detector's baseline absorbs a week-long shift by its last day
  // Every reported day is what strongest_reading says on that day.
  const TriggerRule rule{"supplier_delay_rate", +1, 3.0};
  for (const auto& [day, reading] : c->readings) {
    const auto direct = strongest_reading(rule, *m.find("supplier_delay_rate"), static_cast<std::size_t>(day - kJan1),
                                          kJan1, detect);
    REQUIRE(direct);
    CHECK(direct->z == reading.z);
  }
  CHECK(c->readings.at(c->peak_day).z >= c->readings.at(*c->threshold_day).z);
  CHECK(c->readings.at(*c->recovery_day).z < 2.0);
  for (DayNumber d = *c->recovery_day; d < *c->recovery_day + 3; ++d) {  // and stayed quiet max_gap + 1 days
    const auto r = strongest_reading(rule, *m.find("supplier_delay_rate"), static_cast<std::size_t>(d - kJan1), kJan1,
                                     detect);
    CHECK((!r || r->z < 2.0));
  }
  for (DayNumber d = c->onset_day; d <= c->peak_day; ++d) {
    const auto r = strongest_reading(rule, *m.find("supplier_delay_rate"), static_cast<std::size_t>(d - kJan1), kJan1,
                                     detect);
    if (d < *c->threshold_day) CHECK(r->z < 3.0);
  }
  // A quiet metric has no crossing; an unknown one neither.
  CHECK_FALSE(metric_crossings(m, "order_volume", +1, 50.0, 60.0, kJan1 + 20, kJan1 + 99, std::nullopt, detect));
  CHECK_FALSE(metric_crossings(m, "nope", +1, 2.0, 3.0, kJan1, kJan1 + 99, std::nullopt, detect));
  // A fault that ends inside the data but within max_gap of its end is not called recovered.
  const DailyMetrics late = series({{"supplier_delay_rate", 95, 98, 0.15}});
  const auto l = metric_crossings(late, "supplier_delay_rate", +1, 2.0, 3.0, kJan1 + 90, kJan1 + 99, std::nullopt, detect);
  REQUIRE(l);
  CHECK_FALSE(l->recovery_day);
}

TEST_CASE("postmortem timeline: threshold per metric follows the detection rules") {
  CHECK(threshold_z_for("review_score_avg", "customer_satisfaction_regression", 3.0) == 2.5);
  CHECK(threshold_z_for("delivery_delay_rate", "fulfillment_sla_degradation", 9) == 3.0);
  CHECK(threshold_z_for("order_volume", "fulfillment_sla_degradation", 3.0) == 3.0);  // no rule: BRE-RCA's implicate_z
  CHECK(threshold_z_for("order_volume", "fulfillment_sla_degradation", 4.5) == 4.5);
}

TEST_CASE("postmortem: summary, root cause and timeline of a hand-built supplier chain") {
  const Postmortem pm = build_postmortem(supplier_input(), kNoMetrics);
  CHECK(pm.title == "Fulfillment SLA Degradation — Mar 6–15, 2026");
  CHECK(pm.severity == "high");
  CHECK(pm.duration == "10 days");
  CHECK(pm.status == "resolved");  // ended (3 quiet days)
  CHECK(pm.one_line_summary ==
        "supplier_delay_rate rose first (z 13.6), driven by 23 shipment delays from AcmeSupplier averaging 4.1 days "
        "(74% of the change); it carried through fulfillment_backlog to delivery_delay_rate (z 9.8): a high Fulfillment "
        "SLA Degradation (Mar 6–15, 2026).");
  CHECK(pm.root_cause_summary.rfind("The root cause is supplier_delay_rate. It rose to 0.31 against a baseline of "
                                    "0.08 (z 13.6) on 2026-03-05; its episode began on 2026-03-01, 5 days before "
                                    "delivery_delay_rate's",
                                    0) == 0);
  CHECK(pm.root_cause_summary.find("Path 1 (score 0.566): supplier_delay_rate → fulfillment_backlog → "
                                   "delivery_delay_rate.") != std::string::npos);
  CHECK(pm.root_cause_summary.find("0.566 = magnitude 3.000 × precedence 0.377 × proximity 0.500 × data quality 1.000") !=
        std::string::npos);
  // Timeline without metrics: the evidence clusters and the detection, in time order.
  REQUIRE(pm.timeline.size() == 3);
  CHECK(pm.timeline[0].kind == "evidence");
  CHECK(pm.timeline[0].timestamp == (kMar1 + 1) * kMsPerDay + 3600000);  // AcmeSupplier's first delay
  CHECK(pm.timeline[0].evidence_event_ids == std::vector<std::string>{"ev_a1", "ev_a2"});
  CHECK(pm.timeline[1].event_description.rfind("5 shipment delays from Borax", 0) == 0);
  CHECK(pm.timeline[2].kind == "detection");
  CHECK(pm.timeline[2].evidence_event_ids == std::vector<std::string>{"ev_d1", "ev_d2"});
  // Factors: the intermediate, the second cluster, the implicated off-path metric, the quality caveat.
  const auto has = [&](const std::string& text) {
    return std::any_of(pm.contributing_factors.begin(), pm.contributing_factors.end(),
                       [&](const std::string& f) { return f.find(text) != std::string::npos; });
  };
  CHECK(has("fulfillment_backlog carried the effect (z 6.9 on 2026-03-10, contribution 0.526)"));
  CHECK(has("Also behind supplier_delay_rate: 5 shipment delays from Borax"));
  CHECK(has("order_volume was anomalous too"));
  CHECK(has("Data quality: delivery_delay_rate has weight 0.80"));
  CHECK(pm.data_quality_score == doctest::Approx((1.0 + 1.0 + 0.8) / 3));  // backlog unweighed: 1
  CHECK(pm.confidence_note.rfind("RCA confidence is LOW based on", 0) == 0);  // no metrics: 0 days of history
  CHECK(pm.confidence_note.find("path 1 scores 0.566 from root supplier_delay_rate (HIGH)") != std::string::npos);
}

TEST_CASE("postmortem: the incident metric as its own root is said to be unexplained") {
  PostmortemInput in = supplier_input();
  CausalChain& c = in.chains[0];
  c.root_cause = "delivery_delay_rate";
  c.paths = {{1, 3.0, true, {"delivery_delay_rate"}, {}}};
  c.nodes[0].evidence_clusters = {cluster("carrier", "FastShip", 12, 0.6, 2.5,
                                          "12 late deliveries (carrier FastShip) averaging 2.5 days late, 60% of the change",
                                          {"ev_c1"})};
  const Postmortem pm = build_postmortem(in, kNoMetrics);
  CHECK(pm.root_cause_summary.rfind("No upstream metric explains this incident: delivery_delay_rate is its own root.", 0) ==
        0);
  CHECK(pm.one_line_summary.find("with no upstream metric moving first; the events concentrate in 12 late deliveries "
                                 "(carrier FastShip)") != std::string::npos);
  REQUIRE(pm.recommendations.size() >= 2);
  CHECK(pm.recommendations[0] ==
        "Review the service level of carrier FastShip: 12 late deliveries averaging 2.5 days late, 60% of the change "
        "(Mar 6–15, 2026); move volume to another carrier if it continues.");
  CHECK(pm.recommendations[1].rfind("Investigate delivery_delay_rate: it moved first (z 9.8)", 0) == 0);
  CHECK(pm.confidence_note.find("the incident metric is its own root (no upstream cause found) (LOW)") !=
        std::string::npos);
}

TEST_CASE("postmortem recommendations: the table maps root metric and evidence dimension to an action") {
  const PostmortemIncident inc = fulfil_incident();
  const auto recs = cause_recommendations(inc, supplier_chain(), 2);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0] ==
        "Review the supply agreement with vendor AcmeSupplier: 23 shipment delays averaging 4.1 days, 74% of the "
        "change (Mar 1–9, 2026). Agree firm ship dates and qualify a second supplier for what it supplies.");
  // Without an entity cluster the family's catch-all row applies.
  CausalChain chain = supplier_chain();
  chain.nodes[1].evidence_clusters = {chain.nodes[1].evidence_clusters[2]};
  CHECK(cause_recommendations(inc, chain, 2)[0] ==
        "Review supplier lead times: 31 shipment delays averaging 3.6 days (Mar 1–9, 2026).");
  // No evidence at all: the metric's own reading, said plainly.
  chain.nodes[1].evidence_clusters.clear();
  CHECK(cause_recommendations(inc, chain, 2)[0] ==
        "Review what drove supplier_delay_rate (z 13.6 on 2026-03-05): no event-level evidence is linked to it.");
  // Refunds by amount name the product and the money.
  CausalChain refunds = supplier_chain();
  refunds.paths = {{1, 1.0, true, {"refund_rate"}, {}}};
  CausalNode r = node("refund_rate", 3, 8, 0.2, 0.05, kMar1 + 3, kMar1);
  EvidenceCluster c = cluster("product", "Blue Kettle", 9, 0.8, std::nullopt, "9 refunds of Blue Kettle", {"ev_r"});
  c.total_amount_minor = 123456;
  r.evidence_clusters = {c};
  refunds.nodes = {r};
  PostmortemIncident ri = inc;
  ri.metric = "refund_rate";
  const auto rr = cause_recommendations(ri, refunds, 2);
  CHECK(rr[0] == "Investigate the refunds of product Blue Kettle (quality, description): 9 refunds totalling 1234.56, "
                 "80% of the change (Mar 1–6, 2026).");
  // Every rule names its entity or its evidence, and every family has a catch-all.
  for (const RecommendationRule& rule : recommendation_rules()) {
    CHECK(rule.action.find("{evidence}") != std::string::npos);
    if (!rule.dimension.empty()) CHECK(rule.action.find("{label}") != std::string::npos);
    CHECK(std::any_of(recommendation_rules().begin(), recommendation_rules().end(), [&](const RecommendationRule& o) {
      return o.metrics == rule.metrics && o.dimension.empty();
    }));
  }
  // Follow-ups: the monitors, and a weak data source.
  const auto f = followup_recommendations({rule_for("a", "i"), rule_for("b", "i")}, {{"a", 0.5}, {"b", 1}});
  REQUIRE(f.size() == 2);
  CHECK(f[0] == "Keep the 2 prevention monitors on a, b enabled: they alert at 2.5σ, before detection's trigger.");
  CHECK(f[1].rfind("Improve the data behind a: its quality weight is 0.50", 0) == 0);
  CHECK(followup_recommendations({rule_for("a", "i")}, {})[0] ==
        "Keep the prevention monitor on a enabled: it alerts at 2.5σ, before detection's trigger.");
}

TEST_CASE("postmortem: a cascade covers every incident") {
  PostmortemInput in = supplier_input();
  PostmortemIncident first = fulfil_incident();
  first.incident_id = "inc_supplier";
  first.incident_type = "supplier_dependency_failure";
  first.severity = "critical";
  first.state = "active";
  first.window_start = kMar1;
  first.window_end = kMar1 + 8;
  first.detected_at = (kMar1 + 1) * kMsPerDay - 1;
  first.metric = "supplier_delay_rate";
  first.zscore = 13.6;
  CausalChain own = supplier_chain();
  own.incident_id = "inc_supplier";
  own.incident_type = "supplier_dependency_failure";
  own.incident_metric = "supplier_delay_rate";
  own.paths = {{1, 3.0, true, {"supplier_delay_rate"}, {}}};
  in.incidents.insert(in.incidents.begin(), first);
  in.chains.insert(in.chains.begin(), own);
  in.cascade_id = "cas_test";
  const Postmortem pm = build_postmortem(in, kNoMetrics);
  CHECK(pm.title == "Cascade: Supplier Dependency Failure → Fulfillment SLA Degradation — Mar 1–15, 2026");
  CHECK(pm.incident_id == "inc_supplier");
  CHECK(pm.severity == "critical");
  CHECK(pm.status == "ongoing");
  CHECK(pm.duration == "15 days");
  CHECK(pm.causal_chains.size() == 2);
  CHECK(pm.one_line_summary.rfind("A cascade of 2 incidents over 15 days, from Supplier Dependency Failure to "
                                  "Fulfillment SLA Degradation. First, ",
                                  0) == 0);
  CHECK(pm.root_cause_summary.find("Supplier Dependency Failure (inc_supplier): ") == 0);
  CHECK(pm.root_cause_summary.find("\n\nFulfillment SLA Degradation (inc_fulfil): The root cause is") != std::string::npos);
  const auto detections = std::count_if(pm.timeline.begin(), pm.timeline.end(),
                                        [](const TimelineEntry& e) { return e.kind == "detection"; });
  CHECK(detections == 2);
  CHECK(std::is_sorted(pm.timeline.begin(), pm.timeline.end(),
                       [](const TimelineEntry& a, const TimelineEntry& b) { return a.timestamp < b.timestamp; }));
  // Evidence of the shared root is on the timeline once.
  const auto acme = std::count_if(pm.timeline.begin(), pm.timeline.end(), [](const TimelineEntry& e) {
    return e.event_description.find("AcmeSupplier") != std::string::npos;
  });
  CHECK(acme == 1);
  CHECK(pm.postmortem_id != build_postmortem(supplier_input(), kNoMetrics).postmortem_id);
}

TEST_CASE("postmortem: inputs are checked, and a postmortem without a monitor is refused") {
  PostmortemInput in = supplier_input();
  in.monitors.clear();
  CHECK_THROWS_AS(build_postmortem(in, kNoMetrics), Error);
  in = supplier_input();
  in.chains.clear();
  CHECK_THROWS_AS(build_postmortem(in, kNoMetrics), Error);
}

TEST_CASE("postmortem: ids are stable and depend on the subject and the versions") {
  const std::map<std::string, std::string> v = {{"postmortem", "postmortem_v1"}, {"rca", "BRE-RCA-v1"}};
  CHECK(postmortem_id_for("inc_a", v) == postmortem_id_for("inc_a", v));
  CHECK(postmortem_id_for("inc_a", v).size() == 19);
  CHECK(postmortem_id_for("inc_a", v) != postmortem_id_for("inc_b", v));
  auto v2 = v;
  v2["rca"] = "BRE-RCA-v2";
  CHECK(postmortem_id_for("inc_a", v) != postmortem_id_for("inc_a", v2));
}

TEST_CASE("postmortem: a stored chain reads back to the same JSON") {
  CausalChain c = supplier_chain();
  c.nodes[1].evidence_clusters[0].total_amount_minor = 123456;
  c.nodes[1].evidence_clusters[0].baseline_expected = 4.25;
  c.run_id = "run_x";
  const std::string json = causal_chain_json(c, 2);
  CHECK(causal_chain_json(causal_chain_from_json(json, 2), 2) == json);
  // A chain BRE-RCA computed, with its nodes' real numbers.
  const DailyMetrics m = series({{"supplier_delay_rate", 70, 79, 0.3}, {"delivery_delay_rate", 74, 83, 0.2}});
  const CausalChain computed = analyse_incident(
      m, {"inc_x", "fulfillment_sla_degradation", "delivery_delay_rate", kJan1 + 74, kJan1 + 83},
      default_dependency_graphs(), {{"supplier_delay_rate", 0.9}});
  const std::string computed_json = causal_chain_json(computed, 2);
  CHECK(causal_chain_json(causal_chain_from_json(computed_json, 2), 2) == computed_json);
  CHECK_THROWS_AS(causal_chain_from_json("{\"chain_id\":\"x\"}", 2), Error);
  CHECK_THROWS_AS(causal_chain_from_json("not json", 2), Error);
}

TEST_CASE("postmortem renderings: JSON fields, Markdown sections, safe HTML") {
  PostmortemInput in = supplier_input();
  in.chains[0].nodes[1].evidence_clusters[1].summary = "5 delays from a | b <script>alert(1)</script>";
  const Postmortem pm = build_postmortem(in, kNoMetrics);
  const auto j = nlohmann::json::parse(postmortem_json(pm));
  for (const char* key : {"postmortem_id", "incident_id", "cascade_id", "generated_at", "title", "severity", "duration",
                          "status", "one_line_summary", "timeline", "causal_chain", "root_cause_summary", "blast_radius",
                          "contributing_factors", "monitors", "recommendations", "data_quality_score",
                          "confidence_note", "algorithm_version", "run_id"})
    CHECK_MESSAGE(j.contains(key), key);
  CHECK(j["causal_chain"] == nlohmann::json::parse(causal_chain_json(in.chains[0], 2)));
  CHECK(j["cascade_id"].is_null());
  CHECK(j["monitors"].size() == 2);
  CHECK(j["monitors"][0]["metric_name"] == "supplier_delay_rate");
  CHECK(j["timeline"][0]["evidence_event_ids"] == nlohmann::json::array({"ev_a1", "ev_a2"}));
  CHECK(j["generated_at"] == format_iso8601(in.generated_at));
  CHECK(j["algorithm_versions"]["rca"] == "BRE-RCA-v2");

  const std::string md = postmortem_markdown(pm);
  CHECK(md.rfind("# Fulfillment SLA Degradation — Mar 6–15, 2026\n", 0) == 0);
  for (const char* h : {"\n## 1. Summary\n", "\n## 2. Timeline\n", "\n## 3. Root cause\n", "\n## 4. Blast radius\n",
                        "\n## 5. Contributing factors\n", "\n## 6. Prevention monitors\n", "\n## 7. Recommendations\n",
                        "\n## 8. Metadata\n"})
    CHECK_MESSAGE(md.find(h) != std::string::npos, h);
  CHECK(md.find("**Causal chain:** `supplier_delay_rate` (0.566, z 13.6) → `fulfillment_backlog` (0.526, z 6.9) → "
                "`delivery_delay_rate` (incident metric, z 9.8)") != std::string::npos);
  CHECK(md.find("a \\| b") != std::string::npos);  // a pipe in a cell is escaped

  const std::string html = postmortem_html(pm);
  CHECK(html.find("<h2>2. Timeline</h2>") != std::string::npos);
  CHECK(html.find("<table>") != std::string::npos);
  CHECK(html.find("<td>supplier_delay_rate</td>") != std::string::npos);
  CHECK(html.find("<script>") == std::string::npos);  // CMARK_OPT_SAFE
  CHECK(html.find("a | b") != std::string::npos);     // the escaped pipe is a pipe again, inside its cell
  CHECK(html.find("| ---") == std::string::npos);     // no table left as text
}

TEST_CASE("postmortem: a business time zone is named, and its timeline shows local days and times") {
  PostmortemInput in = supplier_input();
  in.business_time = BusinessTime("America/Sao_Paulo");
  Postmortem pm = build_postmortem(in, kNoMetrics);
  CHECK(nlohmann::json::parse(postmortem_json(pm))["timezone"] == "America/Sao_Paulo");
  // The end of Mar 5 in Sao Paulo (UTC-3) is 02:59:59.999Z on Mar 6: a day
  // reading, shown as its local date; 02:00Z on Mar 6 is 23:00 on Mar 5.
  pm.timeline = {{*parse_iso8601("2026-03-06T02:59:59.999Z"), "peak", "day reading", std::nullopt, std::nullopt, {}},
                 {*parse_iso8601("2026-03-06T02:00:00Z"), "evidence", "one event", std::nullopt, std::nullopt, {}}};
  const std::string md = postmortem_markdown(pm);
  CHECK(md.find("| when (America/Sao_Paulo) |") != std::string::npos);
  CHECK(md.find("| 2026-03-05 | peak | day reading |") != std::string::npos);
  CHECK(md.find("| 2026-03-05 23:00 | evidence | one event |") != std::string::npos);
  // The same moments in UTC.
  pm.timezone = "UTC";
  const std::string utc = postmortem_markdown(pm);
  CHECK(utc.find("| when (UTC) |") != std::string::npos);
  CHECK(utc.find("| 2026-03-06 02:59 | peak |") != std::string::npos);
  CHECK(utc.find("| 2026-03-06 02:00 | evidence |") != std::string::npos);
}

TEST_CASE("postmortem: the same inputs give the same JSON and Markdown, generated_at aside") {
  PostmortemInput in = supplier_input();
  const DailyMetrics m = series({{"supplier_delay_rate", 59, 67, 0.15}, {"delivery_delay_rate", 64, 73, 0.05}});
  const Postmortem a = build_postmortem(in, m), b = build_postmortem(in, m);
  CHECK(postmortem_json(a) == postmortem_json(b));
  CHECK(postmortem_markdown(a) == postmortem_markdown(b));
  in.generated_at += 86'400'000;
  const Postmortem later = build_postmortem(in, m);
  const std::string stamp = format_iso8601(in.generated_at), old_stamp = format_iso8601(a.generated_at);
  std::string json = postmortem_json(later), md = postmortem_markdown(later);
  json.replace(json.find(stamp), stamp.size(), old_stamp);
  md.replace(md.find(stamp), stamp.size(), old_stamp);
  CHECK(json == postmortem_json(a));
  CHECK(md == postmortem_markdown(a));
  CHECK(later.postmortem_id == a.postmortem_id);
  // With metrics, the timeline has the crossings of the path metrics, in time order.
  CHECK(std::any_of(a.timeline.begin(), a.timeline.end(), [](const TimelineEntry& e) {
    return e.kind == "threshold_crossing" && e.metric_name == "supplier_delay_rate";
  }));
  CHECK(std::is_sorted(a.timeline.begin(), a.timeline.end(),
                       [](const TimelineEntry& x, const TimelineEntry& y) { return x.timestamp < y.timestamp; }));
}

TEST_CASE("postmortem property: every postmortem carries at least one monitor rule (design §9)") {
  const bool ok = rc::check("generated incidents and chains", [] {
    const auto start = *rc::gen::inRange<std::size_t>(40, 80);
    const auto lead = *rc::gen::inRange<std::size_t>(0, 8);
    const bool upstream = *rc::gen::arbitrary<bool>();  // without: the incident metric is its own root
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 500);
    const std::string severity = *rc::gen::element<std::string>("low", "medium", "high", "critical");
    std::vector<Fault> faults = {{"delivery_delay_rate", start + lead, start + lead + 8, 0.05 * *rc::gen::inRange(1, 5)}};
    if (upstream) faults.push_back({"supplier_delay_rate", start, start + 6, 0.05 * *rc::gen::inRange(1, 6)});
    const DailyMetrics m = series(faults, seed);
    const RcaIncident rca_incident{"inc_p", "fulfillment_sla_degradation", "delivery_delay_rate",
                                   kJan1 + static_cast<DayNumber>(start + lead),
                                   kJan1 + static_cast<DayNumber>(start + lead + 8)};
    const CausalChain chain = analyse_incident(m, rca_incident, default_dependency_graphs(), {});
    PostmortemIncident inc = fulfil_incident();
    inc.incident_id = "inc_p";
    inc.severity = severity;
    inc.window_start = rca_incident.window_start;
    inc.window_end = rca_incident.window_end;
    inc.detected_at = (inc.window_start + 1) * kMsPerDay - 1;
    PostmortemInput in;
    in.incidents = {inc};
    in.chains = {chain};
    in.monitors = generate_monitor_rules(chain, severity, inc.window_start, default_dependency_graphs(), {}, 0);
    in.run_id = "run_p";
    const Postmortem pm = build_postmortem(in, m);
    RC_ASSERT(!pm.monitors.empty());
    for (const MonitorRule& r : pm.monitors) RC_ASSERT(r.source_incident_id == std::string("inc_p"));
    RC_ASSERT(!pm.recommendations.empty());
    RC_ASSERT(!pm.one_line_summary.empty());
    RC_ASSERT(std::is_sorted(pm.timeline.begin(), pm.timeline.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
      return a.timestamp < b.timestamp;
    }));
    const auto j = nlohmann::json::parse(postmortem_json(pm));
    RC_ASSERT(j["monitors"].size() >= 1u);
    RC_ASSERT(postmortem_markdown(pm).find("## 6. Prevention monitors") != std::string::npos);
  });
  CHECK(ok);
}

TEST_CASE("postmortem store: upsert by id, found by incident or cascade, pruned with its incident") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  Database& db = ws->db();
  db.exec("INSERT INTO incidents(incident_id, incident_type, severity, confidence, state, window_start, window_end, "
          "detected_at, payload) VALUES('inc_a', 'refund_spike', 'high', 'high', 'ended', '2026-03-01', '2026-03-02', "
          "0, '{}')");
  db.exec("INSERT INTO cascades(cascade_id, root_incident_id, payload) VALUES('cas_a', 'inc_a', '{}')");
  store_postmortem(db, {"pm_1", "inc_a", R"({"cascade_id":null,"v":1})", 10, "run_1"});
  store_postmortem(db, {"pm_2", "inc_a", R"({"cascade_id":"cas_a"})", 20, "run_1"});
  store_postmortem(db, {"pm_1", "inc_a", R"({"cascade_id":null,"v":2})", 30, "run_2"});  // the same id replaces
  CHECK(list_postmortems(db).size() == 2);
  REQUIRE(find_postmortem(db, "pm_1"));
  CHECK(find_postmortem(db, "pm_1")->payload == R"({"cascade_id":null,"v":2})");
  CHECK(find_postmortem(db, "pm_1")->run_id == "run_2");
  CHECK(find_incident_postmortem(db, "inc_a")->postmortem_id == "pm_1");  // not the cascade's
  CHECK(find_cascade_postmortem(db, "cas_a")->postmortem_id == "pm_2");
  CHECK_FALSE(find_postmortem(db, "pm_x"));
  CHECK(prune_postmortems(db) == 0);
  db.exec("DELETE FROM cascades");
  CHECK(prune_postmortems(db) == 1);  // the cascade's postmortem goes with it
  db.exec("DELETE FROM incidents");
  CHECK(prune_postmortems(db) == 1);
  CHECK(list_postmortems(db).empty());
}
