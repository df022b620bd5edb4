#include "bre/eval/telco_evaluation.h"

#include <chrono>
#include <filesystem>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/model/classification_metrics.h"

namespace bre {

TelcoEvaluation evaluate_telco(const TelcoTable& t, const std::string& source_name, const std::string& source_sha256,
                               const TelcoEvaluationOptions& o) {
  if (!t.has_labels()) throw Error(ErrorKind::data_invalid, "LABELS_REQUIRED", "evaluation needs the Churn column", source_name);
  TelcoEvaluation e;
  e.split = stratified_split(t.y, o.test_fraction, o.seed);
  const Eigen::MatrixXd x_train = select_rows(t.x, e.split.train), x_test = select_rows(t.x, e.split.test);
  const Eigen::VectorXd y_train = select_rows(t.y, e.split.train), y_test = select_rows(t.y, e.split.test);
  // AUROC needs both classes on the test side; calibration folds need them in every fold.
  const double test_churners = y_test.sum(), train_churners = y_train.sum();
  const double fold_rows = ChurnTrainingOptions{}.calibration_folds;
  if (test_churners < 1 || test_churners == static_cast<double>(y_test.size()) || train_churners < fold_rows ||
      static_cast<double>(y_train.size()) - train_churners < fold_rows)
    throw Error(ErrorKind::data_invalid, "TOO_FEW_CUSTOMERS",
                "too few churned or retained customers to train, calibrate and test: each side of the split "
                "needs both, and training at least one of each per calibration fold",
                source_name);
  e.training_window = {
      {"kind", "stratified_random_split"},
      {"time_axis", "none: the Telco table is one snapshot without dates, so train and test are a random split "
                    "stratified by Churn, not a time window"},
      {"source", std::filesystem::path(source_name).filename().string()},
      {"source_sha256", source_sha256},
      {"rows", t.x.rows()},
      {"train_rows", x_train.rows()},
      {"test_rows", x_test.rows()},
      {"test_fraction", o.test_fraction},
      {"seed", o.seed},
      {"train_churn_rate", y_train.mean()},
      {"test_churn_rate", y_test.mean()},
      {"total_charges_imputed", t.total_charges_imputed},
      {"split_sha256", sha256_hex(split_csv(t, e.split))}};
  ChurnTrainingOptions training;
  training.seed = o.seed;
  training.gbdt.seed = o.seed;
  for (ChurnModelKind kind : o.kinds) {
    const auto start = std::chrono::steady_clock::now();
    EvaluatedChurnModel m{train_churn_model(kind, x_train, y_train, t.feature_names, training), {}, 0};
    m.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.metrics = evaluate_churn_model(m.model, x_test, y_test);
    m.metrics["train_auroc"] = auroc(m.model.probabilities(x_train), y_train);
    e.models.push_back(std::move(m));
  }
  return e;
}

}  // namespace bre
