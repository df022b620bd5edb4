// Isolation Forest (Liu, Ting and Zhou, ICDM 2008), built the way
// scikit-learn's IsolationForest builds it, so its scores rank points the way
// sklearn's do (docs/detection-algorithms.md has the measured agreement).
//
// Each tree isolates a random subsample (drawn without replacement) by
// splitting on a random feature at a uniform value between that feature's
// minimum and maximum in the node, down to depth ceil(log2(max_samples)).
// Anomalies are few and different, so they are isolated near the root:
//   h(x)  = depth of the leaf x falls in + c(leaf size)
//   s(x)  = 2^(−E[h(x)] / c(max_samples))      in (0, 1]; higher = more anomalous
//   c(n)  = 2 H(n−1) − 2 (n−1)/n,  H(i) ≈ ln i + 0.5772156649,  c(1) = 0, c(2) = 1
// A point is an anomaly when s(x) is above the (1 − contamination) quantile of
// the training scores (sklearn's offset_). Trees split on values, not
// distances, so features need no scaling.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bre {

struct IsolationForestParams {
  std::size_t n_estimators = 100;
  std::size_t max_samples = 256;  // per tree; capped at the number of rows
  double contamination = 0.05;    // expected share of anomalies, in (0, 0.5]
  std::uint64_t seed = 0;
};

// c(n): the average path length of an unsuccessful search in a binary search
// tree of n points, which normalises path lengths.
double average_path_length(std::size_t n);

class IsolationForest {
 public:
  // Fits on rows of equal, non-zero width holding finite values. Throws
  // INPUT_INVALID for bad rows and a usage error for bad parameters.
  static IsolationForest fit(const std::vector<std::vector<double>>& rows, const IsolationForestParams& params = {});

  // The anomaly score s(x) of one row of the training width.
  double score(std::span<const double> row) const;
  std::vector<double> score_all(const std::vector<std::vector<double>>& rows) const;
  bool is_anomaly(std::span<const double> row) const { return score(row) > threshold_; }

  double threshold() const { return threshold_; }
  const IsolationForestParams& params() const { return params_; }
  std::size_t samples_per_tree() const { return samples_per_tree_; }  // min(max_samples, rows)
  std::size_t width() const { return width_; }

 private:
  // One node of a flat tree. A leaf has feature < 0 and carries the path
  // length a point ending there gets: its depth + c(points in the leaf).
  struct Node {
    int feature = -1;
    double split = 0;  // x[feature] <= split goes left, as in sklearn
    std::uint32_t left = 0;
    std::uint32_t right = 0;
    double leaf_path_length = 0;
  };
  using Tree = std::vector<Node>;

  class TreeBuilder;
  double path_length(const Tree& tree, std::span<const double> row) const;

  IsolationForestParams params_;
  std::size_t samples_per_tree_ = 0;
  std::size_t width_ = 0;
  double threshold_ = 0;
  std::vector<Tree> trees_;
};

}  // namespace bre
