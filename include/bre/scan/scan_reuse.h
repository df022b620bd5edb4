// A scan whose inputs did not change keeps the last scan's results instead of
// recomputing them, like a build tool's no-op build. The stages from detect to
// postmortems are pure functions of what they read: the event log, the state
// built from it, people's triage (statuses, labels), the monitors people tuned,
// the settings (business time zone, currency) and the code's algorithms,
// parameters and dependency graphs. Their fingerprint covers all of these:
//   - the event log by its end (event_log_end: append-only tables);
//   - every other table a stage reads by scan_input_changes, a counter the
//     schema's triggers bump on any write to them (store/migrations.cpp, v7);
//   - the code by its version strings, the detect, cascade and RCA parameters
//     and the dependency graphs' content.
// A bre built from changed sources under unchanged version strings is the one
// case the fingerprint cannot see: `bre scan --no-reuse` recomputes.
#pragma once
#include <optional>
#include <string>

#include "bre/core/dependency_graphs.h"
#include "bre/correlate/cascades.h"
#include "bre/detect/incidents.h"
#include "bre/rca/bre_rca.h"
#include "bre/store/workspace.h"

namespace bre {

// "sha256:<hex>" of everything the stages read, as the workspace holds it now.
std::string scan_inputs_fingerprint(Workspace& ws, const DetectConfig& detect, const CascadeConfig& cascades,
                                    const RcaConfig& rca, const DependencyGraphs& graphs);

// The run whose stored results are those of these inputs: the scan that last
// recorded this fingerprint, if nothing was written since. nullopt: recompute.
std::optional<std::string> scan_run_for_inputs(Workspace& ws, const std::string& fingerprint);

// Records, at the end of a scan, that the workspace's results are those of
// `producing_run` for the inputs as they are now (fingerprint taken after the
// scan's own writes).
void remember_scan_inputs(Workspace& ws, const std::string& fingerprint, const std::string& producing_run);

}  // namespace bre
