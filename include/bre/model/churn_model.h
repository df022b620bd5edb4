// The churn classifier of design §7.3 (docs/eval-telco.md): a logistic
// regression or gradient-boosted trees on standardised Telco features, with
// Platt-calibrated probabilities. Calibration never sees the rows it will be
// judged on: the sigmoid is fitted on out-of-fold scores of the training rows.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "bre/model/gbdt.h"
#include "bre/model/logistic_regression.h"
#include "bre/model/telco_features.h"

namespace bre {

enum class ChurnModelKind { logistic, gbdt };
std::string_view to_string(ChurnModelKind k);
// Throws usage for an unknown name.
ChurnModelKind parse_churn_model_kind(std::string_view name);
// The models-table name: churn_logistic, churn_gbdt.
std::string churn_model_name(ChurnModelKind k);

struct ChurnTrainingOptions {
  double l2 = 1.0;  // logistic regression's penalty, as scikit-learn's C = 1
  GbdtParams gbdt;
  int calibration_folds = 5;
  std::uint64_t seed = 42;  // calibration folds (and gbdt.seed is the boosting subsample's)
};

struct ChurnModel {
  ChurnModelKind kind = ChurnModelKind::logistic;
  std::vector<std::string> feature_names;
  Standardiser standardiser;
  LogisticModel logistic;  // kind logistic
  GbdtModel gbdt;          // kind gbdt
  PlattScaling platt;
  double f1_threshold = 0.5;  // the F1-optimal cut on the training rows' out-of-fold calibrated probabilities
  nlohmann::ordered_json hyperparameters;

  // Uncalibrated log-odds of raw (unstandardised) feature rows.
  Eigen::VectorXd score(const Eigen::MatrixXd& raw) const;
  Eigen::VectorXd probabilities(const Eigen::MatrixXd& raw) const { return platt.apply(score(raw)); }
};

ChurnModel train_churn_model(ChurnModelKind kind, const Eigen::MatrixXd& raw_train, const Eigen::VectorXd& y_train,
                             const std::vector<std::string>& feature_names, const ChurnTrainingOptions& options);

// Everything needed to score again: the models table's params column.
nlohmann::ordered_json to_json(const ChurnModel& m);
// Throws data_invalid MODEL_INVALID for params that are not a churn model.
ChurnModel churn_model_from_json(const nlohmann::ordered_json& params);

// AUROC, Brier, log loss, precision/recall/F1 at 0.5 and at the model's
// F1-optimal threshold, and the reliability table, of calibrated probabilities.
nlohmann::ordered_json evaluate_churn_model(const ChurnModel& m, const Eigen::MatrixXd& raw, const Eigen::VectorXd& y);

}  // namespace bre

namespace bre {

// A stored model applied to customers: each one's calibrated churn
// probability, their mean (the expected churn rate, the model's stand-in for
// churn_proxy, docs/eval-telco.md) and how many are over 0.5 (the design's
// churn exposure); with labels also the observed churn rate and AUROC.
nlohmann::ordered_json score_customers(const ChurnModel& m, const TelcoTable& customers);

}  // namespace bre
