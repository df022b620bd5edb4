// Layer 1: how unusual is one day of one metric against its own trailing
// baseline. The design's modified z-score (0.6745·(x − median)/MAD), made to
// survive real small-business data (docs/detection.md):
// - weekly seasonality: daily flows are compared after dividing out a
//   weekday profile, so a quiet Sunday is measured against Sundays;
// - MAD = 0 (a flat baseline): the scaled mean absolute deviation, then a
//   floor, so one odd day is not an infinite z;
// - small counts: a Poisson tail probability turned into an equivalent z;
// - a minimum practical effect, so a statistically odd but tiny change is
//   not an incident.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/state/daily_metrics.h"

namespace bre {

class ScoreMemo;

struct DayRange {
  DayNumber from = 0, to = 0;  // inclusive
};

struct BaselineRules {
  int baseline_days = 30;        // trailing days before the scored day
  int min_history_days = 14;     // fewer non-null baseline values: no score
  int profile_days = 56;         // weekday profile window for daily flows
  int scale_days = 90;           // non-flow metrics: the scale is at least the MAD over this longer history
  int stock_warmup_days = 45;    // stocks and churn: days before the metric means anything (see metric_warmup_days)
  double poisson_below = 30;     // expected count under which counts use the Poisson test
  double min_relative_effect = 0.25;  // |x − baseline| ≥ this × |baseline| ...
  double tail_quantile = 0.9;    // the scale is at least the tail sigma at this quantile (0: MAD only)
  int sustained_days = 7;        // daily metrics are also scored as the mean of this many days (0: off)
  int change_days = 7;           // trending stocks: the change scored is over this many days
  // Per metric, days left out of every history score_day gathers (baseline,
  // weekday profile, scale), though still scored themselves: the windows a
  // person labelled expected or not_anomaly. An input, not a threshold: not
  // part of the versioned config (detect_config.h).
  std::map<std::string, std::vector<DayRange>, std::less<>> excluded_days;
  // Scores remembered between detections (score_memo.h); score_day and
  // score_sustained answer from it for the series it is bound to. Not
  // config either: it changes how fast, never what.
  ScoreMemo* memo = nullptr;
};

// Metric-specific knobs that follow from what the metric is.
struct MetricTraits {
  bool seasonal = false;    // a daily flow with a weekly pattern
  bool count = false;       // integer counts (Poisson test applies)
  double min_abs_effect = 0;  // ... and ≥ this, in the metric's unit
  bool relative_effect = true;  // false for bounded scores, where 25 % of the level is most of the scale
  // A stock that accumulates (overdue receivables: unpaid invoices pile up
  // as the business grows) is scored by its change over `change_days`, not
  // its level, so a steady climb is not an incident but a jump is.
  bool trending_stock = false;
  // Days after the metric's first non-zero value during which it is still
  // filling its window (churn needs 30 days of churns before its level means
  // anything; the first overdue invoices start the receivables stock).
  int fill_days = 0;
  // A daily value (a flow, a day's mean, a backlog) rather than a rolling
  // window: a moderate shift that lasts is found by also scoring its
  // sustained_days mean, which a single noisy day cannot reach.
  bool sustained = false;
  // A queue of open items (tickets, orders not yet delivered): a burst of
  // arrivals lifts it for a day and it drains; a problem keeps it up.
  bool queue = false;
  // A daily amount of money (revenue, expenses, refunds): one day can be one
  // large bill or payment, a lump rather than a level.
  bool money_flow = false;
  // The day's mean of a few measured values (resolution hours, days late,
  // days delayed of that day's events): one odd ticket or order makes the
  // day, a lump like a large bill.
  bool day_mean = false;
};
MetricTraits metric_traits(std::string_view metric);

struct BaselineScore {
  double value = 0;
  double baseline = 0;   // the expected value for this day (seasonally adjusted)
  double scale = 0;      // robust sigma used
  double z = 0;          // signed: > 0 above the baseline
  int history = 0;       // baseline values used
  std::string method;    // mad | tail | mean_abs_dev | floor | poisson, + _log_change for stocks, + _7d for means
  int span = 1;          // days averaged: 1, or sustained_days
  bool seasonal = false;
  bool practical = false;  // the change is at least the minimum effect
};

// Days at the start of the data when a metric is still filling its own
// window (a 30-day sum is not yet 30 days of data, overdue receivables need
// invoices to fall due first); they are neither scored nor used as baseline.
int metric_warmup_days(std::string_view metric, const BaselineRules& rules = {});

// nullopt when the day's value is null or the history is too short.
std::optional<BaselineScore> score_day(std::string_view metric, const MetricValues& series, std::size_t day_index,
                                       DayNumber first_day, const BaselineRules& rules = {});
// The mean of the sustained_days ending on day_index against the means of the
// same span over the earlier scale_days (counts: a Poisson test on the sum).
// nullopt for metrics that are not `sustained`, and as score_day.
std::optional<BaselineScore> score_sustained(std::string_view metric, const MetricValues& series,
                                             std::size_t day_index, DayNumber first_day,
                                             const BaselineRules& rules = {});

// Φ⁻¹(1 − p): the z whose upper tail is p (p clamped to [1e-300, 1)).
double z_from_upper_tail(double p);
// P(X ≥ k) for X ~ Poisson(lambda).
double poisson_upper_tail(double k, double lambda);

}  // namespace bre
