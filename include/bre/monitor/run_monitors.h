// The two monitor stages of a scan, each usable on its own:
//   generate_monitors — each explained incident's top causal path becomes
//     monitor rules, merged into the workspace's monitors;
//   run_monitors      — every enabled monitor evaluated on the gold metrics
//     for the days it has not seen yet; alerts stored (`bre monitor run`).
// docs/monitors.md.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/core/json_text.h"
#include "bre/core/log.h"
#include "bre/monitor/monitor_runtime.h"
#include "bre/store/monitor_store.h"
#include "bre/store/workspace.h"

namespace bre {

struct MonitorGenerationResult {
  std::int64_t chains = 0;      // chains read
  std::int64_t rules = 0;       // rules generated before merging
  MonitorSaveResult saved;      // created / updated / unchanged monitors
  std::int64_t monitors = 0;    // stored after the merge
};

// In one transaction: rules from each chain (generate_monitor_rules, with the
// severity and window start of its stored incident), merged into the store.
// Chains whose incident is no longer stored are skipped.
MonitorGenerationResult generate_monitors(Workspace& ws, const std::vector<CausalChain>& chains,
                                          const DependencyGraphs& graphs, const DetectConfig& detect, TimeMs now,
                                          const Logger& log);

struct MonitorRunOptions {
  // Explicit days (inclusive). Default: per monitor, the day after the last
  // one it evaluated (or its born day) up to the latest metric day.
  std::optional<DayNumber> from, to;
  MonitorRuntimeConfig runtime;
  // Read the day scores detection remembered (detect/score_memo.h) and add
  // the monitors' own; the same alerts either way.
  bool use_memo = true;
  // The stored gold metrics already read (bre scan reads them once); null: read them.
  const DailyMetrics* metrics = nullptr;
};

struct MonitorRunResult {
  std::int64_t monitors = 0;        // enabled monitors evaluated
  std::int64_t days_evaluated = 0;  // monitor-days
  std::optional<DayNumber> from, to;  // the span of days evaluated over all monitors
  AlertSaveResult alerts;
};

// In one transaction. Labelled windows are left out of the baselines as in
// bre detect, so a monitor reads its metric exactly as detection does.
MonitorRunResult run_monitors(Workspace& ws, const MonitorRunOptions& options, const DetectConfig& detect,
                              const Logger& log);

// For run manifests: {"generated":…,"created":…,"updated":…,"monitors":…}
// and {"monitors":…,"from":…,"to":…,"alerts_raised":…,"alerts_extended":…,
// "alert_ids":[…],"episode_quiet_days":…}.
std::string monitor_generation_json(const MonitorGenerationResult& r);
std::string monitor_run_json(const MonitorRunResult& r, const MonitorRunOptions& options);

}  // namespace bre
