// BOCPD: a clear mean shift is found within a few steps of where it happened,
// a stationary series raises nothing, runs are reproducible, the capped
// run-length posterior stays a distribution, bad input is refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "bre/core/error.h"
#include "bre/detect/bocpd.h"
#include "detect_test_support.h"

namespace {

// 80 draws of N(10, 1), then 60 of N(15, 1): the change is at index 80.
std::vector<double> shifted_series() {
  auto x = bre::test::gaussian_noise(140, 21, 10, 1);
  for (std::size_t i = 80; i < x.size(); ++i) x[i] += 5;
  return x;
}

}  // namespace

TEST_CASE("bocpd finds a mean shift within a few steps of where it happened") {
  const auto x = shifted_series();
  const auto steps = bre::bocpd(x);
  const auto points = bre::bocpd_change_points(steps);
  REQUIRE(points.size() == 1);
  CHECK(points[0] >= 79);
  CHECK(points[0] <= 82);
  std::size_t first_alarm = 0;
  while (steps[first_alarm].change_probability <= 0.9) ++first_alarm;
  CHECK(first_alarm >= 80);
  CHECK(first_alarm <= 84);  // detected within a few observations of the new regime
  // Long after the change the most probable run is the new regime.
  CHECK(steps[130].map_run_length == doctest::Approx(51).epsilon(0.1));
}

TEST_CASE("bocpd raises no change on a stationary series at the default threshold") {
  for (std::uint64_t seed : {31, 32, 33}) {
    const auto x = bre::test::gaussian_noise(400, seed, 50, 4);
    const auto steps = bre::bocpd(x);
    CHECK(bre::bocpd_change_points(steps).empty());
    CHECK(steps.back().map_run_length > 300);
  }
}

TEST_CASE("bocpd is deterministic") {
  const auto x = shifted_series();
  const auto a = bre::bocpd(x), b = bre::bocpd(x);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].change_probability == b[i].change_probability);
    CHECK(a[i].map_run_length == b[i].map_run_length);
  }
}

TEST_CASE("bocpd caps the run-length posterior and keeps it a distribution") {
  bre::BocpdParams params;
  params.max_run_length = 50;
  bre::Bocpd detector(bre::NormalGammaPrior{}, params);
  for (double x : bre::test::gaussian_noise(300, 41)) detector.observe(x);
  const auto posterior = detector.run_length_posterior();
  CHECK(posterior.size() == 50);
  CHECK(std::accumulate(posterior.begin(), posterior.end(), 0.0) == doctest::Approx(1.0));
  // x_t is scored by the old runs, so P(r = 0) = H · evidence / evidence;
  // pooling (not dropping) the oldest runs at the cap keeps that exact.
  CHECK(posterior[0] == doctest::Approx(1.0 / params.hazard_lambda));
  CHECK(posterior.back() > 0.5);  // the long stable run, pooled, stays the most probable
}

TEST_CASE("bocpd finds a shift that comes after more observations than max_run_length") {
  // Dropping the oldest run at the cap every step would hand its mass to
  // young runs; that showed as a MAP run length of ~30 in a stable regime.
  auto x = bre::test::gaussian_noise(700, 43);
  for (std::size_t i = 600; i < x.size(); ++i) x[i] += 5;
  bre::BocpdParams params;
  params.max_run_length = 100;
  const auto steps = bre::bocpd(x, params);
  CHECK(steps[590].map_run_length == 99);
  const auto points = bre::bocpd_change_points(steps);
  REQUIRE(points.size() == 1);
  CHECK(points[0] >= 599);
  CHECK(points[0] <= 602);
}

TEST_CASE("bocpd defaults find moderate shifts and rarely alarm on noise") {
  // A smaller run of the measurement in docs/detection-algorithms.md.
  int alarmed_stationary = 0, found_2sigma = 0, found_3sigma = 0;
  for (std::uint64_t seed = 31; seed < 51; ++seed) {
    const auto noise = bre::test::gaussian_noise(400, seed, 50, 4);
    if (!bre::bocpd_change_points(bre::bocpd(noise)).empty()) ++alarmed_stationary;
    for (double shift : {8.0, 12.0}) {
      auto x = bre::test::gaussian_noise(200, seed + 100, 50, 4);
      for (std::size_t i = 100; i < x.size(); ++i) x[i] += shift;
      const auto points = bre::bocpd_change_points(bre::bocpd(x));
      const bool found = std::any_of(points.begin(), points.end(), [](std::size_t p) { return p >= 95 && p <= 110; });
      (shift == 8.0 ? found_2sigma : found_3sigma) += found ? 1 : 0;
    }
  }
  CHECK(alarmed_stationary <= 1);
  CHECK(found_2sigma >= 17);
  CHECK(found_3sigma == 20);
}

TEST_CASE("bocpd prior_from_baseline centres on the median with the robust variance") {
  const auto prior = bre::prior_from_baseline(std::vector<double>{1, 2, 3, 4, 100});
  CHECK(prior.mean == 3);
  CHECK(prior.beta == doctest::Approx(1.4826 * 1.4826));
  CHECK(bre::prior_from_baseline(std::vector<double>(5, 2.0)).beta == 1.0);  // no spread: unit scale
}

TEST_CASE("bocpd refuses non-finite values and bad parameters") {
  auto code_of = [](const std::vector<double>& x, bre::BocpdParams p) {
    try {
      bre::bocpd(x, p);
    } catch (const bre::Error& e) {
      return e.code();
    }
    return std::string("no error");
  };
  CHECK(code_of({1, INFINITY}, {}) == "INPUT_INVALID");
  bre::BocpdParams p;
  p.hazard_lambda = 0.5;
  CHECK(code_of({1, 2}, p) == "USAGE");
  p = {};
  p.max_run_length = 1;
  CHECK(code_of({1, 2}, p) == "USAGE");
  p = {};
  p.window = 0;
  CHECK(code_of({1, 2}, p) == "USAGE");
  p = {};
  p.prior = bre::NormalGammaPrior{0, 1, 1, -1};
  CHECK(code_of({1, 2}, p) == "USAGE");
}
