// The cascade correlator (design component F), pure: incidents reduced to
// their type, window, detection time and evidence entities, plus the incident
// dependency graph, in; linked pairs and the cascades they form, out.
// docs/cascades.md has the formulas, the numbers and a worked example.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "bre/core/dependency_graphs.h"
#include "bre/core/time.h"
#include "bre/state/metric_event.h"

namespace bre {

inline constexpr const char* kCascadeConfigVersion = "cascades_v1";

struct CascadeConfig {
  int correlation_window_days = 7;  // pairs whose window starts are further apart are not scored
  double decay_days = 3.0;          // temporal_weight = exp(-days_between / decay_days)
  double threshold = 0.06;          // a link is kept when its score is above this
  double entity_overlap_floor = 0.3;  // entity_overlap = max(floor, Jaccard)
};

// Usage error naming the first value out of range (window < 0, decay <= 0,
// threshold or floor outside [0, 1]).
void validate(const CascadeConfig& cfg);
std::string cascade_config_json(const CascadeConfig& cfg);

struct CascadeIncident {
  std::string incident_id, incident_type, severity;
  DayNumber window_start = 0, window_end = 0;
  TimeMs detected_at = 0;
  std::vector<std::string> entities;  // evidence entity keys, e.g. "customer:1034" (any order, duplicates allowed)
  std::string metric;                 // the trigger metric (primary_metric); empty: unknown
};

// One scored pair: every factor, so the score can be recomputed by hand.
struct CascadeLink {
  std::string from, to;                 // incident ids, from.window_start <= to.window_start
  std::string from_type, to_type;
  std::int64_t days_between = 0;        // to.window_start - from.window_start
  double temporal_weight = 0;           // exp(-days_between / decay_days)
  std::int64_t shared_entities = 0, union_entities = 0;
  double jaccard = 0;                   // shared / union (0 when both are empty)
  double entity_overlap = 0;            // max(floor, jaccard)
  // 1: to_type is reachable from from_type in the incident graph, and the
  // metric that triggered `to` is downstream of the one that triggered
  // `from` in the metric graph (a margin squeeze cannot raise overdue
  // receivables, though margin_compression -> liquidity_crunch_risk is an edge).
  int plausibility = 0;
  std::vector<std::string> graph_path;  // the shortest such path of incident types
  std::vector<std::string> metric_path; // ... and of metrics
  double score = 0;                     // temporal_weight * entity_overlap * plausibility
};

struct IncidentCascade {
  std::string cascade_id;                  // "cas_" + 16 hex of SHA-256 of the sorted member ids joined by ','
  std::string root_incident_id;            // the first of incident_ids
  // By window start; equal starts by the type's depth in the incident graph
  // (number of ancestor types), then by id.
  std::vector<std::string> incident_ids;
  std::vector<std::string> cascade_path;   // the members' types, in that order
  std::vector<CascadeLink> links;          // the kept links joining the members, ordered like the pairs
  double cascade_score = 0;                // mean of the kept links' scores
  TimeMs detected_at = 0;                  // earliest moment both ends of some kept link were detected
  std::vector<CascadeIncident> members;    // in incident_ids order
};

struct CorrelationResult {
  std::int64_t incidents = 0;
  std::int64_t pairs_in_window = 0;   // ordered pairs with days_between <= window
  std::int64_t links_scored = 0;      // of those, the causally plausible ones
  std::int64_t links_kept = 0;        // of those, score > threshold
  std::vector<IncidentCascade> cascades;  // ordered by root window start, then cascade id
};

// Same incidents (in any order) and config => the same result.
CorrelationResult correlate_incidents(std::vector<CascadeIncident> incidents, const DependencyGraphs& graphs,
                                      const CascadeConfig& cfg);

std::string cascade_id_of(std::vector<std::string> member_ids);
// The stored payload: cascade_id, root_incident_id, incident_ids, cascade_path,
// cascade_score, detected_at, links (every factor), members (id, type, window,
// severity, detected_at, entity count), config_version.
std::string cascade_json(const IncidentCascade& c);

}  // namespace bre
