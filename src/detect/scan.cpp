#include "bre/detect/scan.h"

#include <algorithm>
#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/event.h"
#include "bre/core/hash.h"
#include "bre/core/json_text.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/isolation_forest.h"
#include "bre/detect/run_detect.h"
#include "bre/state/build_state.h"
#include "bre/store/runs.h"

namespace bre {

namespace {

// What the scan read: the count and a hash of the sorted live event ids, so
// two scans over the same events can be recognised as such.
std::string events_json(Database& db) {
  Statement s = db.prepare("SELECT event_id FROM live_events ORDER BY event_id");
  std::string all;
  std::int64_t n = 0;
  while (s.step()) {
    all.append(s.text_view(0));
    all.push_back('\n');
    ++n;
  }
  return JsonObjectWriter().integer("count", n).string("content_hash", "sha256:" + sha256_hex(all)).str();
}

std::string config_json(const DetectConfig& c) {
  std::string rules = "[";
  for (const IncidentRule& r : incident_rules()) {
    std::string triggers = "[";
    for (const TriggerRule& t : r.triggers)
      triggers += (triggers.size() > 1 ? "," : "") + JsonObjectWriter()
                                                         .string("metric", t.metric)
                                                         .integer("direction", t.direction)
                                                         .number("z_threshold", t.z_threshold)
                                                         .str();
    rules += (rules.size() > 1 ? "," : "") + JsonObjectWriter().string("type", r.type).raw("triggers", triggers + "]").str();
  }
  return JsonObjectWriter()
      .string("version", kDetectConfigVersion)
      .integer("baseline_days", c.baseline.baseline_days)
      .integer("min_history_days", c.baseline.min_history_days)
      .integer("profile_days", c.baseline.profile_days)
      .integer("scale_days", c.baseline.scale_days)
      .number("poisson_below", c.baseline.poisson_below)
      .number("min_relative_effect", c.baseline.min_relative_effect)
      .integer("cold_start_days", c.cold_start_days)
      .integer("full_confidence_days", c.full_confidence_days)
      .integer("quiet_days_to_end", c.quiet_days_to_end)
      .integer("reopen_days", c.reopen_days)
      .integer("min_days_weak", c.min_days_weak)
      .number("refund_critical_share", c.refund_critical_share)
      .number("trend_threshold", c.trend_threshold)
      .raw("incident_rules", rules + "]")
      .str();
}

std::string models_json(const DetectConfig& c) {
  const IsolationForestParams forest;
  const BocpdParams bocpd;
  std::string out = "[";
  if (c.isolation_forest)
    out += JsonObjectWriter()
               .string("name", "isolation_forest")
               .string("scope", "per domain, trailing window ending on each firing day")
               .integer("training_window_days", c.forest_days)
               .integer("n_estimators", static_cast<std::int64_t>(forest.n_estimators))
               .integer("max_samples", static_cast<std::int64_t>(forest.max_samples))
               .number("contamination", forest.contamination)
               .integer("seed", static_cast<std::int64_t>(c.forest_seed))
               .str();
  if (c.changepoints)
    out += std::string(out.size() > 1 ? "," : "") + JsonObjectWriter()
                                                        .string("name", "bocpd")
                                                        .number("hazard_lambda", bocpd.hazard_lambda)
                                                        .integer("window", static_cast<std::int64_t>(bocpd.window))
                                                        .number("threshold", 0.9)
                                                        .str();
  return out + "]";
}

// Statuses a person set: inputs of this run, since they decide what is kept.
std::string human_inputs_json(Database& db) {
  Statement s = db.prepare("SELECT incident_id, status FROM incidents WHERE status <> 'open' ORDER BY incident_id");
  std::string out = "[";
  while (s.step())
    out += (out.size() > 1 ? "," : "") +
           JsonObjectWriter().string("incident_id", s.text_view(0)).string("status", s.text_view(1)).str();
  return out + "]";
}

}  // namespace

ScanResult run_scan(Workspace& ws, const std::string& run_id, const DetectConfig& cfg, const Logger& log) {
  const TimeMs started = now_ms();
  Database& db = ws.db();
  const std::string inputs = human_inputs_json(db);
  const StateBuildResult state = build_state(ws, run_id, false, log);
  const TimeMs state_done = now_ms();
  const DetectRunResult detected = run_detect(ws, run_id, log, cfg);
  const TimeMs detect_done = now_ms();

  std::string methods = R"(["mad_zscore")";
  if (cfg.isolation_forest) methods += R"(,"isolation_forest")";
  if (cfg.changepoints) methods += R"(,"changepoint")";
  methods += "]";
  std::string fired = "{";
  {
    Statement s = db.prepare(
        "SELECT m.value, count(*) FROM incidents, json_each(json_extract(payload, '$.detection_methods')) m "
        "WHERE run_id = ? GROUP BY m.value ORDER BY m.value");
    s.bind(1, run_id);
    while (s.step()) fired += (fired.size() > 1 ? "," : "") + json_string(s.text_view(0)) + ":" + std::to_string(s.int64(1));
  }
  fired += "}";
  std::string by_type = "{";
  for (const auto& [type, n] : detected.by_type) by_type += (by_type.size() > 1 ? "," : "") + json_string(type) + ":" + std::to_string(n);
  by_type += "}";

  JsonObjectWriter m;
  m.string("run_id", run_id)
      .string("command", "scan")
      .string("started_at", format_iso8601(started))
      .string("finished_at", format_iso8601(detect_done))
      .raw("events", events_json(db))
      .raw("versions", JsonObjectWriter()
                           .string("bre", BRE_VERSION)
                           .integer("workspace_schema", db.query_int("PRAGMA user_version"))
                           .string("canonical_schema", std::string(kCanonicalSchemaVersion))
                           .integer("metric_schema", kMetricSchemaVersion)
                           .string("detect_config", kDetectConfigVersion)
                           .str())
      .raw("config", config_json(cfg))
      .raw("methods_run", methods)
      .raw("methods_fired", fired)
      .raw("models", models_json(cfg))
      .raw("human_inputs", inputs)
      .raw("durations_ms", JsonObjectWriter()
                               .integer("build_state", state_done - started)
                               .integer("detect", detect_done - state_done)
                               .str())
      .raw("produced", JsonObjectWriter()
                           .string("state_mode", state.up_to_date ? "up_to_date" : state.full ? "full" : "incremental")
                           .integer("metric_rows", state.daily_rows)
                           .integer("days", detected.days)
                           .integer("incidents", detected.incidents)
                           .integer("incidents_withdrawn", detected.withdrawn)
                           .raw("incidents_by_type", by_type)
                           .str());
  ScanResult r{run_id, m.str()};
  record_run(db, {run_id, "scan", started, detect_done, "succeeded", r.manifest});
  return r;
}

std::string read_manifest(Database& db, const std::string& run_id) {
  Statement s = db.prepare("SELECT manifest FROM runs WHERE run_id = ?");
  s.bind(1, run_id);
  if (!s.step()) throw Error(ErrorKind::not_found, "RUN_NOT_FOUND", "no run with this id", run_id);
  return s.text(0);
}

}  // namespace bre
