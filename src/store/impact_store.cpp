#include "bre/store/impact_store.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/money.h"
#include "bre/core/time.h"
#include "bre/store/workspace.h"
#include "blast_facts.h"

namespace bre {

namespace {

using Json = nlohmann::json;

constexpr DayNumber kTrailingRevenueDays = 30;
constexpr DayNumber kTrailingRefundDays = 90;
constexpr double kDefaultGapDays = 30;  // when no customer has two purchase days

// Customer-order events whose entity is the order (not purchase orders or shipments).
const std::set<std::string> kOrderEntityEvents = {"order_placed", "order_late", "order_delivered", "order_cancelled",
                                                  "review_submitted"};
const std::set<std::string> kInvoiceEntityEvents = {"invoice_issued", "invoice_overdue", "invoice_paid"};

// A JSON number attribute in minor units (exact through its decimal text).
std::optional<std::int64_t> minor_attribute(const Json& attributes, const char* key, int digits) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || !it->is_number()) return std::nullopt;
  return parse_decimal_minor(it->dump(), digits).minor;
}

struct IncidentRow {
  std::string id, type;
  DayNumber from = 0, to = 0;
};

IncidentRow load_incident(Database& db, const std::string& id) {
  Statement s = db.prepare("SELECT incident_type, window_start, window_end FROM incidents WHERE incident_id = ?");
  s.bind(1, id);
  if (!s.step()) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", id);
  const auto from = parse_date(s.text_view(1)), to = parse_date(s.text_view(2));
  if (!from || !to) throw_internal("incident " + id + " has a malformed window");
  return {id, s.text(0), day_of(*from), day_of(*to)};
}

// One row of live_events reduced to the entities it names.
AffectedEvent reduce(const Statement& s, const BlastFacts& docs, const BusinessTime& clock) {
  AffectedEvent e;
  e.event_id = s.text(0);
  e.event_type = s.text(1);
  e.day = clock.local_day(s.int64(2));
  const std::string entity_type = s.text(3), entity_id = s.text(4);
  const Json rel = blast_json::parse_object(s.text_view(5)), attrs = blast_json::parse_object(s.text_view(7));
  e.amount_minor = s.is_null(6) ? 0 : s.int64(6);
  e.customer_id = blast_json::text_field(rel, "customer_id");
  if (e.customer_id.empty() && entity_type == "customer") e.customer_id = entity_id;
  e.vendor_id = blast_json::text_field(rel, "vendor_id");
  if (e.vendor_id.empty()) e.vendor_id = blast_json::text_field(attrs, "vendor_id");
  e.order_id = blast_json::text_field(rel, "order_id");
  if (e.order_id.empty() && kOrderEntityEvents.count(e.event_type)) e.order_id = entity_id;
  if (kInvoiceEntityEvents.count(e.event_type)) e.invoice_id = entity_id;
  e.product_ids = blast_json::line_item_products(attrs);
  if (entity_type == "product") e.product_ids.push_back(entity_id);
  if (!e.order_id.empty()) {  // a shipment names its order; the order names its customer
    if (const BlastFacts::Order* o = docs.order(e.order_id)) {
      if (e.customer_id.empty()) e.customer_id = docs.name(o->customer);
    }
  }
  if (!e.invoice_id.empty()) {
    if (const BlastFacts::Invoice* i = docs.invoice(e.invoice_id)) {
      if (e.customer_id.empty()) e.customer_id = docs.name(i->customer);
      if (e.product_ids.empty()) e.product_ids = docs.products(*i);
    }
  }
  if (e.event_type == "invoice_overdue")
    e.overdue_minor = minor_attribute(attrs, "balance_at_due_date", docs.digits).value_or(e.amount_minor);
  return e;
}

std::vector<AffectedEvent> affected_events(Database& db, const IncidentRow& inc, const BlastFacts& docs) {
  std::vector<AffectedEvent> out;
  const std::vector<std::string> types = affected_event_types(inc.type);
  if (types.empty()) return out;
  std::string list;
  for (const std::string& t : types) list += (list.empty() ? "'" : ",'") + t + "'";
  std::string where = "event_type IN (" + list + ") AND event_time >= ? AND event_time < ?";
  if (inc.type == "customer_satisfaction_regression") where += " AND json_extract(attributes, '$.score') <= 2";
  Statement s = db.prepare("SELECT event_id, event_type, event_time, entity_type, entity_id, related_entity_ids, "
                           "amount_minor, attributes FROM live_events WHERE " + where + " ORDER BY event_time, event_id");
  const BusinessTime clock = business_time(db);
  const auto range = clock.days(inc.from, inc.to);
  s.bind(1, range.from).bind(2, range.until);
  while (s.step()) out.push_back(reduce(s, docs, clock));
  return out;
}

// Histories of every customer up to the window (payments and refunds before
// its start; purchases and churn up to its end), and the business-wide
// median gap between purchase days, from the ledgers (sorted by day).
void load_histories(const BlastFacts& docs, DayNumber start, DayNumber end, BlastInput& in) {
  std::vector<DayNumber> gaps;
  for (const auto& [id, entries] : docs.ledgers) {
    CustomerHistory& h = in.customers[id];
    for (const BlastFacts::LedgerEntry& e : entries) {
      if (e.day > end) break;
      if (e.kind == 'p' && e.day < start) h.paid_minor += e.amount;
      if (e.kind == 'r' && e.day < start) h.refunded_minor += e.amount;
      if ((e.kind == 'p' || e.kind == 'o') && (h.purchase_days.empty() || h.purchase_days.back() != e.day))
        h.purchase_days.push_back(e.day);
      if (e.kind == 'c') h.churned = true;
    }
    for (std::size_t i = 1; i < h.purchase_days.size(); ++i) gaps.push_back(h.purchase_days[i] - h.purchase_days[i - 1]);
  }
  in.fallback_gap_days = median_days(gaps).value_or(kDefaultGapDays);
}

// Members of stored cascades after this incident (payload incident_ids in time
// order). A payload that cannot be read is skipped.
std::vector<std::string> downstream_of(Database& db, const std::string& incident_id, const Logger* log) {
  std::vector<std::string> out;
  Statement s = db.prepare("SELECT cascade_id, payload FROM cascades ORDER BY cascade_id");
  while (s.step()) {
    const Json p = Json::parse(s.text_view(1), nullptr, false);
    const auto ids = p.is_object() ? p.find("incident_ids") : p.end();
    if (!p.is_object() || ids == p.end() || !ids->is_array()) {
      if (log) log->warn("impact", "cascade_unreadable", {{"cascade_id", s.text(0)}});
      continue;
    }
    bool after = false;
    for (const Json& id : *ids) {
      if (!id.is_string()) continue;
      const std::string member = id.get<std::string>();
      if (after && std::find(out.begin(), out.end(), member) == out.end()) out.push_back(member);
      if (member == incident_id) after = true;
    }
  }
  return out;
}

BlastRadius compute(Workspace& ws, const std::vector<std::string>& incident_ids, const BlastFacts& docs,
                    const Logger* log) {
  if (incident_ids.empty()) throw_usage("no incident given");
  Database& db = ws.db();
  std::vector<IncidentRow> rows;
  for (const std::string& id : incident_ids) rows.push_back(load_incident(db, id));
  std::sort(rows.begin(), rows.end(), [](const IncidentRow& a, const IncidentRow& b) {
    return std::tie(a.from, a.id) < std::tie(b.from, b.id);
  });
  rows.erase(std::unique(rows.begin(), rows.end(), [](const IncidentRow& a, const IncidentRow& b) { return a.id == b.id; }),
             rows.end());
  std::string joined_ids;
  for (const IncidentRow& r : rows) joined_ids += (joined_ids.empty() ? "" : "+") + r.id;
  if (const auto known = docs.radii.find(joined_ids); known != docs.radii.end()) return known->second;
  BlastInput in;
  in.incident_id = joined_ids;
  in.currency = docs.currency;
  in.minor_digits = docs.digits;
  in.window_start = rows.front().from;
  in.window_end = rows.front().to;
  for (const IncidentRow& r : rows) {
    in.incident_ids.push_back(r.id);
    in.window_start = std::min(in.window_start, r.from);
    in.window_end = std::max(in.window_end, r.to);
    for (AffectedEvent& e : affected_events(db, r, docs)) in.events.push_back(std::move(e));
    for (const std::string& d : downstream_of(db, r.id, log))
      if (std::find(in.downstream_incidents.begin(), in.downstream_incidents.end(), d) == in.downstream_incidents.end())
        in.downstream_incidents.push_back(d);
  }
  // A cascade's own members are not downstream of it.
  std::erase_if(in.downstream_incidents, [&](const std::string& d) {
    return std::find(in.incident_ids.begin(), in.incident_ids.end(), d) != in.incident_ids.end();
  });
  for (const AffectedEvent& e : in.events) {
    if (!e.invoice_id.empty())
      if (const BlastFacts::Invoice* i = docs.invoice(e.invoice_id)) in.invoice_amounts[e.invoice_id] = i->amount;
    if (!e.order_id.empty())
      if (const BlastFacts::Order* o = docs.order(e.order_id); o && o->amount) in.order_amounts[e.order_id] = *o->amount;
  }
  load_histories(docs, in.window_start, in.window_end, in);
  in.trailing_revenue_minor = docs.paid.between(in.window_start - kTrailingRevenueDays, in.window_start - 1);
  in.trailing_refunds_minor = docs.refunded.between(in.window_start - kTrailingRefundDays, in.window_start - 1);
  in.trailing_paid_minor = docs.paid.between(in.window_start - kTrailingRefundDays, in.window_start - 1);
  return docs.radii[in.incident_id] = compute_blast_radius(in);
}

}  // namespace

std::vector<std::string> affected_event_types(const std::string& incident_type) {
  static const std::map<std::string, std::vector<std::string>> kTypes = {
      {"refund_spike", {"refund_issued", "credit_memo_issued"}},
      {"fulfillment_sla_degradation", {"order_late"}},
      {"support_load_surge", {"support_ticket_opened"}},
      {"churn_acceleration", {"customer_churned"}},
      {"margin_compression", {"expense_posted", "refund_issued", "credit_memo_issued"}},
      {"liquidity_crunch_risk", {"invoice_overdue"}},
      {"supplier_dependency_failure", {"shipment_delayed"}},
      {"customer_satisfaction_regression", {"review_submitted"}},
  };
  const auto it = kTypes.find(incident_type);
  return it == kTypes.end() ? std::vector<std::string>{} : it->second;
}

BlastRadius compute_incident_blast_radius(Workspace& ws, const std::vector<std::string>& incident_ids,
                                          const BlastFacts* facts) {
  if (facts) return compute(ws, incident_ids, *facts, nullptr);
  return compute(ws, incident_ids, *load_blast_facts(ws), nullptr);
}

std::vector<BlastRadius> compute_blast_radii(Workspace& ws, const std::vector<std::vector<std::string>>& sets,
                                             const BlastFacts* facts) {
  std::vector<BlastRadius> out;
  if (sets.empty()) return out;
  std::shared_ptr<const BlastFacts> loaded;
  if (!facts) facts = (loaded = load_blast_facts(ws)).get();
  for (const auto& ids : sets) out.push_back(compute(ws, ids, *facts, nullptr));
  return out;
}

void store_blast_radius(Database& db, const BlastRadius& b, const std::string& run_id) {
  Statement s = db.prepare(
      "INSERT INTO blast_radius(incident_id, payload, run_id) VALUES(?,?,?) "
      "ON CONFLICT(incident_id) DO UPDATE SET payload = excluded.payload, run_id = excluded.run_id");
  s.bind(1, b.incident_id).bind(2, blast_radius_json(b)).bind(3, run_id).run();
}

std::optional<std::string> find_blast_radius(Database& db, const std::string& incident_id) {
  Statement s = db.prepare("SELECT payload FROM blast_radius WHERE incident_id = ?");
  s.bind(1, incident_id);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

BlastRunResult run_blast_radius(Workspace& ws, const std::string& run_id, const Logger& log, const BlastFacts* facts) {
  ScopedTimer timer(log, "impact", "blast_radius");
  Database& db = ws.db();
  Transaction tx(db);
  std::shared_ptr<const BlastFacts> loaded;
  if (!facts) facts = (loaded = load_blast_facts(ws)).get();
  std::vector<std::string> ids;
  Statement s = db.prepare("SELECT incident_id FROM incidents ORDER BY window_start, incident_id");
  while (s.step()) ids.push_back(s.text(0));
  BlastRunResult r;
  for (const std::string& id : ids) {
    store_blast_radius(db, compute(ws, {id}, *facts, &log), run_id);
    ++r.computed;
  }
  // Single-incident rows whose incident is gone; cascade rows (ids joined by '+') are kept.
  db.exec("DELETE FROM blast_radius WHERE instr(incident_id, '+') = 0 AND incident_id NOT IN (SELECT incident_id FROM incidents)");
  r.removed = db.changes();
  tx.commit();
  log.info("impact", "blast_radius_stored", {{"computed", r.computed}, {"removed", r.removed}});
  return r;
}

}  // namespace bre
