// `bre seed`: the company written as QBO query response pages (the wire
// shape of ../shared/fixtures/qbo/query-*.json, at most 1000 objects a page)
// and the operational events as canonical_v1 JSON Lines.
#include <fmt/format.h>

#include <map>

#include "bre/core/time.h"
#include "seed_model.h"

namespace bre::seed {

namespace {

std::string ref(const std::string& value, const std::string& name) {
  return fmt::format(R"J({{"value":"{}","name":"{}"}})J", value, json_escape(name));
}

std::string meta(std::int64_t cday, int csec, std::int64_t uday, int usec) {
  return fmt::format(R"J("MetaData":{{"CreateTime":"{}","LastUpdatedTime":"{}"}})J", qbo_time(cday, csec), qbo_time(uday, usec));
}

constexpr const char* kUsd = R"J("CurrencyRef":{"value":"USD","name":"United States Dollar"})J";

std::string sales_lines(const Company& c, const std::vector<Line>& lines, Cents total) {
  std::string out = "[";
  int n = 0;
  for (const Line& l : lines) {
    const Item& it = c.items[static_cast<std::size_t>(l.item)];
    out += fmt::format(
        R"J({{"Id":"{0}","LineNum":{0},"Description":"{1}","Amount":{2},"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{{"ItemRef":{3},"UnitPrice":{4},"Qty":{5},"ItemAccountRef":{6},"TaxCodeRef":{{"value":"NON"}}}}}},)J",
        ++n, json_escape(l.description), money(l.amount), ref(it.id, it.name), money(l.unit), l.qty,
        ref(it.account_id, it.account));
  }
  return out + fmt::format(R"J({{"Amount":{},"DetailType":"SubTotalLineDetail","SubTotalLineDetail":{{}}}}])J", money(total));
}

std::string expense_lines(const Company& c, const std::vector<Line>& lines) {
  std::string out = "[";
  int n = 0;
  for (const Line& l : lines) {
    if (n) out += ",";
    if (l.item >= 0) {
      const Item& it = c.items[static_cast<std::size_t>(l.item)];
      out += fmt::format(
          R"J({{"Id":"{0}","LineNum":{0},"Description":"{1}","Amount":{2},"DetailType":"ItemBasedExpenseLineDetail","ItemBasedExpenseLineDetail":{{"BillableStatus":"NotBillable","ItemRef":{3},"UnitPrice":{4},"Qty":{5},"TaxCodeRef":{{"value":"NON"}}}}}})J",
          ++n, json_escape(l.description), money(l.amount), ref(it.id, it.name), money(l.unit), l.qty);
    } else {
      out += fmt::format(
          R"J({{"Id":"{0}","LineNum":{0},"Description":"{1}","Amount":{2},"DetailType":"AccountBasedExpenseLineDetail","AccountBasedExpenseLineDetail":{{"AccountRef":{3},"BillableStatus":"NotBillable","TaxCodeRef":{{"value":"NON"}}}}}})J",
          ++n, json_escape(l.description), money(l.amount), ref(l.account_id, l.account));
    }
  }
  return out + "]";
}

std::string txn_json(const Company& c, const Txn& t) {
  const auto& txns = c.txns;
  std::string head = fmt::format(R"J({{"domain":"QBO","sparse":false,"Id":"{}","SyncToken":"{}",{},"DocNumber":"{}","TxnDate":"{}",{})J",
                                 t.id, t.sync, meta(t.day, t.second, t.updated_day, t.updated_second), t.id,
                                 date_text(t.day), kUsd);
  auto customer = [&] {
    const Customer& cu = c.customers[static_cast<std::size_t>(t.party)];
    return ref(cu.id, cu.name);
  };
  auto vendor = [&] {
    const Vendor& v = c.vendors[static_cast<std::size_t>(t.party)];
    return ref(v.id, v.name);
  };
  auto linked = [&](const char* as_type) {
    std::string out = "[";
    for (int i : t.links) {
      const Txn& o = txns[static_cast<std::size_t>(i)];
      std::string type = o.type == "BillPayment" ? (o.method == "Check" ? "BillPaymentCheck" : "BillPaymentCreditCard") : o.type;
      if (as_type) type = as_type;
      out += fmt::format(R"J({}{{"TxnId":"{}","TxnType":"{}"}})J", out.size() > 1 ? "," : "", o.id, type);
    }
    return out + "]";
  };
  if (t.type == "Invoice") {
    const Customer& cu = c.customers[static_cast<std::size_t>(t.party)];
    return head + fmt::format(
        R"J(,"LinkedTxn":{},"Line":{},"TxnTaxDetail":{{"TotalTax":0}},"CustomerRef":{},"SalesTermRef":{},"DueDate":"{}","TotalAmt":{},"EmailStatus":"EmailSent","BillEmail":{{"Address":"{}"}},"Balance":{},"Deposit":0}})J",
        linked(nullptr), sales_lines(c, t.lines, t.total), customer(), ref(cu.terms == 30 ? "3" : "2", cu.terms == 30 ? "Net 30" : "Net 15"),
        date_text(t.due_day), money(t.total), cu.email, money(t.balance));
  }
  if (t.type == "Payment") {
    std::string lines = "[";
    for (int i : t.links)
      lines += fmt::format(R"J({}{{"Amount":{},"LinkedTxn":[{{"TxnId":"{}","TxnType":"Invoice"}}]}})J", lines.size() > 1 ? "," : "",
                           money(txns[static_cast<std::size_t>(i)].total), txns[static_cast<std::size_t>(i)].id);
    return head + fmt::format(
        R"J(,"CustomerRef":{},"DepositToAccountRef":{{"value":"35"}},"PaymentMethodRef":{},"TotalAmt":{},"UnappliedAmt":0,"ProcessPayment":false,"Line":{}}})J",
        customer(), ref(t.method == "Check" ? "2" : t.method == "ACH" ? "4" : "3", t.method), money(t.total), lines + "]");
  }
  if (t.type == "Bill")
    return head + fmt::format(
        R"J(,"APAccountRef":{{"value":"33","name":"Accounts Payable (A/P)"}},"VendorRef":{},"DueDate":"{}","TotalAmt":{},"Balance":{},"LinkedTxn":{},"Line":{}}})J",
        vendor(), date_text(t.due_day), money(t.total), money(t.balance), linked(nullptr), expense_lines(c, t.lines));
  if (t.type == "BillPayment") {
    std::string lines = "[";
    for (int i : t.links)
      lines += fmt::format(R"J({}{{"Amount":{},"LinkedTxn":[{{"TxnId":"{}","TxnType":"Bill"}}]}})J", lines.size() > 1 ? "," : "",
                           money(txns[static_cast<std::size_t>(i)].total), txns[static_cast<std::size_t>(i)].id);
    const std::string pay = t.method == "Check"
                                ? R"J("CheckPayment":{"BankAccountRef":{"value":"35","name":"Business Checking"},"PrintStatus":"NotSet"})J"
                                : R"J("CreditCardPayment":{"CCAccountRef":{"value":"41","name":"Business Visa"}})J";
    return head + fmt::format(R"J(,"VendorRef":{},"APAccountRef":{{"value":"33","name":"Accounts Payable (A/P)"}},"PayType":"{}",{},"TotalAmt":{},"Line":{}}})J",
                              vendor(), t.method, pay, money(t.total), lines + "]");
  }
  if (t.type == "PurchaseOrder")
    return head + fmt::format(R"J(,"POStatus":"{}","LinkedTxn":{},"Line":{},"VendorRef":{},"DueDate":"{}","TotalAmt":{}}})J", t.note,
                              linked(nullptr), expense_lines(c, t.lines), vendor(), date_text(t.due_day), money(t.total));
  if (t.type == "RefundReceipt")
    return head + fmt::format(
        R"J(,"PrivateNote":"{}","Line":{},"TxnTaxDetail":{{"TotalTax":0}},"CustomerRef":{},"TotalAmt":{},"Balance":0,"PaymentMethodRef":{},"DepositToAccountRef":{{"value":"35","name":"Business Checking"}}}})J",
        t.note, sales_lines(c, t.lines, t.total), customer(), money(t.total), ref("2", t.method));
  return head + fmt::format(  // CreditMemo
      R"J(,"RemainingCredit":{},"PrivateNote":"{}","Line":{},"TxnTaxDetail":{{"TotalTax":0}},"CustomerRef":{},"TotalAmt":{},"Balance":{}}})J",
      money(t.balance), t.note, sales_lines(c, t.lines, t.total), customer(), money(t.total), money(t.balance));
}

}  // namespace

std::vector<File> qbo_pages(const Company& c) {
  std::map<std::string, std::vector<std::string>> objects;
  for (const Customer& cu : c.customers) {
    Cents balance = 0;
    for (const Txn& t : c.txns)
      if (t.type == "Invoice" && c.customers[static_cast<std::size_t>(t.party)].id == cu.id) balance += t.balance;
    const std::int64_t cday = cu.created_day;
    objects["Customer"].push_back(fmt::format(
        R"J({{"Taxable":false,"Job":false,"Balance":{0},"BalanceWithJobs":{0},{1},"domain":"QBO","sparse":false,"Id":"{2}","SyncToken":"0",{3},"FullyQualifiedName":"{4}","DisplayName":"{4}","PrintOnCheckName":"{4}","Active":true{5},"PrimaryEmailAddr":{{"Address":"{6}"}}}})J",
        money(balance), kUsd, cu.id, meta(cday, cu.created_second, cday, cu.created_second), json_escape(cu.name),
        cu.company.empty() ? std::string() : fmt::format(R"J(,"CompanyName":"{}")J", json_escape(cu.company)), cu.email));
  }
  for (const Vendor& v : c.vendors)
    objects["Vendor"].push_back(fmt::format(
        R"J({{"Balance":0,"Vendor1099":false,{0},"domain":"QBO","sparse":false,"Id":"{1}","SyncToken":"0",{2},"CompanyName":"{3}","DisplayName":"{3}","PrintOnCheckName":"{3}","Active":true,"PrimaryEmailAddr":{{"Address":"{4}"}}}})J",
        kUsd, v.id, meta(v.created_day, 36000, v.created_day, 36000), json_escape(v.name), v.email));
  for (const Item& it : c.items) {
    std::string stock;
    if (it.type == "Inventory")
      stock = fmt::format(R"J(,"AssetAccountRef":{{"value":"81","name":"Inventory Asset"}},"TrackQtyOnHand":true,"QtyOnHand":{},"ReorderPoint":{},"InvStartDate":"{}","Sku":"{}")J",
                          it.qty_on_hand, it.reorder_point, date_text(c.start - 60), it.sku);
    else
      stock = R"J(,"TrackQtyOnHand":false)J";
    const bool stocked = it.type == "Inventory";
    objects["Item"].push_back(fmt::format(
        R"J({{"Name":"{0}","Description":"{1}","Active":true,"FullyQualifiedName":"{0}","Taxable":false,"UnitPrice":{2},"Type":"{3}","IncomeAccountRef":{4},"PurchaseCost":{5}{6}{7},"domain":"QBO","sparse":false,"Id":"{8}","SyncToken":"{9}",{10}}})J",
        it.name, it.description, money(it.price), it.type, ref(it.account_id, it.account), money(it.cost),
        it.cost > 0 ? R"J(,"ExpenseAccountRef":{"value":"80","name":"Cost of Goods Sold"})J" : "", stock, it.id,
        stocked ? 1 : 0, meta(c.start - 60, 32400, stocked ? c.end : c.start - 60, stocked ? 57600 : 32400)));
  }
  for (const Txn& t : c.txns) objects[t.type].push_back(txn_json(c, t));

  const std::string time = fmt::format("{}T06:00:00.000-08:00", date_text(c.end + 1));
  std::vector<File> files;
  for (const auto& [type, list] : objects) {
    for (std::size_t page = 0; page * 1000 < list.size(); ++page) {
      const std::size_t from = page * 1000, to = std::min(list.size(), from + 1000);
      std::string body = fmt::format("{{\"QueryResponse\":{{\"{}\":[\n", type);
      for (std::size_t i = from; i < to; ++i) body += list[i] + (i + 1 < to ? ",\n" : "\n");
      body += fmt::format("],\"startPosition\":{},\"maxResults\":{}}},\"time\":\"{}\"}}\n", from + 1, to - from, time);
      files.push_back({fmt::format("qbo/query-{}-{:04}.json", type, page + 1), std::move(body)});
    }
  }
  return files;
}

File operations_file(const Company& c) {
  std::string out;
  for (const OpsEvent& e : c.ops) {
    std::string related = "{";
    auto add = [&](const char* k, const std::string& v) {
      if (v.empty()) return;
      related += fmt::format(R"J({}"{}":"{}")J", related.size() > 1 ? "," : "", k, v);
    };
    add("customer_id", e.customer_id);
    add("vendor_id", e.vendor_id);
    if (e.order_id != e.entity_id) add("order_id", e.order_id);
    out += fmt::format(
        R"J({{"event_type":"{}","event_time":"{}","source":"seed","source_entity_id":"{}","entity_type":"{}","entity_id":"{}","related_entity_ids":{}}},"attributes":{},"schema_version":"canonical_v1"}})J",
        e.type, format_iso8601(e.time * 1000), e.entity_id, e.entity_type, e.entity_id, related, e.attributes);
    out += '\n';
  }
  return {"supplemental/operations.jsonl", std::move(out)};
}

}  // namespace bre::seed
