// Customer health metrics: reviews, churn (cli.md §4a "Churn") and revenue
// concentration.
#include <map>
#include <set>

#include "state_frame.h"

namespace bre::state {

namespace {

constexpr DayNumber kNever = std::numeric_limits<DayNumber>::max() / 4;

bool is_purchase(EventType t) { return t == EventType::order_placed || t == EventType::payment_received; }

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

struct CustomerHistory {
  DayNumber created = kNever;
  std::vector<DayNumber> activity;   // any event linked to the customer
  std::vector<DayNumber> purchases;  // order_placed, payment_received
  std::vector<DayNumber> churns;     // explicit customer_churned
  std::set<std::uint32_t> sources;   // of all the customer's events
};

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

MetricValues churn_proxy(const MetricEvents& in, const Frame& f, const StateWindows& w) {
  std::map<std::uint32_t, CustomerHistory> customers;
  std::set<std::uint32_t> sources_with_churn_events;
  for (const MetricEvent& e : in.events) {
    if (e.customer == kNoId) continue;
    CustomerHistory& c = customers[e.customer];
    c.activity.push_back(e.day);
    c.sources.insert(e.source);
    if (e.type == EventType::customer_created) c.created = std::min(c.created, e.day);
    if (is_purchase(e.type)) c.purchases.push_back(e.day);
    if (e.type == EventType::customer_churned) {
      c.churns.push_back(e.day);
      sources_with_churn_events.insert(e.source);
    }
  }
  const DayNumber last = f.first + static_cast<DayNumber>(f.n) - 1;
  std::vector<double> churned = f.zeros(), active = f.zeros();
  for (auto& [id, c] : customers) {
    // A source that reports churn reports it for every customer it knows:
    // decided by the set of the customer's sources, never by which event
    // happens to come first (storage order is not input or time order).
    const bool reported = std::any_of(c.sources.begin(), c.sources.end(),
                                      [&](std::uint32_t s) { return sources_with_churn_events.count(s) > 0; });
    std::vector<DayNumber> churns = reported ? c.churns : gap_churns(c.purchases, w, last);
    std::sort(churns.begin(), churns.end());
    for (DayNumber d : churns) add_interval(churned, f, d, d + w.churn_days);
    // Active in the trailing window: an event in it, or known (created) and
    // not yet lost before the window began.
    std::vector<std::pair<DayNumber, DayNumber>> spans;
    for (DayNumber d : c.activity) spans.emplace_back(d, d + w.active_days);
    // Whoever counts as churned in the numerator's window is in the base too.
    for (DayNumber d : churns) spans.emplace_back(d, d + w.churn_days);
    if (c.created != kNever) {
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
MetricValues concentration(const MetricEvents& in, const Frame& f, const StateWindows& w) {
  std::vector<std::vector<std::pair<std::uint32_t, double>>> by_day(f.n);
  for (const MetricEvent& e : in.events)
    if (e.type == EventType::payment_received && e.customer != kNoId && f.contains(e.day))
      by_day[f.at(e.day)].emplace_back(e.customer, static_cast<double>(e.amount_minor));
  MetricValues out(f.n);
  std::map<std::uint32_t, double> window;
  std::vector<double> amounts;
  for (std::size_t i = 0; i < f.n; ++i) {
    for (auto [c, a] : by_day[i]) window[c] += a;
    if (i >= static_cast<std::size_t>(w.concentration_days))
      for (auto [c, a] : by_day[i - static_cast<std::size_t>(w.concentration_days)])
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

void customer_metrics(const MetricEvents& in, const Frame& f, const StateWindows& w, Output& out) {
  std::vector<double> scores = f.zeros(), reviews = f.zeros();
  for (const MetricEvent& e : in.events)
    if (e.type == EventType::review_submitted && f.contains(e.day) && !std::isnan(e.value))
      scores[f.at(e.day)] += e.value, reviews[f.at(e.day)] += 1;
  MetricValues avg = ratio(rolling_sum(scores, w.ratio_days), rolling_sum(reviews, w.ratio_days));
  out.emplace_back("review_score_trend", trailing_slope(avg, w.trend_days));
  out.emplace_back("review_score_avg", std::move(avg));
  out.emplace_back("churn_proxy", churn_proxy(in, f, w));
  out.emplace_back("customer_concentration", concentration(in, f, w));
}

}  // namespace bre::state
