// bre's three detection layers run as streaming detectors for NAB: each row
// gets a score in [0, 1] computed from that row and the rows before it only.
//
//   layer 1  robust_z  |x − median| / MAD-sigma of a trailing window (robust_stats.h)
//   layer 2  iforest   Isolation Forest (isolation_forest.h) over lag features,
//                      refitted periodically on a trailing window, scoring the newest row
//   layer 3  bocpd     Bayesian online change-point detection (bocpd.h): the
//                      posterior mass on runs that began in the last few rows
//   range    the range-break rule alone (below), the floor the layers are measured against
//   fused    a weighted mean of the three layers' likelihoods
//
// A raw score is turned into NAB's [0, 1] by an anomaly likelihood (the
// short-term mean of the raw scores against their long-term Gaussian, as in
// NuPIC's anomaly_likelihood.py, log-scaled); a row beyond the range of every
// earlier row scores 1 in every detector (NuPIC's "spatial anomaly"); and
// repeated alarms are damped (NAB credits the first detection in a window
// and charges every false one).
// docs/eval-nab.md has the parameters and the measured scores.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bre::nab {

struct StreamParams {
  // Layer 1: the trailing window the median and MAD come from.
  std::size_t robust_window = 400;
  // Layer 2: rows per fit, rows between refits, trees, lags in a feature row.
  std::size_t forest_window = 512;
  std::size_t forest_refit = 128;
  std::size_t forest_trees = 50;
  std::uint64_t forest_seed = 0;
  // Layer 3: expected regime length, run-length cap, "recent" change window.
  double bocpd_hazard = 250;
  std::size_t bocpd_max_run = 100;
  std::size_t bocpd_window = 10;
  // Anomaly likelihood: short mean, long history, re-estimation period.
  std::size_t likelihood_short = 1;
  std::size_t likelihood_history = 8640;
  std::size_t likelihood_reestimate = 100;
  // Fused: the weights of layers 2 and 3 beside layer 1's 1.
  double fuse_forest = 0.5;
  double fuse_bocpd = 0.5;
  // Range break: a row beyond the minimum or maximum of every earlier row by
  // more than this share of their range scores 1 (0: off).
  double range_tolerance = 0.02;
  // Repeated alarms: a row that scores no higher than the highest of the
  // previous suppress_rows rows is multiplied by suppress_factor.
  std::size_t suppress_rows = 150;
  double suppress_factor = 0.5;
};

// The detectors bre eval nab knows, in report order.
const std::vector<std::string>& stream_detector_names();

// Raw layer scores (≥ 0, higher = more unusual), one per row, causal; rows
// before `warmup` are 0 because the layer has not seen enough to say.
struct RawScores {
  std::vector<double> values;
  std::size_t warmup = 0;
};
RawScores robust_z_raw(std::span<const double> values, const StreamParams& params);
RawScores forest_raw(std::span<const double> values, std::size_t probation, const StreamParams& params);
RawScores changepoint_raw(std::span<const double> values, std::size_t probation, const StreamParams& params);

// The anomaly likelihood of raw scores, in [0, 1): how far in the upper tail
// of the raw scores' own history (from warmup on) each row lies. 0 until
// that history is long enough (20 rows past warmup) and the probationary
// period is over (those rows are never scored).
std::vector<double> anomaly_likelihood(const RawScores& raw, std::size_t probation, const StreamParams& params);
// Rows outside [min − t·range, max + t·range] of the rows before them.
std::vector<bool> range_breaks(std::span<const double> values, const StreamParams& params);
// Damps rows that do not beat the recent maximum (see StreamParams).
std::vector<double> suppress_repeats(std::span<const double> scores, const StreamParams& params);

// Every named detector on one series: result[k] belongs to names[k].
// Throws a usage error for an unknown name.
std::vector<std::vector<double>> run_stream_detectors(const std::vector<std::string>& names,
                                                      std::span<const double> values, std::size_t probation,
                                                      const StreamParams& params = {});

}  // namespace bre::nab
