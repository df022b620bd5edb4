// `bre correlate`: the stored incidents -> cascades in the workspace, in one
// transaction; what bre scan will call after detect.
#pragma once
#include <cstdint>
#include <string>

#include "bre/core/dependency_graphs.h"
#include "bre/core/log.h"
#include "bre/correlate/cascades.h"
#include "bre/store/workspace.h"

namespace bre {

struct BlastFacts;  // store/impact_store.h

struct CorrelateRunResult {
  std::int64_t incidents = 0;         // correlated
  std::int64_t left_out = 0;          // labelled not_anomaly
  std::int64_t pairs_in_window = 0, links_scored = 0, links_kept = 0;
  std::int64_t cascades = 0, incidents_in_cascades = 0;
  std::string manifest;               // run_correlate_recorded: as recorded in runs
};

// blast_facts: the blast radius facts already loaded (bre scan); null loads them when a cascade needs them.
CorrelateRunResult run_correlate(Workspace& ws, const std::string& run_id, const Logger& log,
                                 const DependencyGraphs& graphs, const CascadeConfig& cfg = {},
                                 const BlastFacts* blast_facts = nullptr);

// run_correlate, recorded in `runs` with a manifest: versions, the incident
// graph version, the cascade config, the incidents read and left out, and
// the counts produced.
CorrelateRunResult run_correlate_recorded(Workspace& ws, const std::string& run_id, const Logger& log,
                                          const DependencyGraphs& graphs, const CascadeConfig& cfg = {});

}  // namespace bre
