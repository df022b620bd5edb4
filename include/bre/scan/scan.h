// `bre scan`: one reliability scan — build the gold metrics, detect
// incidents, link them into cascades, explain each with a BRE-RCA chain and
// size its blast radius, turn each chain into prevention monitors and run
// them (bre/monitor/run_monitors.h) — recorded as a run with the design's manifest (what went in,
// with which versions and parameters, what came out), so a result can be
// explained and reproduced later (`bre manifest RUN_ID`).
#pragma once
#include <string>

#include "bre/core/dependency_graphs.h"
#include "bre/core/log.h"
#include "bre/detect/incidents.h"
#include "bre/store/workspace.h"

namespace bre {

struct ScanResult {
  std::string run_id;
  std::string manifest;  // JSON object, as stored in runs.manifest
};

ScanResult run_scan(Workspace& ws, const std::string& run_id, const DetectConfig& cfg, const Logger& log,
                    const DependencyGraphs& graphs = default_dependency_graphs());

// The stored manifest of a run; Error(not_found) for an unknown id.
std::string read_manifest(Database& db, const std::string& run_id);

}  // namespace bre
