#include "bre/impact/blast_radius.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <tuple>

namespace bre {

namespace {

constexpr double kChurnThreshold = 0.5;

bool is_refund(const std::string& type) { return type == "refund_issued" || type == "credit_memo_issued"; }

std::string count_noun(std::int64_t n, const char* noun) { return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s"); }

std::string group_thousands(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

// Counts the customers, orders, products, vendors and invoices of the events,
// and the customer each invoice and order belongs to (the first event, by id,
// that names both).
struct Entities {
  std::set<std::string> customers, orders, products, vendors, invoices;
  std::map<std::string, std::string> invoice_customer, order_customer;
};

Entities collect_entities(const std::vector<AffectedEvent>& events) {
  Entities e;
  for (const AffectedEvent& ev : events) {
    if (!ev.customer_id.empty()) e.customers.insert(ev.customer_id);
    if (!ev.vendor_id.empty()) e.vendors.insert(ev.vendor_id);
    for (const std::string& p : ev.product_ids)
      if (!p.empty()) e.products.insert(p);
    if (!ev.order_id.empty()) {
      e.orders.insert(ev.order_id);
      if (!ev.customer_id.empty()) e.order_customer.emplace(ev.order_id, ev.customer_id);
    }
    if (!ev.invoice_id.empty()) {
      e.invoices.insert(ev.invoice_id);
      if (!ev.customer_id.empty()) e.invoice_customer.emplace(ev.invoice_id, ev.customer_id);
    }
  }
  return e;
}

std::string narrative(const BlastRadius& b) {
  const std::string subject =
      b.incident_ids.size() > 1 ? fmt::format("This cascade of {} incidents", b.incident_ids.size()) : "This incident";
  std::vector<std::string> things;
  if (b.orders_affected > 0) things.push_back(count_noun(b.orders_affected, "order"));
  if (b.invoices_affected > 0) things.push_back(count_noun(b.invoices_affected, "invoice"));
  std::vector<std::string> parties;
  if (b.customers_affected > 0) parties.push_back(count_noun(b.customers_affected, "customer"));
  if (b.vendors_involved > 0) parties.push_back(count_noun(b.vendors_involved, "vendor"));
  std::string who;
  for (std::size_t i = 0; i < parties.size(); ++i) who += (i ? " and " : "") + parties[i];
  std::string what;
  for (std::size_t i = 0; i < things.size(); ++i) what += (i ? " and " : "") + things[i];
  std::string s = subject + " affected ";
  if (what.empty() && who.empty()) s += "no customer, order, invoice or vendor that the data names";
  else if (what.empty()) s += who;
  else s += what + (who.empty() ? "" : (b.customers_affected > 0 ? " across " : " involving ") + who);
  const auto money = [&](std::int64_t minor) { return format_money_rounded(minor, b.currency, b.minor_digits); };
  s += ", with estimated revenue exposure of " + money(b.estimated_revenue_exposure_minor);
  if (b.orders_without_amount > 0) {
    const bool one = b.orders_without_amount == 1;
    s += b.orders_without_amount == b.orders_affected
             ? fmt::format(" ({} no amount in the data)", one ? "the order carries" : "the orders carry")
             : fmt::format(" ({} of the {} orders {} no amount in the data)", b.orders_without_amount,
                           b.orders_affected, one ? "carries" : "carry");
  }
  if (b.overdue_amount_minor > 0) s += ", " + money(b.overdue_amount_minor) + " of invoices fell overdue";
  if (b.expense_amount_minor > 0) s += ", " + money(b.expense_amount_minor) + " of vendor expenses";
  s += " and potential churn risk for " + count_noun(b.estimated_churn_exposure, "customer") + ".";
  return s;
}

double major(std::int64_t minor, int digits) { return static_cast<double>(minor) / std::pow(10.0, digits); }

}  // namespace

std::optional<double> median_days(std::vector<DayNumber> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? static_cast<double>(values[n / 2])
               : (static_cast<double>(values[n / 2 - 1]) + static_cast<double>(values[n / 2])) / 2;
}

std::optional<double> median_gap_days(std::vector<DayNumber> days) {
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  std::vector<DayNumber> gaps;
  for (std::size_t i = 1; i < days.size(); ++i) gaps.push_back(days[i] - days[i - 1]);
  return median_days(std::move(gaps));
}

double churn_risk(const CustomerHistory& h, DayNumber as_of, double fallback_gap_days, std::optional<std::int64_t>* recency,
                  std::optional<double>* gap) {
  std::vector<DayNumber> seen;
  for (DayNumber d : h.purchase_days)
    if (d <= as_of) seen.push_back(d);
  std::optional<std::int64_t> r;
  if (!seen.empty()) r = as_of - *std::max_element(seen.begin(), seen.end());
  const double g = std::max(1.0, median_gap_days(seen).value_or(fallback_gap_days));
  if (recency) *recency = r;
  if (gap) *gap = seen.empty() ? std::nullopt : std::optional<double>(g);
  if (h.churned) return 1.0;
  if (!r) return 0.5;
  return static_cast<double>(*r) / (static_cast<double>(*r) + g);
}

std::string blast_severity(std::int64_t exposure_minor, std::int64_t trailing_revenue_minor) {
  if (trailing_revenue_minor <= 0) return exposure_minor > 0 ? "catastrophic" : "contained";
  // Exact integer comparisons of exposure / revenue against 1 %, 5 %, 15 %.
  const long double e = static_cast<long double>(exposure_minor) * 100, r = static_cast<long double>(trailing_revenue_minor);
  if (e < r) return "contained";
  if (e < 5 * r) return "significant";
  if (e <= 15 * r) return "severe";
  return "catastrophic";
}

std::string format_money_rounded(std::int64_t minor, const std::string& currency, int minor_digits) {
  std::int64_t unit = 1;
  for (int i = 0; i < minor_digits; ++i) unit *= 10;
  const std::int64_t whole = (minor >= 0 ? minor + unit / 2 : minor - unit / 2) / unit;  // half away from zero
  if (currency == "USD") return (whole < 0 ? "-$" : "$") + group_thousands(whole < 0 ? -whole : whole);
  return group_thousands(whole) + " " + currency;
}

BlastRadius compute_blast_radius(const BlastInput& in) {
  std::vector<AffectedEvent> events = in.events;
  std::sort(events.begin(), events.end(), [](const AffectedEvent& a, const AffectedEvent& b) { return a.event_id < b.event_id; });
  events.erase(std::unique(events.begin(), events.end(),
                           [](const AffectedEvent& a, const AffectedEvent& b) { return a.event_id == b.event_id; }),
               events.end());

  BlastRadius b;
  b.incident_id = in.incident_id;
  b.incident_ids = in.incident_ids;
  b.window_start = in.window_start;
  b.window_end = in.window_end;
  b.currency = in.currency;
  b.minor_digits = in.minor_digits;
  b.downstream_incidents_triggered = in.downstream_incidents;
  b.trailing_revenue_minor = in.trailing_revenue_minor;
  b.fallback_gap_days = in.fallback_gap_days;
  b.events_affected = static_cast<std::int64_t>(events.size());

  const Entities ent = collect_entities(events);
  b.customers_affected = static_cast<std::int64_t>(ent.customers.size());
  b.orders_affected = static_cast<std::int64_t>(ent.orders.size());
  b.products_affected = static_cast<std::int64_t>(ent.products.size());
  b.vendors_involved = static_cast<std::int64_t>(ent.vendors.size());
  b.invoices_affected = static_cast<std::int64_t>(ent.invoices.size());

  // Each invoice and order once; "" collects documents without a customer.
  std::map<std::string, std::int64_t> exposure_by_customer;
  for (const std::string& c : ent.customers) exposure_by_customer[c] = 0;
  for (const std::string& id : ent.invoices) {
    const auto amount = in.invoice_amounts.find(id);
    if (amount == in.invoice_amounts.end()) continue;
    b.invoice_exposure_minor += amount->second;
    const auto owner = ent.invoice_customer.find(id);
    exposure_by_customer[owner == ent.invoice_customer.end() ? "" : owner->second] += amount->second;
  }
  for (const std::string& id : ent.orders) {
    const auto amount = in.order_amounts.find(id);
    if (amount == in.order_amounts.end()) {
      ++b.orders_without_amount;
      continue;
    }
    b.order_exposure_minor += amount->second;
    const auto owner = ent.order_customer.find(id);
    exposure_by_customer[owner == ent.order_customer.end() ? "" : owner->second] += amount->second;
  }

  // Event amounts: refunds and expenses once per event; an overdue invoice
  // once, at its latest overdue event.
  std::map<std::string, const AffectedEvent*> overdue;
  for (const AffectedEvent& ev : events) {
    ++b.events_by_type[ev.event_type];
    if (is_refund(ev.event_type)) b.refunded_minor += ev.amount_minor;
    else if (ev.event_type == "expense_posted") b.expense_amount_minor += ev.amount_minor;
    else if (ev.event_type == "invoice_overdue" && !ev.invoice_id.empty()) {
      const AffectedEvent*& last = overdue[ev.invoice_id];
      if (!last || std::tie(ev.day, ev.event_id) > std::tie(last->day, last->event_id)) last = &ev;
    }
  }
  for (const auto& [id, ev] : overdue) {
    b.overdue_amount_minor += ev->overdue_minor;
    b.overdue_open_amount_minor += ev->amount_minor;
  }
  b.estimated_revenue_exposure_minor = b.invoice_exposure_minor + b.order_exposure_minor + b.refunded_minor;

  // Refunds: each customer's own rate where they have paid before, else the business's.
  b.business_refund_rate =
      in.trailing_paid_minor > 0
          ? std::min(1.0, static_cast<double>(in.trailing_refunds_minor) / static_cast<double>(in.trailing_paid_minor))
          : 0.0;
  double refund_exposure = 0;
  static const CustomerHistory kNoHistory;
  for (const auto& [id, exposure] : exposure_by_customer) {
    if (id.empty()) {
      refund_exposure += b.business_refund_rate * static_cast<double>(exposure);
      continue;
    }
    const auto found = in.customers.find(id);
    const CustomerHistory& h = found == in.customers.end() ? kNoHistory : found->second;
    CustomerExposure c;
    c.customer_id = id;
    c.exposure_minor = exposure;
    c.own_refund_rate = h.paid_minor > 0;
    c.refund_rate = c.own_refund_rate
                        ? std::min(1.0, static_cast<double>(h.refunded_minor) / static_cast<double>(h.paid_minor))
                        : b.business_refund_rate;
    refund_exposure += c.refund_rate * static_cast<double>(exposure);
    c.churned = h.churned;
    c.churn_risk = churn_risk(h, in.window_end, in.fallback_gap_days, &c.recency_days, &c.expected_gap_days);
    if (c.churn_risk > kChurnThreshold) ++b.estimated_churn_exposure;
    b.customers.push_back(std::move(c));
  }
  b.estimated_refund_exposure_minor = std::llround(refund_exposure);

  if (in.trailing_revenue_minor > 0)
    b.exposure_ratio =
        static_cast<double>(b.estimated_revenue_exposure_minor) / static_cast<double>(in.trailing_revenue_minor);
  b.blast_radius_severity = blast_severity(b.estimated_revenue_exposure_minor, in.trailing_revenue_minor);
  b.narrative = narrative(b);
  return b;
}

std::string blast_radius_json(const BlastRadius& b) {
  const auto money = [&](std::int64_t minor) { return major(minor, b.minor_digits); };
  using J = nlohmann::ordered_json;
  J customers = J::array();
  for (const CustomerExposure& c : b.customers) {
    customers.push_back({{"customer_id", c.customer_id},
                         {"exposure", money(c.exposure_minor)},
                         {"refund_rate", c.refund_rate},
                         {"refund_rate_source", c.own_refund_rate ? "customer" : "business"},
                         {"recency_days", c.recency_days ? J(*c.recency_days) : J()},
                         {"expected_gap_days", c.expected_gap_days ? J(*c.expected_gap_days) : J()},
                         {"churned", c.churned},
                         {"churn_risk", c.churn_risk}});
  }
  J j;
  j["incident_id"] = b.incident_id;
  j["incident_ids"] = b.incident_ids;
  j["incident_window_start"] = format_day(b.window_start);
  j["incident_window_end"] = format_day(b.window_end);
  j["customers_affected"] = b.customers_affected;
  j["orders_affected"] = b.orders_affected;
  j["products_affected"] = b.products_affected;
  j["vendors_involved"] = b.vendors_involved;
  j["invoices_affected"] = b.invoices_affected;
  j["estimated_revenue_exposure"] = money(b.estimated_revenue_exposure_minor);
  j["estimated_refund_exposure"] = money(b.estimated_refund_exposure_minor);
  j["estimated_churn_exposure"] = b.estimated_churn_exposure;
  j["overdue_amount"] = money(b.overdue_amount_minor);
  j["overdue_open_amount"] = money(b.overdue_open_amount_minor);
  j["expense_amount"] = money(b.expense_amount_minor);
  j["downstream_incidents_triggered"] = b.downstream_incidents_triggered;
  j["blast_radius_severity"] = b.blast_radius_severity;
  j["narrative"] = b.narrative;
  j["currency"] = b.currency;
  j["inputs"] = {{"events_affected", b.events_affected},
                 {"events_by_type", b.events_by_type},
                 {"invoice_exposure", money(b.invoice_exposure_minor)},
                 {"order_exposure", money(b.order_exposure_minor)},
                 {"refunded_amount", money(b.refunded_minor)},
                 {"orders_without_amount", b.orders_without_amount},
                 {"trailing_revenue", money(b.trailing_revenue_minor)},
                 {"trailing_revenue_days", 30},
                 {"exposure_ratio", b.exposure_ratio ? J(*b.exposure_ratio) : J()},
                 {"severity_bands", {{"contained", "< 0.01"}, {"significant", "0.01 - 0.05"},
                                     {"severe", "0.05 - 0.15"}, {"catastrophic", "> 0.15"}}},
                 {"business_refund_rate", b.business_refund_rate},
                 {"business_refund_rate_days", 90},
                 {"churn_model", kChurnModel},
                 {"churn_threshold", kChurnThreshold},
                 {"fallback_gap_days", b.fallback_gap_days}};
  j["customers"] = customers;
  j["algorithm_version"] = kBlastRadiusVersion;
  return j.dump();
}

}  // namespace bre
