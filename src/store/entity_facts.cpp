#include "bre/store/entity_facts.h"

#include <cmath>
#include <set>

#include "bre/store/workspace.h"

namespace bre {

namespace {

constexpr DayNumber kLookBackDays = 90;

std::string display_name(Database& db, const char* kind, const std::string& id) {
  Statement s = db.prepare("SELECT display_name FROM entities WHERE kind = ? AND entity_id = ?");
  s.bind(1, kind).bind(2, id);
  return s.step() ? s.text(0) : id;
}

std::int64_t count_events(Database& db, const BusinessTime& clock, const char* type, DayNumber from, DayNumber to,
                          const std::string& vendor) {
  Statement s = db.prepare(
      "SELECT count(*) FROM live_events WHERE event_type = ? AND event_time >= ? AND event_time < ? "
      "AND (?4 = '' OR json_extract(related_entity_ids, '$.vendor_id') = ?4)");
  const auto range = clock.days(from, to);
  s.bind(1, type).bind(2, range.from).bind(3, range.until).bind(4, vendor);
  return s.step() ? s.int64(0) : 0;
}

}  // namespace

SupplierFacts supplier_facts(Database& db, DayNumber from, DayNumber to) {
  SupplierFacts f;
  const BusinessTime clock = business_time(db);
  Statement top = db.prepare(
      "SELECT json_extract(related_entity_ids, '$.vendor_id') AS vendor, count(*) AS n FROM live_events "
      "WHERE event_type = 'shipment_delayed' AND event_time >= ? AND event_time < ? AND vendor IS NOT NULL "
      "GROUP BY vendor ORDER BY n DESC, vendor LIMIT 1");
  const auto window = clock.days(from, to);
  top.bind(1, window.from).bind(2, window.until);
  if (!top.step()) return f;
  f.vendor_id = top.text(0);
  f.delayed = top.int64(1);
  f.vendor_name = display_name(db, "vendor", f.vendor_id);
  const std::int64_t all = count_events(db, clock, "shipment_delayed", from, to, "");
  f.delayed_share = all > 0 ? static_cast<double>(f.delayed) / static_cast<double>(all) : 0;
  const std::int64_t orders = count_events(db, clock, "purchase_order_placed", from - kLookBackDays, from - 1, "");
  const std::int64_t theirs = count_events(db, clock, "purchase_order_placed", from - kLookBackDays, from - 1, f.vendor_id);
  f.supply_share = orders > 0 ? static_cast<double>(theirs) / static_cast<double>(orders) : 0;
  return f;
}

ChurnFacts churn_facts(Database& db, DayNumber from, DayNumber to, double top_share) {
  ChurnFacts f;
  const BusinessTime clock = business_time(db);
  const auto window = clock.days(from, to), before = clock.days(from - kLookBackDays, from - 1);
  Statement payers = db.prepare(
      "SELECT json_extract(related_entity_ids, '$.customer_id') AS customer, sum(amount_minor) AS paid "
      "FROM live_events WHERE event_type = 'payment_received' AND event_time >= ? AND event_time < ? "
      "AND customer IS NOT NULL GROUP BY customer ORDER BY paid DESC, customer");
  payers.bind(1, before.from).bind(2, before.until);
  std::vector<std::string> ranked;
  while (payers.step()) ranked.push_back(payers.text(0));
  const auto top_n = static_cast<std::size_t>(std::ceil(top_share * static_cast<double>(ranked.size())));
  const std::set<std::string> top(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(std::min(top_n, ranked.size())));
  Statement churned = db.prepare(
      "SELECT DISTINCT coalesce(json_extract(related_entity_ids, '$.customer_id'), entity_id) FROM live_events "
      "WHERE event_type = 'customer_churned' AND event_time >= ? AND event_time < ? ORDER BY 1");
  churned.bind(1, window.from).bind(2, window.until);
  while (churned.step()) {
    ++f.churned;
    if (const std::string id = churned.text(0); top.count(id))
      f.top_customers_churned.push_back(display_name(db, "customer", id));
  }
  return f;
}

std::vector<PartySpend> vendor_daily_spend(Database& db, DayNumber first_day, std::size_t days, int currency_digits) {
  std::vector<PartySpend> out;
  if (days == 0) return out;
  const BusinessTime clock = business_time(db);
  const auto range = clock.days(first_day, first_day + static_cast<DayNumber>(days) - 1);
  Statement s = db.prepare(
      "SELECT json_extract(related_entity_ids, '$.vendor_id') AS vendor, event_time, amount_minor FROM live_events "
      "WHERE event_type = 'expense_posted' AND event_time >= ? AND event_time < ? AND vendor IS NOT NULL "
      "AND amount_minor IS NOT NULL ORDER BY vendor, event_time");
  s.bind(1, range.from).bind(2, range.until);
  const double scale = std::pow(10.0, currency_digits);
  while (s.step()) {
    const std::string vendor = s.text(0);
    if (out.empty() || out.back().id != vendor) out.push_back({vendor, "", std::vector<double>(days, 0.0)});
    const DayNumber day = clock.local_day(s.int64(1));
    if (day >= first_day && day < first_day + static_cast<DayNumber>(days))
      out.back().daily[static_cast<std::size_t>(day - first_day)] += static_cast<double>(s.int64(2)) / scale;
  }
  for (PartySpend& p : out) p.name = display_name(db, "vendor", p.id);
  return out;
}

}  // namespace bre
