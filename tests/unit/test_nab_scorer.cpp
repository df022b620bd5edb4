// The NAB scorer (SCORING.md): hand-computed weights and file scores, the
// threshold sweep and its tie rule, null = 0 and perfect = 100, and the
// published numenta scores reproduced from its committed result files.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bre/core/error.h"
#include "bre/eval/nab_corpus.h"
#include "bre/eval/nab_scorer.h"

using namespace bre::nab;

namespace {

const CostProfile kStandard{"standard", 1.0, 0.11, 1.0};

// 20 rows, so L = floor(0.15 · 20) = 3; one window on rows 10..13 (width 4).
LabelledSeries small_series() { return {"a/small.csv", 20, {{10, 13}}}; }

}  // namespace

TEST_CASE("nab scaled sigmoid and probationary length match SCORING.md's reference values") {
  CHECK(scaled_sigmoid(-1.0) == doctest::Approx(0.986614).epsilon(1e-6));
  CHECK(scaled_sigmoid(-0.5) == doctest::Approx(0.848284).epsilon(1e-6));
  CHECK(scaled_sigmoid(0.0) == 0.0);
  CHECK(scaled_sigmoid(1.0) == doctest::Approx(-0.986614).epsilon(1e-6));
  CHECK(scaled_sigmoid(3.0001) == -1.0);
  CHECK(probationary_length(20) == 3);
  CHECK(probationary_length(4032) == 604);
  CHECK(probationary_length(5000) == 750);
  CHECK(probationary_length(22695) == 750);
}

TEST_CASE("nab row weights by hand: a window, the rows before it and after it") {
  const auto w = row_weights(small_series(), kStandard);
  REQUIRE(w.size() == 20);
  // Before any window: −A_FP.
  CHECK(w[5] == doctest::Approx(-0.11));
  // Row 10 is the window's first row: pos = −(13 − 10 + 1)/4 = −1 → exactly A_TP.
  CHECK(w[10] == doctest::Approx(1.0));
  // Row 12: pos = −(13 − 12 + 1)/4 = −0.5 → 0.848284 / 0.986614 = 0.859793.
  CHECK(w[12] == doctest::Approx(0.8597925669));
  // Row 13, the last: pos = −1/4 → 2σ(1.25) − 1 = 0.555 / 0.9866 = 0.5683.
  CHECK(w[13] == doctest::Approx((2 / (1 + std::exp(-1.25)) - 1) / scaled_sigmoid(-1.0)));
  // Row 15, after it: pos = |15 − 13| / (4 − 1) = 2/3 → (2σ(−10/3) − 1) · 0.11 = −0.102422.
  CHECK(w[15] == doctest::Approx(-0.1024220570));
  // Row 19: pos = 6/3 = 2 → (2σ(−10) − 1) · 0.11 ≈ −0.109995.
  CHECK(w[19] == doctest::Approx((2 / (1 + std::exp(10.0)) - 1) * 0.11));
}

TEST_CASE("nab file score by hand: earliest detection credits the window, every FP costs, probation is ignored") {
  const LabelledSeries s = small_series();
  std::vector<double> scores(20, 0.0);
  for (std::size_t i : {2, 5, 12, 13, 15}) scores[i] = 0.9;
  const FileScore f = score_file(s, row_weights(s, kStandard), scores, kStandard, 0.5);
  // Row 2 is probationary (L = 3): not counted. Window: best of rows 12, 13 =
  // 0.859793. FPs: row 5 (−0.11) and row 15 (−0.102422).
  // 0.859793 − 0.11 − 0.102422 = 0.647371.
  CHECK(f.score == doctest::Approx(0.6473705100));
  // Rows 3..19 are scorable (17): TP 12, 13; FN 10, 11; FP 5, 15; TN the other 11.
  CHECK(f.counts.tp == 2);
  CHECK(f.counts.fn == 2);
  CHECK(f.counts.fp == 2);
  CHECK(f.counts.tn == 11);
  // The comparison is ≥: at θ = 0.9 the same rows are detections.
  CHECK(score_file(s, row_weights(s, kStandard), scores, kStandard, 0.9).score == doctest::Approx(0.6473705100));
  // Above every score the window is missed: −A_FN; under reward_low_FN_rate −2.
  CHECK(score_file(s, row_weights(s, kStandard), scores, kStandard, 0.95).score == doctest::Approx(-1.0));
  const CostProfile low_fn{"reward_low_FN_rate", 1.0, 0.11, 2.0};
  CHECK(score_file(s, row_weights(s, low_fn), scores, low_fn, 0.95).score == doctest::Approx(-2.0));
}

TEST_CASE("nab threshold sweep: best θ over the distinct scores, ties keep the highest") {
  const std::vector<LabelledSeries> series{small_series()};
  std::vector<std::vector<double>> scores{std::vector<double>(20, 0.0)};
  scores[0][12] = 0.9;  // in the window: +0.859793
  scores[0][5] = 0.8;   // FP: −0.11
  scores[0][15] = 0.7;  // FP: −0.102422
  const CorpusRun run{&series, &scores};
  // θ = 1.1: −1; θ = 0.9: 0.859793; θ = 0.8: 0.749793; θ = 0.7: 0.647371;
  // θ = 0: every row, the window credited from row 10 (1.0) minus 13 FPs.
  const ThresholdChoice best = best_threshold(run, kStandard);
  CHECK(best.threshold == 0.9);
  CHECK(best.raw_score == doctest::Approx(0.8597925669));
  const CorpusScore c = score_corpus(run, kStandard);
  // 100 · (0.859793 − (−1)) / (1 − (−1)) = 92.99
  CHECK(c.normalised == doctest::Approx(92.98962835));
  CHECK(c.null_score == -1.0);
  CHECK(c.perfect_score == 1.0);

  // A later row of the same window at 0.85 adds nothing: θ = 0.9 and 0.85
  // score the same, and the sweep keeps 0.9.
  scores[0][13] = 0.85;
  CHECK(best_threshold(run, kStandard).threshold == 0.9);
  // An earlier row of the window at 0.85 is worth more (row 11: pos −0.75 → 0.966989).
  scores[0][13] = 0;
  scores[0][11] = 0.85;
  CHECK(best_threshold(run, kStandard).threshold == 0.85);
  CHECK(best_threshold(run, kStandard).raw_score == doctest::Approx(0.9669890879));
}

TEST_CASE("nab normalisation: the null detector scores 0 and the label-perfect detector 100") {
  // Two files long enough that flagging everything costs more than it earns.
  const std::vector<LabelledSeries> series{{"a/one.csv", 1000, {{300, 349}, {700, 749}}},
                                           {"b/two.csv", 600, {{400, 459}}}};
  for (const CostProfile& profile : standard_profiles()) {
    std::vector<std::vector<double>> null_scores, perfect;
    for (const LabelledSeries& s : series) {
      null_scores.emplace_back(s.rows, 0.5);
      perfect.emplace_back(s.rows, 0.0);
      for (const Window& w : s.windows) perfect.back()[w.first] = 1.0;
    }
    const CorpusScore null_result = score_corpus({&series, &null_scores}, profile);
    CHECK(null_result.normalised == doctest::Approx(0.0));
    CHECK(null_result.threshold == 1.1);
    const CorpusScore perfect_result = score_corpus({&series, &perfect}, profile);
    CHECK(perfect_result.normalised == doctest::Approx(100.0));
    CHECK(perfect_result.threshold == 1.0);
    CHECK(perfect_result.counts.tp == 3);
    CHECK(perfect_result.counts.fp == 0);
  }
}

TEST_CASE("nab scorer refuses scores that do not fit the series") {
  const std::vector<LabelledSeries> series{small_series()};
  const std::vector<std::vector<double>> scores{std::vector<double>(19, 0.0)};
  CHECK_THROWS_AS(best_threshold({&series, &scores}, kStandard), bre::Error);
  const LabelledSeries bad{"a/bad.csv", 20, {{12, 10}}};
  CHECK_THROWS_AS(row_weights(bad, kStandard), bre::Error);
}

TEST_CASE("nab scorer reproduces the published numenta scores from its committed results") {
  const std::filesystem::path root = BRE_SOURCE_DIR "/../shared/data/nab";
  if (!std::filesystem::exists(root / "results" / "numenta")) {
    MESSAGE("skipped: no NAB corpus at " << root.string());
    return;
  }
  const Corpus corpus = load_corpus(root);
  REQUIRE(corpus.series.size() == 58);
  CHECK(corpus.windows() == 116);
  CHECK(corpus.rows() == 365558);
  const auto labelled = corpus.labelled();
  const auto scores = load_results(corpus, root / "results" / "numenta");
  const CorpusRun run{&labelled, &scores};
  // final_results.json: numenta 70.101 / 63.117 / 74.320 (3 decimals).
  const std::vector<std::pair<std::string, double>> published{
      {"standard", 70.101}, {"reward_low_FP_rate", 63.117}, {"reward_low_FN_rate", 74.320}};
  for (const auto& [name, expected] : published) {
    const CostProfile* profile = nullptr;
    for (const CostProfile& p : corpus.profiles)
      if (p.name == name) profile = &p;
    REQUIRE(profile != nullptr);
    const auto threshold = published_threshold(corpus, "numenta", name);
    REQUIRE(threshold.has_value());
    const CorpusScore c = score_corpus_at(run, *profile, *threshold);
    CHECK(std::abs(c.normalised - expected) < 6e-4);
    // Every file of numenta_<profile>_scores.csv: Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count.
    std::ifstream csv(root / "results" / "numenta" / ("numenta_" + name + "_scores.csv"));
    std::string line;
    std::getline(csv, line);
    std::size_t compared = 0;
    while (std::getline(csv, line)) {
      std::vector<std::string> field;
      std::stringstream fields(line);
      for (std::string f; std::getline(fields, f, ',');) field.push_back(f);
      REQUIRE(field.size() >= 9);
      for (std::size_t f = 0; f < corpus.series.size(); ++f) {
        if (corpus.series[f].labels.name != field[2]) continue;
        CHECK(c.files[f].score == doctest::Approx(std::stod(field[4])).epsilon(1e-9));
        CHECK(c.files[f].counts.tp == std::stoul(field[5]));
        CHECK(c.files[f].counts.tn == std::stoul(field[6]));
        CHECK(c.files[f].counts.fp == std::stoul(field[7]));
        CHECK(c.files[f].counts.fn == std::stoul(field[8]));
        ++compared;
      }
    }
    CHECK(compared == 58);
  }
  // The standard profile, file by file (numenta_standard_scores.csv):
  // art_daily_small_noise −0.22 with 2 FP; Twitter_volume_FB 1.61048222172, 3 TP 1 FP.
  const auto at = published_threshold(corpus, "numenta", "standard");
  const CorpusScore standard = score_corpus_at(run, corpus.profiles.front(), *at);
  for (std::size_t f = 0; f < corpus.series.size(); ++f) {
    if (corpus.series[f].labels.name == "artificialNoAnomaly/art_daily_small_noise.csv") {
      CHECK(standard.files[f].score == doctest::Approx(-0.22));
      CHECK(standard.files[f].counts.fp == 2);
      CHECK(standard.files[f].counts.tn == 3426);
    }
    if (corpus.series[f].labels.name == "realTweets/Twitter_volume_FB.csv") {
      CHECK(standard.files[f].score == doctest::Approx(1.61048222172).epsilon(1e-10));
      CHECK(standard.files[f].counts.tp == 3);
      CHECK(standard.files[f].counts.fp == 1);
      CHECK(standard.files[f].counts.fn == 1579);
    }
  }
  // The current exhaustive sweep finds a slightly better θ for reward_low_FP (SCORING.md §5).
  const ThresholdChoice swept = best_threshold(run, corpus.profiles[1]);
  CHECK(swept.raw_score == doctest::Approx(30.645).epsilon(1e-4));
}
