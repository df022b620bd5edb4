// QBO objects → canonical events, payables and documents side: Bill,
// BillPayment, Purchase, CreditMemo, RefundReceipt, PurchaseOrder; and the
// reference entities Vendor and Item (with inventory_low).
#include <fmt/format.h>

#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "qbo_mapping_support.h"

namespace bre::qbo {

// Expense lines (Bill, Purchase, PurchaseOrder): [{amount, description,
// account_id/account_name | item_id/item_name, qty, unit_price, category}].
// The category of an item line is the item's expense account when the Item
// is known, else the item's name; of an account line, the account's name.
// `category` receives the category of the largest line (first on ties).
std::string Mapper::expense_lines(const Entity& e, std::string& category, bool& ok) {
  std::vector<std::string> out;
  std::int64_t largest = -1;
  const JNode* all = e.tree().get("Line");
  for (std::size_t i = 0; all && all->is_array() && i < all->items.size(); ++i) {
    const JNode& line = all->items[i];
    const JNode* acct = line.get("AccountBasedExpenseLineDetail");
    const JNode* item = line.get("ItemBasedExpenseLineDetail");
    if (!acct && !item) continue;
    auto amount = money(e, line.get("Amount"), fmt::format("Line[{}].Amount", i));
    if (!amount) return ok = false, "[]";
    JsonObjectWriter w;
    w.raw("amount", format_minor(*amount, digits(e)));
    if (auto s = text_at(&line, {"Description"}); !s.empty()) w.string("description", s);
    std::string cat;
    if (acct) {
      w.string("account_id", text_at(acct, {"AccountRef", "value"}));
      cat = text_at(acct, {"AccountRef", "name"});
      if (!cat.empty()) w.string("account_name", cat);
    } else {
      const std::string id(text_at(item, {"ItemRef", "value"}));
      w.string("item_id", id);
      cat = text_at(item, {"ItemRef", "name"});
      if (!cat.empty()) w.string("item_name", cat);
      if (const JNode* q = item->get("Qty"); q && q->kind == JNode::Kind::number) w.raw("qty", q->text);
      if (const JNode* u = item->get("UnitPrice"); u && u->kind == JNode::Kind::number) w.raw("unit_price", u->text);
      if (auto it = entities_.find({"Item", id}); it != entities_.end())
        if (auto x = text_at(&it->second.tree(), {"ExpenseAccountRef", "name"}); !x.empty()) cat = x;
    }
    if (!cat.empty()) w.string("category", cat);
    if (*amount > largest) largest = *amount, category = cat;
    out.push_back(w.str());
  }
  return json_array(out);
}

namespace {

// What a payables event shares: vendor, amount, related ids.
void set_money(CanonicalEvent& ev, std::int64_t amount, const std::string& currency, const std::string& vendor) {
  ev.amount_minor = amount;
  ev.currency = currency;
  ev.related_entity_ids = vendor.empty() ? "{}" : JsonObjectWriter().string("vendor_id", vendor).str();
}

}  // namespace

bool Mapper::bill(const Entity& e) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  auto due = date(e, "DueDate", false);
  std::string category;
  bool ok = true;
  const std::string lines = expense_lines(e, category, ok);
  if (rejected_ || !ok || !txn || !total) return false;
  const std::string vendor(text_at(&t, {"VendorRef", "value"}));
  CanonicalEvent ev = event(e, EventType::expense_posted, EntityType::expense, *txn, "");
  set_money(ev, *total, currency(e), vendor);
  JsonObjectWriter a;
  if (!vendor.empty()) a.string("vendor_id", vendor);
  a.raw("line_items", lines);
  if (due) a.string("due_date", format_date(*due));
  if (!category.empty()) a.string("category", category);
  if (auto b = money(e, t.get("Balance"), "Balance", false)) a.raw("balance", format_minor(*b, digits(e)));
  a.string("qbo_type", "Bill");
  ev.attributes = a.str();
  if (vendor.empty()) ev.data_quality_flags.push_back("missing:vendor_id");
  if (rejected_) return false;
  ctx_.emit(ev, e.latest());
  return true;
}

bool Mapper::bill_payment(const Entity& e) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  if (rejected_ || !txn || !total) return false;
  const std::string vendor(text_at(&t, {"VendorRef", "value"}));
  std::vector<std::string> bills;
  if (const JNode* lines = t.get("Line"); lines && lines->is_array())
    for (const JNode& line : lines->items)
      if (const JNode* links = line.get("LinkedTxn"); links && links->is_array())
        for (const JNode& link : links->items)
          if (text_at(&link, {"TxnType"}) == "Bill") bills.emplace_back(text_at(&link, {"TxnId"}));
  CanonicalEvent ev = event(e, EventType::expense_paid, EntityType::payment, *txn, "");
  set_money(ev, *total, currency(e), vendor);
  JsonObjectWriter a;
  if (!vendor.empty()) a.string("vendor_id", vendor);
  a.raw("bill_ids", string_array(bills));
  std::string_view pay_type = text_at(&t, {"PayType"});
  if (!pay_type.empty()) a.string("payment_method", pay_type);
  std::string_view account = text_at(&t, {"CheckPayment", "BankAccountRef", "name"});
  if (account.empty()) account = text_at(&t, {"CreditCardPayment", "CCAccountRef", "name"});
  if (!account.empty()) a.string("paid_from_account", account);
  a.string("qbo_type", "BillPayment");
  ev.attributes = a.str();
  ctx_.emit(ev, e.latest());
  return true;
}

// A Purchase (check, cash or card expense) is posted and paid at once.
bool Mapper::purchase(const Entity& e) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  std::string category;
  bool ok = true;
  const std::string lines = expense_lines(e, category, ok);
  if (rejected_ || !ok || !txn || !total) return false;
  // EntityRef names the payee; only a Vendor payee is a vendor.
  const std::string vendor(text_at(&t, {"EntityRef", "type"}) == "Vendor" ? text_at(&t, {"EntityRef", "value"}) : "");
  std::string_view method = text_at(&t, {"PaymentType"});
  CanonicalEvent posted = event(e, EventType::expense_posted, EntityType::expense, *txn, "Purchase");
  set_money(posted, *total, currency(e), vendor);
  JsonObjectWriter a;
  if (!vendor.empty()) a.string("vendor_id", vendor);
  a.raw("line_items", lines);
  if (!category.empty()) a.string("category", category);
  a.string("qbo_type", "Purchase");
  posted.attributes = a.str();
  ctx_.emit(posted, e.latest());
  CanonicalEvent paid = event(e, EventType::expense_paid, EntityType::expense, *txn, "Purchase");
  set_money(paid, *total, currency(e), vendor);
  JsonObjectWriter pa;
  if (!vendor.empty()) pa.string("vendor_id", vendor);
  pa.raw("bill_ids", "[]");
  if (!method.empty()) pa.string("payment_method", method);
  if (auto acct = text_at(&t, {"AccountRef", "name"}); !acct.empty()) pa.string("paid_from_account", acct);
  pa.string("qbo_type", "Purchase");
  paid.attributes = pa.str();
  ctx_.emit(paid, e.latest());
  return true;
}

bool Mapper::credit_memo(const Entity& e) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  bool ok = true;
  const std::string lines = sales_lines(e, ok);
  auto remaining = money(e, t.get("RemainingCredit"), "RemainingCredit", false);
  if (rejected_ || !ok || !txn || !total) return false;
  const std::string customer(text_at(&t, {"CustomerRef", "value"}));
  CanonicalEvent ev = event(e, EventType::credit_memo_issued, EntityType::invoice, *txn, "");
  ev.amount_minor = *total;
  ev.currency = currency(e);
  ev.related_entity_ids = customer.empty() ? "{}" : JsonObjectWriter().string("customer_id", customer).str();
  JsonObjectWriter a;
  if (!customer.empty()) a.string("customer_id", customer);
  a.raw("line_items", lines);
  // QBO has no reason field; the private note is where bookkeepers write it.
  if (auto r = text_at(&t, {"PrivateNote"}); !r.empty()) a.string("reason", r);
  if (remaining) a.raw("remaining_credit", format_minor(*remaining, digits(e)));
  ev.attributes = a.str();
  ctx_.emit(ev, e.latest());
  return true;
}

bool Mapper::refund_receipt(const Entity& e) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt");
  bool ok = true;
  const std::string lines = sales_lines(e, ok);
  if (rejected_ || !ok || !txn || !total) return false;
  const std::string customer(text_at(&t, {"CustomerRef", "value"}));
  CanonicalEvent ev = event(e, EventType::refund_issued, EntityType::payment, *txn, "");
  ev.amount_minor = *total;
  ev.currency = currency(e);
  ev.related_entity_ids = customer.empty() ? "{}" : JsonObjectWriter().string("customer_id", customer).str();
  JsonObjectWriter a;
  if (!customer.empty()) a.string("customer_id", customer);
  a.raw("line_items", lines);
  a.raw("amount", format_minor(*total, digits(e)));
  std::string_view method = text_at(&t, {"PaymentMethodRef", "name"});
  if (method.empty()) method = text_at(&t, {"PaymentType"});
  if (!method.empty()) a.string("refund_method", method);
  if (auto acct = text_at(&t, {"DepositToAccountRef", "name"}); !acct.empty()) a.string("refund_account", acct);
  if (auto r = text_at(&t, {"PrivateNote"}); !r.empty()) a.string("reason", r);
  ev.attributes = a.str();
  ctx_.emit(ev, e.latest());
  return true;
}

bool Mapper::purchase_order(const Entity& e) {
  const JNode& t = e.tree();
  auto txn = date(e, "TxnDate");
  auto total = money(e, t.get("TotalAmt"), "TotalAmt", false);
  auto expected = date(e, "DueDate", false);  // QBO's PO "due date" is the expected delivery
  std::string category;
  bool ok = true;
  const std::string lines = expense_lines(e, category, ok);
  if (rejected_ || !ok || !txn) return false;
  const std::string vendor(text_at(&t, {"VendorRef", "value"}));
  CanonicalEvent ev = event(e, EventType::purchase_order_placed, EntityType::order, *txn, "");
  // Committed spend, not an expense: daily_expenses reads expense_posted only.
  if (total) set_money(ev, *total, currency(e), vendor);
  else if (!vendor.empty()) ev.related_entity_ids = JsonObjectWriter().string("vendor_id", vendor).str();
  JsonObjectWriter a;
  if (!vendor.empty()) a.string("vendor_id", vendor);
  a.raw("line_items", lines);
  if (expected) a.string("expected_date", format_date(*expected));
  if (auto s = text_at(&t, {"POStatus"}); !s.empty()) a.string("status", s);
  ev.attributes = a.str();
  ctx_.emit(ev, e.latest());
  return true;
}

bool Mapper::vendor(const Entity& e) {
  const JNode& t = e.tree();
  ctx_.entity({"vendor", objects_[e.latest()].id, std::string(text_at(&t, {"DisplayName"})), "",
               JsonObjectWriter()
                   .string("company_name", text_at(&t, {"CompanyName"}))
                   .string("email", text_at(&t, {"PrimaryEmailAddr", "Address"}))
                   .str()});
  return true;
}

// Items are products (a Category-type item is a category); an Inventory item
// at or below its reorder point is inventory_low, once per SyncToken.
bool Mapper::item(const Entity& e) {
  const JNode& t = e.tree();
  const QboObject& o = objects_[e.latest()];
  const std::string type(text_at(&t, {"Type"}));
  std::string category(text_at(&t, {"ParentRef", "name"}));
  if (category.empty()) category = type;
  JsonObjectWriter attrs;
  attrs.string("type", type);
  if (auto sku = text_at(&t, {"Sku"}); !sku.empty()) attrs.string("sku", sku);
  ctx_.entity({type == "Category" ? "category" : "product", o.id, std::string(text_at(&t, {"Name"})),
               type == "Category" ? "" : category, attrs.str()});
  const JNode* qty = t.get("QtyOnHand");
  const JNode* reorder = t.get("ReorderPoint");
  if (type != "Inventory" || !qty || !reorder || qty->kind != JNode::Kind::number ||
      reorder->kind != JNode::Kind::number)
    return true;
  // Quantities may be fractional: compare as exact decimals with 6 digits.
  DecimalParse q = parse_decimal_minor(qty->text, 6), r = parse_decimal_minor(reorder->text, 6);
  if (!q.minor || !r.minor) {
    reject(e, "QtyOnHand", "quantity is not a decimal with at most 6 fraction digits");
    return false;
  }
  if (*q.minor > *r.minor) return true;
  CanonicalEvent ev = event(e, EventType::inventory_low, EntityType::product, o.last_updated, o.sync_token);
  JsonObjectWriter a;
  a.raw("qty_on_hand", qty->text);
  a.raw("reorder_point", reorder->text);
  a.string("item_name", text_at(&t, {"Name"}));
  if (auto sku = text_at(&t, {"Sku"}); !sku.empty()) a.string("sku", sku);
  ev.attributes = a.str();
  ctx_.emit(ev, e.latest());
  return true;
}

}  // namespace bre::qbo
