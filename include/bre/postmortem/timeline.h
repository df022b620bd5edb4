// Section 2 of the postmortem: the timeline, rebuilt from the data rather
// than remembered. Each metric of the causal path is re-read day by day with
// the detector's own baseline model (strongest_reading), so "crossed its 3σ
// threshold on Mar 5" means what detection would have said that day. Pure.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/detect/incidents.h"
#include "bre/postmortem/postmortem.h"
#include "bre/rca/bre_rca.h"

namespace bre {

// One metric's episode around a peak, in bad-direction z (direction × z).
struct MetricCrossings {
  std::string metric;
  int direction = +1;
  double onset_z = 2, threshold_z = 3;
  DayNumber onset_day = 0;                    // first day of the episode at ≥ onset_z
  std::optional<DayNumber> threshold_day;     // first day in it at ≥ threshold_z
  DayNumber peak_day = 0;
  std::optional<DayNumber> recovery_day;      // first day after the episode, once it stayed under onset_z
  // The detector's reading on each of those days (recovery: on its day).
  std::map<DayNumber, BaselineScore> readings;
};

// The episode of `metric` that contains `peak_day` (when given) or else the
// largest bad-direction z in [search_from, search_to]: it extends while the
// reading stays at ≥ onset_z, bridging up to max_gap_days quieter days, and
// counts as recovered only when max_gap_days + 1 quiet days follow it within
// the data. nullopt when the metric is absent or never reached onset_z there.
std::optional<MetricCrossings> metric_crossings(const DailyMetrics& metrics, const std::string& metric, int direction,
                                                double onset_z, double threshold_z, DayNumber search_from,
                                                DayNumber search_to, std::optional<DayNumber> peak_day,
                                                const DetectConfig& detect, int max_gap_days = 2);

// The trigger z that watches `metric` (the incident type's own rule first),
// else `fallback` (BRE-RCA's implicate_z for metrics no rule watches).
double threshold_z_for(const std::string& metric, const std::string& incident_type, double fallback);

struct TimelineInput {
  const std::vector<PostmortemIncident>* incidents = nullptr;
  const std::vector<CausalChain>* chains = nullptr;  // parallel to incidents
  const std::map<std::string, TimeMs>* event_times = nullptr;
  BusinessTime business_time;  // a day's reading is placed at the end of the local day
};

// Crossings of every top-path metric (and each incident metric), each
// incident's detection, and the top evidence clusters of each path node,
// oldest first; entries on the same moment keep a fixed kind order
// (evidence, onset, threshold, peak, detection, recovery).
std::vector<TimelineEntry> build_timeline(const TimelineInput& in, const DailyMetrics& metrics,
                                          const DetectConfig& detect, const RcaConfig& rca);

// The evidence clusters a timeline or a summary leads with: the entity
// clusters that explain part of the change (at most `max`), or the
// catch-all cluster when none does.
std::vector<const EvidenceCluster*> leading_clusters(const CausalNode& node, std::size_t max);

}  // namespace bre
