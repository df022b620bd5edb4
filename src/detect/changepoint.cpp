#include "bre/detect/changepoint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "bre/core/error.h"
#include "bre/detect/robust_stats.h"

namespace bre {
namespace {

// Prefix sums of x and x² over the series minus its lower median. Centring
// keeps Σx² − (Σx)²/n from cancelling catastrophically on large values, and
// the lower median is a data value, so adding a constant to the series
// changes no centred value (exactly, whenever x + c is exact).
class L2Cost {
 public:
  explicit L2Cost(std::span<const double> series) : sum_(series.size() + 1, 0), sum_sq_(series.size() + 1, 0) {
    std::vector<double> sorted(series.begin(), series.end());
    const auto mid = static_cast<std::ptrdiff_t>((sorted.size() - 1) / 2);
    std::nth_element(sorted.begin(), sorted.begin() + mid, sorted.end());
    const double centre = sorted[static_cast<std::size_t>(mid)];
    for (std::size_t i = 0; i < series.size(); ++i) {
      const double x = series[i] - centre;
      sum_[i + 1] = sum_[i] + x;
      sum_sq_[i + 1] = sum_sq_[i] + x * x;
    }
  }

  double operator()(std::size_t start, std::size_t end) const {
    const double s = sum_[end] - sum_[start];
    const double cost = (sum_sq_[end] - sum_sq_[start]) - s * s / static_cast<double>(end - start);
    return std::max(cost, 0.0);  // rounding can dip below the true value 0
  }

 private:
  std::vector<double> sum_;
  std::vector<double> sum_sq_;
};

void check_params(const PeltParams& p) {
  if (!(p.penalty >= 0) || !std::isfinite(p.penalty)) throw_usage("pelt: penalty must be a finite number ≥ 0");
  if (p.min_size == 0) throw_usage("pelt: min_size must be at least 1");
  if (p.jump == 0) throw_usage("pelt: jump must be at least 1");
}

// The points a segment may end at: multiples of jump that leave room for a
// first segment of min_size, then the series end (ruptures' grid).
std::vector<std::size_t> segment_ends(std::size_t n, const PeltParams& p) {
  std::vector<std::size_t> ends;
  for (std::size_t k = p.jump; k < n; k += p.jump) {
    if (k >= p.min_size) ends.push_back(k);
  }
  ends.push_back(n);
  return ends;
}

constexpr std::size_t kNotRetired = std::numeric_limits<std::size_t>::max();

struct Candidate {
  std::size_t start;
  // Set once pruned at time t: the candidate stays until t + min_size,
  // because the pruning argument needs t itself to be a usable start.
  std::size_t retire_at;
};

}  // namespace

double l2_segment_cost(std::span<const double> series, std::size_t start, std::size_t end) {
  if (start >= end || end > series.size()) throw_usage("l2_segment_cost: bad segment bounds");
  double mean = 0;
  for (std::size_t i = start; i < end; ++i) mean += series[i];
  mean /= static_cast<double>(end - start);
  double cost = 0;
  for (std::size_t i = start; i < end; ++i) cost += (series[i] - mean) * (series[i] - mean);
  return cost;
}

ChangePoints pelt(std::span<const double> series, const PeltParams& params) {
  check_params(params);
  require_finite(series, "pelt series");
  const std::size_t n = series.size();
  ChangePoints result;
  if (n == 0) return result;

  const L2Cost cost(series);
  constexpr double kUnreached = std::numeric_limits<double>::infinity();
  std::vector<double> best(n + 1, kUnreached);  // best[t]: optimal penalised cost of series[0, t)
  std::vector<std::size_t> last_start(n + 1, 0);
  best[0] = 0;

  const std::vector<std::size_t> ends = segment_ends(n, params);
  std::vector<Candidate> candidates;
  std::size_t next_start = 0;  // index into {0} ∪ ends of the next start to admit
  auto start_at = [&](std::size_t i) { return i == 0 ? std::size_t{0} : ends[i - 1]; };

  for (std::size_t t : ends) {
    // Admit every start that leaves a segment of at least min_size before t.
    while (next_start <= ends.size() && start_at(next_start) + params.min_size <= t) {
      const std::size_t s = start_at(next_start++);
      if (best[s] < kUnreached) candidates.push_back({s, kNotRetired});
    }
    // Candidates are in increasing start order; ties go to the earliest start, as in ruptures.
    for (const Candidate& c : candidates) {
      if (c.retire_at <= t) continue;
      const double total = best[c.start] + cost(c.start, t) + params.penalty;
      if (total < best[t]) {
        best[t] = total;
        last_start[t] = c.start;
      }
    }
    if (best[t] == kUnreached) continue;
    // PELT pruning (K = 0 holds for L2): a start s with best[s] + C(s, t) > best[t]
    // can never beat t as the last change at any later end ≥ t + min_size.
    for (Candidate& c : candidates) {
      if (c.retire_at == kNotRetired && best[c.start] + cost(c.start, t) > best[t]) c.retire_at = t + params.min_size;
    }
    std::erase_if(candidates, [&](const Candidate& c) { return c.retire_at <= t; });
  }

  if (best[n] == kUnreached) {  // too short for min_size: one segment
    best[n] = cost(0, n) + params.penalty;
    last_start[n] = 0;
  }
  result.penalised_cost = best[n];
  std::vector<std::size_t> bounds{n};
  for (std::size_t t = n; t > 0; t = last_start[t]) bounds.push_back(last_start[t]);
  std::reverse(bounds.begin(), bounds.end());
  for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
    MeanSegment segment{bounds[i], bounds[i + 1], 0};
    for (std::size_t k = segment.start; k < segment.end; ++k) segment.mean += series[k];
    segment.mean /= static_cast<double>(segment.end - segment.start);
    result.segments.push_back(segment);
    if (i > 0) result.indices.push_back(segment.start);
  }
  return result;
}

double default_pelt_penalty(std::span<const double> series, double beta) {
  if (series.size() < 2) return beta;
  double sigma = difference_noise_sigma(series);
  if (sigma == 0) {  // more than half the steps are flat: use the plain spread of the steps
    double sum_sq = 0;
    for (std::size_t i = 1; i < series.size(); ++i) sum_sq += (series[i] - series[i - 1]) * (series[i] - series[i - 1]);
    sigma = std::sqrt(sum_sq / static_cast<double>(series.size() - 1) / 2);
  }
  if (sigma == 0) sigma = 1;  // a constant series: any positive penalty keeps it whole
  return beta * sigma * sigma * std::log(static_cast<double>(series.size()));
}

}  // namespace bre
