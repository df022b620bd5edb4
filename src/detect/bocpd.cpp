#include "bre/detect/bocpd.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "bre/core/error.h"
#include "bre/detect/robust_stats.h"

namespace bre {
namespace {

double log_sum_exp(std::span<const double> logs) {
  const double top = *std::max_element(logs.begin(), logs.end());
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double l : logs) sum += std::exp(l - top);
  return top + std::log(sum);
}

// The nu-dependent constant of the Student-t log density.
double student_t_gamma_term(double nu) { return std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2); }

// log of the Student-t density with nu degrees of freedom, location mu and
// scale² scale_sq, given student_t_gamma_term(nu).
double log_student_t(double x, double nu, double gamma_term, double mu, double scale_sq) {
  const double z = (x - mu) * (x - mu) / (nu * scale_sq);
  return gamma_term - 0.5 * std::log(nu * std::numbers::pi * scale_sq) - (nu + 1) / 2 * std::log1p(z);
}

void check_params(const BocpdParams& p) {
  if (!(p.hazard_lambda >= 1) || !std::isfinite(p.hazard_lambda)) throw_usage("bocpd: hazard_lambda must be ≥ 1");
  if (p.max_run_length < 2) throw_usage("bocpd: max_run_length must be at least 2");
  if (p.window == 0) throw_usage("bocpd: window must be at least 1");
}

void check_prior(const NormalGammaPrior& p) {
  if (!std::isfinite(p.mean) || !(p.kappa > 0) || !(p.alpha > 0) || !(p.beta > 0) || !std::isfinite(p.kappa) ||
      !std::isfinite(p.alpha) || !std::isfinite(p.beta)) {
    throw_usage("bocpd: the prior needs a finite mean and positive finite kappa, alpha and beta");
  }
}

}  // namespace

NormalGammaPrior prior_from_baseline(std::span<const double> baseline) {
  NormalGammaPrior prior;
  if (baseline.empty()) return prior;
  prior.mean = median(baseline);
  const double sigma = mad_sigma(baseline);
  prior.beta = sigma > 0 ? sigma * sigma : 1.0;
  return prior;
}

Bocpd::Bocpd(const NormalGammaPrior& prior, const BocpdParams& params)
    : prior_(prior),
      params_(params),
      log_hazard_(-std::log(params.hazard_lambda)),
      log_growth_(std::log1p(-1 / params.hazard_lambda)),
      log_prob_{0},  // before any data the run length is 0 with certainty
      mean_{prior.mean},
      kappa_{prior.kappa},
      alpha_{prior.alpha},
      beta_{prior.beta} {
  check_params(params);
  check_prior(prior);
}

BocpdStep Bocpd::observe(double x) {
  const std::size_t support = log_prob_.size();
  const std::size_t next_support = std::min(support + 1, params_.max_run_length);
  next_log_prob_.assign(next_support, 0);
  // log P(r, x_1..t) · pred_r(x_t) for every current run length r.
  std::vector<double> joint(support);
  if (gamma_nu_.size() < support) gamma_nu_.resize(support, -1), gamma_term_.resize(support);
  for (std::size_t r = 0; r < support; ++r) {
    const double scale_sq = beta_[r] * (kappa_[r] + 1) / (alpha_[r] * kappa_[r]);
    const double nu = 2 * alpha_[r];
    if (gamma_nu_[r] != nu) gamma_nu_[r] = nu, gamma_term_[r] = student_t_gamma_term(nu);
    joint[r] = log_prob_[r] + log_student_t(x, nu, gamma_term_[r], mean_[r], scale_sq);
  }
  next_log_prob_[0] = log_sum_exp(joint) + log_hazard_;
  for (std::size_t r = 0; r + 1 < next_support; ++r) next_log_prob_[r + 1] = joint[r] + log_growth_;
  // At the cap the oldest run would grow past it: pool it with the next
  // oldest in the last bin rather than drop it. In a stable regime it is the
  // most probable run, and dropping it every step hands its mass to young
  // runs until they look like changes. The bin keeps the statistics of the
  // more probable of the two, so after a change the new regime's run, once
  // it reaches the cap, is not replaced by the old regime's.
  const bool at_cap = next_support == support;
  std::size_t pooled_from = support - 1;  // whose statistics the last bin keeps
  if (at_cap) {
    const double younger = next_log_prob_[support - 1];
    const double oldest = joint[support - 1] + log_growth_;
    if (younger > oldest) pooled_from = support - 2;
    const double pooled[] = {younger, oldest};
    next_log_prob_[support - 1] = log_sum_exp(pooled);
  }
  const double evidence = log_sum_exp(next_log_prob_);
  for (double& l : next_log_prob_) l -= evidence;

  // Run r + 1 is run r updated with x; run 0 starts again from the prior.
  next_mean_.assign(next_support, prior_.mean);
  next_kappa_.assign(next_support, prior_.kappa);
  next_alpha_.assign(next_support, prior_.alpha);
  next_beta_.assign(next_support, prior_.beta);
  for (std::size_t r = 0; r < support; ++r) {
    const std::size_t to = r + 1 < next_support ? r + 1 : next_support - 1;
    if (at_cap && to == next_support - 1 && r != pooled_from) continue;
    next_mean_[to] = (kappa_[r] * mean_[r] + x) / (kappa_[r] + 1);
    next_kappa_[to] = kappa_[r] + 1;
    next_alpha_[to] = alpha_[r] + 0.5;
    next_beta_[to] = beta_[r] + kappa_[r] * (x - mean_[r]) * (x - mean_[r]) / (2 * (kappa_[r] + 1));
  }
  log_prob_.swap(next_log_prob_);
  mean_.swap(next_mean_);
  kappa_.swap(next_kappa_);
  alpha_.swap(next_alpha_);
  beta_.swap(next_beta_);
  const std::size_t t = observations_++;  // index of x

  BocpdStep step;
  step.map_run_length = static_cast<std::size_t>(std::max_element(log_prob_.begin(), log_prob_.end()) - log_prob_.begin());
  // Run length r ≥ 1 after x_t means the regime began at index t − r + 1;
  // r = t + 1 reaches back to the series start, which is no change.
  const std::size_t longest_recent = std::min({params_.window, t, log_prob_.size() - 1});
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t r = 1; r <= longest_recent; ++r) {
    step.change_probability += std::exp(log_prob_[r]);
    if (log_prob_[r] > best) {
      best = log_prob_[r];
      step.likely_change = t - r + 1;
    }
  }
  return step;
}

void Bocpd::save(ByteWriter& out) const {
  out.put<std::uint64_t>(observations_);
  for (const std::vector<double>* v : {&log_prob_, &mean_, &kappa_, &alpha_, &beta_}) out.put_all(*v);
}

void Bocpd::restore(ByteReader& in) {
  observations_ = in.get<std::uint64_t>();
  for (std::vector<double>* v : {&log_prob_, &mean_, &kappa_, &alpha_, &beta_}) in.get_all(*v);
  const std::size_t support = log_prob_.size();
  for (const std::vector<double>* v : {&mean_, &kappa_, &alpha_, &beta_})
    if (v->size() != support) in.fail("has runs of different lengths");
  if (support == 0 || support > params_.max_run_length) in.fail("has a run-length support out of range");
}

std::vector<double> Bocpd::run_length_posterior() const {
  std::vector<double> p;
  p.reserve(log_prob_.size());
  for (double l : log_prob_) p.push_back(std::exp(l));
  return p;
}

std::vector<BocpdStep> bocpd(std::span<const double> series, const BocpdParams& params) {
  check_params(params);
  require_finite(series, "bocpd series");
  const NormalGammaPrior prior =
      params.prior ? *params.prior : prior_from_baseline(series.first(std::min(params.prior_baseline, series.size())));
  Bocpd detector(prior, params);
  std::vector<BocpdStep> steps;
  steps.reserve(series.size());
  for (double x : series) steps.push_back(detector.observe(x));
  return steps;
}

std::vector<std::size_t> bocpd_change_points(const std::vector<BocpdStep>& steps, double threshold) {
  std::vector<std::size_t> points;
  bool above = false;
  for (const BocpdStep& step : steps) {
    const bool now_above = step.change_probability > threshold;
    if (now_above && !above && step.likely_change > 0 &&
        (points.empty() || points.back() != step.likely_change)) {
      points.push_back(step.likely_change);
    }
    above = now_above;
  }
  return points;
}

}  // namespace bre
