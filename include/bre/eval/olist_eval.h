// bre eval olist: bre's incidents on the real Olist orders against the
// episodes a person found in the raw data (docs/eval/olist_episodes.json,
// docs/eval-olist.md). The label parsing and the matching are pure; the run
// (ingest, scan, read back) is run_olist_eval.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bre/core/dependency_graphs.h"
#include "bre/core/log.h"
#include "bre/state/metric_event.h"
#include "bre/store/workspace.h"

namespace bre {

// One labelled episode. `incident` episodes count for recall; `data_edge`
// episodes are stretches where the data set itself starts or stops, and an
// incident inside one is an artefact of the data, not a false alarm.
struct OlistEpisode {
  std::string id;
  std::string kind;                // incident | data_edge
  std::vector<std::string> types;  // the bre incident types that describe it
  DayNumber start = 0, end = 0;
  std::string note;
};

// The label file's episodes, checked (known kind and incident types, dates,
// start ≤ end, unique ids); Error(data_invalid) naming the episode otherwise.
std::vector<OlistEpisode> parse_olist_episodes(const std::string& json_text, const std::string& where);

// What the matching needs of a stored incident and its causal chain.
struct EvalIncident {
  std::string id, type, severity, confidence, primary_metric;
  DayNumber window_start = 0, window_end = 0, detected = 0;
  std::optional<std::string> root_cause, cascade_id;
};

struct EpisodeResult {
  const OlistEpisode* episode = nullptr;
  std::vector<std::size_t> incidents;  // indexes into the incidents, earliest detection first
};

struct IncidentVerdict {
  std::string verdict;                  // match | data-edge | invented
  std::vector<std::string> episode_ids; // the episodes it matched or fell into
};

struct OlistMatch {
  std::vector<EpisodeResult> episodes;   // incident episodes, in label order
  std::vector<IncidentVerdict> verdicts; // one per incident, in input order
  int found = 0, labelled = 0, invented = 0, data_edge = 0;
};

// The rule (docs/eval-olist.md): an incident matches an incident episode when
// its type is one of the episode's and its window overlaps the episode's days
// widened by `slack_days` on both sides. An incident matching none is
// data-edge when its window overlaps a data_edge episode (same slack), else
// invented.
OlistMatch match_olist_episodes(const std::vector<OlistEpisode>& episodes, const std::vector<EvalIncident>& incidents,
                                int slack_days);

// The report: per episode (found, first detection, lag in days after the
// episode start, incident, chain root), per incident (verdict) and the counts.
nlohmann::ordered_json olist_match_json(const OlistMatch& match, const std::vector<EvalIncident>& incidents,
                                        int slack_days);

struct OlistEvalRequest {
  std::string data_dir;     // the eight Olist CSV files
  std::string labels_path;  // the episode file
  int slack_days = 3;
};

// What the run reads before it touches a workspace: the checked episodes and
// the *.csv files of data_dir, sorted. Error(no_input) for a missing folder,
// file or empty folder; Error(data_invalid) for a bad episode file.
struct OlistEvalInputs {
  std::vector<OlistEpisode> episodes;
  std::vector<std::string> files;
};
OlistEvalInputs read_olist_eval_inputs(const OlistEvalRequest& request);

// Ingests the files with the Olist adapter (a no-op when the workspace
// already holds them), scans, reads back the incidents and their chains, and
// matches them. Refuses a workspace that holds events of another source
// (usage error): the scan would mix them into Olist's metrics.
nlohmann::ordered_json run_olist_eval(Workspace& ws, const OlistEvalRequest& request, const OlistEvalInputs& inputs,
                                      const Logger& log, const DependencyGraphs& graphs);

}  // namespace bre
