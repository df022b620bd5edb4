#include "bre/detect/baseline_score.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "bre/detect/robust_stats.h"
#include "bre/detect/score_memo.h"

namespace bre {

MetricTraits metric_traits(std::string_view m) {
  MetricTraits t;
  const bool flow = m == "daily_revenue" || m == "daily_expenses" || m == "daily_refunds" || m == "order_volume" ||
                    m == "delivery_count" || m == "late_delivery_count" || m == "ticket_volume" ||
                    m == "ticket_close_volume";
  t.seasonal = flow;
  t.money_flow = m == "daily_revenue" || m == "daily_expenses" || m == "daily_refunds";
  t.day_mean = m == "avg_resolution_time" || m == "avg_delivery_delay_days" || m == "supplier_delay_severity";
  // Only daily flows are counts of independent arrivals; a backlog is a queue
  // whose day-to-day values are far more dispersed than a Poisson count.
  t.count = m == "order_volume" || m == "delivery_count" || m == "late_delivery_count" || m == "ticket_volume" ||
            m == "ticket_close_volume";
  t.trending_stock = m == "ar_aging_amount" || m == "ar_overdue_count";
  t.queue = m == "ticket_backlog" || m == "fulfillment_backlog";
  t.fill_days = m == "churn_proxy" ? 30 : t.trending_stock ? 14 : 0;
  t.sustained = flow || t.queue || m == "supplier_delay_severity" ||
                m == "avg_resolution_time" || m == "avg_delivery_delay_days";
  if (m.find("rate") != std::string_view::npos || m == "expense_ratio" || m == "margin_proxy" || m == "churn_proxy" ||
      m == "customer_concentration")
    t.min_abs_effect = 0.01;
  else if (t.count || m == "ar_overdue_count") t.min_abs_effect = 3;
  else if (t.queue) t.min_abs_effect = 2;
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
  MetricValues out(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i + 1));  // scoring reads no further
  const DayNumber scored = first_day + static_cast<DayNumber>(i);
  for (const DayRange& r : it->second)
    for (DayNumber d = std::max(r.from, first_day); d <= r.to && d < scored; ++d)
      out[static_cast<std::size_t>(d - first_day)].reset();
  return out;
}

// Sigma of the baseline values around their centre: the MAD, else the scaled
// mean absolute deviation; never below a floor borrowed from the metric's unit,
// the baseline level and the day itself, so that leaving a flat line scores at
// most z = 50 instead of infinity.
std::pair<double, const char*> robust_sigma(const std::vector<double>& values, double center, double floor,
                                            double tail_quantile) {
  double sigma = mad_sigma(values);
  const char* method = "mad";
  if (tail_quantile > 0)
    if (const double tail = tail_sigma(values, tail_quantile); tail > sigma) sigma = tail, method = "tail";
  if (sigma <= 0) {
    double mean_abs = 0;
    for (double x : values) mean_abs += std::abs(x - center);
    sigma = 1.2533 * mean_abs / static_cast<double>(values.size());  // mean absolute deviation → sigma for Gaussian data
    method = "mean_abs_dev";
  }
  if (sigma < floor) return {floor, "floor"};
  return {sigma, method};
}

// The first day scored: after the metric's own warm-up and, for a metric that
// fills up only once its events start (churn, overdue receivables), after
// fill_days past its first non-zero value.
std::optional<std::size_t> first_scored_day(std::string_view metric, const MetricValues& v, std::size_t i,
                                            const MetricTraits& traits, const BaselineRules& rules) {
  // A trending stock is scored by its changes, so it needs only its own
  // fill-up, not the level warm-up of stocks.
  auto warmup = traits.trending_stock ? std::size_t{0} : static_cast<std::size_t>(metric_warmup_days(metric, rules));
  if (traits.fill_days > 0) {
    std::size_t first = 0;
    while (first <= i && !(v[first] && *v[first] != 0)) ++first;
    if (first > i) return std::nullopt;
    warmup = std::max(warmup, first + static_cast<std::size_t>(traits.fill_days));
  }
  if (i < warmup) return std::nullopt;
  return warmup;
}

std::size_t window_begin(std::size_t i, int days, std::size_t not_before) {
  const auto d = static_cast<std::size_t>(days);
  return std::max(not_before, i > d ? i - d : 0);
}

// A trending stock: today's change over change_days against the changes of
// the longer history (scale_days), so growth is expected and a jump is not.
// Changes are relative (log ratios): a stock twice as large moves twice as
// much in money, so its swings are compared in proportion.
std::optional<BaselineScore> score_change(const MetricValues& v, std::size_t i, std::size_t warmup,
                                          const MetricTraits& traits, const BaselineRules& rules) {
  const auto lag = static_cast<std::size_t>(rules.change_days);
  auto positive = [&](std::size_t j) { return v[j] && *v[j] > 0; };
  if (i < warmup + lag || !positive(i) || !positive(i - lag)) return std::nullopt;
  std::vector<double> changes;
  for (std::size_t j = window_begin(i, rules.scale_days, warmup + lag); j < i; ++j)
    if (positive(j) && positive(j - lag)) changes.push_back(std::log(*v[j] / *v[j - lag]));
  if (static_cast<int>(changes.size()) < rules.min_history_days) return std::nullopt;
  BaselineScore s;
  s.value = *v[i];
  s.history = static_cast<int>(changes.size());
  const double center = median(changes);
  s.baseline = *v[i - lag] * std::exp(center);
  // The floor ties the scale to the minimum practical effect: a change the
  // size of that effect scores z = 3 at most (lumpy stocks sit flat for weeks).
  const double floor = std::log1p(std::max(rules.min_relative_effect, traits.min_abs_effect / *v[i - lag])) / 3.0;
  const auto [sigma, method] = robust_sigma(changes, center, floor, rules.tail_quantile);
  s.method = std::string(method) + "_log_change";
  s.z = (std::log(s.value / *v[i - lag]) - center) / sigma;
  s.scale = (s.value - s.baseline) / (s.z == 0 ? 1 : s.z);  // the money per unit of z at today's change
  return s;
}

// A level: today against the median of the trailing baseline_days, flows
// after dividing out the weekday profile.
std::optional<BaselineScore> score_level(const MetricValues& v, std::size_t i, std::size_t warmup, DayNumber first_day,
                                         const MetricTraits& traits, const BaselineRules& rules) {
  std::vector<double> factor(7, 1.0);
  if (traits.seasonal) factor = weekday_profile(v, i, first_day, rules.profile_days);
  auto f = [&](std::size_t j) { return factor[static_cast<std::size_t>(weekday(first_day + static_cast<DayNumber>(j)))]; };

  std::vector<double> adjusted;
  for (std::size_t j = window_begin(i, rules.baseline_days, warmup); j < i; ++j)
    if (v[j]) adjusted.push_back(*v[j] / f(j));
  if (static_cast<int>(adjusted.size()) < rules.min_history_days) return std::nullopt;

  BaselineScore s;
  s.value = *v[i];
  s.history = static_cast<int>(adjusted.size());
  s.seasonal = traits.seasonal && std::any_of(factor.begin(), factor.end(), [](double x) { return x != 1.0; });
  const double today = f(i);
  const double center = median(adjusted);
  s.baseline = center * today;
  const double floor =
      std::max({traits.min_abs_effect / 3.0, 0.05 * std::abs(center), 0.02 * std::abs(*v[i] / today), 1e-9});
  // The tail is read on the longer history below, where a few days of the
  // anomaly being scored are too small a share to set the scale.
  auto [sigma, method] = robust_sigma(adjusted, center, floor, 0);
  // Rolling and stock metrics move slowly, so 30 overlapping days can look
  // calmer than the metric really is, and lumpy metrics have tails the MAD
  // does not see: the scale is the largest of the MAD of the baseline and the
  // MAD and tail sigma of the longer history (rules.scale_days).
  std::vector<double> longer;
  for (std::size_t j = window_begin(i, rules.scale_days, warmup); j < i; ++j)
    if (v[j]) longer.push_back(*v[j] / f(j));
  if (longer.size() >= adjusted.size()) {
    if (const double mad = mad_sigma(longer); mad > sigma) sigma = mad, method = "mad";
    if (rules.tail_quantile > 0)
      if (const double tail = tail_sigma(longer, rules.tail_quantile); tail > sigma) sigma = tail, method = "tail";
  }
  s.method = method;
  s.scale = sigma * today;
  s.z = (s.value - s.baseline) / s.scale;
  if (traits.count && s.baseline < rules.poisson_below) {
    // Small counts: how surprising is the count for a Poisson of the expected rate?
    const double lambda = std::max(s.baseline, 0.5);
    s.z = s.value >= lambda ? z_from_upper_tail(poisson_upper_tail(s.value, lambda))
                            : -z_from_upper_tail(1.0 - poisson_upper_tail(s.value + 1, lambda));
    s.method = "poisson";
  }
  return s;
}

}  // namespace

namespace {

std::optional<BaselineScore> sustained_score(std::string_view metric, const MetricValues& series, std::size_t i,
                                             DayNumber first_day, const BaselineRules& rules) {
  const MetricValues masked = without_excluded(metric, series, i, first_day, rules);
  const MetricValues& v = masked.empty() ? series : masked;
  const MetricTraits traits = metric_traits(metric);
  const auto span = static_cast<std::size_t>(rules.sustained_days);
  if (!traits.sustained || span < 2 || i >= v.size() || !v[i]) return std::nullopt;
  const auto warmup = first_scored_day(metric, v, i, traits, rules);
  if (!warmup || i + 1 < *warmup + span) return std::nullopt;
  std::vector<double> factor(7, 1.0);
  if (traits.seasonal) factor = weekday_profile(v, i, first_day, rules.profile_days);
  auto f = [&](std::size_t j) { return factor[static_cast<std::size_t>(weekday(first_day + static_cast<DayNumber>(j)))]; };
  // The mean of the adjusted values of the span ending on day `end`, when at least half are defined.
  auto span_mean = [&](std::size_t end) -> std::optional<double> {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t j = end + 1 - span; j <= end; ++j)
      if (v[j]) sum += *v[j] / f(j), ++n;
    if (2 * n < span) return std::nullopt;
    return sum / static_cast<double>(n);
  };
  const auto now = span_mean(i);
  if (!now) return std::nullopt;
  std::vector<double> earlier;  // spans that end before this one starts
  for (std::size_t end = window_begin(i, rules.scale_days, *warmup) + span - 1; end + span <= i; ++end)
    if (auto m = span_mean(end)) earlier.push_back(*m);
  if (static_cast<int>(earlier.size()) < rules.min_history_days) return std::nullopt;

  BaselineScore s;
  s.span = static_cast<int>(span);
  s.value = *now;
  s.history = static_cast<int>(earlier.size());
  s.seasonal = traits.seasonal && std::any_of(factor.begin(), factor.end(), [](double x) { return x != 1.0; });
  const double center = median(earlier);
  s.baseline = center;
  const double floor = std::max({traits.min_abs_effect / 3.0 / std::sqrt(static_cast<double>(span)),
                                 0.05 * std::abs(center), 1e-9});
  const auto [sigma, method] = robust_sigma(earlier, center, floor, rules.tail_quantile);
  s.scale = sigma;
  s.z = (s.value - center) / sigma;
  s.method = std::string(method) + "_" + std::to_string(span) + "d";
  double effect_floor = traits.min_abs_effect;
  if (traits.count && center * static_cast<double>(span) < rules.poisson_below) {
    // Small counts: the span's total against a Poisson of its expected total.
    double observed = 0, expected = 0;
    for (std::size_t j = i + 1 - span; j <= i; ++j)
      if (v[j]) observed += *v[j], expected += center * f(j);
    const double lambda = std::max(expected, 0.5);
    s.z = observed >= lambda ? z_from_upper_tail(poisson_upper_tail(observed, lambda))
                             : -z_from_upper_tail(1.0 - poisson_upper_tail(observed + 1, lambda));
    s.method = "poisson_" + std::to_string(span) + "d";
    effect_floor /= static_cast<double>(span);  // counts: the minimum effect applies to the span's total
  }
  const double relative = traits.relative_effect ? rules.min_relative_effect * std::abs(center) : 0.0;
  s.practical = std::abs(s.value - center) >= std::max(effect_floor, relative);
  return s;
}

std::optional<BaselineScore> day_score(std::string_view metric, const MetricValues& series, std::size_t i,
                                       DayNumber first_day, const BaselineRules& rules) {
  const MetricValues masked = without_excluded(metric, series, i, first_day, rules);
  const MetricValues& v = masked.empty() ? series : masked;
  if (i >= v.size() || !v[i]) return std::nullopt;
  const MetricTraits traits = metric_traits(metric);
  const auto warmup = first_scored_day(metric, v, i, traits, rules);
  if (!warmup) return std::nullopt;
  auto s = traits.trending_stock ? score_change(v, i, *warmup, traits, rules)
                                 : score_level(v, i, *warmup, first_day, traits, rules);
  if (!s) return std::nullopt;
  const double effect = std::abs(s->value - s->baseline);
  const double relative = traits.relative_effect ? rules.min_relative_effect * std::abs(s->baseline) : 0.0;
  s->practical = effect >= std::max(traits.min_abs_effect, relative);
  return s;
}

// The slot's score when the memo has one, else score(), remembered in the
// slot (null: no memo for this series).
std::optional<BaselineScore> through_memo(ScoreMemo::Slot* slot, const auto& score) {
  if (!slot) return score();
  if (!slot->known) slot->score = score(), slot->known = true;
  return slot->score;
}

}  // namespace

std::optional<BaselineScore> score_day(std::string_view metric, const MetricValues& series, std::size_t i,
                                       DayNumber first_day, const BaselineRules& rules) {
  return through_memo(rules.memo ? rules.memo->day_slot(metric, series, i, first_day, rules) : nullptr,
                      [&] { return day_score(metric, series, i, first_day, rules); });
}

std::optional<BaselineScore> score_sustained(std::string_view metric, const MetricValues& series, std::size_t i,
                                             DayNumber first_day, const BaselineRules& rules) {
  return through_memo(rules.memo ? rules.memo->sustained_slot(metric, series, i, first_day, rules) : nullptr,
                      [&] { return sustained_score(metric, series, i, first_day, rules); });
}

}  // namespace bre
