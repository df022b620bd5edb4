// Scores of a binary classifier on labelled rows (docs/eval-telco.md). Pure
// functions of (predictions, labels); labels are 0/1.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

namespace bre {

// Area under the ROC curve as the Mann-Whitney statistic: the chance that a
// random positive scores above a random negative, ties counting one half.
// Throws data_invalid when either class is missing.
double auroc(const Eigen::VectorXd& scores, const Eigen::VectorXd& labels);

// Predicted positive when probability >= threshold. Precision is 0 when
// nothing is predicted positive, recall 0 when there are no positives, F1 0
// when precision + recall is 0 (scikit-learn's zero_division=0).
struct ThresholdScores {
  double threshold = 0.5;
  std::int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  double precision = 0, recall = 0, f1 = 0;
};
ThresholdScores scores_at(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels, double threshold);

// The threshold among the distinct predicted probabilities with the highest
// F1 (the lowest such threshold on ties).
double f1_optimal_threshold(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels);

double brier_score(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels);
// Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15].
double log_loss(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels);

// Ten equal-width bins [0, 0.1), ..., [0.9, 1.0]; empty bins have no means.
struct ReliabilityBin {
  double lower = 0, upper = 0;
  std::int64_t count = 0;
  std::optional<double> mean_predicted, observed_rate;
};
std::vector<ReliabilityBin> reliability_table(const Eigen::VectorXd& probabilities, const Eigen::VectorXd& labels);

nlohmann::ordered_json to_json(const ThresholdScores& s);
nlohmann::ordered_json to_json(const std::vector<ReliabilityBin>& bins);

}  // namespace bre
