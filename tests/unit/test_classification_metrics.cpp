// The metric formulas of docs/eval-telco.md against values worked out by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "bre/core/error.h"
#include "bre/model/classification_metrics.h"

using namespace bre;

namespace {

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out(i++) = x;
  return out;
}

// Five customers: three churned (0.9, 0.4, 0.7), two stayed (0.6, 0.2).
const Eigen::VectorXd kP = vec({0.9, 0.6, 0.4, 0.2, 0.7});
const Eigen::VectorXd kY = vec({1, 0, 1, 0, 1});

}  // namespace

TEST_CASE("metrics: AUROC counts positive-over-negative pairs, ties as one half") {
  // Pairs (positive, negative): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes: 3 of 4.
  CHECK(auroc(vec({0.1, 0.4, 0.35, 0.8}), vec({0, 0, 1, 1})) == doctest::Approx(0.75));
  // 0.5 (pos) ties 0.5 (neg): 1/2, beats 0.2: 1; 0.9 beats both: 2. (0.5 + 1 + 2) / 4.
  CHECK(auroc(vec({0.5, 0.5, 0.2, 0.9}), vec({1, 0, 0, 1})) == doctest::Approx(0.875));
  // All scores tied: a coin flip.
  CHECK(auroc(vec({0.3, 0.3, 0.3}), vec({1, 0, 0})) == doctest::Approx(0.5));
  // 6 of the 6 pairs ordered right except (0.4 vs 0.6): 5/6.
  CHECK(auroc(kP, kY) == doctest::Approx(5.0 / 6));
  CHECK_THROWS_AS(auroc(vec({0.1, 0.2}), vec({1, 1})), Error);
}

TEST_CASE("metrics: precision, recall and F1 at a threshold") {
  const ThresholdScores s = scores_at(kP, kY, 0.5);
  // Predicted churn: 0.9 (yes), 0.6 (no), 0.7 (yes); missed: 0.4.
  CHECK(s.tp == 2);
  CHECK(s.fp == 1);
  CHECK(s.fn == 1);
  CHECK(s.tn == 1);
  CHECK(s.precision == doctest::Approx(2.0 / 3));
  CHECK(s.recall == doctest::Approx(2.0 / 3));
  CHECK(s.f1 == doctest::Approx(2.0 / 3));
  // A threshold at a predicted value counts that value as positive.
  CHECK(scores_at(kP, kY, 0.4).tp == 3);
  // Nothing predicted positive: precision and F1 are 0, not NaN.
  const ThresholdScores none = scores_at(kP, kY, 0.95);
  CHECK(none.precision == 0);
  CHECK(none.f1 == 0);
}

TEST_CASE("metrics: the F1-optimal threshold") {
  // Lowering the cut: 0.9 → F1 2·1/(3+1) = 0.5; 0.7 → 4/5; 0.6 → 4/6; 0.4 → 6/7; 0.2 → 6/8.
  CHECK(f1_optimal_threshold(kP, kY) == doctest::Approx(0.4));
  CHECK(scores_at(kP, kY, 0.4).f1 == doctest::Approx(6.0 / 7));
}

TEST_CASE("metrics: Brier score and log loss") {
  // (0.1² + 0.6² + 0.6² + 0.2² + 0.3²) / 5 = 0.86 / 5.
  CHECK(brier_score(kP, kY) == doctest::Approx(0.172));
  const double expected = -(std::log(0.9) + std::log(0.4) + std::log(0.4) + std::log(0.8) + std::log(0.7)) / 5;
  CHECK(log_loss(kP, kY) == doctest::Approx(expected));
  // A certain and wrong prediction is clipped, not infinite.
  CHECK(std::isfinite(log_loss(vec({0.0}), vec({1}))));
}

TEST_CASE("metrics: the reliability table has ten equal-width bins") {
  const auto bins = reliability_table(vec({0.05, 0.15, 0.12, 0.95, 1.0}), vec({0, 1, 0, 1, 1}));
  REQUIRE(bins.size() == 10);
  CHECK(bins[0].count == 1);
  CHECK(*bins[0].observed_rate == 0);
  CHECK(bins[1].count == 2);
  CHECK(*bins[1].mean_predicted == doctest::Approx(0.135));
  CHECK(*bins[1].observed_rate == doctest::Approx(0.5));
  CHECK(bins[5].count == 0);
  CHECK(!bins[5].mean_predicted);
  // 1.0 falls in the last bin, which is closed.
  CHECK(bins[9].count == 2);
  CHECK(*bins[9].mean_predicted == doctest::Approx(0.975));
  CHECK(bins[9].upper == doctest::Approx(1.0));
}
