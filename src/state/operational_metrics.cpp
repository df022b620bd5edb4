// Operational health metrics: orders, deliveries, suppliers; and the ticket
// counts, which share the backlog rule (cli.md §4a "Backlogs and cash").
#include <map>

#include "state_frame.h"

namespace bre::state {

namespace {

struct Lifecycle {
  DayNumber opened = std::numeric_limits<DayNumber>::max();
  DayNumber closed = std::numeric_limits<DayNumber>::max();
};

// Items opened in D-(window-1)..D and not closed by the end of D.
std::vector<double> backlog(const MetricEvents& in, const Frame& f, int window, EventType open, EventType close) {
  std::map<std::uint32_t, Lifecycle> items;
  for (const MetricEvent& e : in.events) {
    if (e.type == open) items[e.entity].opened = std::min(items[e.entity].opened, e.day);
    else if (e.type == close) items[e.entity].closed = std::min(items[e.entity].closed, e.day);
  }
  std::vector<double> diff = f.zeros();
  for (const auto& [id, life] : items) {
    if (life.opened == std::numeric_limits<DayNumber>::max()) continue;  // closed, never seen opening
    const DayNumber until = std::min(life.opened + window, std::max(life.closed, life.opened));
    add_interval(diff, f, life.opened, until);
  }
  return running(diff);
}

MetricValues daily_average(const std::vector<double>& sum, const std::vector<double>& n) { return ratio(sum, n); }

}  // namespace

void operational_metrics(const MetricEvents& in, const Frame& f, const StateWindows& w, Output& out) {
  std::vector<double> placed = f.zeros(), delivered = f.zeros(), late = f.zeros();
  std::vector<double> pos = f.zeros(), delayed = f.zeros();
  std::vector<double> opened = f.zeros(), closed = f.zeros(), timed = f.zeros();
  DaySums days_late(f), days_delayed(f), hours(f);
  for (const MetricEvent& e : in.events) {
    if (!f.contains(e.day)) continue;
    const std::size_t i = f.at(e.day);
    const bool measured = !std::isnan(e.value);
    switch (e.type) {
      case EventType::order_placed: placed[i] += 1; break;
      case EventType::order_delivered: delivered[i] += 1; break;
      case EventType::order_late:
        late[i] += 1;
        if (measured) days_late.add(i, e.value);
        break;
      case EventType::purchase_order_placed: pos[i] += 1; break;
      case EventType::shipment_delayed:
        delayed[i] += 1;
        if (measured) days_delayed.add(i, e.value);
        break;
      case EventType::support_ticket_opened: opened[i] += 1; break;
      case EventType::support_ticket_closed:
        closed[i] += 1;
        if (measured) hours.add(i, e.value), timed[i] += 1;
        break;
      default: break;
    }
  }
  out.emplace_back("order_volume", plain(placed));
  out.emplace_back("delivery_count", plain(delivered));
  out.emplace_back("late_delivery_count", plain(late));
  out.emplace_back("delivery_delay_rate", ratio(rolling_sum(late, w.ratio_days), rolling_sum(delivered, w.ratio_days)));
  out.emplace_back("fulfillment_backlog",
                   plain(backlog(in, f, w.backlog_days, EventType::order_placed, EventType::order_delivered)));
  out.emplace_back("avg_delivery_delay_days", daily_average(days_late.sums(), late));
  out.emplace_back("supplier_delay_rate", ratio(rolling_sum(delayed, w.ratio_days), rolling_sum(pos, w.ratio_days)));
  out.emplace_back("supplier_delay_severity", daily_average(days_delayed.sums(), delayed));
  out.emplace_back("ticket_volume", plain(opened));
  out.emplace_back("ticket_close_volume", plain(closed));
  out.emplace_back("ticket_backlog",
                   plain(backlog(in, f, w.backlog_days, EventType::support_ticket_opened, EventType::support_ticket_closed)));
  out.emplace_back("avg_resolution_time", daily_average(hours.sums(), timed));
}

}  // namespace bre::state
