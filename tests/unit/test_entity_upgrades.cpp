// The entity upgrades of the design: vendor concentration for supplier
// failures, top customers for churn; thresholds from the config.
#include <doctest/doctest.h>

#include "bre/detect/entity_upgrades.h"

using namespace bre;

namespace {

DetectedIncident incident(const char* type, const char* severity) {
  DetectedIncident inc;
  inc.incident_type = type;
  inc.severity = severity;
  return inc;
}

}  // namespace

TEST_CASE("entity upgrades: one vendor behind most delays raises a supplier failure one level") {
  const DetectConfig cfg;  // 50 % of the delays, 15 % of purchase orders
  DetectedIncident inc = incident("supplier_dependency_failure", "medium");
  // 18 of 24 delays (75 %) from a vendor with 12 of 40 purchase orders (30 %).
  apply_supplier_upgrade(inc, {"500", "Acme Supply", 18, 18.0 / 24, 12.0 / 40}, cfg);
  CHECK(inc.severity == "high");
  REQUIRE(inc.notes.size() == 1);
  CHECK(inc.notes[0] == "75% of the delayed shipments are from Acme Supply, who supplies 30% of purchase orders "
                        "(vendor concentration): severity raised one level");

  DetectedIncident spread = incident("supplier_dependency_failure", "medium");
  apply_supplier_upgrade(spread, {"500", "Acme Supply", 10, 10.0 / 24, 0.30}, cfg);  // 42 %: spread over vendors
  CHECK(spread.severity == "medium");
  DetectedIncident minor = incident("supplier_dependency_failure", "medium");
  apply_supplier_upgrade(minor, {"509", "Tiny Parts", 20, 20.0 / 24, 2.0 / 40}, cfg);  // a 5 % supplier
  CHECK(minor.severity == "medium");
  CHECK(minor.notes.empty());

  DetectedIncident top = incident("supplier_dependency_failure", "critical");
  apply_supplier_upgrade(top, {"500", "Acme Supply", 18, 0.75, 0.30}, cfg);
  CHECK(top.severity == "critical");
  CHECK(top.notes.at(0).find("already critical") != std::string::npos);
}

TEST_CASE("entity upgrades: a top customer churning raises churn acceleration one level") {
  DetectConfig cfg;
  DetectedIncident inc = incident("churn_acceleration", "low");
  apply_churn_upgrade(inc, {{"Amber Bakery", "Blake Abbott", "Cole & Co", "Dunn Ltd"}, 9}, cfg);
  CHECK(inc.severity == "medium");
  CHECK(inc.notes.at(0) ==
        "4 of the top 10% customers by revenue churned (Amber Bakery, Blake Abbott, Cole & Co and 1 more): "
        "severity raised one level");
  DetectedIncident none = incident("churn_acceleration", "low");
  apply_churn_upgrade(none, {{}, 9}, cfg);
  CHECK(none.severity == "low");
  cfg.top_customers_churned = 5;
  DetectedIncident few = incident("churn_acceleration", "low");
  apply_churn_upgrade(few, {{"A", "B", "C", "D"}, 9}, cfg);
  CHECK(few.severity == "low");
}
