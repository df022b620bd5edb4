// Monitor generation (monitor/monitor_rules.h) on hand-built chains: one rule
// per node of the top path, 0.5σ under the trigger that watches the metric,
// the bad direction, one level below the incident's severity; merging keeps
// one rule per metric and condition.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "bre/monitor/early_warnings.h"
#include "bre/monitor/monitor_rules.h"

using namespace bre;

namespace {

CausalChain chain_of(const std::string& id, const std::string& type, std::vector<std::string> top_path) {
  CausalChain c;
  c.incident_id = id;
  c.incident_type = type;
  c.incident_metric = top_path.empty() ? "refund_rate" : top_path.back();
  if (!top_path.empty()) c.paths.push_back({1, 0.5, false, std::move(top_path), {}});
  return c;
}

constexpr DayNumber kDay = 20500;  // 2026-02-15

}  // namespace

TEST_CASE("monitor rules: one per node of the top path, 0.5 sigma under its trigger") {
  const auto chain = chain_of("inc_a", "fulfillment_sla_degradation", {"supplier_delay_rate", "delivery_delay_rate"});
  const auto rules =
      generate_monitor_rules(chain, "high", kDay, default_dependency_graphs(), DetectConfig{}, 1'000);
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].metric_name == "supplier_delay_rate");
  CHECK(rules[0].z_threshold == doctest::Approx(2.5));  // supplier_dependency_failure triggers at 3.0
  CHECK(rules[0].condition == "zscore > 2.5");
  CHECK(rules[0].name == "Supplier Delay Rate Watch");
  CHECK(rules[0].severity_if_triggered == "medium");  // one below high
  CHECK(rules[0].baseline_window_days == 30);
  CHECK(rules[0].source_incident_ids == std::vector<std::string>{"inc_a"});
  CHECK(rules[0].monitor_id == monitor_id_for("supplier_delay_rate", +1));
  CHECK(rules[1].metric_name == "delivery_delay_rate");
  CHECK(rules[0].alert_message_template.find("inc_a") != std::string::npos);
  CHECK(rules[0].alert_message_template.find(format_day(kDay)) != std::string::npos);
  CHECK(rules[0].alert_message_template.find("{value}") != std::string::npos);
}

TEST_CASE("monitor rules: 2.5-sigma types warn at 2.0, falling metrics watch the low side") {
  const auto chain =
      chain_of("inc_b", "customer_satisfaction_regression", {"delivery_delay_rate", "review_score_avg"});
  const auto rules = generate_monitor_rules(chain, "low", kDay, default_dependency_graphs(), DetectConfig{}, 0);
  REQUIRE(rules.size() == 2);
  CHECK(rules[1].direction == -1);
  CHECK(rules[1].z_threshold == doctest::Approx(2.0));
  CHECK(rules[1].condition == "zscore < -2");
  CHECK(rules[0].z_threshold == doctest::Approx(2.5));  // delivery_delay_rate's own trigger is 3.0
  CHECK(rules[0].severity_if_triggered == "low");       // never below low

  // A metric no incident rule watches takes the source incident's trigger.
  CHECK(monitor_threshold("avg_resolution_time", "churn_acceleration") == doctest::Approx(2.0));
  CHECK(monitor_threshold("avg_resolution_time", "support_load_surge") == doctest::Approx(2.5));
}

TEST_CASE("monitor rules: an incident without a path still leaves a monitor on its metric") {
  auto chain = chain_of("inc_c", "refund_spike", {});
  const auto rules = generate_monitor_rules(chain, "critical", kDay, default_dependency_graphs(), DetectConfig{}, 0);
  REQUIRE(rules.size() == 1);
  CHECK(rules[0].metric_name == "refund_rate");
  CHECK(rules[0].severity_if_triggered == "high");
}

TEST_CASE("monitor rules: a second incident reuses and strengthens the same rule") {
  const auto& g = default_dependency_graphs();
  auto first = generate_monitor_rules(chain_of("inc_1", "fulfillment_sla_degradation", {"delivery_delay_rate"}), "low",
                                      kDay, g, DetectConfig{}, 100);
  first[0].enabled = false;         // a person turned it off; the merge keeps that
  first[0].path_agreement = false;  // and made it read alone
  auto second = generate_monitor_rules(chain_of("inc_2", "fulfillment_sla_degradation", {"delivery_delay_rate"}),
                                       "critical", kDay + 40, g, DetectConfig{}, 200);
  const auto merged = merge_monitor_rules(first, second);
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].source_incident_ids == std::vector<std::string>{"inc_1", "inc_2"});
  CHECK(merged[0].source_incident_id == "inc_1");
  CHECK(merged[0].created_at == 100);
  CHECK_FALSE(merged[0].enabled);
  CHECK_FALSE(merged[0].path_agreement);
  CHECK(merged[0].severity_if_triggered == "high");

  // A user-set threshold survives; otherwise the lower one wins.
  auto user = merged;
  user[0].z_threshold = 4;
  user[0].threshold_set_by_user = true;
  CHECK(merge_monitor_rules(user, second)[0].z_threshold == doctest::Approx(4));
  auto loose = merged;
  loose[0].z_threshold = 4;
  CHECK(merge_monitor_rules(loose, second)[0].z_threshold == doctest::Approx(2.5));
  CHECK(merge_monitor_rules(loose, second)[0].condition == "zscore > 2.5");
}

TEST_CASE("monitor rules: JSON round trip") {
  auto rules = generate_monitor_rules(chain_of("inc_d", "liquidity_crunch_risk", {"ar_aging_amount", "net_cash_proxy"}),
                                      "medium", kDay, default_dependency_graphs(), DetectConfig{}, 1'700'000'000'000);
  REQUIRE(rules.size() == 2);
  for (const MonitorRule& r : rules) {
    const std::string json = monitor_rule_json(r);
    const MonitorRule back = monitor_rule_from_json(json);
    CHECK(monitor_rule_json(back) == json);
    CHECK(back.direction == r.direction);
    CHECK(back.source_incident_day == kDay);
  }
  CHECK(rules[1].condition == "zscore < -2.5");
  // Path agreement is on unless a person turned it off; a rule stored before it existed reads as on.
  CHECK(rules[0].path_agreement);
  MonitorRule alone = rules[0];
  alone.path_agreement = false;
  CHECK_FALSE(monitor_rule_from_json(monitor_rule_json(alone)).path_agreement);
  auto older = nlohmann::json::parse(monitor_rule_json(alone));
  older.erase("path_agreement");
  CHECK(monitor_rule_from_json(older.dump()).path_agreement);
  CHECK_THROWS(monitor_rule_from_json("[]"));
  CHECK_THROWS(monitor_rule_from_json("{\"monitor_id\":1}"));
}

TEST_CASE("early warnings: an alert counts when it precedes the detection of its monitor's incident type") {
  MonitorRule backlog;
  backlog.monitor_id = "mon_backlog";
  backlog.source_incident_type = "fulfillment_sla_degradation";
  auto alert = [](const char* id, DayNumber day) {
    MonitorAlert a;
    a.alert_id = id;
    a.monitor_id = "mon_backlog";
    a.metric_name = "fulfillment_backlog";
    a.day = day;
    return a;
  };
  const std::vector<DetectedAt> incidents = {
      {"inc_old", "fulfillment_sla_degradation", kDay - 30, kDay - 30},  // long before
      {"inc_open", "fulfillment_sla_degradation", kDay + 18, kDay + 20},
      {"inc_next", "fulfillment_sla_degradation", kDay + 4, kDay + 6},   // 6 days after the first alert
      {"inc_other", "refund_spike", kDay + 1, kDay + 1},                  // another type: not this monitor's
  };
  const auto warnings =
      early_warnings({alert("alr_a", kDay), alert("alr_b", kDay + 19), alert("alr_c", kDay + 40),
                      [&] { auto a = alert("alr_x", kDay); a.monitor_id = "mon_unknown"; return a; }()},
                     {backlog}, incidents);
  REQUIRE(warnings.size() == 1);  // alr_b fell inside inc_open's window; alr_c precedes nothing
  CHECK(warnings[0].alert_id == "alr_a");
  CHECK(warnings[0].incident_id == "inc_next");
  CHECK(warnings[0].days_earlier == 6);
  CHECK(early_warnings({alert("alr_a", kDay)}, {backlog}, incidents, 5).empty());  // beyond the horizon
}
