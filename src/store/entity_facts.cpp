#include "bre/store/entity_facts.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "bre/core/byte_codec.h"
#include "bre/store/event_store.h"

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

namespace {

// Each vendor's expenses in minor units by business day, from every live
// event of the log up to `end`; kept in `spend_snapshot` (a cache) so the
// next detection reads only the events stored since.
struct VendorMinorSpend {
  EventLogEnd end;
  std::map<std::string, std::map<DayNumber, std::int64_t>> by_vendor;
};

constexpr const char* kSpendSnapshotFormat = "vendor_spend_v1";
constexpr const char* kSpendCorrupt = "spend_snapshot_corrupt";

void add_expenses(Database& db, const BusinessTime& clock, std::int64_t after_rowid, VendorMinorSpend& spend) {
  Statement s = db.prepare(
      "SELECT json_extract(related_entity_ids, '$.vendor_id') AS vendor, event_time, amount_minor FROM events e "
      "WHERE e.rowid > ? AND event_type = 'expense_posted' AND vendor IS NOT NULL AND amount_minor IS NOT NULL "
      "AND NOT EXISTS (SELECT 1 FROM superseded_events x WHERE x.event_id = e.event_id)");
  s.bind(1, after_rowid);
  while (s.step()) spend.by_vendor[s.text(0)][clock.local_day(s.int64(1))] += s.int64(2);
}

std::string spend_config(const BusinessTime& clock) { return std::string(kSpendSnapshotFormat) + "|" + clock.zone(); }

std::optional<VendorMinorSpend> load_spend_snapshot(Database& db, const EventLogEnd& now, const std::string& config) {
  Statement s = db.prepare("SELECT events_rowid, superseded_rowid, config, data FROM spend_snapshot WHERE id = 1");
  if (!s.step() || s.int64(0) > now.events || s.int64(1) != now.superseded || s.text_view(2) != config)
    return std::nullopt;
  VendorMinorSpend spend{{s.int64(0), s.int64(1)}, {}};
  ByteReader in(s.blob_view(3), kSpendCorrupt, "the vendor spend snapshot");
  for (auto vendors = in.get<std::uint64_t>(); vendors > 0; --vendors) {
    auto& days = spend.by_vendor[std::string(in.text())];
    for (auto n = in.get<std::uint64_t>(); n > 0; --n) {
      const auto day = in.get<DayNumber>();
      days[day] = in.get<std::int64_t>();
    }
  }
  in.expect_done();
  return spend;
}

void save_spend_snapshot(Database& db, const VendorMinorSpend& spend, const std::string& config) {
  ByteWriter out;
  out.put<std::uint64_t>(spend.by_vendor.size());
  for (const auto& [vendor, days] : spend.by_vendor) {
    out.put(std::string_view(vendor));
    out.put<std::uint64_t>(days.size());
    for (const auto& [day, minor] : days) out.put(day), out.put(minor);
  }
  const std::string bytes = out.take();
  db.prepare("INSERT OR REPLACE INTO spend_snapshot(id, events_rowid, superseded_rowid, config, data) "
             "VALUES(1, ?, ?, ?, ?)")
      .bind(1, spend.end.events)
      .bind(2, spend.end.superseded)
      .bind(3, config)
      .bind_blob_static(4, bytes)
      .run();
}

}  // namespace

std::vector<PartySpend> vendor_daily_spend(Database& db, DayNumber first_day, std::size_t days, int currency_digits,
                                           bool use_snapshot) {
  std::vector<PartySpend> out;
  if (days == 0) return out;
  const BusinessTime clock = business_time(db);
  const EventLogEnd now = event_log_end(db);
  const std::string config = spend_config(clock);
  std::optional<VendorMinorSpend> spend;
  if (use_snapshot) try {
      spend = load_spend_snapshot(db, now, config);
    } catch (const Error&) {  // a cache: unreadable, the whole log is read
    }
  if (!spend) spend = VendorMinorSpend{{0, now.superseded}, {}};
  if (spend->end.events < now.events) {
    add_expenses(db, clock, spend->end.events, *spend);
    spend->end = now;
    save_spend_snapshot(db, *spend, config);
  }
  // Sums of whole minor units, divided once: the same bits however the
  // events were split between reads.
  const double scale = std::pow(10.0, currency_digits);
  const DayNumber last = first_day + static_cast<DayNumber>(days) - 1;
  for (const auto& [vendor, by_day] : spend->by_vendor) {
    PartySpend p{vendor, "", std::vector<double>(days, 0.0)};
    bool any = false;
    for (auto it = by_day.lower_bound(first_day); it != by_day.end() && it->first <= last; ++it)
      p.daily[static_cast<std::size_t>(it->first - first_day)] = static_cast<double>(it->second) / scale, any = true;
    if (!any) continue;
    p.name = display_name(db, "vendor", vendor);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace bre
