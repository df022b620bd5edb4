#include "bre/model/gbdt.h"

#include <algorithm>
#include <cmath>

#include "bre/core/error.h"
#include "bre/detect/seeded_random.h"
#include "bre/model/logistic_regression.h"

namespace bre {

namespace {

// Candidate split points of one feature: midpoints between its distinct
// training values when there are few, else distinct quantiles. x <= cuts[b]
// is bin b or lower.
std::vector<double> cut_points(std::vector<double> values, int max_bins) {
  std::sort(values.begin(), values.end());
  std::vector<double> distinct = values;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<double> cuts;
  if (distinct.size() <= static_cast<std::size_t>(max_bins)) {
    for (std::size_t k = 0; k + 1 < distinct.size(); ++k) cuts.push_back((distinct[k] + distinct[k + 1]) / 2);
    return cuts;
  }
  for (int q = 1; q < max_bins; ++q) {
    const double v = values[values.size() * static_cast<std::size_t>(q) / static_cast<std::size_t>(max_bins)];
    if (v < distinct.back() && (cuts.empty() || v > cuts.back())) cuts.push_back(v);
  }
  return cuts;
}

struct BinnedData {
  std::vector<std::vector<double>> cuts;           // per feature
  std::vector<std::vector<std::uint8_t>> bins;     // per feature, per row
};

BinnedData bin_features(const Eigen::MatrixXd& x, int max_bins) {
  BinnedData d;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const Eigen::VectorXd col = x.col(j);
    d.cuts.push_back(cut_points(std::vector<double>(col.data(), col.data() + col.size()), max_bins));
    std::vector<std::uint8_t> b(static_cast<std::size_t>(x.rows()));
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(
          std::lower_bound(d.cuts.back().begin(), d.cuts.back().end(), x(i, j)) - d.cuts.back().begin());
    d.bins.push_back(std::move(b));
  }
  return d;
}

class TreeBuilder {
 public:
  TreeBuilder(const BinnedData& data, const std::vector<double>& g, const std::vector<double>& h, const GbdtParams& p)
      : data_(data), g_(g), h_(h), p_(p) {}

  std::vector<TreeNode> build(std::vector<std::size_t> rows) {
    grow(std::move(rows), 0);
    return std::move(nodes_);
  }

 private:
  struct Split {
    int feature = -1;
    int bin = 0;
    double gain = 0;
  };

  double score(double g, double h) const { return g * g / (h + p_.l2); }

  int grow(std::vector<std::size_t> rows, int depth) {
    double g = 0, h = 0;
    for (std::size_t r : rows) g += g_[r], h += h_[r];
    const int id = static_cast<int>(nodes_.size());
    nodes_.push_back({});
    nodes_[static_cast<std::size_t>(id)].value = -g / (h + p_.l2) * p_.learning_rate;
    if (depth >= p_.max_depth) return id;
    const Split best = best_split(rows, g, h);
    if (best.feature < 0) return id;
    std::vector<std::size_t> left, right;
    const auto& bins = data_.bins[static_cast<std::size_t>(best.feature)];
    for (std::size_t r : rows) (bins[r] <= best.bin ? left : right).push_back(r);
    rows.clear();
    rows.shrink_to_fit();
    const int l = grow(std::move(left), depth + 1);
    const int r = grow(std::move(right), depth + 1);
    TreeNode& n = nodes_[static_cast<std::size_t>(id)];
    n.feature = best.feature;
    n.threshold = data_.cuts[static_cast<std::size_t>(best.feature)][static_cast<std::size_t>(best.bin)];
    n.left = l, n.right = r;
    return id;
  }

  Split best_split(const std::vector<std::size_t>& rows, double g, double h) const {
    Split best;
    const double parent = score(g, h);
    for (std::size_t f = 0; f < data_.cuts.size(); ++f) {
      const std::size_t n_bins = data_.cuts[f].size() + 1;
      if (n_bins < 2) continue;
      std::vector<double> hist_g(n_bins, 0), hist_h(n_bins, 0);
      const auto& bins = data_.bins[f];
      for (std::size_t r : rows) hist_g[bins[r]] += g_[r], hist_h[bins[r]] += h_[r];
      double gl = 0, hl = 0;
      for (std::size_t b = 0; b + 1 < n_bins; ++b) {
        gl += hist_g[b], hl += hist_h[b];
        if (hl < p_.min_child_hessian || h - hl < p_.min_child_hessian) continue;
        const double gain = score(gl, hl) + score(g - gl, h - hl) - parent;
        // Strictly greater: the first feature and bin win ties, so the tree is stable.
        if (gain > best.gain + 1e-12) best = {static_cast<int>(f), static_cast<int>(b), gain};
      }
    }
    return best;
  }

  const BinnedData& data_;
  const std::vector<double>& g_;
  const std::vector<double>& h_;
  const GbdtParams& p_;
  std::vector<TreeNode> nodes_;
};

double tree_output(const std::vector<TreeNode>& tree, const Eigen::MatrixXd& x, Eigen::Index row) {
  std::size_t n = 0;
  while (tree[n].feature >= 0) n = static_cast<std::size_t>(x(row, tree[n].feature) <= tree[n].threshold ? tree[n].left : tree[n].right);
  return tree[n].value;
}

double mean_log_loss(const Eigen::VectorXd& f, const Eigen::VectorXd& y) {
  double sum = 0;
  for (Eigen::Index i = 0; i < f.size(); ++i)
    sum += (f(i) > 0 ? f(i) + std::log1p(std::exp(-f(i))) : std::log1p(std::exp(f(i)))) - y(i) * f(i);
  return sum / static_cast<double>(f.size());
}

}  // namespace

Eigen::VectorXd GbdtModel::decision(const Eigen::MatrixXd& x) const {
  Eigen::VectorXd f = Eigen::VectorXd::Constant(x.rows(), base_score);
  for (const auto& tree : trees)
    for (Eigen::Index i = 0; i < x.rows(); ++i) f(i) += tree_output(tree, x, i);
  return f;
}

GbdtModel fit_gbdt(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GbdtParams& params) {
  if (x.rows() < 2 || x.rows() != y.size())
    throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "gradient boosting: too few rows, or labels do not match rows");
  if (params.max_bins < 2 || params.max_bins > 256 || params.rounds < 1 || params.max_depth < 1 ||
      !(params.subsample > 0 && params.subsample <= 1) || !(params.learning_rate > 0))
    throw_usage("gradient boosting: rounds, depth >= 1; 2..256 bins; subsample in (0, 1]; learning rate > 0");
  GbdtModel m;
  m.params = params;
  const double rate = std::clamp(y.mean(), 1e-6, 1 - 1e-6);
  m.base_score = std::log(rate / (1 - rate));
  const BinnedData data = bin_features(x, params.max_bins);
  const auto n = static_cast<std::size_t>(x.rows());
  const auto sample_size = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(params.subsample * static_cast<double>(n))));
  SeededRandom rng(params.seed);
  Eigen::VectorXd f = Eigen::VectorXd::Constant(x.rows(), m.base_score);
  std::vector<double> g(n), h(n);
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  for (int round = 0; round < params.rounds; ++round) {
    for (std::size_t i = 0; i < n; ++i) {
      const double p = sigmoid(f(static_cast<Eigen::Index>(i)));
      g[i] = p - y(static_cast<Eigen::Index>(i));
      h[i] = p * (1 - p);
    }
    // A partial Fisher-Yates shuffle draws the subsample without replacement.
    for (std::size_t i = 0; i < sample_size && sample_size < n; ++i) std::swap(all[i], all[i + rng.below(n - i)]);
    std::vector<std::size_t> rows(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(sample_size));
    std::sort(rows.begin(), rows.end());
    m.trees.push_back(TreeBuilder(data, g, h, params).build(std::move(rows)));
    for (Eigen::Index i = 0; i < x.rows(); ++i) f(i) += tree_output(m.trees.back(), x, i);
    m.training_loss.push_back(mean_log_loss(f, y));
  }
  return m;
}

nlohmann::ordered_json to_json(const GbdtParams& p) {
  return {{"rounds", p.rounds}, {"max_depth", p.max_depth}, {"learning_rate", p.learning_rate},
          {"subsample", p.subsample}, {"l2", p.l2}, {"min_child_hessian", p.min_child_hessian},
          {"max_bins", p.max_bins}, {"seed", p.seed}};
}

// A tree is stored as parallel arrays (compact in the models table):
// feature (-1 for a leaf), threshold, left, right, value.
nlohmann::ordered_json trees_to_json(const GbdtModel& m) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& tree : m.trees) {
    nlohmann::ordered_json t{{"feature", nlohmann::ordered_json::array()}, {"threshold", nlohmann::ordered_json::array()},
                             {"left", nlohmann::ordered_json::array()}, {"right", nlohmann::ordered_json::array()},
                             {"value", nlohmann::ordered_json::array()}};
    for (const TreeNode& n : tree) {
      t["feature"].push_back(n.feature);
      t["threshold"].push_back(n.threshold);
      t["left"].push_back(n.left);
      t["right"].push_back(n.right);
      t["value"].push_back(n.value);
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::vector<TreeNode>> trees_from_json(const nlohmann::ordered_json& j, Eigen::Index features) {
  const auto invalid = [] { throw Error(ErrorKind::data_invalid, "MODEL_INVALID", "stored gradient-boosted tree is malformed"); };
  std::vector<std::vector<TreeNode>> trees;
  try {
    for (const auto& t : j) {
      const std::size_t size = t.at("feature").size();
      std::vector<TreeNode> tree(size);
      for (std::size_t k = 0; k < size; ++k) {
        TreeNode& n = tree[k];
        n.feature = t.at("feature").at(k).get<int>();
        n.threshold = t.at("threshold").at(k).get<double>();
        n.left = t.at("left").at(k).get<int>();
        n.right = t.at("right").at(k).get<int>();
        n.value = t.at("value").at(k).get<double>();
        // Children always come after their parent, so following them cannot loop.
        const auto later = [&](int c) { return c > static_cast<int>(k) && c < static_cast<int>(size); };
        if (n.feature >= features || (n.feature >= 0 && (!later(n.left) || !later(n.right)))) invalid();
      }
      if (tree.empty()) invalid();
      trees.push_back(std::move(tree));
    }
  } catch (const nlohmann::json::exception&) {
    invalid();
  }
  return trees;
}

}  // namespace bre
