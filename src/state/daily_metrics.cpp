// Assembles the gold metrics in catalog order, and says which events stand
// behind each value (evidence) and how weeks roll up.
#include "bre/state/daily_metrics.h"

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "bre/state/state_accumulator.h"

namespace bre {

const MetricValues* DailyMetrics::find(std::string_view metric) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == metric) return &values[i];
  return nullptr;
}

DailyMetrics compute_daily_metrics(const MetricEvents& in, const StateWindows& w, std::optional<DayNumber> last_day) {
  StateAccumulator acc(in.currency_digits);
  auto add = [&](const MetricEvent& e) {
    StateEvent s;
    s.type = e.type;
    s.day = e.day;
    s.amount_minor = e.amount_minor;
    s.value = e.value;
    s.entity = in.ids.name(e.entity);
    s.source = in.sources.name(e.source);
    if (e.customer != kNoId) s.customer = in.ids.name(e.customer);
    for (std::uint32_t k = 0; k < e.link_count; ++k) s.bills.push_back(in.ids.name(in.links[e.first_link + k]));
    acc.add(s);
  };
  // The accumulator keeps a payment only for an invoice it knows went overdue.
  for (const MetricEvent& e : in.events)
    if (e.type == EventType::invoice_overdue) add(e);
  for (const MetricEvent& e : in.events)
    if (e.type != EventType::invoice_overdue) add(e);
  return acc.finish(w, last_day);
}

namespace {

// How many trailing days a metric's value for one day reads; 0: everything
// up to the day (stock metrics and churn, which need the whole history).
int window_of(std::string_view m, const StateWindows& w) {
  if (m == "refund_rate" || m == "expense_ratio" || m == "margin_proxy" || m == "dso_proxy" || m == "dpo_proxy" ||
      m == "delivery_delay_rate" || m == "supplier_delay_rate" || m == "review_score_avg")
    return w.ratio_days;
  if (m == "net_cash_proxy") return w.cash_days;
  if (m == "fulfillment_backlog" || m == "ticket_backlog") return w.backlog_days;
  if (m == "review_score_trend") return w.trend_days + w.ratio_days - 1;
  if (m == "customer_concentration") return w.concentration_days;
  if (m == "ar_aging_amount" || m == "ar_overdue_count" || m == "churn_proxy") return 0;
  return 1;
}

bool is_flow(std::string_view m) {
  return m == "daily_revenue" || m == "daily_expenses" || m == "daily_refunds" || m == "order_volume" ||
         m == "delivery_count" || m == "late_delivery_count" || m == "ticket_volume" || m == "ticket_close_volume";
}

}  // namespace

MetricEvidence metric_evidence(std::string_view metric, DayNumber day, DayNumber first_day, const StateWindows& w) {
  const MetricInfo* info = find_metric(metric);
  if (!info) throw Error(ErrorKind::usage, "UNKNOWN_METRIC", fmt::format("unknown metric '{}'", metric));
  MetricEvidence ev;
  ev.event_types.assign(info->inputs.begin(), info->inputs.end());
  const int window = window_of(metric, w);
  ev.from = window == 0 ? first_day : std::max(first_day, day - window + 1);
  ev.to = day;
  return ev;
}

// 1970-01-01 was a Thursday: Monday-based weeks start at day - (day + 3) mod 7.
DayNumber monday_of(DayNumber d) { return d - (((d + 3) % 7) + 7) % 7; }

std::vector<WeeklyValue> weekly_rollup(const DailyMetrics& daily) {
  std::vector<WeeklyValue> out;
  if (daily.days == 0) return out;
  const auto week_of = monday_of;
  for (std::size_t m = 0; m < daily.names.size(); ++m) {
    const MetricValues& v = daily.values[m];
    const bool flow = is_flow(daily.names[m]);
    for (std::size_t i = 0; i < daily.days;) {
      const DayNumber week = week_of(daily.day(i));
      std::optional<double> value;
      for (; i < daily.days && week_of(daily.day(i)) == week; ++i) {
        if (flow) value = value.value_or(0) + v[i].value_or(0);
        else value = v[i];
      }
      out.push_back({daily.names[m], week, value});
    }
  }
  return out;
}

}  // namespace bre
