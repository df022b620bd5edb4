// Operational health metrics: orders, deliveries, suppliers; and the ticket
// counts, which share the backlog rule (cli.md §4a "Backlogs and cash").

#include "state_frame.h"

namespace bre::state {

namespace {

// Items opened in D-(window-1)..D and not closed by the end of D.
std::vector<double> backlog(const Lifecycles& items, const Frame& f, int window) {
  std::vector<double> diff = f.zeros();
  items.for_each([&](const std::string&, const Lifecycle& life) {
    if (life.opened == kNoDay) return;  // closed, never seen opening
    const DayNumber until = std::min(life.opened + window, std::max(life.closed, life.opened));
    add_interval(diff, f, life.opened, until);
  });
  return running(diff);
}

MetricValues daily_average(const std::vector<double>& sum, const std::vector<double>& n) { return ratio(sum, n); }

}  // namespace

void operational_metrics(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w, Output& out) {
  const auto placed = per_day(in.days, f, [](const DayTotals& t) { return t.placed; });
  const auto delivered = per_day(in.days, f, [](const DayTotals& t) { return t.delivered; });
  const auto late = per_day(in.days, f, [](const DayTotals& t) { return t.late; });
  const auto pos = per_day(in.days, f, [](const DayTotals& t) { return t.purchase_orders; });
  const auto delayed = per_day(in.days, f, [](const DayTotals& t) { return t.delayed; });
  const auto opened = per_day(in.days, f, [](const DayTotals& t) { return t.tickets_opened; });
  const auto closed = per_day(in.days, f, [](const DayTotals& t) { return t.tickets_closed; });
  const auto timed = per_day(in.days, f, [](const DayTotals& t) { return t.tickets_timed; });
  const auto days_late = per_day(in.days, f, [](const DayTotals& t) { return ordered_sum(t.days_late); });
  const auto days_delayed = per_day(in.days, f, [](const DayTotals& t) { return ordered_sum(t.days_delayed); });
  const auto hours = per_day(in.days, f, [](const DayTotals& t) { return ordered_sum(t.resolution_hours); });
  out.emplace_back("order_volume", plain(placed));
  out.emplace_back("delivery_count", plain(delivered));
  out.emplace_back("late_delivery_count", plain(late));
  out.emplace_back("delivery_delay_rate", ratio(rolling_sum(late, w.ratio_days), rolling_sum(delivered, w.ratio_days)));
  out.emplace_back("fulfillment_backlog",
                   plain(backlog(in.orders, f, w.backlog_days)));
  out.emplace_back("avg_delivery_delay_days", daily_average(days_late, late));
  out.emplace_back("supplier_delay_rate", ratio(rolling_sum(delayed, w.ratio_days), rolling_sum(pos, w.ratio_days)));
  out.emplace_back("supplier_delay_severity", daily_average(days_delayed, delayed));
  out.emplace_back("ticket_volume", plain(opened));
  out.emplace_back("ticket_close_volume", plain(closed));
  out.emplace_back("ticket_backlog",
                   plain(backlog(in.tickets, f, w.backlog_days)));
  out.emplace_back("avg_resolution_time", daily_average(hours, timed));
}

}  // namespace bre::state
