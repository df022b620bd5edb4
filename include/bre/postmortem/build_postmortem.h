// Builds the postmortem (design component I) from what the pipeline found:
// the incident(s), their BRE-RCA chains with evidence clusters, the blast
// radius, the monitor rules, the gold metrics and the data-quality weights.
// Pure: no clock and no workspace, so the same inputs give the same
// postmortem byte for byte (cli.md §4). How each section is derived:
// docs/postmortem.md. The workspace loader is postmortem/run_postmortem.h.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/postmortem/postmortem.h"
#include "bre/rca/bre_rca.h"
#include "bre/state/daily_metrics.h"

namespace bre {

struct PostmortemInput {
  std::vector<PostmortemIncident> incidents;  // one, or a cascade's members in path order
  std::vector<CausalChain> chains;            // parallel to incidents, evidence clusters attached
  std::optional<std::string> cascade_id;
  BlastRadius blast_radius;                   // the incident's; a cascade's over the union of its members
  std::vector<MonitorRule> monitors;
  std::map<std::string, double> quality_weights;  // metric → data-quality weight (absent: 1)
  // Evidence event id → event time, so evidence can be placed on the
  // timeline; ids without a time fall back to their metric's anomaly window.
  std::map<std::string, TimeMs> evidence_event_times;
  BusinessTime business_time;  // the workspace's: whose days the timeline counts
  std::string dependency_graph_version;
  std::string run_id;
  TimeMs generated_at = 0;
};

// Usage error when incidents is empty or chains is not parallel to it.
// `metrics` are the gold metrics the chains were computed on and `detect`
// the baseline model they were read with (for the timeline's crossings).
Postmortem build_postmortem(const PostmortemInput& in, const DailyMetrics& metrics, const DetectConfig& detect = {},
                            const RcaConfig& rca = {});

// "pm_" + 16 hex of sha256 of the subject (incident or cascade id) and every
// algorithm version: the same analysis keeps its id across runs.
std::string postmortem_id_for(const std::string& subject_id, const std::map<std::string, std::string>& versions);

// "Fulfillment SLA Degradation" for fulfillment_sla_degradation.
std::string incident_type_title(const std::string& incident_type);
// "Feb 8–15, 2025", "Feb 28 – Mar 3, 2025", "Dec 30, 2025 – Jan 2, 2026", "Feb 8, 2025".
std::string day_range_text(DayNumber from, DayNumber to);
// "1 day", "7 days".
std::string duration_text(DayNumber from, DayNumber to);
// A cluster's facts without its entity: "56 shipment delays averaging 5.0
// days, 93% of the change" (amounts with currency_digits).
std::string cluster_facts(const std::string& metric, const EvidenceCluster& cluster, int currency_digits);
// A metric value as people read it: integers without decimals, else three significant digits.
std::string value_text(double value);

}  // namespace bre
