// Folds events into StateAccumulator::Data, and assembles the gold metrics
// from it in catalog order.
#include "bre/state/state_accumulator.h"

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "state_frame.h"

namespace bre {

namespace {

using state::kNoDay;

bool is_reference(EventType t) { return t == EventType::customer_created || t == EventType::customer_updated; }
bool is_purchase(EventType t) { return t == EventType::order_placed || t == EventType::payment_received; }

// Adds `day` to a day set; duplicates are squeezed out when the buffer is full,
// so a set costs the distinct days, not the events.
void add_day(std::vector<DayNumber>& days, DayNumber day) {
  if (days.size() == days.capacity() && days.size() >= 16) {
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
  }
  days.push_back(day);
}

void first_of(DayNumber& slot, DayNumber day) { slot = std::min(slot, day); }

void add_customer_event(StateAccumulator::Data& d, const StateEvent& e) {
  const std::uint32_t id = d.customer_ids.id(*e.customer);
  if (id >= d.customers.size()) d.customers.resize(id + 1);
  state::CustomerSummary& c = d.customers[id];
  const std::uint32_t source = d.source_ids.id(e.source);
  if (std::find(c.sources.begin(), c.sources.end(), source) == c.sources.end()) c.sources.push_back(source);
  add_day(c.activity, e.day);
  if (e.type == EventType::customer_created) first_of(c.created, e.day);
  if (is_purchase(e.type)) add_day(c.purchases, e.day);
  if (e.type == EventType::customer_churned) {
    c.churns.push_back(e.day);
    if (source >= d.churn_sources.size()) d.churn_sources.resize(source + 1, false);
    d.churn_sources[source] = true;
  }
}

void add_to_day(StateAccumulator::Data& d, const StateEvent& e) {
  // Customer records add to no day's totals; a back-dated one ("customer
  // since 1998") must not stretch the table over years of empty days.
  if (is_reference(e.type)) return;
  state::DayTotals& t = d.days.at(e.day);
  const auto amount = static_cast<double>(e.amount_minor);
  const bool measured = !std::isnan(e.value);
  switch (e.type) {
    case EventType::payment_received:
      t.revenue += amount;
      if (e.customer) t.customer_payments.emplace_back(d.customer_ids.id(*e.customer), amount);
      break;
    case EventType::expense_posted: t.expenses += amount; break;
    case EventType::refund_issued:
    case EventType::credit_memo_issued: t.refunds += amount; break;
    case EventType::invoice_paid:
      if (measured) t.days_to_pay.push_back(e.value), t.invoices_paid += 1;
      break;
    case EventType::order_placed: t.placed += 1; break;
    case EventType::order_delivered: t.delivered += 1; break;
    case EventType::order_late:
      t.late += 1;
      if (measured) t.days_late.push_back(e.value);
      break;
    case EventType::purchase_order_placed: t.purchase_orders += 1; break;
    case EventType::shipment_delayed:
      t.delayed += 1;
      if (measured) t.days_delayed.push_back(e.value);
      break;
    case EventType::support_ticket_opened: t.tickets_opened += 1; break;
    case EventType::support_ticket_closed:
      t.tickets_closed += 1;
      if (measured) t.resolution_hours.push_back(e.value), t.tickets_timed += 1;
      break;
    case EventType::review_submitted:
      if (measured) t.review_scores += e.value, t.reviews += 1;
      break;
    default: break;
  }
}

// Only an invoice that went overdue has an open balance to close.
void record_overdue_payment(StateAccumulator::Data& d, std::string_view invoice, DayNumber day) {
  if (auto it = d.overdue_invoices.find(std::string(invoice)); it != d.overdue_invoices.end()) it->second.paid.push_back(day);
}

void add_to_entities(StateAccumulator::Data& d, const StateEvent& e) {
  switch (e.type) {
    case EventType::order_placed: first_of(d.orders[e.entity].opened, e.day); break;
    case EventType::order_delivered: first_of(d.orders[e.entity].closed, e.day); break;
    case EventType::support_ticket_opened: first_of(d.tickets[e.entity].opened, e.day); break;
    case EventType::support_ticket_closed: first_of(d.tickets[e.entity].closed, e.day); break;
    case EventType::expense_posted: {
      auto [it, fresh] = d.posted.emplace(std::string(e.entity), e.day);
      if (!fresh) first_of(it->second, e.day);
      break;
    }
    case EventType::expense_paid:
      for (std::string_view bill : e.bills) d.bill_payments.emplace_back(e.day, std::string(bill));
      break;
    case EventType::invoice_overdue: d.overdue_invoices[std::string(e.entity)].overdue.emplace_back(e.day, e.value); break;
    case EventType::invoice_paid: record_overdue_payment(d, e.entity, e.day); break;
    default: break;
  }
}

}  // namespace

StateAccumulator::StateAccumulator(int currency_digits) : d_(std::make_unique<Data>()) {
  d_->currency_digits = currency_digits;
}
StateAccumulator::~StateAccumulator() = default;
StateAccumulator::StateAccumulator(StateAccumulator&&) noexcept = default;
StateAccumulator& StateAccumulator::operator=(StateAccumulator&&) noexcept = default;

std::int64_t StateAccumulator::events() const { return d_->events; }

void StateAccumulator::add(const StateEvent& e) {
  Data& d = *d_;
  ++d.events;
  first_of(d.any_first, e.day);
  if (!is_reference(e.type)) first_of(d.first, e.day);
  d.last = std::max(d.last, e.day);
  add_to_day(d, e);
  add_to_entities(d, e);
  if (e.customer) add_customer_event(d, e);
}

bool StateAccumulator::knows_overdue(std::string_view invoice) const {
  return d_->overdue_invoices.count(std::string(invoice)) > 0;
}

void StateAccumulator::add_overdue_payment(std::string_view invoice, DayNumber day) {
  record_overdue_payment(*d_, invoice, day);
}

DailyMetrics StateAccumulator::finish(const StateWindows& w, std::optional<DayNumber> last_day) const {
  const Data& d = *d_;
  DailyMetrics out;
  for (const MetricInfo& m : metric_catalog()) out.names.push_back(m.name);
  if (d.events == 0) {
    out.values.assign(out.names.size(), {});
    return out;
  }
  // Customer records are often back-dated ("customer since"); the business's
  // history starts with its first activity, so a year of empty days before it
  // does not become the detectors' baseline.
  const DayNumber first = d.first == kNoDay ? d.any_first : d.first;
  const DayNumber last = last_day ? std::max(*last_day, first) : d.last;
  const state::Frame f{first, static_cast<std::size_t>(last - first + 1)};
  state::Output parts;
  state::financial_metrics(d, f, w, parts);
  state::operational_metrics(d, f, w, parts);
  state::customer_metrics(d, f, w, parts);
  out.first_day = first;
  out.days = f.n;
  for (std::string_view name : out.names) {
    auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == name; });
    if (it == parts.end()) throw Error(ErrorKind::internal, "METRIC_MISSING", fmt::format("no formula for {}", name));
    out.values.push_back(std::move(it->second));
  }
  return out;
}

}  // namespace bre
