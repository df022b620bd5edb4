#include "bre/detect/spend_drift.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "bre/core/error.h"

namespace bre {

namespace {

struct DriftBaseline {
  double mean = 0, sigma = 0;
};

// Mean and sample standard deviation of x[from, to) without the excluded
// days; nullopt when the stream is too new or never varies.
std::optional<DriftBaseline> drift_baseline(const std::vector<double>& x, std::size_t from, std::size_t to,
                                            const std::vector<bool>& excluded, const CusumRules& rules) {
  auto kept = [&](std::size_t j) { return j >= excluded.size() || !excluded[j]; };
  std::size_t n = 0;
  double sum = 0;
  int active = 0;
  for (std::size_t j = from; j < to; ++j)
    if (kept(j)) ++n, sum += x[j], active += x[j] != 0 ? 1 : 0;
  if (static_cast<int>(n) < rules.min_baseline_days || n < 2) return std::nullopt;
  if (active < rules.min_baseline_active_days) return std::nullopt;
  const double mean = sum / static_cast<double>(n);
  double squares = 0;
  for (std::size_t j = from; j < to; ++j)
    if (kept(j)) squares += (x[j] - mean) * (x[j] - mean);
  const double sigma = std::sqrt(squares / static_cast<double>(n - 1));
  if (!(sigma > 0)) return std::nullopt;
  return DriftBaseline{mean, sigma};
}

void check_rules(const CusumRules& r) {
  if (!(r.reference_k >= 0) || !(r.threshold_h > 0) || !(r.clip_z > 0) || r.baseline_days < 2 ||
      r.min_baseline_days < 2 || r.max_run_days < 1)
    throw_usage("CUSUM rules need k >= 0, h > 0, clip > 0 and baselines of at least 2 days");
}

}  // namespace

std::vector<CusumDay> cusum_days(const std::vector<double>& x, const CusumRules& rules,
                                 const std::vector<bool>& excluded) {
  check_rules(rules);
  std::vector<CusumDay> out(x.size());
  double s = 0, excess = 0;
  std::size_t start = 0;
  std::optional<DriftBaseline> base;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "CUSUM input is not finite");
    // A new excursion (or one that has lasted too long to be a drift from
    // the old level) starts on the baseline of the days just before it.
    if (!base || s == 0 || i - start >= static_cast<std::size_t>(rules.max_run_days)) {
      const auto days = static_cast<std::size_t>(rules.baseline_days);
      base = drift_baseline(x, i > days ? i - days : 0, i, excluded, rules);
      s = 0, excess = 0, start = i;
      if (!base) continue;
    }
    CusumDay& d = out[i];
    d.scored = true;
    d.z = std::clamp((x[i] - base->mean) / base->sigma, -rules.clip_z, rules.clip_z);
    s = std::max(0.0, s + d.z - rules.reference_k);
    excess += x[i] - base->mean;
    d.statistic = s;
    d.run_start = start;
    d.baseline_mean = base->mean;
    d.baseline_sigma = base->sigma;
    d.excess = excess;
  }
  return out;
}

std::vector<SpendDrift> spend_drifts(const std::vector<PartySpend>& parties, const MetricValues& revenue,
                                     const SpendDriftRules& rules, const std::vector<bool>& excluded) {
  std::map<std::size_t, SpendDrift> best;
  if (!rules.enabled) return {};
  for (const PartySpend& p : parties) {
    const std::vector<CusumDay> days = cusum_days(p.daily, rules.cusum, excluded);
    for (std::size_t i = 0; i < days.size() && i < revenue.size(); ++i) {
      const CusumDay& d = days[i];
      if (!d.scored || d.statistic < rules.cusum.threshold_h) continue;
      const auto back = static_cast<std::size_t>(std::max(rules.rising_days, 0));
      const double before = i >= back && i - back >= d.run_start ? days[i - back].statistic : 0.0;
      if (d.statistic <= before) continue;
      SpendDrift drift{i, &p, d, 0};
      for (std::size_t j = d.run_start; j <= i; ++j) drift.revenue += revenue[j].value_or(0);
      if (drift.revenue <= 0 || drift.revenue_share() < rules.min_revenue_share) continue;
      auto it = best.find(i);
      if (it == best.end() || d.excess > it->second.cusum.excess) best[i] = drift;
    }
  }
  std::vector<SpendDrift> out;
  for (auto& [day, drift] : best) out.push_back(drift);
  return out;
}

}  // namespace bre
