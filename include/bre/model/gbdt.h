// Gradient-boosted regression trees on the logistic loss: each round fits a
// depth-limited tree to the loss's gradient and Hessian on a seeded row
// subsample (Newton leaf values, as XGBoost does), with splits searched over
// quantile bins of each feature fitted on the training rows.
#pragma once
#include <cstdint>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

namespace bre {

struct GbdtParams {
  int rounds = 200;
  int max_depth = 3;
  double learning_rate = 0.05;
  double subsample = 0.8;        // fraction of training rows each tree sees, drawn without replacement
  double l2 = 1.0;               // λ in the leaf value −G/(H+λ)
  double min_child_hessian = 1;  // a split must leave at least this much Hessian on each side
  int max_bins = 32;
  std::uint64_t seed = 42;
};

struct TreeNode {
  int feature = -1;  // -1: a leaf
  double threshold = 0;  // go left when x[feature] <= threshold
  int left = -1, right = -1;
  double value = 0;  // leaf output (log-odds), shrinkage included
};

struct GbdtModel {
  GbdtParams params;
  double base_score = 0;  // log-odds of the training positive rate
  std::vector<std::vector<TreeNode>> trees;
  std::vector<double> training_loss;  // mean log-loss on all training rows after each round
  Eigen::VectorXd decision(const Eigen::MatrixXd& x) const;
};

GbdtModel fit_gbdt(const Eigen::MatrixXd& x, const Eigen::VectorXd& labels, const GbdtParams& params);

nlohmann::ordered_json to_json(const GbdtParams& p);
nlohmann::ordered_json trees_to_json(const GbdtModel& m);
// Throws data_invalid MODEL_INVALID for a malformed tree.
std::vector<std::vector<TreeNode>> trees_from_json(const nlohmann::ordered_json& j, Eigen::Index features);

}  // namespace bre
