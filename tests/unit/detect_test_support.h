// Shared helpers for the detection tests: seeded Gaussian noise and rank correlation.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "bre/detect/seeded_random.h"
#include "bre/state/daily_metrics.h"

namespace bre::test {

// n draws of N(mean, sd²) by Box-Muller over the platform-independent uniforms.
inline std::vector<double> gaussian_noise(std::size_t n, std::uint64_t seed, double mean = 0, double sd = 1) {
  SeededRandom random(seed);
  std::vector<double> out;
  out.reserve(n);
  while (out.size() < n) {
    const double u = 1 - random.uniform();  // in (0, 1], so the log is finite
    const double v = random.uniform();
    out.push_back(mean + sd * std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v));
  }
  return out;
}

// Ranks 0..n−1 (ties broken by position; the tests score continuous values).
inline std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size(); ++i) r[order[i]] = static_cast<double>(i);
  return r;
}

inline double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  double d2 = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
  return 1 - 6 * d2 / (n * (n * n - 1));
}

// A metric of the synthetic operations series: Gaussian noise around a mean.
struct NoisyMetric {
  const char* name;
  double mean, sd;
};
// A fault: `add` on days from..to (indices, inclusive) of one metric.
struct MetricFault {
  std::string metric;
  std::size_t from, to;
  double add;
};

// `days` days of the given metrics from 2026-01-01, clipped at 0, faults
// added: the inputs of the RCA and postmortem tests.
inline DailyMetrics noisy_metrics(const std::vector<NoisyMetric>& metrics, const std::vector<MetricFault>& faults,
                                  std::uint64_t seed, std::size_t days = 100) {
  DailyMetrics m;
  m.first_day = 20454;  // 2026-01-01
  m.days = days;
  std::uint64_t s = seed;
  for (const NoisyMetric& b : metrics) {
    m.names.push_back(b.name);
    MetricValues v;
    for (double x : gaussian_noise(m.days, s++, b.mean, b.sd)) v.push_back(std::max(0.0, x));
    for (const MetricFault& f : faults)
      if (f.metric == b.name)
        for (std::size_t i = f.from; i <= f.to; ++i) *v[i] += f.add;
    m.values.push_back(std::move(v));
  }
  return m;
}

}  // namespace bre::test
