#include "bre/detect/baseline_score.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "bre/detect/robust_stats.h"

namespace bre {

MetricTraits metric_traits(std::string_view m) {
  MetricTraits t;
  const bool flow = m == "daily_revenue" || m == "daily_expenses" || m == "daily_refunds" || m == "order_volume" ||
                    m == "delivery_count" || m == "late_delivery_count" || m == "ticket_volume" ||
                    m == "ticket_close_volume";
  t.seasonal = flow;
  t.count = m == "order_volume" || m == "delivery_count" || m == "late_delivery_count" || m == "ticket_volume" ||
            m == "ticket_close_volume" || m == "ticket_backlog" || m == "fulfillment_backlog" || m == "ar_overdue_count";
  if (m.find("rate") != std::string_view::npos || m == "expense_ratio" || m == "margin_proxy" || m == "churn_proxy" ||
      m == "customer_concentration")
    t.min_abs_effect = 0.01;
  else if (t.count) t.min_abs_effect = 3;
  else if (m == "review_score_avg") t.min_abs_effect = 0.2, t.relative_effect = false;
  else if (m == "review_score_trend") t.min_abs_effect = 0.02, t.relative_effect = false;
  else if (m == "avg_resolution_time") t.min_abs_effect = 2;
  else if (m.find("days") != std::string_view::npos || m == "dso_proxy" || m == "dpo_proxy" || m == "supplier_delay_severity")
    t.min_abs_effect = 0.5;
  return t;
}

int metric_warmup_days(std::string_view metric, const BaselineRules& rules) {
  const MetricEvidence ev = metric_evidence(metric, 10'000, 0);
  const auto window = static_cast<int>(ev.to - ev.from + 1);
  // Stocks and churn read all history: give them the time to fill up.
  return window > 9'000 ? rules.stock_warmup_days : window - 1;
}

double poisson_upper_tail(double k, double lambda) {
  if (k <= 0) return 1.0;
  if (lambda <= 0) return 0.0;
  // 1 − P(X ≤ k−1), summed in log space from the mode outwards is overkill here:
  // k and lambda are small (lambda < 30 by rule), so a direct sum is exact enough.
  double term = std::exp(-lambda), cdf = 0;
  const auto n = static_cast<long>(std::ceil(k));
  for (long i = 0; i < n; ++i) {
    cdf += term;
    term *= lambda / static_cast<double>(i + 1);
  }
  return std::clamp(1.0 - cdf, 0.0, 1.0);
}

double z_from_upper_tail(double p) {
  p = std::clamp(p, 1e-300, 1.0 - 1e-16);
  // Bisection on the normal upper tail 0.5·erfc(z/√2): monotone, exact to 1e-10.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-10; ++i) {
    const double mid = (lo + hi) / 2;
    if (0.5 * std::erfc(mid / std::sqrt(2.0)) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

namespace {

int weekday(DayNumber d) { return static_cast<int>(((d + 3) % 7 + 7) % 7); }  // 0 = Monday

// Per-weekday factor (weekday median ÷ overall median) over the profile
// window; 1 where it cannot be told.
std::vector<double> weekday_profile(const MetricValues& v, std::size_t i, DayNumber first_day, int days) {
  std::vector<double> all;
  std::vector<std::vector<double>> by_day(7);
  for (std::size_t j = i > static_cast<std::size_t>(days) ? i - static_cast<std::size_t>(days) : 0; j < i; ++j)
    if (v[j]) {
      all.push_back(*v[j]);
      by_day[static_cast<std::size_t>(weekday(first_day + static_cast<DayNumber>(j)))].push_back(*v[j]);
    }
  std::vector<double> factor(7, 1.0);
  if (all.size() < 21) return factor;
  const double overall = median(all);
  if (overall <= 0) return factor;
  for (std::size_t w = 0; w < 7; ++w)
    if (by_day[w].size() >= 3) factor[w] = std::max(median(by_day[w]) / overall, 0.05);
  return factor;
}

// The series with the metric's excluded days other than day i made null, so
// no history below sees them; empty when nothing is excluded.
MetricValues without_excluded(std::string_view metric, const MetricValues& v, std::size_t i, DayNumber first_day,
                              const BaselineRules& rules) {
  const auto it = rules.excluded_days.find(metric);
  if (it == rules.excluded_days.end() || i >= v.size()) return {};
  MetricValues out(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i + 1));  // score_day reads no further
  const DayNumber scored = first_day + static_cast<DayNumber>(i);
  for (const DayRange& r : it->second)
    for (DayNumber d = std::max(r.from, first_day); d <= r.to && d < scored; ++d)
      out[static_cast<std::size_t>(d - first_day)].reset();
  return out;
}

}  // namespace

std::optional<BaselineScore> score_day(std::string_view metric, const MetricValues& series, std::size_t i,
                                       DayNumber first_day, const BaselineRules& rules) {
  const MetricValues masked = without_excluded(metric, series, i, first_day, rules);
  const MetricValues& v = masked.empty() ? series : masked;
  if (i >= v.size() || !v[i]) return std::nullopt;
  const auto warmup = static_cast<std::size_t>(metric_warmup_days(metric, rules));
  if (i < warmup) return std::nullopt;
  const MetricTraits traits = metric_traits(metric);
  std::vector<double> factor(7, 1.0);
  if (traits.seasonal) factor = weekday_profile(v, i, first_day, rules.profile_days);
  auto f = [&](std::size_t j) { return factor[static_cast<std::size_t>(weekday(first_day + static_cast<DayNumber>(j)))]; };

  std::vector<double> adjusted;
  for (std::size_t j = std::max(warmup, i > static_cast<std::size_t>(rules.baseline_days) ? i - static_cast<std::size_t>(rules.baseline_days) : 0);
       j < i; ++j)
    if (v[j]) adjusted.push_back(*v[j] / f(j));
  if (static_cast<int>(adjusted.size()) < rules.min_history_days) return std::nullopt;

  BaselineScore s;
  s.value = *v[i];
  s.history = static_cast<int>(adjusted.size());
  s.seasonal = traits.seasonal && std::any_of(factor.begin(), factor.end(), [](double x) { return x != 1.0; });
  const double today = f(i);
  const double center = median(adjusted);
  s.baseline = center * today;
  double sigma = mad_sigma(adjusted);
  s.method = "mad";
  // Rolling and stock metrics move slowly, so 30 overlapping days can look
  // calmer than the metric really is: the scale is the larger of the MAD of
  // the baseline and of the longer history (rules.scale_days).
  if (!traits.seasonal) {
    std::vector<double> longer;
    for (std::size_t j = std::max(warmup, i > static_cast<std::size_t>(rules.scale_days) ? i - static_cast<std::size_t>(rules.scale_days) : 0);
         j < i; ++j)
      if (v[j]) longer.push_back(*v[j]);
    if (longer.size() > adjusted.size()) sigma = std::max(sigma, mad_sigma(longer));
  }
  if (sigma <= 0) {
    double mean_abs = 0;
    for (double x : adjusted) mean_abs += std::abs(x - center);
    mean_abs /= static_cast<double>(adjusted.size());
    sigma = 1.2533 * mean_abs;  // mean absolute deviation → sigma for Gaussian data
    s.method = "mean_abs_dev";
  }
  // A perfectly flat baseline has no scale of its own: borrow one from the
  // metric's unit, the baseline level and the day itself, so that leaving a
  // flat line scores at most z = 50 instead of infinity.
  const double floor =
      std::max({traits.min_abs_effect / 3.0, 0.05 * std::abs(center), 0.02 * std::abs(*v[i] / today), 1e-9});
  if (sigma < floor) {
    sigma = floor;
    s.method = "floor";
  }
  s.scale = sigma * today;
  s.z = (s.value - s.baseline) / s.scale;
  if (traits.count && s.baseline < rules.poisson_below) {
    // Small counts: how surprising is the count for a Poisson of the expected rate?
    const double lambda = std::max(s.baseline, 0.5);
    s.z = s.value >= lambda ? z_from_upper_tail(poisson_upper_tail(s.value, lambda))
                            : -z_from_upper_tail(1.0 - poisson_upper_tail(s.value + 1, lambda));
    s.method = "poisson";
  }
  const double effect = std::abs(s.value - s.baseline);
  const double relative = traits.relative_effect ? rules.min_relative_effect * std::abs(s.baseline) : 0.0;
  s.practical = effect >= std::max(traits.min_abs_effect, relative);
  return s;
}

}  // namespace bre
