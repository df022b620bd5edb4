// Layer 1's day scores and layer 3's BOCPD runs remembered between
// detections, so that a scan after one more day scores that day, not all of
// them again.
//
// Detection reads no day after the one it scores (docs/detection.md): a
// day's baseline score is a function of the metric's values up to that day,
// the baseline rules and the first day. BOCPD is online: its run over a
// series' values is the first steps of its run over any longer series that
// begins with them. So a memo bound to today's metrics keeps, per metric,
// the scores of the days before its first value that changed since the memo
// was saved, and goes on with BOCPD from the saved detector state while the
// saved values are a prefix of today's. The incidents are identical with or
// without it (tests/e2e/scan_incremental.sh, the unit tests).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bre/detect/baseline_score.h"
#include "bre/core/event.h"
#include "bre/detect/bocpd.h"

namespace bre {

// Bump when what a score or a BOCPD step means changes: a memo of another
// format is dropped on load.
inline constexpr const char* kScoreMemoFormat = "score_memo_v1";

class ScoreMemo {
 public:
  struct Slot {
    bool known = false;
    std::optional<BaselineScore> score;
  };
  // A series' BOCPD run over its defined values, with the detector's state
  // after the last of them.
  struct BocpdRun {
    std::vector<double> values;
    std::vector<std::size_t> at;  // each value's day index
    std::vector<BocpdStep> steps;
    std::string state;  // Bocpd::save()
  };

  // What save() wrote; bytes of another format give an empty memo, corrupt
  // bytes throw Error(internal, "score_memo_corrupt").
  static ScoreMemo load(std::string_view bytes);
  std::string save();

  // Binds the memo to m's series, by address, and drops every remembered
  // answer from each metric's first changed value on. Layer 2's verdicts are
  // kept likewise, per domain, for the days before the first changed value
  // of any metric of the domain; a detection names its forest's parameters
  // (forest_basis), and other ones drop them all.
  void bind(const DailyMetrics& m, std::string_view forest_basis = {});
  // Serves scores under `rules` (by address; it must outlive the lookups
  // and not change). Scores are remembered per metric and rules: the
  // baseline parameters, the metric's excluded days and the first day.
  void serve(const BaselineRules& rules);
  // From now on what the memo remembers for the bound metrics (the BOCPD
  // runs, the verdicts, the scores of every rules served after this) is
  // computed again and replaced; the scores of other rules are kept for
  // their next run (a scan --no-reuse refreshes detection's, not the
  // monitors').
  void recompute();

  // The slot of day i of a bound series under served rules, else null (a
  // copy of the series or of the rules is scored without the memo).
  Slot* day_slot(std::string_view metric, const MetricValues& series, std::size_t i, DayNumber first_day,
                 const BaselineRules& rules);
  Slot* sustained_slot(std::string_view metric, const MetricValues& series, std::size_t i, DayNumber first_day,
                       const BaselineRules& rules);
  // The remembered BOCPD run of a bound series (null if none or not bound):
  // it may cover fewer values than today's, or other ones; the caller checks.
  BocpdRun* bocpd_run(const MetricValues& series);
  void set_bocpd_run(const MetricValues& series, BocpdRun run);
  // The remembered verdict of (domain, day) of the bound metrics: -1 not
  // known yet, else 0 or 1; null past the bound days.
  std::int8_t* forest_slot(Domain domain, std::size_t day);

  std::int64_t reused() const { return reused_; }
  std::int64_t computed() const { return computed_; }

 private:
  // A metric's values as last bound, and its BOCPD run.
  struct Metric {
    MetricValues values;
    std::optional<BocpdRun> bocpd;
  };
  // The scores of one metric under one set of rules. `idle`: saves since it
  // was last served; a table no run serves for a while is dropped.
  struct Scores {
    std::vector<Slot> day, sustained;
    std::int32_t idle = 0;
    bool served = false;
  };
  struct Forest {
    std::string basis;  // the forest's parameters
    DayNumber first_day = 0;
    std::vector<std::int8_t> flags;
  };
  Slot* slot(std::vector<Slot> Scores::*which, std::string_view metric, const MetricValues& series, std::size_t i,
             DayNumber first_day, const BaselineRules& rules);

  std::map<std::string, Metric, std::less<>> metrics_;
  std::map<std::pair<std::string, std::string>, Scores> scores_;  // by metric and basis
  std::array<Forest, 3> forest_;                                  // by Domain
  const DailyMetrics* bound_ = nullptr;
  std::unordered_map<const MetricValues*, std::string_view> bound_metrics_;
  std::map<std::pair<const BaselineRules*, const MetricValues*>, Scores*> served_;
  std::int64_t reused_ = 0, computed_ = 0;
  bool recompute_ = false;
};

}  // namespace bre
