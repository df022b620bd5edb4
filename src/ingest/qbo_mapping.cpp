// QBO objects → canonical events, receivables side: Invoice, Payment,
// SalesReceipt, Customer; plus the version bookkeeping every entity shares.
// The payables side and reference entities are in qbo_mapping_expenses.cpp.
// Field-by-field rules: docs/mappings/qbo.md.
#include <algorithm>
#include <fmt/format.h>

#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "qbo_mapping_support.h"

namespace bre {

namespace qbo {

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

std::string string_array(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& s : items) quoted.push_back(json_string(s));
  return json_array(quoted);
}

std::int64_t day_number(TimeMs t) { return t >= 0 ? t / kMsPerDay : -((-t + kMsPerDay - 1) / kMsPerDay); }

namespace {

bool same(const JNode& a, const JNode& b) {
  return a.kind == b.kind && a.text == b.text && a.keys == b.keys &&
         std::equal(a.items.begin(), a.items.end(), b.items.begin(), b.items.end(), same);
}

}  // namespace

void Mapper::reject(const Entity& e, std::string field, std::string reason) {
  ctx_.reject(e.latest(), std::move(field), std::move(reason));
  rejected_ = true;
}

std::string Mapper::currency(const Entity& e) const {
  std::string_view c = text_at(&e.tree(), {"CurrencyRef", "value"});
  return c.empty() ? "USD" : std::string(c);  // QBO omits it for home-currency-only companies
}

int Mapper::digits(const Entity& e) const { return currency_minor_digits(currency(e)).value_or(2); }

std::optional<std::int64_t> Mapper::money(const Entity& e, const JNode* n, std::string_view field, bool required) {
  if (!n || n->kind == JNode::Kind::null) {
    if (required) reject(e, std::string(field), "missing");
    return std::nullopt;
  }
  if (n->kind != JNode::Kind::number) {
    reject(e, std::string(field), "must be a number");
    return std::nullopt;
  }
  if (!currency_minor_digits(currency(e))) {
    reject(e, "CurrencyRef", fmt::format("unknown ISO 4217 currency code '{}'", currency(e)));
    return std::nullopt;
  }
  DecimalParse p = parse_decimal_minor(n->text, digits(e));
  if (!p.minor) reject(e, std::string(field), p.error);
  return p.minor;
}

std::optional<TimeMs> Mapper::date(const Entity& e, std::string_view field, bool required) {
  std::string_view text = text_at(&e.tree(), {field});
  if (text.empty()) {
    if (required) reject(e, std::string(field), "missing");
    return std::nullopt;
  }
  auto t = parse_qbo_time(text);
  if (!t) reject(e, std::string(field), fmt::format("'{}' is not a date", text));
  return t;
}

CanonicalEvent Mapper::event(const Entity& e, EventType type, EntityType entity_type, TimeMs time,
                             std::string_view discriminator) {
  const QboObject& o = objects_[e.latest()];
  CanonicalEvent ev;
  ev.event_type = type;
  ev.event_time = time;
  ev.source = "qbo";
  ev.source_entity_id = o.id;
  ev.entity_type = entity_type;
  ev.entity_id = o.id;
  ev.mapping_version = kQboMappingVersion;
  ev.event_id = derive_event_id("qbo", o.id, type, kQboMappingVersion, discriminator);
  return ev;
}

// SalesItemLineDetail lines: [{item_id, item_name, description, qty, unit_price, amount}].
// Quantities and unit prices keep QBO's number tokens; amounts are money.
std::string Mapper::sales_lines(const Entity& e, bool& ok) {
  std::vector<std::string> lines;
  const JNode* all = e.tree().get("Line");
  for (std::size_t i = 0; all && all->is_array() && i < all->items.size(); ++i) {
    const JNode& line = all->items[i];
    const JNode* d = line.get("SalesItemLineDetail");
    if (!d) continue;  // subtotal, discount and description lines are not items
    auto amount = money(e, line.get("Amount"), fmt::format("Line[{}].Amount", i));
    if (!amount) return ok = false, "[]";
    JsonObjectWriter w;
    w.string("item_id", text_at(d, {"ItemRef", "value"}));
    if (auto n = text_at(d, {"ItemRef", "name"}); !n.empty()) w.string("item_name", n);
    if (auto s = text_at(&line, {"Description"}); !s.empty()) w.string("description", s);
    if (const JNode* q = d->get("Qty"); q && q->kind == JNode::Kind::number) w.raw("qty", q->text);
    if (const JNode* u = d->get("UnitPrice"); u && u->kind == JNode::Kind::number) w.raw("unit_price", u->text);
    w.raw("amount", format_minor(*amount, digits(e)));
    lines.push_back(w.str());
  }
  return json_array(lines);
}

// invoice id → payment lines that settle it, from the latest Payment versions.
void Mapper::index_settlements() {
  for (auto& [key, e] : entities_) {
    if (key.first != "Payment") continue;
    const JNode& t = e.tree();
    auto when = parse_qbo_time(text_at(&t, {"TxnDate"}));
    if (!when) continue;  // rejected when the payment itself is mapped
    const JNode* lines = t.get("Line");
    for (std::size_t i = 0; lines && lines->is_array() && i < lines->items.size(); ++i) {
      const JNode& line = lines->items[i];
      const JNode* amount = line.get("Amount");
      const JNode* links = line.get("LinkedTxn");
      if (!amount || amount->kind != JNode::Kind::number || !links || !links->is_array()) continue;
      DecimalParse p = parse_decimal_minor(amount->text, digits(e));
      if (!p.minor) continue;
      for (const JNode& link : links->items)
        if (text_at(&link, {"TxnType"}) == "Invoice")
          settlements_[std::string(text_at(&link, {"TxnId"}))].push_back(
              {key.second, *when, *p.minor, std::string(text_at(&t, {"PaymentMethodRef", "name"}))});
    }
  }
}

bool Mapper::invoice(const Entity& e) {
  const JNode& t = e.tree();
  const QboObject& o = objects_[e.latest()];
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  auto balance = money(e, t.get("Balance"), "Balance");
  auto due = date(e, "DueDate", false);
  bool ok = true;
  const std::string lines = sales_lines(e, ok);
  if (rejected_ || !ok || !txn || !total || !balance) return false;
  const std::string customer(text_at(&t, {"CustomerRef", "value"}));
  const int d = digits(e);

  CanonicalEvent issued = event(e, EventType::invoice_issued, EntityType::invoice, *txn, "");
  issued.amount_minor = *total;
  issued.currency = currency(e);
  JsonObjectWriter rel;
  if (!customer.empty()) rel.string("customer_id", customer);
  issued.related_entity_ids = rel.str();
  JsonObjectWriter a;
  // An invoice without terms is due on receipt: its due date is its date.
  a.string("due_date", format_date(due.value_or(*txn)));
  if (!due) issued.data_quality_flags.push_back("missing:due_date");
  a.raw("line_items", lines);
  if (!customer.empty()) a.string("customer_id", customer);
  a.raw("total", format_minor(*total, d));
  if (auto n = text_at(&t, {"DocNumber"}); !n.empty()) a.string("doc_number", n);
  issued.attributes = a.str();
  if (customer.empty()) issued.data_quality_flags.push_back("missing:customer_id");
  ctx_.emit(issued, e.latest());

  // Payments that settle this invoice, and whether all its linked ones are known.
  const auto found = settlements_.find(o.id);
  const std::vector<Settlement> none;
  const std::vector<Settlement>& paid = found == settlements_.end() ? none : found->second;
  bool all_known = true;
  if (const JNode* links = t.get("LinkedTxn"); links && links->is_array())
    for (const JNode& link : links->items)
      if (text_at(&link, {"TxnType"}) == "Payment" &&
          std::none_of(paid.begin(), paid.end(),
                       [&](const Settlement& s) { return s.payment_id == text_at(&link, {"TxnId"}); }))
        all_known = false;
  const Settlement* last = nullptr;
  for (const Settlement& s : paid)
    if (!last || s.date > last->date) last = &s;

  // Paid ⇔ Balance 0 with TotalAmt > 0 (a voided invoice has both at 0).
  if (*balance == 0 && *total > 0) {
    const TimeMs paid_at = last ? last->date : o.last_updated;
    CanonicalEvent ev = event(e, EventType::invoice_paid, EntityType::invoice, paid_at, "");
    ev.amount_minor = *total;
    ev.currency = currency(e);
    ev.related_entity_ids = issued.related_entity_ids;
    JsonObjectWriter pa;
    pa.string("paid_date", format_date(paid_at));
    pa.integer("days_to_pay", std::max<std::int64_t>(0, day_number(paid_at) - day_number(*txn)));
    if (due) pa.string("original_due_date", format_date(*due));
    if (last && !last->method.empty()) pa.string("payment_method", last->method);
    if (last) pa.string("payment_id", last->payment_id);
    if (!customer.empty()) pa.string("customer_id", customer);
    ev.attributes = pa.str();
    if (!last) ev.data_quality_flags.push_back("missing:payment_date");
    ctx_.emit(ev, e.latest());
  }

  // Overdue once per (invoice, due date), dated the day after the due date,
  // when the balance still open at the due date was > 0 (cli.md §4a).
  if (!due || *total == 0 || *due + kMsPerDay > as_of_) return true;
  std::int64_t paid_by_due = 0, paid_after_as_of = 0, paid_known = 0;
  for (const Settlement& s : paid) {
    paid_known += s.amount_minor;
    if (day_number(s.date) <= day_number(*due)) paid_by_due += s.amount_minor;
    if (s.date > as_of_) paid_after_as_of += s.amount_minor;
  }
  std::int64_t open_at_due = *total - paid_by_due;
  // Settled, but by payments we have not seen: LastUpdatedTime bounds when.
  if (*balance == 0 && paid_known < *total && day_number(o.last_updated) <= day_number(*due)) open_at_due = 0;
  if (open_at_due <= 0) return true;
  const std::int64_t remaining = std::min(*total, *balance + paid_after_as_of);
  CanonicalEvent ev = event(e, EventType::invoice_overdue, EntityType::invoice, *due + kMsPerDay, format_date(*due));
  ev.amount_minor = remaining;
  ev.currency = currency(e);
  ev.related_entity_ids = issued.related_entity_ids;
  JsonObjectWriter oa;
  oa.raw("balance_remaining", format_minor(remaining, d));
  oa.raw("balance_at_due_date", format_minor(open_at_due, d));
  oa.integer("days_overdue", day_number(as_of_) - day_number(*due));
  oa.string("due_date", format_date(*due));
  oa.string("as_of", format_date(as_of_));
  if (!customer.empty()) oa.string("customer_id", customer);
  ev.attributes = oa.str();
  if (!all_known) ev.data_quality_flags.push_back("missing:linked_payment");
  ctx_.emit(ev, e.latest());
  return true;
}

// Payment (cash applied to invoices) and SalesReceipt (cash sale): both are
// revenue, as payment_received (cli.md §4a).
bool Mapper::payment(const Entity& e, bool sales_receipt) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  bool ok = true;
  std::vector<std::string> applied, invoice_ids;
  const JNode* lines = t.get("Line");
  std::string items = "[]";
  if (sales_receipt) {
    items = sales_lines(e, ok);
  } else {
    for (std::size_t i = 0; lines && lines->is_array() && i < lines->items.size(); ++i) {
      const JNode& line = lines->items[i];
      const JNode* links = line.get("LinkedTxn");
      for (std::size_t k = 0; links && links->is_array() && k < links->items.size(); ++k) {
        if (text_at(&links->items[k], {"TxnType"}) != "Invoice") continue;
        auto amount = money(e, line.get("Amount"), fmt::format("Line[{}].Amount", i));
        if (!amount) return false;
        const std::string id(text_at(&links->items[k], {"TxnId"}));
        invoice_ids.push_back(id);
        applied.push_back(JsonObjectWriter().string("invoice_id", id).raw("amount", format_minor(*amount, digits(e))).str());
      }
    }
  }
  if (rejected_ || !ok || !txn || !total) return false;
  const std::string customer(text_at(&t, {"CustomerRef", "value"}));
  // SalesReceipt and Payment ids come from separate QBO lists: keep their event ids apart.
  CanonicalEvent ev = event(e, EventType::payment_received, EntityType::payment, *txn, sales_receipt ? "SalesReceipt" : "");
  ev.amount_minor = *total;
  ev.currency = currency(e);
  JsonObjectWriter rel;
  if (!customer.empty()) rel.string("customer_id", customer);
  if (!invoice_ids.empty()) rel.raw("invoice_ids", string_array(invoice_ids));
  ev.related_entity_ids = rel.str();
  JsonObjectWriter a;
  if (!customer.empty()) a.string("customer_id", customer);
  std::string_view method = text_at(&t, {"PaymentMethodRef", "name"});
  if (method.empty()) method = text_at(&t, {"PaymentType"});
  if (!method.empty()) a.string("payment_method", method);
  if (sales_receipt) a.raw("line_items", items);
  else a.raw("applied_to_invoices", json_array(applied));
  if (const JNode* u = t.get("UnappliedAmt")) {
    auto unapplied = money(e, u, "UnappliedAmt");
    if (!unapplied) return false;
    a.raw("unapplied_amount", format_minor(*unapplied, digits(e)));
  }
  a.string("qbo_type", sales_receipt ? "SalesReceipt" : "Payment");
  ev.attributes = a.str();
  ctx_.emit(ev, e.latest());
  return true;
}

// customer_created from the earliest version we hold (dated CreateTime), and
// customer_updated for every later version we hold, with what changed.
bool Mapper::customer(const Entity& e) {
  const QboObject& first = objects_[e.versions.front()];
  const JNode& t0 = e.trees.front();
  const JNode& t = e.tree();
  ctx_.entity({"customer", first.id, std::string(text_at(&t, {"DisplayName"})), "",
               JsonObjectWriter()
                   .string("email", text_at(&t, {"PrimaryEmailAddr", "Address"}))
                   .string("company_name", text_at(&t, {"CompanyName"}))
                   .str()});
  auto created = parse_qbo_time(text_at(&t0, {"MetaData", "CreateTime"}));
  CanonicalEvent c = event(e, EventType::customer_created, EntityType::customer, created.value_or(first.last_updated), "");
  JsonObjectWriter a;
  a.string("display_name", text_at(&t0, {"DisplayName"}));
  if (auto m = text_at(&t0, {"PrimaryEmailAddr", "Address"}); !m.empty()) a.string("email", m);
  // The balance at creation is known only when we hold the created version.
  if (first.sync_token == "0")
    if (const JNode* b = t0.get("Balance"); b && b->kind == JNode::Kind::number) a.raw("balance", b->text);
  c.attributes = a.str();
  if (!created) c.data_quality_flags.push_back("missing:create_time");
  ctx_.emit(c, e.versions.front());
  for (std::size_t i = 1; i < e.versions.size(); ++i) {
    const QboObject& o = objects_[e.versions[i]];
    const JNode &before = e.trees[i - 1], &after = e.trees[i];
    std::vector<std::string> changed;
    for (std::size_t k = 0; k < after.keys.size(); ++k) {
      const std::string& key = after.keys[k];
      if (key == "SyncToken" || key == "MetaData") continue;
      const JNode* old = before.get(key);
      if (!old || !same(*old, after.items[k])) changed.push_back(key);
    }
    for (const std::string& key : before.keys)
      if (!after.get(key)) changed.push_back(key);
    CanonicalEvent u = event(e, EventType::customer_updated, EntityType::customer, o.last_updated, o.sync_token);
    JsonObjectWriter ua;
    ua.raw("changed_fields", string_array(changed));
    if (const JNode* b = after.get("Balance"); b && b->kind == JNode::Kind::number) ua.raw("new_balance", b->text);
    ua.string("sync_token", o.sync_token);
    u.attributes = ua.str();
    ctx_.emit(u, e.versions[i]);
  }
  return true;
}

void Mapper::run() {
  for (std::size_t i = 0; i < objects_.size(); ++i)
    entities_[{objects_[i].entity_type, objects_[i].id}].versions.push_back(i);
  for (auto it = entities_.begin(); it != entities_.end();) {
    Entity& e = it->second;
    // A deleted entity maps to nothing: QBO deletes are final (bronze keeps the stub).
    const bool deleted = std::any_of(e.versions.begin(), e.versions.end(),
                                     [&](std::size_t i) { return objects_[i].operation == QboOperation::Delete; });
    if (deleted) {
      it = entities_.erase(it);
      continue;
    }
    std::stable_sort(e.versions.begin(), e.versions.end(), [&](std::size_t a, std::size_t b) {
      return sync_token_less(objects_[a].sync_token, objects_[b].sync_token);
    });
    // The same version fetched twice (a query page and a CDC response) counts once.
    e.versions.erase(std::unique(e.versions.begin(), e.versions.end(),
                                 [&](std::size_t a, std::size_t b) { return objects_[a].sync_token == objects_[b].sync_token; }),
                     e.versions.end());
    for (std::size_t i : e.versions) {
      std::string error;
      auto tree = parse_tree(objects_[i].payload, &error);
      e.trees.push_back(tree ? std::move(*tree) : JNode{});
    }
    ++it;
  }
  index_settlements();
  for (auto& [key, e] : entities_) {
    rejected_ = false;
    const std::string& type = key.first;
    if (type == "Invoice") invoice(e);
    else if (type == "Payment") payment(e, false);
    else if (type == "SalesReceipt") payment(e, true);
    else if (type == "Bill") bill(e);
    else if (type == "BillPayment") bill_payment(e);
    else if (type == "Purchase") purchase(e);
    else if (type == "CreditMemo") credit_memo(e);
    else if (type == "RefundReceipt") refund_receipt(e);
    else if (type == "PurchaseOrder") purchase_order(e);
    else if (type == "Customer") customer(e);
    else if (type == "Vendor") vendor(e);
    else if (type == "Item") item(e);
    // Estimate and other types: kept in bronze, no events (docs/mappings/qbo.md).
  }
}

}  // namespace qbo


}  // namespace bre
