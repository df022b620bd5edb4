#include "bre/model/classification_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "bre/core/error.h"

namespace bre {

namespace {

void check_sizes(const Eigen::VectorXd& p, const Eigen::VectorXd& y) {
  if (p.size() != y.size() || p.size() == 0)
    throw Error(ErrorKind::internal, "INTERNAL", "classification metrics need as many labels as predictions, and some");
}

}  // namespace

double auroc(const Eigen::VectorXd& scores, const Eigen::VectorXd& labels) {
  check_sizes(scores, labels);
  const auto n = static_cast<std::size_t>(scores.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return scores(static_cast<Eigen::Index>(a)) < scores(static_cast<Eigen::Index>(b));
  });
  // Sum of the positives' ranks, tied scores sharing their mean rank.
  double positive_rank_sum = 0, positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores(static_cast<Eigen::Index>(order[j])) == scores(static_cast<Eigen::Index>(order[i]))) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k)
      if (labels(static_cast<Eigen::Index>(order[k])) > 0.5) positive_rank_sum += mean_rank, positives += 1;
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0)
    throw Error(ErrorKind::data_invalid, "ONE_CLASS_ONLY", "AUROC needs both churned and retained customers");
  return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

ThresholdScores scores_at(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels, double threshold) {
  check_sizes(probabilities, labels);
  ThresholdScores s;
  s.threshold = threshold;
  for (Eigen::Index i = 0; i < probabilities.size(); ++i) {
    const bool predicted = probabilities(i) >= threshold, actual = labels(i) > 0.5;
    (predicted ? (actual ? s.tp : s.fp) : (actual ? s.fn : s.tn)) += 1;
  }
  s.precision = s.tp + s.fp > 0 ? static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fp) : 0;
  s.recall = s.tp + s.fn > 0 ? static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fn) : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

double f1_optimal_threshold(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels) {
  check_sizes(probabilities, labels);
  const auto n = static_cast<std::size_t>(probabilities.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return probabilities(static_cast<Eigen::Index>(a)) > probabilities(static_cast<Eigen::Index>(b));
  });
  double positives = 0;
  for (Eigen::Index i = 0; i < labels.size(); ++i) positives += labels(i) > 0.5 ? 1 : 0;
  // Lowering the threshold through the sorted probabilities, one group of ties at a time.
  double tp = 0, predicted = 0, best_f1 = -1, best = 1;
  for (std::size_t i = 0; i < n;) {
    const double p = probabilities(static_cast<Eigen::Index>(order[i]));
    for (; i < n && probabilities(static_cast<Eigen::Index>(order[i])) == p; ++i) {
      predicted += 1;
      tp += labels(static_cast<Eigen::Index>(order[i])) > 0.5 ? 1 : 0;
    }
    const double f1 = positives + predicted > 0 ? 2 * tp / (positives + predicted) : 0;
    if (f1 >= best_f1) best_f1 = f1, best = p;
  }
  return best;
}

double brier_score(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels) {
  check_sizes(probabilities, labels);
  return (probabilities - labels).squaredNorm() / static_cast<double>(probabilities.size());
}

double log_loss(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels) {
  check_sizes(probabilities, labels);
  double sum = 0;
  for (Eigen::Index i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(probabilities(i), 1e-15, 1 - 1e-15);
    sum -= labels(i) > 0.5 ? std::log(p) : std::log1p(-p);
  }
  return sum / static_cast<double>(probabilities.size());
}

std::vector<ReliabilityBin> reliability_table(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels) {
  check_sizes(probabilities, labels);
  constexpr int kBins = 10;
  std::vector<ReliabilityBin> bins(kBins);
  std::vector<double> predicted(kBins, 0), observed(kBins, 0);
  for (int b = 0; b < kBins; ++b) bins[b].lower = b / 10.0, bins[b].upper = (b + 1) / 10.0;
  for (Eigen::Index i = 0; i < probabilities.size(); ++i) {
    const int b = std::clamp(static_cast<int>(std::floor(probabilities(i) * kBins)), 0, kBins - 1);
    bins[b].count += 1;
    predicted[b] += probabilities(i);
    observed[b] += labels(i) > 0.5 ? 1 : 0;
  }
  for (int b = 0; b < kBins; ++b)
    if (bins[b].count > 0) {
      bins[b].mean_predicted = predicted[b] / static_cast<double>(bins[b].count);
      bins[b].observed_rate = observed[b] / static_cast<double>(bins[b].count);
    }
  return bins;
}

nlohmann::ordered_json to_json(const ThresholdScores& s) {
  return {{"threshold", s.threshold}, {"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1},
          {"tp", s.tp}, {"fp", s.fp}, {"tn", s.tn}, {"fn", s.fn}};
}

nlohmann::ordered_json to_json(const std::vector<ReliabilityBin>& bins) {
  auto out = nlohmann::ordered_json::array();
  for (const ReliabilityBin& b : bins) {
    nlohmann::ordered_json row{{"lower", b.lower}, {"upper", b.upper}, {"count", b.count}};
    row["mean_predicted"] = b.mean_predicted ? nlohmann::ordered_json(*b.mean_predicted) : nullptr;
    row["observed_rate"] = b.observed_rate ? nlohmann::ordered_json(*b.observed_rate) : nullptr;
    out.push_back(row);
  }
  return out;
}

}  // namespace bre
