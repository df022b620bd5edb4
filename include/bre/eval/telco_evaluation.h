// bre eval telco: the churn classifiers trained and judged on a stratified
// split of IBM's Telco table (docs/eval-telco.md).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bre/model/churn_model.h"
#include "bre/model/telco_features.h"

namespace bre {

struct TelcoEvaluationOptions {
  std::vector<ChurnModelKind> kinds{ChurnModelKind::logistic, ChurnModelKind::gbdt};
  std::uint64_t seed = 42;
  double test_fraction = 0.2;
};

struct EvaluatedChurnModel {
  ChurnModel model;
  nlohmann::ordered_json metrics;  // test-set scores, plus the training AUROC
  double fit_seconds = 0;          // training with calibration folds (wall time: not deterministic)
};

struct TelcoEvaluation {
  TrainTestSplit split;
  nlohmann::ordered_json training_window;  // which rows trained: there is no time window to name
  std::vector<EvaluatedChurnModel> models;
};

// source names the file (its name and sha256 go into training_window).
TelcoEvaluation evaluate_telco(const TelcoTable& table, const std::string& source_name,
                               const std::string& source_sha256, const TelcoEvaluationOptions& options);

}  // namespace bre
