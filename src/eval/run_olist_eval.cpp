// bre eval olist, the run: ingest the Olist files, scan, read back the
// incidents and their chains, match them against the labelled episodes.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bre/core/error.h"
#include "bre/core/time.h"
#include "bre/eval/olist_eval.h"
#include "bre/ingest/ingest.h"
#include "bre/scan/scan.h"
#include "bre/store/chain_store.h"
#include "bre/store/incident_store.h"

namespace bre {

namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::no_input, "INPUT_NOT_FOUND", "cannot read the episode file", path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The eight CSV files, sorted so the batch is the same on every machine.
std::vector<std::string> olist_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(ErrorKind::no_input, "INPUT_NOT_FOUND", "not a directory", dir);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".csv") files.push_back(entry.path().string());
  if (files.empty()) throw Error(ErrorKind::no_input, "INPUT_NOT_FOUND", "no .csv files in the Olist folder", dir);
  std::sort(files.begin(), files.end());
  return files;
}

// Another source's events would flow into the same daily metrics.
void refuse_mixed_workspace(Workspace& ws) {
  if (ws.db().query_int("SELECT count(*) FROM live_events WHERE source <> 'olist'") > 0)
    throw_usage("the workspace holds events of other sources; bre eval olist needs a workspace of its own "
                "(--workspace NEW_FILE)");
}

// A date field, or with `clock` a timestamp field on its local date.
DayNumber day_field(const nlohmann::json& j, const char* field, const BusinessTime* clock = nullptr) {
  const std::string text = j.at(field).get<std::string>();
  const auto t = clock ? parse_iso8601(text) : parse_date(text);
  if (!t) throw_internal(std::string("stored incident has a bad ") + field + ": " + text);
  return clock ? clock->local_day(*t) : day_of(*t);
}

std::optional<std::string> optional_string(const nlohmann::json& j, const char* field) {
  const auto it = j.find(field);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::vector<EvalIncident> stored_incidents(Database& db) {
  std::vector<EvalIncident> out;
  const BusinessTime clock = business_time(db);
  for (const std::string& payload : list_incidents(db, {})) {
    const auto j = nlohmann::json::parse(payload);
    EvalIncident inc;
    inc.id = j.at("incident_id").get<std::string>();
    inc.type = j.at("incident_type").get<std::string>();
    inc.severity = j.value("severity", "");
    inc.confidence = j.value("confidence", "");
    inc.primary_metric = j.value("primary_metric", "");
    inc.window_start = day_field(j, "incident_window_start");
    inc.window_end = day_field(j, "incident_window_end");
    inc.detected = day_field(j, "detected_at", &clock);
    inc.cascade_id = optional_string(j, "cascade_id");
    if (const auto chain = find_chain(db, inc.id))
      inc.root_cause = optional_string(nlohmann::json::parse(*chain), "root_cause");
    out.push_back(std::move(inc));
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

OlistEvalInputs read_olist_eval_inputs(const OlistEvalRequest& request) {
  if (request.slack_days < 0) throw_usage("--slack-days must be >= 0");
  return {parse_olist_episodes(read_text(request.labels_path), request.labels_path), olist_files(request.data_dir)};
}

nlohmann::ordered_json run_olist_eval(Workspace& ws, const OlistEvalRequest& request, const OlistEvalInputs& inputs,
                                      const Logger& log, const DependencyGraphs& graphs) {
  IngestRequest ingest;
  ingest.source = "olist";
  ingest.paths = inputs.files;
  refuse_mixed_workspace(ws);

  const auto t0 = std::chrono::steady_clock::now();
  const IngestResult ingested = ingest_files(ws, ingest, log);
  const double ingest_seconds = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const ScanResult scan = run_scan(ws, log.run_id(), DetectConfig{}, log, graphs);
  const double scan_seconds = seconds_since(t1);

  const std::vector<EvalIncident> incidents = stored_incidents(ws.db());
  const OlistMatch match = match_olist_episodes(inputs.episodes, incidents, request.slack_days);
  nlohmann::ordered_json out{{"data_dir", request.data_dir},
                             {"labels", request.labels_path},
                             {"workspace", ws.path()},
                             {"run_id", scan.run_id},
                             {"events", scan.summary.events},
                             {"events_inserted", ingested.events_inserted},
                             {"days", scan.summary.days},
                             {"cascades", scan.summary.cascades}};
  out.update(olist_match_json(match, incidents, request.slack_days));
  // Wall times (and run_id) vary from run to run; the counts and verdicts do not.
  out["timings"] = {{"ingest_seconds", ingest_seconds}, {"scan_seconds", scan_seconds}};
  return out;
}

}  // namespace bre
