// The postmortem (design component I): one model, built from what the scan
// found — the incident, its BRE-RCA chain, its blast radius, the monitors it
// created, the data quality — and rendered three ways (JSON, Markdown, PDF).
// Every sentence in it is made from those facts; nothing is invented.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/impact/blast_radius.h"
#include "bre/monitor/monitor_rules.h"
#include "bre/rca/bre_rca.h"

namespace bre {

inline constexpr const char* kPostmortemVersion = "postmortem_v1";

struct TimelineEntry {
  TimeMs timestamp = 0;
  std::string kind;  // evidence | onset | threshold_crossing | peak | detection | recovery
  std::string event_description;  // "supplier_delay_rate exceeded its 3σ threshold (z 4.2)"
  std::optional<std::string> metric_name;
  std::optional<double> metric_value;
  std::vector<std::string> evidence_event_ids;
};

// The incident as the postmortem tells it (read from the stored incident).
struct PostmortemIncident {
  std::string incident_id, incident_type, severity, confidence, state, status;
  DayNumber window_start = 0, window_end = 0;
  TimeMs detected_at = 0;
  std::string metric;  // the primary trigger
  double value = 0, baseline = 0, zscore = 0;
  std::vector<std::string> detection_methods;
  std::vector<std::string> notes;
  // Added for the postmortem: the other triggers that fired on the primary's
  // day, and the evidence events detection stored (at most kMaxEvidenceIds).
  std::vector<MetricReading> supporting;
  std::vector<std::string> evidence_event_ids;
  std::int64_t evidence_event_count = 0;
};

struct Postmortem {
  std::string postmortem_id;  // pm_ + hash(incident or cascade id, versions)
  std::string incident_id;    // a cascade's: its root incident
  std::optional<std::string> cascade_id;
  std::vector<PostmortemIncident> incidents;  // one, or a cascade's in path order
  TimeMs generated_at = 0;

  // 1. Summary
  std::string title;  // "Fulfillment SLA Degradation — Feb 8–15, 2025"
  std::string severity, duration, status, one_line_summary;
  // 2. Timeline, oldest first
  std::vector<TimelineEntry> timeline;
  // 3. Root cause: the chain of each incident (same order as `incidents`)
  std::vector<CausalChain> causal_chains;
  std::string root_cause_summary;
  // 4. Blast radius (a cascade's: aggregated over its incidents)
  BlastRadius blast_radius;
  // 5–7
  std::vector<std::string> contributing_factors;
  std::vector<MonitorRule> monitors;
  std::vector<std::string> recommendations;
  // 8. Metadata
  double data_quality_score = 1;
  std::string confidence_note;
  std::string algorithm_version = kPostmortemVersion;
  // Added: every algorithm whose output the postmortem tells, by name
  // (postmortem, rca, dependency_graph, detect, monitor, blast_radius).
  std::map<std::string, std::string> algorithm_versions;
  std::string run_id;
  std::string timezone = "UTC";  // the business time zone its days and timeline are in
};

}  // namespace bre
