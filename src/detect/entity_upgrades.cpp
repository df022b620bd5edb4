#include "bre/detect/entity_upgrades.h"

#include <algorithm>

#include <fmt/format.h>

namespace bre {

namespace {

void raise_one_level(DetectedIncident& inc, const std::string& why) {
  static const char* const levels[] = {"low", "medium", "high", "critical"};
  const auto* at = std::find(std::begin(levels), std::end(levels), inc.severity);
  if (at == std::end(levels) || at + 1 == std::end(levels)) {
    inc.notes.push_back(why + " (already critical)");
    return;
  }
  inc.severity = *(at + 1);
  inc.notes.push_back(why + ": severity raised one level");
}

}  // namespace

void apply_supplier_upgrade(DetectedIncident& inc, const SupplierFacts& f, const DetectConfig& cfg) {
  if (f.delayed == 0 || f.delayed_share < cfg.vendor_concentration_share || f.supply_share < cfg.vendor_supply_share)
    return;
  raise_one_level(inc, fmt::format("{:.0f}% of the delayed shipments are from {}, who supplies {:.0f}% of purchase "
                                   "orders (vendor concentration)",
                                   100 * f.delayed_share, f.vendor_name.empty() ? f.vendor_id : f.vendor_name,
                                   100 * f.supply_share));
}

void apply_churn_upgrade(DetectedIncident& inc, const ChurnFacts& f, const DetectConfig& cfg) {
  const auto n = static_cast<int>(f.top_customers_churned.size());
  if (n < cfg.top_customers_churned || n == 0) return;
  std::string names;
  for (int i = 0; i < std::min(n, 3); ++i) names += (i ? ", " : "") + f.top_customers_churned[static_cast<std::size_t>(i)];
  if (n > 3) names += fmt::format(" and {} more", n - 3);
  raise_one_level(inc, fmt::format("{} of the top {:.0f}% customers by revenue churned ({})", n,
                                   100 * cfg.top_customer_share, names));
}

}  // namespace bre
