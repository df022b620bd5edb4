// IBM's Telco Customer Churn table as a numeric feature matrix for the churn
// classifiers (docs/eval-telco.md): numeric columns as they are, Yes/No
// columns as 0/1, the other categoricals one-hot over a fixed vocabulary (so
// a stored model reads any later file the same way), the label Churn as 0/1.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

namespace bre {

struct TelcoTable {
  std::vector<std::string> customer_ids;
  std::vector<std::string> feature_names;  // one per column of x
  Eigen::MatrixXd x;                       // one row per customer, raw (not standardised)
  Eigen::VectorXd y;                       // 1 = churned; empty when the file has no Churn column
  std::int64_t total_charges_imputed = 0;  // blank TotalCharges (tenure 0) read as 0
  bool has_labels() const { return y.size() > 0; }
};

// Throws data_invalid TELCO_ROW_INVALID listing each bad row's line and field
// (unknown category, non-numeric number, blank TotalCharges with tenure > 0,
// duplicate customerID); TELCO_HEADER_INVALID for a missing column. The Churn
// column is optional unless require_labels.
TelcoTable parse_telco_csv(std::string_view text, const std::string& file_name, bool require_labels);
TelcoTable load_telco_csv(const std::string& path, bool require_labels);

// Per-column mean and standard deviation (population, ddof 0) fitted on the
// training rows only; a constant column gets sd 1 so it maps to 0.
struct Standardiser {
  Eigen::VectorXd mean, sd;
  static Standardiser fit(const Eigen::MatrixXd& x);
  Eigen::MatrixXd apply(const Eigen::MatrixXd& x) const;
};

// Stratified split: within each class the rows are shuffled with a seeded
// generator and round(test_fraction × class size) go to the test side. Both
// index lists are ascending, so the result depends on (labels, fraction, seed) only.
struct TrainTestSplit {
  std::vector<std::int64_t> train, test;
};
TrainTestSplit stratified_split(const Eigen::VectorXd& y, double test_fraction, std::uint64_t seed);

// k stratified folds over the given labels: fold[i] is row i's fold.
std::vector<int> stratified_folds(const Eigen::VectorXd& y, int k, std::uint64_t seed);

Eigen::MatrixXd select_rows(const Eigen::MatrixXd& x, const std::vector<std::int64_t>& rows);
Eigen::VectorXd select_rows(const Eigen::VectorXd& v, const std::vector<std::int64_t>& rows);

// "customerID,side" lines (side train or test), header first, in file order,
// for scripts/eval_telco.py to train on exactly the same rows.
std::string split_csv(const TelcoTable& t, const TrainTestSplit& s);

}  // namespace bre
