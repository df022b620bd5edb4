// Customer health metrics: reviews, churn (cli.md §4a "Churn") and revenue
// concentration.
#include <map>
#include <set>

#include "state_frame.h"

namespace bre::state {

namespace {

constexpr DayNumber kNever = std::numeric_limits<DayNumber>::max() / 4;

// OLS slope of the non-null values over the trailing window; null with fewer than 3 points.
MetricValues trailing_slope(const MetricValues& v, int window) {
  MetricValues out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t j = i + 1 > static_cast<std::size_t>(window) ? i + 1 - static_cast<std::size_t>(window) : 0; j <= i; ++j) {
      if (!v[j]) continue;
      const double x = static_cast<double>(j), y = *v[j];
      n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    const double den = n * sxx - sx * sx;
    if (n >= 3 && den > 0) out[i] = (n * sxy - sx * sy) / den;
  }
  return out;
}

// Purchase-gap churn: after each purchase, the customer churns when the gap
// exceeds max(multiple × median of the gaps seen so far, floor), dated the day
// it is crossed — known on that day without looking ahead.
std::vector<DayNumber> gap_churns(std::vector<DayNumber> purchases, const StateWindows& w, DayNumber last_day) {
  std::sort(purchases.begin(), purchases.end());
  purchases.erase(std::unique(purchases.begin(), purchases.end()), purchases.end());
  std::vector<DayNumber> out, gaps;
  for (std::size_t k = 0; k < purchases.size(); ++k) {
    double limit = w.gap_floor_days;
    if (!gaps.empty()) {
      std::vector<DayNumber> g = gaps;
      std::nth_element(g.begin(), g.begin() + static_cast<long>(g.size() / 2), g.end());
      double median = static_cast<double>(g[g.size() / 2]);
      if (g.size() % 2 == 0) {
        const DayNumber lower = *std::max_element(g.begin(), g.begin() + static_cast<long>(g.size() / 2));
        median = (median + static_cast<double>(lower)) / 2;
      }
      limit = std::max(limit, w.gap_multiple * median);
    }
    const auto crossed = purchases[k] + static_cast<DayNumber>(std::floor(limit)) + 1;
    const DayNumber next = k + 1 < purchases.size() ? purchases[k + 1] : kNever;
    if (next > crossed && crossed <= last_day) out.push_back(crossed);
    if (k + 1 < purchases.size()) gaps.push_back(purchases[k + 1] - purchases[k]);
  }
  return out;
}

MetricValues churn_proxy(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w) {
  const DayNumber last = f.first + static_cast<DayNumber>(f.n) - 1;
  std::vector<double> churned = f.zeros(), active = f.zeros();
  for (const CustomerSummary& c : in.customers) {
    // A source that reports churn reports it for every customer it knows:
    // decided by the set of the customer's sources, never by which event
    // happens to come first (storage order is not input or time order).
    const bool reported = std::any_of(c.sources.begin(), c.sources.end(),
                                      [&](std::uint32_t s) { return s < in.churn_sources.size() && in.churn_sources[s]; });
    std::vector<DayNumber> churns = reported ? c.churns : gap_churns(c.purchases, w, last);
    std::sort(churns.begin(), churns.end());
    for (DayNumber d : churns) add_interval(churned, f, d, d + w.churn_days);
    // Active in the trailing window: an event in it, or known (created) and
    // not yet lost before the window began.
    std::vector<std::pair<DayNumber, DayNumber>> spans;
    // (a day's events are one span however many there were: the union is the same).
    for (DayNumber d : c.activity) spans.emplace_back(d, d + w.active_days);
    // Whoever counts as churned in the numerator's window is in the base too.
    for (DayNumber d : churns) spans.emplace_back(d, d + w.churn_days);
    if (c.created != kNoDay) {
      const DayNumber lost = churns.empty() ? kNever : churns.front() + w.active_days;
      spans.emplace_back(c.created, std::max(lost, c.created));
    }
    std::sort(spans.begin(), spans.end());
    DayNumber from = kNever, to = kNever;
    for (auto [a, b] : spans) {
      if (from != kNever && a <= to) {
        to = std::max(to, b);
        continue;
      }
      if (from != kNever) add_interval(active, f, from, to);
      from = a, to = b;
    }
    if (from != kNever) add_interval(active, f, from, to);
  }
  return ratio(running(churned), running(active));
}

// Share of the window's customer-attributed revenue paid by its top customers.
MetricValues concentration(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w) {
  std::vector<const std::vector<std::pair<std::uint32_t, double>>*> by_day(f.n);
  static const std::vector<std::pair<std::uint32_t, double>> kNone;
  for (std::size_t i = 0; i < f.n; ++i) {
    const DayTotals* t = in.days.find(f.first + static_cast<DayNumber>(i));
    by_day[i] = t ? &t->customer_payments : &kNone;
  }
  MetricValues out(f.n);
  std::map<std::uint32_t, double> window;
  std::vector<double> amounts;
  for (std::size_t i = 0; i < f.n; ++i) {
    for (auto [c, a] : *by_day[i]) window[c] += a;
    if (i >= static_cast<std::size_t>(w.concentration_days))
      for (auto [c, a] : *by_day[i - static_cast<std::size_t>(w.concentration_days)])
        if ((window[c] -= a) == 0) window.erase(c);
    amounts.clear();
    double total = 0;
    for (auto [c, a] : window)
      if (a > 0) amounts.push_back(a), total += a;
    if (total <= 0) continue;
    const auto top = static_cast<std::size_t>(std::ceil(w.top_customer_share * static_cast<double>(amounts.size())));
    std::partial_sort(amounts.begin(), amounts.begin() + static_cast<long>(top), amounts.end(), std::greater<>());
    double share = 0;
    for (std::size_t k = 0; k < top; ++k) share += amounts[k];
    out[i] = share / total;
  }
  return out;
}

}  // namespace

void customer_metrics(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w, Output& out) {
  const auto scores = per_day(in.days, f, [](const DayTotals& t) { return t.review_scores; });
  const auto reviews = per_day(in.days, f, [](const DayTotals& t) { return t.reviews; });
  MetricValues avg = ratio(rolling_sum(scores, w.ratio_days), rolling_sum(reviews, w.ratio_days));
  out.emplace_back("review_score_trend", trailing_slope(avg, w.trend_days));
  out.emplace_back("review_score_avg", std::move(avg));
  out.emplace_back("churn_proxy", churn_proxy(in, f, w));
  out.emplace_back("customer_concentration", concentration(in, f, w));
}

}  // namespace bre::state
