// The design's severity upgrades that need to know which entities are
// involved, not just how far a metric moved: a supplier failure is worse when
// one vendor the business depends on causes most of it; churn is worse when
// top customers leave. The facts come from the event log (store/entity_facts.h);
// the rule is pure.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/detect/incidents.h"

namespace bre {

struct SupplierFacts {
  std::string vendor_id, vendor_name;  // the vendor with the most delayed shipments in the window
  std::int64_t delayed = 0;            // its delayed shipments in the window
  double delayed_share = 0;            // ... of all delayed shipments in the window
  double supply_share = 0;             // its share of purchase orders in the 90 days before the window
};

struct ChurnFacts {
  std::vector<std::string> top_customers_churned;  // names of churned customers in the top revenue share
  std::int64_t churned = 0;                        // all churns in the window
};

// Raises inc.severity one level (at most critical) and says why in its notes.
void apply_supplier_upgrade(DetectedIncident& inc, const SupplierFacts& facts, const DetectConfig& cfg);
void apply_churn_upgrade(DetectedIncident& inc, const ChurnFacts& facts, const DetectConfig& cfg);

}  // namespace bre
