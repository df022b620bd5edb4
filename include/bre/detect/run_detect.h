// `bre detect`: the stored gold metrics → incidents in the workspace.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "bre/core/json_text.h"
#include "bre/core/log.h"
#include "bre/detect/incidents.h"
#include "bre/detect/score_memo.h"
#include "bre/store/incident_store.h"
#include "bre/store/workspace.h"

namespace bre {

struct DetectRunResult {
  std::int64_t days = 0;
  std::int64_t incidents = 0, withdrawn = 0;
  std::map<std::string, std::int64_t> by_type;
  std::string human_inputs;         // JSON array: statuses and labels people set, read before detecting
  std::string baseline_exclusions;  // JSON array: the labelled windows left out of the baselines
  std::int64_t excluded_windows = 0;
  std::string manifest;             // run_detect_recorded: the run's manifest as recorded
  std::int64_t scores_reused = 0, scores_computed = 0;  // day scores from the memo, and scored
};

// Feedback into the baselines: each window labelled expected or not_anomaly
// is left out of the baseline history of its type's trigger metrics.
void exclude_labelled_windows(DetectConfig& config, const std::vector<LabelledWindow>& windows);

// The workspace's score memo (detect/score_memo.h); an empty one when there
// is none or it cannot be read (a cache: a warning, then everything is
// scored again).
ScoreMemo stored_score_memo(Database& db, const Logger& log);

// Detects with `config` plus the workspace's labelled windows, in one
// transaction. use_memo: score only the days whose values changed since the
// last detection (detect/score_memo.h; the same incidents either way); false
// scores every day and refreshes the memo.
// metrics: the stored gold metrics when the caller has read them (bre scan
// reads them once for every stage); null: read here.
DetectRunResult run_detect(Workspace& ws, const std::string& run_id, const Logger& log, const DetectConfig& cfg = {},
                           bool use_memo = true, const DailyMetrics* metrics = nullptr);

// What bre detect's and bre scan's manifests share: the versions of bre, the
// workspace, event and metric schemas and the detection config; the inputs
// (config_hash, config, human_inputs, baseline_exclusions); and in `produced`
// days, incidents, incidents_withdrawn, incidents_by_type.
std::string run_versions_json(Database& db);
void add_detect_inputs(JsonObjectWriter& manifest, const DetectConfig& cfg, const DetectRunResult& r);
void add_detect_outputs(JsonObjectWriter& produced, const DetectRunResult& r);

// `bre detect` on its own: run_detect, recorded in `runs` with its manifest.
DetectRunResult run_detect_recorded(Workspace& ws, const std::string& run_id, const Logger& log,
                                    const DetectConfig& cfg = {});

}  // namespace bre
