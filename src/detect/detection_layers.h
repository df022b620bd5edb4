// Internal to src/detect: what the incident builder (incidents.cpp) and the
// layer-2/3-only incidents (weak_incidents.cpp) share.
#pragma once
#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bre/core/metric_catalog.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/forest_verdicts.h"
#include "bre/detect/incidents.h"
#include "bre/detect/score_memo.h"

namespace bre::detail {

// The design's bands on |z| (config: 4, 6, 8): low below the first, then
// medium, high, critical.
int severity_level(double z, const std::array<double, 3>& bands);
const char* severity_name(int level);

MetricReading reading(const std::string& metric, const BaselineScore& s);

// Layer 1: does that reading cross the trigger's threshold?
bool layer1_fires(const TriggerRule& t, const BaselineScore& s, const DetectConfig& cfg);

// Layer 2: is day i an outlier among its domain's trailing days? Each row is
// the domain's metrics on one day; a null is replaced by the metric's median
// over the window (trees split on order, so the scale of each metric does
// not matter). Cached per domain and day: several incidents ask the same.
class DomainForest {
 public:
  // verdicts: remembered verdicts to reuse and record (null: fit every time).
  DomainForest(const DailyMetrics& m, const DetectConfig& cfg, ForestVerdicts* verdicts = nullptr)
      : m_(m), cfg_(cfg), verdicts_(verdicts) {}
  bool flags(Domain domain, std::size_t day);

 private:
  bool compute(Domain domain, std::size_t day) const;
  const DailyMetrics& m_;
  const DetectConfig& cfg_;
  ForestVerdicts* verdicts_;
  std::map<std::pair<int, std::size_t>, bool> cache_;
};

// A change point with the means of the days before and after it (up to
// `days` defined values each side).
struct MeanShift {
  std::size_t index;
  double before, after;
};

// Layer 3's BOCPD runs over each series' defined values, one per series and
// detection run. BOCPD is online and its prior comes from the first 30
// values, so a run over the values up to some day (≥ 45 of them) is the
// first steps of the run over them all: every question about a prefix is
// answered from the one run.
class ChangepointRuns {
 public:
  // memo: runs remembered from the last detection to go on from (null: none).
  explicit ChangepointRuns(ScoreMemo* memo = nullptr) : memo_(memo) {}
  struct Run {
    std::vector<double> values;
    std::vector<std::size_t> at;  // each value's day index
    std::vector<BocpdStep> steps;
  };
  // nullptr with fewer than 45 defined values or a non-finite one.
  const Run* of(const MetricValues& series);

 private:
  std::map<const MetricValues*, std::optional<Run>> runs_;
  ScoreMemo* memo_;
};

// Layer 3: a BOCPD change point in the series (run on the days up to `to`)
// within [from − 3, to].
std::optional<MeanShift> changepoint_near(ChangepointRuns& runs, const MetricValues& series, std::size_t from,
                                          std::size_t to);

// Every change point of the whole series, with at least 3 values each side.
std::vector<MeanShift> mean_shifts(ChangepointRuns& runs, const MetricValues& series, std::size_t days = 14);

// "mean of X shifted from a to b starting D"
std::string describe_shift(const std::string& metric, const MeanShift& shift, const DailyMetrics& m);

// Incidents that only layer 2 or 3 saw (cli.md §4a: confidence low), on days
// that no layer-1 incident of the same type already covers.
std::vector<DetectedIncident> weak_incidents(const DailyMetrics& m, const DetectConfig& cfg, DomainForest& forest,
                                             ChangepointRuns& changepoints, const std::vector<DetectedIncident>& layer1);

std::string incident_id(const std::string& type, DayNumber window_start);

// Firing day indices (ascending) grouped into windows, as index pairs into
// `days`: an incident ends after quiet_days_to_end quiet days, and a re-fire
// within reopen_days of that end reopens it.
std::vector<std::pair<std::size_t, std::size_t>> group_windows(const std::vector<std::size_t>& days,
                                                               const DetectConfig& cfg);

// The other triggers of the rule, read on the primary's day.
void add_supporting(DetectedIncident& inc, const IncidentRule& rule, const DailyMetrics& m, std::size_t day,
                    const DetectConfig& cfg);

// Notes that say how the primary reading was scored (weekday profile, tail
// scale, sustained mean, Poisson test, relative change, flat baseline).
void explain_reading(DetectedIncident& inc);

}  // namespace bre::detail
