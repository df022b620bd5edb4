#include "bre/detect/robust_stats.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "bre/core/error.h"

namespace bre {

double median(std::span<const double> values) {
  if (values.empty()) throw_usage("the median of no values is undefined");
  std::vector<double> v(values.begin(), values.end());
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;
}

namespace {

// |x − median| for every value: what the MAD and the tail scale rank.
std::vector<double> deviations_from_median(std::span<const double> values) {
  const double centre = median(values);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double x : values) deviations.push_back(std::fabs(x - centre));
  return deviations;
}

}  // namespace

double mad_sigma(std::span<const double> values) {
  // 1 / Φ⁻¹(3/4): makes the MAD a consistent estimator of σ for Gaussian data.
  constexpr double kGaussianConsistency = 1.4826;
  return kGaussianConsistency * median(deviations_from_median(values));
}

double tail_sigma(std::span<const double> values, double q) {
  // The quantile must leave at least two values above it, or the very
  // outliers being scored would set the scale.
  if (static_cast<double>(values.size()) * (1 - q) < 2 - 1e-9) return 0;
  std::vector<double> deviations = deviations_from_median(values);
  const auto k = std::min(deviations.size() - 1, static_cast<std::size_t>(q * static_cast<double>(deviations.size())));
  std::nth_element(deviations.begin(), deviations.begin() + static_cast<std::ptrdiff_t>(k), deviations.end());
  // P(|Z| ≤ z) = q  ⇔  z = √2 · erf⁻¹(q); found by bisection on erf.
  double lo = 0, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erf(mid / std::sqrt(2.0)) < q ? lo : hi) = mid;
  }
  return deviations[k] / ((lo + hi) / 2);
}

double difference_noise_sigma(std::span<const double> series) {
  if (series.size() < 3) return 0;
  std::vector<double> diffs;
  diffs.reserve(series.size() - 1);
  for (std::size_t i = 1; i < series.size(); ++i) diffs.push_back(series[i] - series[i - 1]);
  return mad_sigma(diffs) / std::sqrt(2.0);
}

void require_finite(std::span<const double> values, const char* what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(ErrorKind::data_invalid, "INPUT_INVALID",
                  std::string(what) + " holds a value that is not a finite number", "index " + std::to_string(i));
    }
  }
}

}  // namespace bre
