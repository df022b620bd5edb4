#include "bre/eval/nab_detectors.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "bre/core/error.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/isolation_forest.h"
#include "bre/detect/robust_stats.h"

namespace bre::nab {

const std::vector<std::string>& stream_detector_names() {
  static const std::vector<std::string> names{"bre_robust_z", "bre_iforest", "bre_bocpd", "bre_range", "bre_fused"};
  return names;
}

namespace {

// z in [0, ∞) squashed into [0, 1): the anomaly likelihood models raw scores
// as roughly Gaussian, which one unbounded z of 10⁶ on a flat series would
// wreck for the rest of the file.
double squash(double z) { return z / (z + 4.0); }

// Rows between recomputations of the trailing median and MAD: a window of
// hundreds of rows barely moves in a few rows, and recomputing every row
// would cost most of the run time.
constexpr std::size_t kRobustStride = 4;

// −log10 P(Z ≥ z) mapped monotonically into [0, 1): 10⁻¹⁰ → 0.5. No
// clamping, so rows far out in the tail still rank above each other (NuPIC's
// log scale stops at 10⁻¹⁰, and a threshold cannot separate ties at 1).
double surprise_score(double z) {
  double log10_tail;
  if (z < 30) {
    log10_tail = std::log10(0.5 * std::erfc(z / std::sqrt(2.0)));
  } else {  // erfc underflows: the Mills-ratio asymptote φ(z)/z
    log10_tail = (-z * z / 2 - std::log(z * std::sqrt(2 * 3.141592653589793))) / std::log(10.0);
  }
  const double x = std::max(0.0, -log10_tail);
  return x / (x + 10);
}

}  // namespace

RawScores robust_z_raw(std::span<const double> values, const StreamParams& params) {
  constexpr std::size_t kMinHistory = 10;
  RawScores out{std::vector<double>(values.size(), 0.0), kMinHistory};
  std::vector<double>& raw = out.values;
  double centre = 0, sigma = 0;
  for (std::size_t i = kMinHistory; i < values.size(); ++i) {
    if ((i - kMinHistory) % kRobustStride == 0) {
      const std::size_t from = i > params.robust_window ? i - params.robust_window : 0;
      const auto window = values.subspan(from, i - from);  // the rows before i only
      centre = median(window);
      sigma = mad_sigma(window);
      // More than half the window equal (a flat or stepwise series): the
      // tail sigma, then a floor relative to the level, so the first change
      // is very unusual but finite.
      if (sigma == 0) sigma = tail_sigma(window, 0.95);
      if (sigma == 0) sigma = 1e-3 * std::max(std::fabs(centre), 1.0);
    }
    raw[i] = squash(std::fabs(values[i] - centre) / sigma);
  }
  return out;
}

namespace {

// A row's lag features: the value, its last two changes and its distance
// from the mean of the 8 rows before it; trees split on order, so no scaling.
constexpr std::size_t kLags = 8;
std::vector<double> lag_features(std::span<const double> v, std::size_t i) {
  double mean = 0;
  for (std::size_t k = 1; k <= kLags; ++k) mean += v[i - k];
  mean /= kLags;
  return {v[i], v[i] - v[i - 1], v[i - 1] - v[i - 2], v[i] - mean};
}

}  // namespace

RawScores forest_raw(std::span<const double> values, std::size_t probation, const StreamParams& params) {
  // The first fit uses half the probationary rows (at least 64 feature rows),
  // so the likelihood has the other half to learn what its scores look like.
  const std::size_t first_fit = std::max<std::size_t>(kLags + 64, std::min(probation / 2, params.forest_window));
  RawScores out{std::vector<double>(values.size(), 0.0), first_fit};
  std::vector<double>& raw = out.values;
  if (values.size() <= first_fit) return out;
  std::vector<std::vector<double>> features(values.size());
  for (std::size_t i = kLags; i < values.size(); ++i) features[i] = lag_features(values, i);
  IsolationForestParams fp;
  fp.n_estimators = params.forest_trees;
  fp.seed = params.forest_seed;
  std::optional<IsolationForest> forest;
  std::size_t next_fit = first_fit;
  for (std::size_t i = first_fit; i < values.size(); ++i) {
    if (i == next_fit) {  // fit on the feature rows before i
      const std::size_t from = std::max(kLags, i > params.forest_window ? i - params.forest_window : 0);
      const std::vector<std::vector<double>> rows(features.begin() + static_cast<std::ptrdiff_t>(from),
                                                  features.begin() + static_cast<std::ptrdiff_t>(i));
      forest = IsolationForest::fit(rows, fp);
      next_fit = i + params.forest_refit;
    }
    // s(x) is about 0.5 for ordinary rows; what lies above is the signal.
    raw[i] = std::max(0.0, forest->score(features[i]) - 0.5) * 2;
  }
  return out;
}

RawScores changepoint_raw(std::span<const double> values, std::size_t probation, const StreamParams& params) {
  // A weak prior (prior_from_baseline, as bre's layer 3) from the
  // probationary rows, which NAB lets a detector learn from; they are then
  // observed too, so scoring starts from a settled run-length posterior.
  BocpdParams bp;
  const std::size_t learn = std::min(std::max<std::size_t>(probation, bp.prior_baseline), values.size());
  RawScores out{std::vector<double>(values.size(), 0.0), learn};
  std::vector<double>& raw = out.values;
  if (learn < 3) return out;
  bp.hazard_lambda = params.bocpd_hazard;
  bp.max_run_length = params.bocpd_max_run;
  bp.window = params.bocpd_window;
  Bocpd detector(prior_from_baseline(values.first(learn)), bp);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const BocpdStep step = detector.observe(values[i]);
    if (i >= learn) raw[i] = step.change_probability;
  }
  return out;
}

std::vector<double> anomaly_likelihood(const RawScores& scores, std::size_t probation, const StreamParams& params) {
  const std::vector<double>& raw = scores.values;
  std::vector<double> out(raw.size(), 0.0);
  const std::size_t shortn = std::max<std::size_t>(params.likelihood_short, 1);
  // The short-term mean of the raw scores, row by row.
  std::vector<double> averaged(raw.size(), 0.0);
  double running = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    running += raw[i];
    if (i >= shortn) running -= raw[i - shortn];
    averaged[i] = running / static_cast<double>(std::min(i + 1, shortn));
  }
  // The long-term distribution starts when the layer's scores do, and no
  // earlier than half way through the probationary rows; it needs a few
  // dozen rows before it means anything.
  constexpr std::size_t kMinHistory = 20;
  const std::size_t history_start = std::max(probation / 2, scores.warmup);
  const std::size_t first = std::max(probation, history_start + std::max(kMinHistory, 2 * shortn));
  double mean = 0, sd = 1;
  for (std::size_t i = first; i < raw.size(); ++i) {
    if ((i - first) % params.likelihood_reestimate == 0) {
      const std::size_t from = std::max(history_start, i > params.likelihood_history ? i - params.likelihood_history : 0);
      double sum = 0, sum_sq = 0;
      for (std::size_t j = from; j < i; ++j) sum += averaged[j], sum_sq += averaged[j] * averaged[j];
      const double n = static_cast<double>(i - from);
      mean = sum / n;
      const double variance = std::max(0.0, sum_sq / n - mean * mean);
      // NuPIC's lower bounds: nearly constant raw scores must not make every
      // small wobble a certainty.
      mean = std::max(mean, 0.03);
      sd = std::sqrt(std::max(variance, 0.0003));
    }
    out[i] = surprise_score((averaged[i] - mean) / sd);
  }
  return out;
}

std::vector<bool> range_breaks(std::span<const double> values, const StreamParams& params) {
  std::vector<bool> out(values.size(), false);
  if (params.range_tolerance <= 0 || values.empty()) return out;
  double low = values[0], high = values[0];
  for (std::size_t i = 1; i < values.size(); ++i) {
    const double margin = params.range_tolerance * (high - low);
    if (high > low && (values[i] > high + margin || values[i] < low - margin)) out[i] = true;
    low = std::min(low, values[i]);
    high = std::max(high, values[i]);
  }
  return out;
}

std::vector<double> suppress_repeats(std::span<const double> scores, const StreamParams& params) {
  std::vector<double> out(scores.begin(), scores.end());
  std::deque<std::size_t> recent;  // indices of a decreasing run of maxima over the last suppress_rows rows
  for (std::size_t i = 0; i < scores.size(); ++i) {
    while (!recent.empty() && recent.front() + params.suppress_rows < i) recent.pop_front();
    if (!recent.empty() && scores[recent.front()] >= scores[i]) out[i] = scores[i] * params.suppress_factor;
    while (!recent.empty() && scores[recent.back()] <= scores[i]) recent.pop_back();
    recent.push_back(i);
  }
  return out;
}

std::vector<std::vector<double>> run_stream_detectors(const std::vector<std::string>& names,
                                                      std::span<const double> values, std::size_t probation,
                                                      const StreamParams& params) {
  const auto wants = [&](const std::string& layer) {
    return std::find(names.begin(), names.end(), layer) != names.end() ||
           std::find(names.begin(), names.end(), "bre_fused") != names.end();
  };
  for (const std::string& n : names)
    if (std::find(stream_detector_names().begin(), stream_detector_names().end(), n) == stream_detector_names().end())
      throw_usage("unknown NAB detector '" + n + "' (bre_robust_z, bre_iforest, bre_bocpd, bre_range, bre_fused)");
  require_finite(values, "NAB series");
  std::vector<double> robust, forest, change;
  if (wants("bre_robust_z")) robust = anomaly_likelihood(robust_z_raw(values, params), probation, params);
  if (wants("bre_iforest")) forest = anomaly_likelihood(forest_raw(values, probation, params), probation, params);
  if (wants("bre_bocpd")) change = anomaly_likelihood(changepoint_raw(values, probation, params), probation, params);
  // A row outside everything seen so far (by a margin) is as unusual as it gets.
  const std::vector<bool> breaks = range_breaks(values, params);
  for (std::vector<double>* scores : {&robust, &forest, &change})
    for (std::size_t i = 0; i < scores->size(); ++i)
      if (breaks[i]) (*scores)[i] = 1.0;
  std::vector<std::vector<double>> out;
  for (const std::string& n : names) {
    if (n == "bre_robust_z") out.push_back(suppress_repeats(robust, params));
    if (n == "bre_iforest") out.push_back(suppress_repeats(forest, params));
    if (n == "bre_bocpd") out.push_back(suppress_repeats(change, params));
    if (n == "bre_range") {  // the range rule alone: what the layers add is measured against it
      std::vector<double> only(values.size(), 0.0);
      for (std::size_t i = 0; i < only.size(); ++i) only[i] = breaks[i] ? 1.0 : 0.0;
      out.push_back(suppress_repeats(only, params));
    }
    if (n == "bre_fused") {
      // A weighted mean of the layers' likelihood scores: a row the layers
      // agree on outranks one only a single layer finds odd.
      const double total = 1 + params.fuse_forest + params.fuse_bocpd;
      std::vector<double> fused(values.size());
      for (std::size_t i = 0; i < fused.size(); ++i)
        fused[i] = breaks[i] ? 1.0
                             : (robust[i] + params.fuse_forest * forest[i] + params.fuse_bocpd * change[i]) / total;
      out.push_back(suppress_repeats(fused, params));
    }
  }
  return out;
}

}  // namespace bre::nab
