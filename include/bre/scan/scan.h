// `bre scan`: one reliability scan — build the gold metrics, detect
// incidents, link them into cascades, explain each with a BRE-RCA chain and
// size its blast radius, turn each chain into prevention monitors, write the
// postmortems, then run the monitors — recorded as a run with the design's
// manifest (what went in, with which versions and parameters, what came out),
// so a result can be explained and reproduced later (`bre manifest RUN_ID`).
#pragma once
#include <string>
#include <vector>

#include "bre/core/dependency_graphs.h"
#include "bre/core/log.h"
#include "bre/detect/incidents.h"
#include "bre/postmortem/postmortem.h"
#include "bre/store/workspace.h"

namespace bre {

// What a scan leaves in the workspace, counted (the demo's summary block).
struct ScanSummary {
  std::int64_t events = 0;       // live events read
  std::int64_t days = 0;         // days of gold metrics
  std::int64_t incidents = 0, cascades = 0, postmortems = 0, monitors = 0, alerts_raised = 0;
};

struct ScanResult {
  std::string run_id;
  std::string manifest;  // JSON object, as stored in runs.manifest
  ScanSummary summary;
  std::vector<Postmortem> postmortems;  // as stored, for rendering (bre demo); empty when reused
};

struct ScanOptions {
  // Keep the last scan's results when nothing its stages read changed
  // (scan_reuse.h); false recomputes every stage (bre scan --no-reuse), and
  // reads the blast-radius facts from the whole log instead of resuming from
  // the last scan's (impact_store.h). A reused scan's ScanResult::postmortems
  // is empty: they stay stored as they were.
  bool reuse = true;
};

ScanResult run_scan(Workspace& ws, const std::string& run_id, const DetectConfig& cfg, const Logger& log,
                    const DependencyGraphs& graphs = default_dependency_graphs(), const ScanOptions& options = {});

// The stored manifest of a run; Error(not_found) for an unknown id.
std::string read_manifest(Database& db, const std::string& run_id);

}  // namespace bre
