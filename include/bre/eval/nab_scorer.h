// The Numenta Anomaly Benchmark's scoring, reimplemented from its
// description in shared/data/nab/SCORING.md (NAB v1.1, numenta/NAB
// sweeper.py / scorer.py / optimizer.py): anomaly windows, per-row weights
// from a scaled sigmoid, one threshold for the whole corpus chosen by an
// exhaustive sweep, and normalisation between the null and perfect detectors.
// Pure functions over in-memory series; nab_corpus.h reads the files.
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace bre::nab {

// A cost profile of config/profiles.json (tnWeight is never used by NAB).
struct CostProfile {
  std::string name;
  double tp_weight = 1.0;  // A_TP
  double fp_weight = 0.11; // A_FP
  double fn_weight = 1.0;  // A_FN
};
// standard, reward_low_FP_rate, reward_low_FN_rate: the published values.
std::vector<CostProfile> standard_profiles();

// A ground-truth window as row indices, both ends included.
struct Window {
  std::size_t first = 0;
  std::size_t last = 0;
};

// One labelled series: its row count and windows (sorted, disjoint).
struct LabelledSeries {
  std::string name;  // "<category>/<file>.csv"
  std::size_t rows = 0;
  std::vector<Window> windows;
};

// L = min(floor(0.15 n), 750): rows before it are never scored.
std::size_t probationary_length(std::size_t rows);

// 2·sigmoid(−5p) − 1, and −1 beyond p = 3.
double scaled_sigmoid(double position);

// score_i of every row under the profile (SCORING.md §3): positive and
// falling across a window, from −A_FP towards ~0 just after one.
std::vector<double> row_weights(const LabelledSeries& series, const CostProfile& profile);

struct Counts {
  std::size_t tp = 0, tn = 0, fp = 0, fn = 0;  // rows at or after L
};

struct FileScore {
  double score = 0;
  Counts counts;
};

// S_file(θ) (SCORING.md §4): detections are rows i ≥ L with score ≥ θ.
// `weights` is row_weights(series, profile).
FileScore score_file(const LabelledSeries& series, std::span<const double> weights, std::span<const double> scores,
                     const CostProfile& profile, double threshold);

struct ThresholdChoice {
  double threshold = 1.1;  // above every score: nothing detected
  double raw_score = 0;
};

// A detector's output on a whole corpus: scores[f] has one value per row of series[f].
struct CorpusRun {
  const std::vector<LabelledSeries>* series = nullptr;
  const std::vector<std::vector<double>>* scores = nullptr;
};

// The θ with the largest corpus raw score over every distinct score value of
// the scorable rows, starting from 1.1; ties keep the highest θ (SCORING.md §5).
ThresholdChoice best_threshold(const CorpusRun& run, const CostProfile& profile);

struct CorpusScore {
  std::string profile;
  double threshold = 0;
  double raw_score = 0;
  double null_score = 0;     // −A_FN × windows
  double perfect_score = 0;  // A_TP × windows
  double normalised = 0;     // 100 (raw − null) / (perfect − null)
  Counts counts;
  std::vector<FileScore> files;  // in the order of the series
};

// Scores the corpus at `threshold` (the published one, say) with every file's detail.
CorpusScore score_corpus_at(const CorpusRun& run, const CostProfile& profile, double threshold);
// best_threshold, then score_corpus_at it.
CorpusScore score_corpus(const CorpusRun& run, const CostProfile& profile);

}  // namespace bre::nab
