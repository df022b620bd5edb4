// bre's NAB stream detectors: no look-ahead (a row's score does not change
// when later rows arrive), scores in [0, 1], a spike outscores flat noise,
// repeated alarms are damped, unknown names are refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "bre/core/error.h"
#include "bre/eval/nab_detectors.h"
#include "detect_test_support.h"

using namespace bre::nab;

namespace {

// 600 draws of N(100, 2) with a daily-ish wave, and a spike of +30 at row 450.
std::vector<double> series_with_spike() {
  auto x = bre::test::gaussian_noise(600, 5, 100, 2);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += 5 * std::sin(static_cast<double>(i) * 0.1);
  x[450] += 30;
  return x;
}

StreamParams fast_params() {
  StreamParams p;
  p.forest_trees = 20;
  p.forest_window = 200;
  p.forest_refit = 50;
  p.range_tolerance = 0;  // the layers alone: early rows of any stream break its young range
  return p;
}

}  // namespace

TEST_CASE("nab stream detectors do not look ahead") {
  const auto x = series_with_spike();
  const std::size_t probation = 90;  // fixed, as NAB tells the detector before the stream starts
  const auto& names = stream_detector_names();
  const auto full = run_stream_detectors(names, x, probation, fast_params());
  const std::span<const double> prefix(x.data(), 460);
  const auto partial = run_stream_detectors(names, prefix, probation, fast_params());
  for (std::size_t d = 0; d < names.size(); ++d) {
    INFO(names[d]);
    REQUIRE(full[d].size() == x.size());
    REQUIRE(partial[d].size() == prefix.size());
    for (std::size_t i = 0; i < prefix.size(); ++i) REQUIRE(full[d][i] == partial[d][i]);
  }
}

TEST_CASE("nab stream detectors score a spike above flat noise, within [0, 1]") {
  const auto x = series_with_spike();
  const auto& names = stream_detector_names();
  const auto scores = run_stream_detectors(names, x, 90, fast_params());
  for (std::size_t d = 0; d < names.size(); ++d) {
    INFO(names[d]);
    CHECK(std::all_of(scores[d].begin(), scores[d].end(), [](double s) { return s >= 0 && s <= 1; }));
    // A one-row spike is not a change of regime, and the range rule is off here.
    if (names[d] == "bre_bocpd" || names[d] == "bre_range") continue;
    const double before = *std::max_element(scores[d].begin() + 100, scores[d].begin() + 440);
    CHECK(scores[d][450] > before);
  }
}

TEST_CASE("nab range breaks: beyond every earlier row by more than the tolerance") {
  StreamParams p;
  p.range_tolerance = 0.1;
  const std::vector<double> x{10, 20, 15, 21, 20.5, 22.5, 5, 8.5};
  const auto b = range_breaks(x, p);
  // Row 1 widens a range of zero width: no break. Row 3: 21 ≤ 20 + 0.1·10.
  // Row 5: 22.5 > 21 + 1.1. Row 6: 5 < 10 − 1.25. Row 7: 8.5 ≥ 5 − 1.75.
  const std::vector<bool> expected{false, false, false, false, false, true, true, false};
  CHECK(b == expected);
}

TEST_CASE("nab repeated alarms are damped until a higher score") {
  StreamParams p;
  p.suppress_rows = 3;
  p.suppress_factor = 0.5;
  const std::vector<double> s{0.2, 0.9, 0.8, 0.9, 0.95, 0.1, 0.1, 0.1, 0.1, 0.7};
  const auto out = suppress_repeats(s, p);
  // 0.8 and the second 0.9 follow a 0.9 within 3 rows: halved; 0.95 beats it;
  // the 0.1s follow a score at least as high; 0.7 at row 9 beats the last 3 rows: kept.
  const std::vector<double> expected{0.2, 0.9, 0.4, 0.45, 0.95, 0.05, 0.05, 0.05, 0.05, 0.7};
  REQUIRE(out.size() == expected.size());
  for (std::size_t i = 0; i < out.size(); ++i) CHECK(out[i] == doctest::Approx(expected[i]));
}

TEST_CASE("nab stream detectors refuse unknown names and non-finite values") {
  const std::vector<double> x(100, 1.0);
  CHECK_THROWS_AS(run_stream_detectors({"bre_magic"}, x, 15), bre::Error);
  std::vector<double> bad = x;
  bad[50] = std::nan("");
  CHECK_THROWS_AS(run_stream_detectors({"bre_robust_z"}, bad, 15), bre::Error);
}
