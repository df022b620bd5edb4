// Assembles the gold metrics in catalog order, and says which events stand
// behind each value (evidence) and how weeks roll up.
#include "bre/state/daily_metrics.h"

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "state_frame.h"

namespace bre {

const MetricValues* DailyMetrics::find(std::string_view metric) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == metric) return &values[i];
  return nullptr;
}

DailyMetrics compute_daily_metrics(const MetricEvents& in, const StateWindows& w, std::optional<DayNumber> last_day) {
  DailyMetrics out;
  for (const MetricInfo& m : metric_catalog()) out.names.push_back(m.name);
  if (in.events.empty()) {
    out.values.assign(out.names.size(), {});
    return out;
  }
  // Customer records are often back-dated ("customer since"); the business's
  // history starts with its first activity, so a year of empty days before it
  // does not become the detectors' baseline.
  auto reference = [](EventType t) { return t == EventType::customer_created || t == EventType::customer_updated; };
  DayNumber first = std::numeric_limits<DayNumber>::max(), any_first = first, last = std::numeric_limits<DayNumber>::min();
  for (const MetricEvent& e : in.events) {
    any_first = std::min(any_first, e.day);
    last = std::max(last, e.day);
    if (!reference(e.type)) first = std::min(first, e.day);
  }
  if (first > last) first = any_first;
  if (last_day) last = std::max(*last_day, first);
  const state::Frame f{first, static_cast<std::size_t>(last - first + 1)};
  state::Output parts;
  state::financial_metrics(in, f, w, parts);
  state::operational_metrics(in, f, w, parts);
  state::customer_metrics(in, f, w, parts);
  out.first_day = first;
  out.days = f.n;
  for (std::string_view name : out.names) {
    auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == name; });
    if (it == parts.end()) throw Error(ErrorKind::internal, "METRIC_MISSING", fmt::format("no formula for {}", name));
    out.values.push_back(std::move(it->second));
  }
  return out;
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

std::vector<WeeklyValue> weekly_rollup(const DailyMetrics& daily) {
  std::vector<WeeklyValue> out;
  if (daily.days == 0) return out;
  // 1970-01-01 was a Thursday: Monday-based weeks start at day - (day + 3) mod 7.
  auto week_of = [](DayNumber d) { return d - (((d + 3) % 7) + 7) % 7; };
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
