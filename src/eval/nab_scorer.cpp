#include "bre/eval/nab_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "bre/core/error.h"

namespace bre::nab {

std::vector<CostProfile> standard_profiles() {
  return {{"standard", 1.0, 0.11, 1.0}, {"reward_low_FP_rate", 1.0, 0.22, 1.0}, {"reward_low_FN_rate", 1.0, 0.11, 2.0}};
}

std::size_t probationary_length(std::size_t rows) {
  return std::min<std::size_t>(static_cast<std::size_t>(std::floor(0.15 * static_cast<double>(rows))), 750);
}

double scaled_sigmoid(double position) {
  if (position > 3.0) return -1.0;
  return 2.0 / (1.0 + std::exp(5.0 * position)) - 1.0;
}

std::vector<double> row_weights(const LabelledSeries& series, const CostProfile& profile) {
  // A detection on a window's first row is worth exactly A_TP.
  const double max_tp = scaled_sigmoid(-1.0);
  std::vector<double> weights(series.rows, -profile.fp_weight);
  bool after_window = false;
  std::size_t prev_last = 0;
  double prev_width = 0;
  std::size_t row = 0;
  auto score_outside = [&](std::size_t until) {
    for (; row < until; ++row) {
      if (!after_window) continue;  // before any window: −A_FP already
      // Measured in (width − 1), as NAB does; a one-row window divides by 0,
      // and +∞ is past 3 widths: the full penalty.
      const double position = static_cast<double>(row - prev_last) / (prev_width - 1);
      weights[row] = scaled_sigmoid(position) * profile.fp_weight;
    }
  };
  for (const Window& w : series.windows) {
    if (w.first > w.last || w.last >= series.rows || w.first < row)
      throw Error(ErrorKind::data_invalid, "NAB_WINDOW_INVALID", "a window is out of order or outside the series",
                  series.name);
    score_outside(w.first);
    const double width = static_cast<double>(w.last - w.first + 1);
    for (; row <= w.last; ++row) {
      const double position = -static_cast<double>(w.last - row + 1) / width;
      weights[row] = scaled_sigmoid(position) * profile.tp_weight / max_tp;
    }
    after_window = true;
    prev_last = w.last;
    prev_width = width;
  }
  score_outside(series.rows);
  return weights;
}

namespace {

void check_lengths(const LabelledSeries& series, std::size_t weights, std::size_t scores) {
  if (weights != series.rows || scores != series.rows)
    throw Error(ErrorKind::data_invalid, "NAB_LENGTH_MISMATCH",
                "the detector gave " + std::to_string(scores) + " scores for " + std::to_string(series.rows) + " rows",
                series.name);
}

std::size_t total_windows(const CorpusRun& run) {
  std::size_t n = 0;
  for (const LabelledSeries& s : *run.series) n += s.windows.size();
  return n;
}

void check_run(const CorpusRun& run) {
  if (!run.series || !run.scores || run.series->size() != run.scores->size())
    throw_usage("nab: one score series per labelled series is needed");
}

}  // namespace

FileScore score_file(const LabelledSeries& series, std::span<const double> weights, std::span<const double> scores,
                     const CostProfile& profile, double threshold) {
  check_lengths(series, weights.size(), scores.size());
  const std::size_t probation = probationary_length(series.rows);
  FileScore out;
  std::size_t row = probation;
  auto detected = [&](std::size_t i) { return scores[i] >= threshold; };
  auto outside_until = [&](std::size_t until) {
    for (; row < until; ++row) {
      if (detected(row)) {
        out.score += weights[row];
        ++out.counts.fp;
      } else {
        ++out.counts.tn;
      }
    }
  };
  for (const Window& w : series.windows) {
    outside_until(std::max(row, w.first));
    // Windows never touch the probationary period in NAB; if one did, only
    // its scorable rows could detect it.
    double best = -profile.fn_weight;
    for (row = std::max(row, w.first); row <= w.last; ++row) {
      if (detected(row)) {
        best = std::max(best, weights[row]);
        ++out.counts.tp;
      } else {
        ++out.counts.fn;
      }
    }
    out.score += best;
  }
  outside_until(series.rows);
  return out;
}

ThresholdChoice best_threshold(const CorpusRun& run, const CostProfile& profile) {
  check_run(run);
  // One entry per scorable row: its score, its weight and its window (−1: none).
  struct Row {
    double score;
    double weight;
    std::ptrdiff_t window;
  };
  std::vector<Row> pool;
  std::vector<double> window_best;  // the running maximum of each window, across the corpus
  for (std::size_t f = 0; f < run.series->size(); ++f) {
    const LabelledSeries& series = (*run.series)[f];
    const std::vector<double>& scores = (*run.scores)[f];
    const std::vector<double> weights = row_weights(series, profile);
    check_lengths(series, weights.size(), scores.size());
    std::size_t w = 0;
    for (std::size_t i = probationary_length(series.rows); i < series.rows; ++i) {
      while (w < series.windows.size() && series.windows[w].last < i) ++w;
      const bool inside = w < series.windows.size() && series.windows[w].first <= i;
      pool.push_back({scores[i], weights[i],
                      inside ? static_cast<std::ptrdiff_t>(window_best.size() + w) : std::ptrdiff_t{-1}});
    }
    window_best.insert(window_best.end(), series.windows.size(), -profile.fn_weight);
  }
  // Highest score first; stable so the sweep matches NAB's order exactly.
  std::stable_sort(pool.begin(), pool.end(), [](const Row& a, const Row& b) { return a.score > b.score; });

  double windows_total = -profile.fn_weight * static_cast<double>(window_best.size());
  double fp_total = 0;
  ThresholdChoice best{1.1, windows_total};
  double current = 1.1;
  for (const Row& r : pool) {
    if (r.score != current) {
      // Everything at or above `current` is in the sums: record that θ.
      if (windows_total + fp_total > best.raw_score) best = {current, windows_total + fp_total};
      current = r.score;
    }
    if (r.window < 0) {
      fp_total += r.weight;
    } else if (double& wb = window_best[static_cast<std::size_t>(r.window)]; r.weight > wb) {
      windows_total += r.weight - wb;
      wb = r.weight;
    }
  }
  if (windows_total + fp_total > best.raw_score) best = {current, windows_total + fp_total};
  return best;
}

CorpusScore score_corpus_at(const CorpusRun& run, const CostProfile& profile, double threshold) {
  check_run(run);
  CorpusScore out;
  out.profile = profile.name;
  out.threshold = threshold;
  for (std::size_t f = 0; f < run.series->size(); ++f) {
    const LabelledSeries& series = (*run.series)[f];
    const FileScore file = score_file(series, row_weights(series, profile), (*run.scores)[f], profile, threshold);
    out.raw_score += file.score;
    out.counts.tp += file.counts.tp;
    out.counts.tn += file.counts.tn;
    out.counts.fp += file.counts.fp;
    out.counts.fn += file.counts.fn;
    out.files.push_back(file);
  }
  const auto windows = static_cast<double>(total_windows(run));
  out.null_score = -profile.fn_weight * windows;
  out.perfect_score = profile.tp_weight * windows;
  if (out.perfect_score == out.null_score) throw_usage("nab: the corpus has no windows to normalise by");
  out.normalised = 100 * (out.raw_score - out.null_score) / (out.perfect_score - out.null_score);
  return out;
}

CorpusScore score_corpus(const CorpusRun& run, const CostProfile& profile) {
  return score_corpus_at(run, profile, best_threshold(run, profile).threshold);
}

}  // namespace bre::nab
