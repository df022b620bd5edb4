// Incident comparison on hand-built chains: shared and own causes, cluster
// differences, blast-radius differences, the narrative's facts, the errors.
#include <doctest/doctest.h>

#include "bre/compare/incident_comparison.h"
#include "bre/core/error.h"

using namespace bre;
using Json = nlohmann::ordered_json;

namespace {

Json cluster(const char* vendor, int events, const char* summary) {
  return {{"cluster_label", std::string("vendor ") + vendor}, {"entity_type", "vendor"}, {"entity_id", vendor},
          {"event_count", events}, {"total_amount", 0.0}, {"summary", summary}};
}

Json node(const char* metric, bool implicated, Json clusters = Json::array()) {
  clusters.push_back({{"cluster_label", "all"}, {"entity_type", "all"}, {"event_count", 99}, {"summary", "all"}});
  return {{"metric_name", metric}, {"implicated", implicated}, {"evidence_clusters", clusters}};
}

Json chain(const char* root, std::vector<Json> path1, std::vector<Json> path2 = {}) {
  Json paths = Json::array();
  for (auto* p : {&path1, &path2}) {
    if (p->empty()) continue;
    Json metrics = Json::array();
    for (const auto& n : *p) metrics.push_back(n["metric_name"]);
    paths.push_back({{"rank", paths.size() + 1}, {"metrics", metrics}, {"nodes", *p}});
  }
  return {{"incident_metric", "delivery_delay_rate"}, {"root_cause", root}, {"paths", paths}};
}

Json incident(const char* id, const char* type, const char* severity, const char* start) {
  return {{"incident_id", id}, {"incident_type", type}, {"severity", severity}, {"incident_window_start", start},
          {"incident_window_end", start}, {"primary_metric_zscore", 5.0}};
}

Json blast(int customers, int orders, double revenue, const char* severity) {
  return {{"customers_affected", customers}, {"orders_affected", orders}, {"estimated_revenue_exposure", revenue},
          {"blast_radius_severity", severity}, {"currency", "USD"}};
}

// March: a supplier's delays; June: an order surge. Both through the backlog.
ComparedIncident march() {
  return {incident("inc_a", "fulfillment_sla_degradation", "high", "2026-03-03"),
          chain("supplier_delay_rate",
                {node("supplier_delay_rate", true, Json::array({cluster("500", 23, "23 shipment delays from AcmeSupplier")})),
                 node("fulfillment_backlog", true, Json::array({cluster("501", 12, "12 orders placed from 501")})),
                 node("delivery_delay_rate", true)},
                {node("supplier_delay_severity", false), node("fulfillment_backlog", true),
                 node("delivery_delay_rate", true)}),
          blast(28, 29, 1000, "contained")};
}
ComparedIncident june() {
  return {incident("inc_b", "fulfillment_sla_degradation", "medium", "2026-06-10"),
          chain("order_volume",
                {node("order_volume", true, Json::array({cluster("502", 40, "40 orders placed from 502")})),
                 node("fulfillment_backlog", true, Json::array({cluster("501", 20, "20 orders placed from 501")})),
                 node("delivery_delay_rate", true)}),
          blast(40, 45, 2500, "significant")};
}

}  // namespace

TEST_CASE("compare: implicated causes are the implicated path nodes and the incident metric only as root") {
  CHECK(implicated_causes(march().chain) == std::vector<std::string>{"supplier_delay_rate", "fulfillment_backlog"});
  // Nothing upstream moved: the incident metric is its own root and the only cause.
  const Json self = chain("delivery_delay_rate", {node("delivery_delay_rate", true)});
  CHECK(implicated_causes(self) == std::vector<std::string>{"delivery_delay_rate"});
}

TEST_CASE("compare: two late-delivery incidents with different roots") {
  const Json c = compare_incidents(march(), june());
  CHECK(c["incident_type"] == "fulfillment_sla_degradation");
  CHECK(c["shared_root_causes"] == Json::array({"fulfillment_backlog"}));
  CHECK(c["unique_to_a"] == Json::array({"supplier_delay_rate"}));
  CHECK(c["unique_to_b"] == Json::array({"order_volume"}));
  CHECK(c["root_cause"]["a"] == "supplier_delay_rate");
  CHECK(c["severity_comparison"]["a"] == "high");
  CHECK(c["severity_comparison"]["b"] == "medium");
  CHECK(c["severity_comparison"]["more_severe"] == "a");
  const Json& diff = c["blast_radius_comparison"]["difference"];
  CHECK(diff["customers_affected"].get<double>() == 12);
  CHECK(diff["orders_affected"].get<double>() == 16);
  CHECK(diff["estimated_revenue_exposure"].get<double>() == 1500);
  // Clusters: vendor 500 behind the supplier only in March, 502 behind the
  // orders only in June, 501 in both backlogs with 8 more orders in June.
  const Json& ev = c["evidence_cluster_differences"];
  REQUIRE(ev["only_in_a"].size() == 1);
  CHECK(ev["only_in_a"][0]["entity_id"] == "500");
  REQUIRE(ev["only_in_b"].size() == 1);
  CHECK(ev["only_in_b"][0]["entity_id"] == "502");
  REQUIRE(ev["shared"].size() == 1);
  CHECK(ev["shared"][0]["entity_id"] == "501");
  CHECK(ev["shared"][0]["event_count"]["change"].get<double>() == 8);
  const std::string n = c["narrative"].get<std::string>();
  CHECK(n.find("different root causes") != std::string::npos);
  CHECK(n.find("the 2026-03-03 one was driven by supplier_delay_rate (23 shipment delays from AcmeSupplier)") !=
        std::string::npos);
  CHECK(n.find("the 2026-06-10 one by order_volume (40 orders placed from 502)") != std::string::npos);
  CHECK(n.find("HIGH vs MEDIUM") != std::string::npos);
}

TEST_CASE("compare: the same root says so and the id is stable and ordered") {
  ComparedIncident b = march();
  b.incident = incident("inc_c", "fulfillment_sla_degradation", "high", "2026-05-01");
  const Json c = compare_incidents(march(), b);
  CHECK(c["unique_to_a"].empty());
  CHECK(c["unique_to_b"].empty());
  CHECK(c["narrative"].get<std::string>().find("Both Fulfillment SLA Degradation incidents") == 0);
  CHECK(c["severity_comparison"]["more_severe"] == "same");
  CHECK(comparison_id_of(march(), june()) == compare_incidents(march(), june())["comparison_id"]);
  CHECK(comparison_id_of(march(), june()) != comparison_id_of(june(), march()));
  CHECK(comparison_id_of(march(), june()).rfind("cmp_", 0) == 0);
  // A chain that changes (a new rca run with other paths) is a new comparison.
  ComparedIncident changed = june();
  changed.chain["root_cause"] = "fulfillment_backlog";
  CHECK(comparison_id_of(march(), changed) != comparison_id_of(march(), june()));
}

TEST_CASE("compare: different types and one incident twice are usage errors and no blast radius is null") {
  ComparedIncident refund = june();
  refund.incident["incident_type"] = "refund_spike";
  try {
    compare_incidents(march(), refund);
    FAIL("compared across types");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(e.code() == "INCIDENT_TYPE_MISMATCH");
  }
  CHECK_THROWS_AS(compare_incidents(march(), march()), Error);
  ComparedIncident bare = june();
  bare.blast_radius = nullptr;
  const Json c = compare_incidents(march(), bare);
  CHECK(c["blast_radius_comparison"]["b"].is_null());
  CHECK(c["blast_radius_comparison"]["difference"].is_null());
  CHECK(c["narrative"].get<std::string>().find("no stored blast radius") != std::string::npos);
}
