// Shared by the state builder's files: the day frame and rolling-window helpers.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "state_data.h"

namespace bre::state {

// Day d of the frame is index d - first.
struct Frame {
  DayNumber first = 0;
  std::size_t n = 0;
  bool contains(DayNumber d) const { return d >= first && d < first + static_cast<DayNumber>(n); }
  std::size_t at(DayNumber d) const { return static_cast<std::size_t>(d - first); }
  std::vector<double> zeros() const { return std::vector<double>(n, 0.0); }
};

// Sum over the trailing `w` days, today included.
inline std::vector<double> rolling_sum(const std::vector<double>& v, int w) {
  std::vector<double> out(v.size(), 0.0);
  double acc = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    acc += v[i];
    if (i >= static_cast<std::size_t>(w)) acc -= v[i - static_cast<std::size_t>(w)];
    out[i] = acc;
  }
  return out;
}

// num / den, null where den is 0 (an undefined ratio is not 0).
inline MetricValues ratio(const std::vector<double>& num, const std::vector<double>& den) {
  MetricValues out(num.size());
  for (std::size_t i = 0; i < num.size(); ++i)
    if (den[i] != 0) out[i] = num[i] / den[i];
  return out;
}

inline MetricValues plain(const std::vector<double>& v, double scale = 1.0) {
  MetricValues out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i] / scale;
  return out;
}

// +1 on days [from, to) of the frame (clipped), via a difference array.
inline void add_interval(std::vector<double>& diff, const Frame& f, DayNumber from, DayNumber to) {
  from = std::max(from, f.first);
  to = std::min(to, f.first + static_cast<DayNumber>(f.n));
  if (from >= to) return;
  diff[f.at(from)] += 1;
  if (f.contains(to)) diff[f.at(to)] -= 1;
}

inline std::vector<double> running(const std::vector<double>& diff) {
  std::vector<double> out(diff.size());
  double acc = 0;
  for (std::size_t i = 0; i < diff.size(); ++i) out[i] = acc += diff[i];
  return out;
}

// The sum of one day's measured values (hours, days late, days to pay),
// added in ascending order: floating-point addition is not associative, so a
// fixed order makes the same events ingested in any order give the same bits
// (property-tested).
inline double ordered_sum(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  return sum;
}

// One number per frame day, read off each day's totals (0 on days without events).
template <class Read>
std::vector<double> per_day(const DayTable& days, const Frame& f, Read read) {
  std::vector<double> out(f.n, 0.0);
  for (std::size_t i = 0; i < f.n; ++i)
    if (const DayTotals* t = days.find(f.first + static_cast<DayNumber>(i))) out[i] = read(*t);
  return out;
}

using Output = std::vector<std::pair<std::string_view, MetricValues>>;

void financial_metrics(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w, Output& out);
void operational_metrics(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w, Output& out);
void customer_metrics(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w, Output& out);

}  // namespace bre::state
