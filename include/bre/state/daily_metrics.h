// The gold layer: the 27 daily business health metrics of the design
// (metric_catalog()), computed from events in one pass with the rules of
// cli.md §4/§4a — no look-ahead, stock metrics as as-of-day states, each
// dollar once, 0 for empty-day counts and null for undefined ratios.
// Formulas and windows: docs/metrics.md.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/state/metric_event.h"

namespace bre {

// Bumped whenever a formula changes; stored with every metric row.
inline constexpr int kMetricSchemaVersion = 1;

struct StateWindows {
  int ratio_days = 7;           // refund_rate, expense_ratio, margin_proxy, delivery_delay_rate, supplier_delay_rate, review_score_avg, dso/dpo
  int cash_days = 30;           // net_cash_proxy
  int backlog_days = 14;        // fulfillment_backlog, ticket_backlog
  int trend_days = 14;          // review_score_trend
  int churn_days = 30;          // churn_proxy numerator
  int active_days = 90;         // churn_proxy denominator
  int gap_floor_days = 60;      // purchase-gap churn: max(gap_multiple × median gap, floor)
  double gap_multiple = 2.0;
  int concentration_days = 30;  // customer_concentration
  double top_customer_share = 0.10;
};

using MetricValues = std::vector<std::optional<double>>;

struct DailyMetrics {
  DayNumber first_day = 0;
  std::size_t days = 0;
  std::vector<std::string_view> names;  // metric_catalog() order
  std::vector<MetricValues> values;     // parallel to names, each `days` long
  const MetricValues* find(std::string_view metric) const;
  DayNumber day(std::size_t i) const { return first_day + static_cast<DayNumber>(i); }
};

// Days run from the first event's day to `last_day` (default: the last event's day).
DailyMetrics compute_daily_metrics(const MetricEvents& in, const StateWindows& w = {},
                                   std::optional<DayNumber> last_day = std::nullopt);

// The events behind a metric value, as a query key: the event types and the
// day range (inclusive) that were read. `bre metrics history` shows it.
struct MetricEvidence {
  std::vector<EventType> event_types;
  DayNumber from = 0, to = 0;
};
MetricEvidence metric_evidence(std::string_view metric, DayNumber day, DayNumber first_day, const StateWindows& w = {});

// Weekly rollups (weeks start on Monday): flow metrics are summed over the
// week, every other metric is its value on the week's last computed day.
struct WeeklyValue {
  std::string_view metric;
  DayNumber week_start;
  std::optional<double> value;
};
std::vector<WeeklyValue> weekly_rollup(const DailyMetrics& daily);
// The Monday that starts d's week.
DayNumber monday_of(DayNumber d);

}  // namespace bre
