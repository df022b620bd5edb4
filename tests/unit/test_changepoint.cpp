// PELT with the L2 cost: hand-computed cases, parameter edges, and
// properties: exact recovery of noiseless well-separated breaks, invariance
// to adding a constant, and the same optimum as brute-force optimal partitioning.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "bre/core/error.h"
#include "bre/detect/changepoint.h"
#include "detect_test_support.h"

namespace {

using bre::PeltParams;

std::vector<std::size_t> breaks(const std::vector<double>& x, double penalty, std::size_t min_size = 2,
                                std::size_t jump = 1) {
  return bre::pelt(x, PeltParams{penalty, min_size, jump}).indices;
}

// Optimal partitioning (Jackson et al. 2005): the same objective and grid as
// pelt, every candidate tried at every end, no pruning. O(n²) segment costs.
double optimal_partitioning_cost(const std::vector<double>& x, const PeltParams& p) {
  const std::size_t n = x.size();
  std::vector<std::size_t> grid{0};
  for (std::size_t k = p.jump; k < n; k += p.jump) {
    if (k >= p.min_size) grid.push_back(k);
  }
  grid.push_back(n);
  std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
  best[0] = 0;
  for (std::size_t t : grid) {
    for (std::size_t s : grid) {
      if (s + p.min_size <= t && std::isfinite(best[s])) {
        best[t] = std::min(best[t], best[s] + bre::l2_segment_cost(x, s, t) + p.penalty);
      }
    }
  }
  return std::isfinite(best[n]) ? best[n] : bre::l2_segment_cost(x, 0, n) + p.penalty;
}

}  // namespace

TEST_CASE("pelt splits a clean step where it steps and reports the segment means") {
  const std::vector<double> x{0, 0, 0, 0, 10, 10, 10, 10};
  const auto result = bre::pelt(x, PeltParams{1.0});
  CHECK(result.indices == std::vector<std::size_t>{4});
  REQUIRE(result.segments.size() == 2);
  CHECK(result.segments[0].start == 0);
  CHECK(result.segments[0].end == 4);
  CHECK(result.segments[0].mean == 0);
  CHECK(result.segments[1].start == 4);
  CHECK(result.segments[1].end == 8);
  CHECK(result.segments[1].mean == 10);
  CHECK(result.penalised_cost == doctest::Approx(2.0));  // two segments, no residual
}

TEST_CASE("pelt splits only when the cost saved exceeds the penalty") {
  // One segment of [0,0,1,1] costs 4 · 0.25 = 1; split at 2 it costs 0 but one more penalty.
  CHECK(breaks({0, 0, 1, 1}, 0.9) == std::vector<std::size_t>{2});
  CHECK(breaks({0, 0, 1, 1}, 1.1).empty());
  CHECK(bre::pelt(std::vector<double>{0, 0, 1, 1}, PeltParams{1.1}).penalised_cost == doctest::Approx(2.1));
}

TEST_CASE("pelt keeps every segment at least min_size long and breaks only on the jump grid") {
  const std::vector<double> spike{0, 0, 0, 50, 0, 0, 0, 0, 0};
  CHECK(breaks(spike, 1.0, 1) == std::vector<std::size_t>{3, 4});  // the spike alone
  for (const auto& s : bre::pelt(spike, PeltParams{1.0, 3}).segments) CHECK(s.end - s.start >= 3);
  const std::vector<double> step{0, 0, 0, 5, 5, 5, 5, 5};
  CHECK(breaks(step, 1.0, 1, 1) == std::vector<std::size_t>{3});
  for (std::size_t b : breaks(step, 1.0, 1, 2)) CHECK(b % 2 == 0);
}

TEST_CASE("pelt keeps a pruned start until a later end can use the pruning one (min_size > 1)") {
  // Found by the optimal-partitioning property against prune-at-once (as in
  // ruptures): whole = 19.2 + 1.25 beats [0,0,0 | 4,-2] = 18 + 2.5 and
  // [0,0 | 0,4,-2] = 18.67 + 2.5.
  const auto result = bre::pelt(std::vector<double>{0, 0, 0, 4, -2}, PeltParams{1.25, 2});
  CHECK(result.indices.empty());
  CHECK(result.penalised_cost == doctest::Approx(20.45));
}

TEST_CASE("pelt returns one segment for short, flat or empty series") {
  CHECK(bre::pelt(std::vector<double>{}, PeltParams{1.0}).segments.empty());
  CHECK(breaks({1, 9, 1}, 0.1).empty());  // with min_size 2, three points cannot hold two segments
  const auto flat = bre::pelt(std::vector<double>(20, 4.5), PeltParams{0.5});
  CHECK(flat.indices.empty());
  CHECK(flat.segments.front().mean == 4.5);
}

TEST_CASE("default_pelt_penalty is 2 sigma squared ln n with a robust sigma") {
  auto noise = bre::test::gaussian_noise(2000, 5, 0, 3);
  for (std::size_t i = 1000; i < noise.size(); ++i) noise[i] += 40;  // a shift must not inflate sigma
  CHECK(bre::default_pelt_penalty(noise) == doctest::Approx(2 * 9 * std::log(2000.0)).epsilon(0.1));
  CHECK(bre::default_pelt_penalty(std::vector<double>(50, 7)) == doctest::Approx(2 * std::log(50.0)));
  // Mostly flat with two steps: the MAD is 0, so the spread of the steps is used.
  std::vector<double> steps(40, 0);
  for (std::size_t i = 20; i < 40; ++i) steps[i] = 10;
  CHECK(bre::default_pelt_penalty(steps) > 0);
  CHECK(bre::pelt(steps, PeltParams{bre::default_pelt_penalty(steps)}).indices == std::vector<std::size_t>{20});
}

TEST_CASE("pelt refuses non-finite values and bad parameters") {
  auto code_of = [](const std::vector<double>& x, PeltParams p) {
    try {
      bre::pelt(x, p);
    } catch (const bre::Error& e) {
      return e.code();
    }
    return std::string("no error");
  };
  CHECK(code_of({1, NAN, 2}, PeltParams{1.0}) == "INPUT_INVALID");
  CHECK(code_of({1, 2}, PeltParams{-1.0}) == "USAGE");
  CHECK(code_of({1, 2}, PeltParams{1.0, 0}) == "USAGE");
  CHECK(code_of({1, 2}, PeltParams{1.0, 2, 0}) == "USAGE");
}

TEST_CASE("property: pelt finds exactly the breaks of a noiseless, well separated step series") {
  CHECK(rc::check([](std::uint8_t segment_count_seed) {
    const std::size_t segments = 1 + segment_count_seed % 5;
    std::vector<double> x;
    std::vector<std::size_t> expected;
    int level = *rc::gen::inRange(-100, 100);
    for (std::size_t s = 0; s < segments; ++s) {
      if (s > 0) {
        expected.push_back(x.size());
        // A jump of at least 5 between segments of at least 3 points saves
        // ≥ (3·3/6)·25 > penalty 1; an extra break saves nothing in flat data.
        const int jump = *rc::gen::inRange(5, 50);
        level += *rc::gen::element(-1, 1) * jump;
      }
      const auto length = static_cast<std::size_t>(*rc::gen::inRange(3, 20));
      x.insert(x.end(), length, static_cast<double>(level));
    }
    RC_ASSERT(breaks(x, 1.0) == expected);
  }));
}

TEST_CASE("property: adding a constant to the series changes no break") {
  CHECK(rc::check([](const std::vector<int>& raw, int shift, std::uint8_t min_size_seed) {
    std::vector<double> x;
    for (int v : raw) x.push_back(v % 50);
    std::vector<double> shifted;
    for (double v : x) shifted.push_back(v + static_cast<double>(shift % 1000000));
    const PeltParams p{5.0, 1u + min_size_seed % 3u, 1};
    RC_ASSERT(bre::pelt(x, p).indices == bre::pelt(shifted, p).indices);
  }));
}

TEST_CASE("property: pelt reaches the optimal partitioning cost and reports it truthfully") {
  // With min_size > 1, pruning a start as soon as it loses (as ruptures does)
  // is not exact: this property finds counterexamples within ~50 cases.
  CHECK(rc::check([](const std::vector<int>& raw, std::uint8_t penalty_seed, std::uint8_t shape_seed) {
    std::vector<double> x;
    for (std::size_t i = 0; i < raw.size() && i < 40; ++i) x.push_back(raw[i] % 10);
    const PeltParams p{0.25 + penalty_seed % 40, 1u + shape_seed % 3u, 1u + (shape_seed / 3u) % 2u};
    const auto result = bre::pelt(x, p);
    const double optimum = optimal_partitioning_cost(x, p);
    RC_ASSERT(std::fabs(result.penalised_cost - optimum) <= 1e-9 * (1 + optimum));
    double recomputed = 0;
    for (const auto& s : result.segments) recomputed += bre::l2_segment_cost(x, s.start, s.end) + p.penalty;
    RC_ASSERT(std::fabs(recomputed - result.penalised_cost) <= 1e-9 * (1 + optimum));
  }));
}
