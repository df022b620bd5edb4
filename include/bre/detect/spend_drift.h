// Slow, sustained cost drifts (docs/detection.md "Slow cost drifts"): a
// one-sided CUSUM (Page 1954) on each vendor's daily spend, standardised
// against the vendor's own baseline from before the excursion began. A
// company's total expenses are the sum of many lumpy, independent streams,
// so a cost that creeps up in one of them is lost in the noise of the sum
// (on the seeded company, expenses drifting to +40 % over three weeks move
// the 7-day expense ratio by z ≈ 1.5), while against its own stream it is
// large. Pure: vectors in, days out.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bre/state/daily_metrics.h"

namespace bre {

struct CusumRules {
  double reference_k = 0.5;          // k: the allowance a day, in baseline sigmas (half the shift worth finding)
  double threshold_h = 12;           // h: the decision interval; S_i ≥ h fires
  double clip_z = 3;                 // each day's z is clipped to ±clip_z: one large bill adds at most clip_z − k
  int baseline_days = 90;            // the baseline: up to this many days before the excursion began
  int min_baseline_days = 28;        // fewer days of history: not scored
  int min_baseline_active_days = 3;  // days with spend in the baseline: a stream that just started is not a drift
  int max_run_days = 56;             // an excursion that lasts longer restarts on a fresh baseline (a new normal)
};

struct SpendDriftRules {
  bool enabled = true;
  CusumRules cusum;
  // The excess since the excursion began must be at least this share of the
  // revenue over the same days: a drift that moves the expense ratio by less
  // is not a margin compression.
  double min_revenue_share = 0.02;
  // A drift fires while it goes on: S must also be higher than this many
  // days before. S falls slowly once the spend is back to normal (k plus a
  // fraction of a sigma a day), so without this an ended drift would keep
  // firing for weeks on the vendor's ordinary bills.
  int rising_days = 7;
};

// One day of a one-sided upper CUSUM over x (cusum_days):
//   S_i = max(0, S_{i−1} + clip((x_i − μ) / σ, ±clip_z) − k),
// with μ and σ (mean and sample standard deviation) of the baseline_days
// before the day the current excursion began (the last day S was 0), so a
// slow drift cannot raise its own baseline.
struct CusumDay {
  bool scored = false;          // false: not enough history (S is 0)
  double z = 0;                 // the day's clipped z
  double statistic = 0;         // S_i
  std::size_t run_start = 0;    // the first day of the current excursion
  double baseline_mean = 0, baseline_sigma = 0;
  double excess = 0;            // Σ (x_j − μ) over run_start..i
};
// `excluded` (by day; shorter: the rest kept) marks days left out of every
// baseline, though still scored: the windows a person labelled expected or
// not_anomaly.
std::vector<CusumDay> cusum_days(const std::vector<double>& x, const CusumRules& rules,
                                 const std::vector<bool>& excluded = {});

// A stream of spend: one vendor's daily expenses in currency units, one
// value per day of the metrics (0 on days without spend).
struct PartySpend {
  std::string id, name;
  std::vector<double> daily;
};

// A day on which one vendor's spend has drifted: S_i ≥ h, S_i > S_{i−rising_days}
// (0 before the excursion began), and the excess is at least
// min_revenue_share of the revenue since the excursion began.
struct SpendDrift {
  std::size_t day = 0;
  const PartySpend* party = nullptr;
  CusumDay cusum;
  double revenue = 0;  // over run_start..day
  double revenue_share() const { return revenue > 0 ? cusum.excess / revenue : 0; }
};

// Per day, the drifting vendor with the largest excess (none: no entry).
// `revenue` is daily_revenue, parallel to each party's days; `excluded` as
// for cusum_days.
std::vector<SpendDrift> spend_drifts(const std::vector<PartySpend>& parties, const MetricValues& revenue,
                                     const SpendDriftRules& rules, const std::vector<bool>& excluded = {});

}  // namespace bre
