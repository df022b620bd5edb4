// Which entities an incident involves, read from the live events: the facts
// behind the design's vendor-concentration and top-customer upgrades
// (detect/entity_upgrades.h).
#pragma once
#include "bre/core/time.h"
#include "bre/detect/entity_upgrades.h"
#include "bre/store/sqlite.h"

namespace bre {

// Delayed shipments in days from..to by vendor; the top vendor's share of
// them and of the purchase orders in the 90 days before `from`.
SupplierFacts supplier_facts(Database& db, DayNumber from, DayNumber to);

// Customers churned in days from..to who were in the top `top_share` of
// paying customers by payments in the 90 days before `from`.
ChurnFacts churn_facts(Database& db, DayNumber from, DayNumber to, double top_share);

}  // namespace bre
