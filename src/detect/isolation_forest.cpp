#include "bre/detect/isolation_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "bre/core/error.h"
#include "bre/detect/robust_stats.h"
#include "bre/detect/seeded_random.h"

namespace bre {
namespace {

constexpr double kEulerGamma = 0.5772156649;

void check_params(const IsolationForestParams& p) {
  if (p.n_estimators == 0) throw_usage("isolation forest: n_estimators must be at least 1");
  if (p.max_samples == 0) throw_usage("isolation forest: max_samples must be at least 1");
  if (!(p.contamination > 0 && p.contamination <= 0.5)) {
    throw_usage("isolation forest: contamination must be in (0, 0.5]");
  }
}

std::size_t check_rows(const std::vector<std::vector<double>>& rows) {
  if (rows.empty()) throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "isolation forest: no rows to fit");
  const std::size_t width = rows.front().size();
  if (width == 0) throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "isolation forest: rows have no features");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != width) {
      throw Error(ErrorKind::data_invalid, "INPUT_INVALID",
                  "isolation forest: rows differ in width (" + std::to_string(rows[i].size()) + " vs " +
                      std::to_string(width) + ")",
                  "row " + std::to_string(i));
    }
    require_finite(rows[i], "isolation forest row");
  }
  return width;
}

// numpy.percentile's default ("linear"): interpolate between the two order
// statistics around q (n − 1). sklearn sets offset_ this way.
double linear_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + fraction * (values[above] - values[below]);
}

// Draws k distinct indices from [0, n) (a partial Fisher-Yates shuffle).
std::vector<std::size_t> sample_without_replacement(std::size_t n, std::size_t k, SeededRandom& random) {
  std::vector<std::size_t> pool(n);
  for (std::size_t i = 0; i < n; ++i) pool[i] = i;
  for (std::size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + random.below(n - i)]);
  pool.resize(k);
  return pool;
}

}  // namespace

double average_path_length(std::size_t n) {
  if (n <= 1) return 0;
  if (n == 2) return 1;
  const double m = static_cast<double>(n);
  return 2 * (std::log(m - 1) + kEulerGamma) - 2 * (m - 1) / m;
}

// Grows one isolation tree over a subsample, recursively.
class IsolationForest::TreeBuilder {
 public:
  TreeBuilder(const std::vector<std::vector<double>>& rows, std::size_t max_depth, SeededRandom& random)
      : rows_(rows), max_depth_(max_depth), random_(random) {}

  Tree build(std::vector<std::size_t> sample) {
    tree_.clear();
    grow(sample, 0, sample.size(), 0);
    return std::move(tree_);
  }

 private:
  // Builds the node for sample[begin, end) at `depth`; returns its index.
  std::uint32_t grow(std::vector<std::size_t>& sample, std::size_t begin, std::size_t end, std::size_t depth) {
    const auto index = static_cast<std::uint32_t>(tree_.size());
    tree_.emplace_back();
    const std::size_t count = end - begin;
    const int feature = count >= 2 && depth < max_depth_ ? pick_splittable_feature(sample, begin, end) : -1;
    if (feature < 0) {  // a leaf: isolated, too deep, or every feature constant here
      tree_[index].leaf_path_length = static_cast<double>(depth) + average_path_length(count);
      return index;
    }
    const auto f = static_cast<std::size_t>(feature);
    const double split = random_.uniform(low_, high_);
    const auto middle = std::partition(sample.begin() + static_cast<std::ptrdiff_t>(begin),
                                       sample.begin() + static_cast<std::ptrdiff_t>(end),
                                       [&](std::size_t row) { return rows_[row][f] <= split; });
    const auto split_at = static_cast<std::size_t>(middle - sample.begin());
    const std::uint32_t left = grow(sample, begin, split_at, depth + 1);
    const std::uint32_t right = grow(sample, split_at, end, depth + 1);
    tree_[index].feature = feature;
    tree_[index].split = split;
    tree_[index].left = left;
    tree_[index].right = right;
    return index;
  }

  // A uniformly chosen feature among those not constant in the node (sklearn
  // skips constant features the same way); −1 when all are constant.
  // Leaves that feature's range in low_/high_.
  int pick_splittable_feature(const std::vector<std::size_t>& sample, std::size_t begin, std::size_t end) {
    const std::size_t width = rows_[sample[begin]].size();
    lows_.assign(width, std::numeric_limits<double>::infinity());
    highs_.assign(width, -std::numeric_limits<double>::infinity());
    for (std::size_t i = begin; i < end; ++i) {
      const auto& row = rows_[sample[i]];
      for (std::size_t f = 0; f < width; ++f) {
        lows_[f] = std::min(lows_[f], row[f]);
        highs_[f] = std::max(highs_[f], row[f]);
      }
    }
    splittable_.clear();
    for (std::size_t f = 0; f < width; ++f) {
      if (lows_[f] < highs_[f]) splittable_.push_back(f);
    }
    if (splittable_.empty()) return -1;
    const std::size_t f = splittable_[random_.below(splittable_.size())];
    low_ = lows_[f];
    high_ = highs_[f];
    return static_cast<int>(f);
  }

  const std::vector<std::vector<double>>& rows_;
  std::size_t max_depth_;
  SeededRandom& random_;
  Tree tree_;
  std::vector<double> lows_, highs_;
  std::vector<std::size_t> splittable_;
  double low_ = 0, high_ = 0;
};

IsolationForest IsolationForest::fit(const std::vector<std::vector<double>>& rows,
                                     const IsolationForestParams& params) {
  check_params(params);
  IsolationForest forest;
  forest.params_ = params;
  forest.width_ = check_rows(rows);
  forest.samples_per_tree_ = std::min(params.max_samples, rows.size());
  // The height limit of the paper: the average depth of a tree of that many points.
  const auto max_depth = static_cast<std::size_t>(
      std::ceil(std::log2(static_cast<double>(std::max<std::size_t>(forest.samples_per_tree_, 2)))));

  SeededRandom random(params.seed);
  TreeBuilder builder(rows, max_depth, random);
  forest.trees_.reserve(params.n_estimators);
  for (std::size_t t = 0; t < params.n_estimators; ++t) {
    forest.trees_.push_back(builder.build(sample_without_replacement(rows.size(), forest.samples_per_tree_, random)));
  }
  forest.threshold_ = linear_quantile(forest.score_all(rows), 1 - params.contamination);
  return forest;
}

double IsolationForest::path_length(const Tree& tree, std::span<const double> row) const {
  const Node* node = &tree.front();
  while (node->feature >= 0) {
    node = &tree[row[static_cast<std::size_t>(node->feature)] <= node->split ? node->left : node->right];
  }
  return node->leaf_path_length;
}

double IsolationForest::score(std::span<const double> row) const {
  if (row.size() != width_) {
    throw Error(ErrorKind::data_invalid, "INPUT_INVALID",
                "isolation forest: a row of width " + std::to_string(row.size()) + " scored by a forest fitted on width " +
                    std::to_string(width_));
  }
  require_finite(row, "isolation forest row");
  double total = 0;
  for (const Tree& tree : trees_) total += path_length(tree, row);
  const double mean_path = total / static_cast<double>(trees_.size());
  const double normaliser = average_path_length(samples_per_tree_);
  // One training row: every path is 0 and there is nothing to compare with.
  if (normaliser == 0) return 0.5;
  return std::exp2(-mean_path / normaliser);
}

std::vector<double> IsolationForest::score_all(const std::vector<std::vector<double>>& rows) const {
  std::vector<double> scores;
  scores.reserve(rows.size());
  for (const auto& row : rows) scores.push_back(score(row));
  return scores;
}

}  // namespace bre
