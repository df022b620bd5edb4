// Which entities an incident involves, read from the live events: the facts
// behind the design's vendor-concentration and top-customer upgrades
// (detect/entity_upgrades.h).
#pragma once
#include "bre/core/time.h"
#include "bre/detect/entity_upgrades.h"
#include "bre/detect/spend_drift.h"
#include "bre/store/sqlite.h"

namespace bre {

// Delayed shipments in days from..to by vendor; the top vendor's share of
// them and of the purchase orders in the 90 days before `from`.
SupplierFacts supplier_facts(Database& db, DayNumber from, DayNumber to);

// Customers churned in days from..to who were in the top `top_share` of
// paying customers by payments in the 90 days before `from`.
ChurnFacts churn_facts(Database& db, DayNumber from, DayNumber to, double top_share);

// Each vendor's daily expenses (live expense_posted events, in currency
// units), `days` days from first_day, ordered by vendor id; expenses that
// name no vendor are left out. The streams the spend-drift rule watches.
// use_snapshot: go on from the totals kept by the last call (the table
// spend_snapshot), reading only the events stored since; false reads the
// whole log. Either way the totals are then kept for the next call.
std::vector<PartySpend> vendor_daily_spend(Database& db, DayNumber first_day, std::size_t days, int currency_digits,
                                           bool use_snapshot = true);

}  // namespace bre
