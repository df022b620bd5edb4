#include "blast_facts.h"

#include <algorithm>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "bre/core/money.h"
#include "bre/store/impact_store.h"
#include "bre/store/workspace.h"

namespace bre {

namespace blast_json {

nlohmann::json parse_object(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string text_field(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<std::string> line_item_products(const nlohmann::json& attributes) {
  std::vector<std::string> out;
  const auto items = attributes.find("line_items");
  if (items == attributes.end() || !items->is_array()) return out;
  for (const nlohmann::json& line : *items)
    if (line.is_object())
      if (std::string id = text_field(line, "item_id"); !id.empty()) out.push_back(std::move(id));
  return out;
}

}  // namespace blast_json

namespace {

template <typename T>
const T* find_sorted(const std::vector<std::pair<std::string, T>>& sorted, std::string_view id) {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), id,
                                   [](const std::pair<std::string, T>& e, std::string_view key) { return e.first < key; });
  return it != sorted.end() && it->first == id ? &it->second : nullptr;
}

// Ids that many facts repeat (a customer's thousand orders), stored once.
class NamePool {
 public:
  explicit NamePool(std::vector<std::string>& names) : names_(names) {}
  std::uint32_t intern(std::string id) {
    if (id.empty()) return BlastFacts::kNone;
    const auto [it, fresh] = index_.try_emplace(std::move(id), static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.push_back(it->first);
    return it->second;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

// One issue of an order or invoice as read; `rowid` finds its event id again
// when two issues of one document share an event time (the later id wins).
template <typename Fact>
struct Issue {
  std::string document_id;
  std::int64_t time = 0, rowid = 0;
  Fact fact;
};

class EventIdByRow {
 public:
  explicit EventIdByRow(Database& db) : s_(db.prepare("SELECT event_id FROM events WHERE rowid = ?")) {}
  std::string operator()(std::int64_t rowid) {
    s_.reset();
    s_.bind(1, rowid);
    return s_.step() ? s_.text(0) : std::string();
  }

 private:
  Statement s_;
};

// The latest of a document's issues by (event time, event id) among those
// `eligible` accepts; issues are sorted by document, time, rowid.
template <typename Fact, typename Eligible>
const Issue<Fact>* latest_issue(const Issue<Fact>* from, const Issue<Fact>* to, EventIdByRow& event_id,
                                Eligible eligible) {
  const Issue<Fact>* best = nullptr;
  for (const Issue<Fact>* i = from; i != to; ++i) {
    if (!eligible(*i)) continue;
    if (!best || i->time > best->time || (i->time == best->time && event_id(i->rowid) > event_id(best->rowid)))
      best = i;
  }
  return best;
}

// Sorts the issues by document, calls `keep(document_id, first, end)` once
// per document, in document order, and releases them.
template <typename Fact, typename Keep>
void for_each_document(std::vector<Issue<Fact>>& issues, Keep keep) {
  std::sort(issues.begin(), issues.end(), [](const Issue<Fact>& a, const Issue<Fact>& b) {
    return std::tie(a.document_id, a.time, a.rowid) < std::tie(b.document_id, b.time, b.rowid);
  });
  for (std::size_t i = 0; i < issues.size();) {
    std::size_t j = i + 1;
    while (j < issues.size() && issues[j].document_id == issues[i].document_id) ++j;
    keep(issues[i].document_id, issues.data() + i, issues.data() + j);
    i = j;
  }
  std::vector<Issue<Fact>>().swap(issues);  // the facts are built: free the issues before the next pass
}

}  // namespace

const BlastFacts::Order* BlastFacts::order(std::string_view id) const { return find_sorted(orders, id); }
const BlastFacts::Invoice* BlastFacts::invoice(std::string_view id) const { return find_sorted(invoices, id); }

std::int64_t BlastFacts::DayTotals::between(DayNumber from, DayNumber to) const {
  const auto sum_before = [&](DayNumber day) -> std::int64_t {  // over the days < day
    const auto it = std::lower_bound(days.begin(), days.end(), day);
    return it == days.begin() ? 0 : through[static_cast<std::size_t>(it - days.begin()) - 1];
  };
  return from > to ? 0 : sum_before(to + 1) - sum_before(from);
}

std::string BlastFacts::name(std::uint32_t index) const { return index == kNone ? std::string() : names[index]; }

std::vector<std::string> BlastFacts::products(const Invoice& i) const {
  std::vector<std::string> out;
  for (std::uint32_t k = 0; k < i.products_count; ++k) out.push_back(names[invoice_products[i.products_from + k]]);
  return out;
}

std::shared_ptr<const BlastFacts> load_blast_facts(Workspace& ws) {
  auto facts = std::make_shared<BlastFacts>();
  BlastFacts& d = *facts;
  d.currency = ws.setting("currency").value_or("USD");
  d.digits = currency_minor_digits(d.currency).value_or(2);
  const BusinessTime clock = ws.business_time();
  NamePool pool(d.names);
  std::vector<Issue<BlastFacts::Order>> order_issues;
  std::vector<Issue<BlastFacts::Invoice>> invoice_issues;
  std::map<DayNumber, std::int64_t> paid_by_day, refunded_by_day;
  // One pass over the event table in storage order: the ~60 % of a large log
  // these types make up would cost one random row lookup each through the
  // type index. What an order by (event_time, event_id) would decide is
  // restored below: the latest issue of an invoice or order wins, and each
  // ledger is sorted by day (all its reader depends on).
  Statement s = ws.db().prepare(
      "SELECT event_type, event_time, e.rowid, entity_id, amount_minor, "
      "CASE WHEN event_type = 'invoice_issued' THEN related_entity_ids END, "
      "CASE WHEN event_type = 'invoice_issued' THEN attributes END, "
      "json_extract(related_entity_ids, '$.customer_id'), "
      "CASE WHEN event_type = 'order_placed' THEN json_extract(related_entity_ids, '$.vendor_id') END, "
      "CASE WHEN entity_type = 'customer' THEN entity_id END "
      "FROM events e NOT INDEXED WHERE event_type IN ('invoice_issued','order_placed','payment_received',"
      "'refund_issued','credit_memo_issued','customer_churned') "
      "AND NOT EXISTS (SELECT 1 FROM superseded_events x WHERE x.event_id = e.event_id)");
  while (s.step()) {
    const std::string_view type = s.text_view(0);
    const std::int64_t time = s.int64(1), rowid = s.int64(2);
    const std::int64_t amount = s.is_null(4) ? 0 : s.int64(4);
    if (type == "invoice_issued") {
      BlastFacts::Invoice i;
      i.amount = amount;
      i.customer = pool.intern(blast_json::text_field(blast_json::parse_object(s.text_view(5)), "customer_id"));
      i.products_from = static_cast<std::uint32_t>(d.invoice_products.size());
      for (std::string& p : blast_json::line_item_products(blast_json::parse_object(s.text_view(6))))
        d.invoice_products.push_back(pool.intern(std::move(p)));
      i.products_count = static_cast<std::uint32_t>(d.invoice_products.size()) - i.products_from;
      invoice_issues.push_back({s.text(3), time, rowid, i});
      continue;
    }
    if (type == "order_placed") {
      BlastFacts::Order o;
      o.customer = s.is_null(7) ? BlastFacts::kNone : pool.intern(s.text(7));
      o.vendor = s.is_null(8) ? BlastFacts::kNone : pool.intern(s.text(8));
      if (!s.is_null(4)) o.amount = amount;
      order_issues.push_back({s.text(3), time, rowid, o});
    }
    if (type == "payment_received") paid_by_day[clock.local_day(time)] += amount;
    else if (type == "refund_issued" || type == "credit_memo_issued") refunded_by_day[clock.local_day(time)] += amount;
    const int customer = s.is_null(7) ? 9 : 7;
    if (s.is_null(customer)) continue;  // a ledger entry needs its customer
    const char kind = type == "payment_received" ? 'p' : type == "order_placed" ? 'o' : type == "customer_churned" ? 'c' : 'r';
    d.ledgers[s.text(customer)].push_back({clock.local_day(time), kind, amount});
  }
  for (auto [totals, by_day] : {std::pair{&d.paid, &paid_by_day}, std::pair{&d.refunded, &refunded_by_day}})
    for (const auto& [day, amount] : *by_day) {
      totals->through.push_back((totals->through.empty() ? 0 : totals->through.back()) + amount);
      totals->days.push_back(day);
    }
  EventIdByRow event_id(ws.db());
  const auto any = [](const auto&) { return true; };
  for_each_document(order_issues, [&](std::string& id, const auto* from, const auto* to) {
    BlastFacts::Order o = latest_issue(from, to, event_id, any)->fact;
    const auto* priced = latest_issue(from, to, event_id, [](const auto& i) { return i.fact.amount.has_value(); });
    o.amount = priced ? priced->fact.amount : std::nullopt;
    d.orders.emplace_back(std::move(id), o);
  });
  for_each_document(invoice_issues, [&](std::string& id, const auto* from, const auto* to) {
    d.invoices.emplace_back(std::move(id), latest_issue(from, to, event_id, any)->fact);
  });
  for (auto& [customer, entries] : d.ledgers)
    std::stable_sort(entries.begin(), entries.end(),
                     [](const BlastFacts::LedgerEntry& a, const BlastFacts::LedgerEntry& b) { return a.day < b.day; });
  return facts;
}

}  // namespace bre
