// Bayesian online change-point detection (Adams and MacKay 2007).
// After each observation it holds the posterior over the run length r (how
// many of the latest observations belong to the current regime):
//   growth:  P(r+1, x_1..t) = P(r, x_1..t−1) · pred_r(x_t) · (1 − H)
//   change:  P(0,   x_1..t) = Σ_r P(r, x_1..t−1) · pred_r(x_t) · H
// with a constant hazard H = 1/lambda and Gaussian observations of unknown
// mean and variance: a Normal-Gamma prior per run, so pred_r is a Student-t
// with 2α degrees of freedom, location μ and scale² β(κ+1)/(ακ). Run lengths
// are capped at max_run_length (the two oldest runs pooled in the last bin),
// so a step costs O(max_run_length). All probabilities are kept as logs.
//
// P(r = 0) after x_t is always H (x_t was scored by the old runs), so a change
// shows as mass on short run lengths: change_probability is the posterior
// probability that a regime began within the last `window` observations.
#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "bre/core/byte_codec.h"

namespace bre {

struct NormalGammaPrior {
  double mean = 0;       // μ0
  double kappa = 1;      // κ0: pseudo-observations behind μ0
  double alpha = 1;      // α0
  double beta = 1;       // β0: with α0 = 1, the scale of the expected variance
};

// A weak prior centred on a baseline: μ0 = its median, β0 = its robust
// variance (mad_sigma², or 1 when that is 0), κ0 = α0 = 1.
NormalGammaPrior prior_from_baseline(std::span<const double> baseline);

struct BocpdParams {
  double hazard_lambda = 100;         // expected regime length; H = 1/lambda
  std::size_t max_run_length = 500;   // cap on the run lengths tracked
  std::size_t window = 14;            // "a change within the last window steps": two weeks of days
  // When unset, taken from the first prior_baseline observations (by default
  // the 30 days of history detection waits for).
  std::optional<NormalGammaPrior> prior;
  std::size_t prior_baseline = 30;
};

// One observation's posterior summary.
struct BocpdStep {
  std::size_t map_run_length = 0;  // most probable r
  double change_probability = 0;   // P(1 ≤ r ≤ min(window, t)): a regime began in the window
  std::size_t likely_change = 0;   // the start of the most probable such regime (valid when > 0)
};

// The online detector: feed observations one by one.
class Bocpd {
 public:
  Bocpd(const NormalGammaPrior& prior, const BocpdParams& params);
  BocpdStep observe(double x);
  // P(r = k) for k = 0 .. (current support − 1), normalised.
  std::vector<double> run_length_posterior() const;
  std::size_t observations() const { return observations_; }
  // Where the run stands (the posterior and each run's statistics), so a
  // later detection goes on from here instead of observing the series again.
  // restore() expects a detector made with the same prior and params.
  void save(ByteWriter& out) const;
  void restore(ByteReader& in);

 private:
  NormalGammaPrior prior_;
  BocpdParams params_;
  double log_hazard_, log_growth_;
  std::size_t observations_ = 0;
  // Indexed by run length; sufficient statistics of each run's posterior.
  std::vector<double> log_prob_, mean_, kappa_, alpha_, beta_;
  std::vector<double> next_log_prob_, next_mean_, next_kappa_, next_alpha_, next_beta_;
  // lgamma((nu + 1) / 2) − lgamma(nu / 2) of the Student-t of run r, for the
  // nu it was computed at: run r's alpha is almost always the same from one
  // step to the next, and the two lgammas were a third of a step's time.
  std::vector<double> gamma_nu_, gamma_term_;
};

// Runs the detector over a whole series (validated: finite, parameters sane).
std::vector<BocpdStep> bocpd(std::span<const double> series, const BocpdParams& params = {});

// Where changes were detected: at each step where change_probability rises
// above threshold (from at or below it), the step's likely_change, without
// repeating an index. The default 0.9 (with window 14) is measured, not
// principled: at 0.5 most stationary Gaussian series of 400 points raise an
// alarm (runs of two or three 2σ points are real evidence under this model);
// at 0.9, 2 in 60 do, while 37 in 40 shifts of 2σ and every shift of 3σ or
// more are found (docs/detection-algorithms.md).
std::vector<std::size_t> bocpd_change_points(const std::vector<BocpdStep>& steps, double threshold = 0.9);

}  // namespace bre
