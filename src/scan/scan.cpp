#include "bre/scan/scan.h"

#include <algorithm>
#include <sstream>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/event.h"
#include "bre/core/hash.h"
#include "bre/core/json_text.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/isolation_forest.h"
#include "bre/correlate/run_correlate.h"
#include "bre/detect/run_detect.h"
#include "bre/monitor/run_monitors.h"
#include "bre/postmortem/run_postmortem.h"
#include "bre/rca/run_rca.h"
#include "bre/scan/scan_reuse.h"
#include "bre/store/metric_store.h"
#include "bre/state/build_state.h"
#include "bre/store/event_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/postmortem_store.h"
#include "bre/store/runs.h"

namespace bre {

namespace {

// What the scan read: the count and a hash of the set of live event ids, so
// two scans over the same events can be recognised as such.
struct LiveEventsDigest {
  std::int64_t count = 0;
  std::string content_hash;
};

// The digest is kept in the settings with the log's end it covers: events and
// superseded_events are append-only (their triggers refuse UPDATE and
// DELETE), so while no event was superseded since, the live events are the
// kept ones plus the live ones stored after, and the set hash (core/hash.h)
// goes on from the kept value instead of rehashing 10^6 ids.
constexpr const char* kDigestSetting = "scan_live_events_digest";
constexpr std::string_view kSetHashPrefix = "sha256-set:";

LiveEventsDigest live_events_digest(Workspace& ws) {
  Database& db = ws.db();
  const EventLogEnd end = event_log_end(db);
  std::int64_t after_rowid = 0;
  LiveEventsDigest d;
  SetHash ids;
  if (const auto kept = ws.setting(kDigestSetting)) {
    // "<events rowid> <superseded rowid> <count> sha256-set:<hex>"
    std::istringstream in(*kept);
    std::int64_t events = -1, superseded = -1, count = -1;
    std::string hash;
    in >> events >> superseded >> count >> hash;
    const auto resumed = hash.starts_with(kSetHashPrefix) ? SetHash::from_hex(hash.substr(kSetHashPrefix.size()))
                                                          : std::nullopt;
    if (resumed && superseded == end.superseded && events >= 0 && events <= end.events && count >= 0) {
      after_rowid = events, d.count = count, ids = *resumed;
      if (events == end.events) return {count, hash};
    }
  }
  Statement s = db.prepare(
      "SELECT event_id FROM events e WHERE e.rowid > ? "
      "AND NOT EXISTS (SELECT 1 FROM superseded_events x WHERE x.event_id = e.event_id)");
  s.bind(1, after_rowid);
  while (s.step()) {
    ids.add(s.text_view(0));
    ++d.count;
  }
  d.content_hash = std::string(kSetHashPrefix) + ids.hex();
  ws.set_setting(kDigestSetting, std::to_string(end.events) + " " + std::to_string(end.superseded) + " " +
                                     std::to_string(d.count) + " " + d.content_hash);
  return d;
}

std::string events_json(const LiveEventsDigest& d) {
  return JsonObjectWriter().integer("count", d.count).string("content_hash", d.content_hash).str();
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

// What correlate and rca produced, for the manifest: counts, and each
// incident's root cause so two scans can be compared at a glance.
std::string explained_json(const CorrelateRunResult& linked, const RcaRunResult& explained) {
  std::string roots = "{";
  for (const CausalChain& c : explained.chains)
    roots += (roots.size() > 1 ? "," : "") + json_string(c.incident_id) + ":" + json_string(c.root_cause);
  return JsonObjectWriter()
      .integer("cascades", linked.cascades)
      .integer("incidents_in_cascades", linked.incidents_in_cascades)
      .integer("causal_chains", static_cast<std::int64_t>(explained.chains.size()))
      .integer("causal_chains_kept", explained.chains_kept)
      .integer("blast_radii", static_cast<std::int64_t>(explained.blast_radius.size()))
      .raw("root_causes", roots + "}")
      .str();
}

// The postmortems written: their ids and subjects, for the manifest.
std::string postmortems_json(const std::vector<Postmortem>& written) {
  std::string items = "[";
  for (const Postmortem& pm : written) {
    JsonObjectWriter w;
    w.string("postmortem_id", pm.postmortem_id).string("incident_id", pm.incident_id);
    if (pm.cascade_id) w.string("cascade_id", *pm.cascade_id);
    w.integer("monitors", static_cast<std::int64_t>(pm.monitors.size()));
    items += (items.size() > 1 ? "," : "") + w.str();
  }
  return JsonObjectWriter()
      .integer("count", static_cast<std::int64_t>(written.size()))
      .raw("postmortems", items + "]")
      .str();
}

// The stages every scan runs besides the monitor run, in order; the ones a
// scan with unchanged inputs keeps from the scan that computed them.
const std::vector<std::string> kReusableStages = {"detect",     "blast_radius_facts", "correlate",
                                                  "rca_and_blast_radius", "monitor_generation", "postmortems"};

std::string reuse_json(const std::optional<std::string>& from_run, const std::string& fingerprint) {
  JsonObjectWriter w;
  if (from_run) w.string("from_run", *from_run);
  else w.raw("from_run", "null");
  return w.raw("stages", from_run ? json_string_array(kReusableStages) : "[]")
      .string("inputs_fingerprint", fingerprint)
      .str();
}

// Nothing the stages read changed since `from_run` computed the stored
// results: they stay as they are, and this run's manifest is that run's with
// what this run did itself (state check, monitor run, timings) and a "reuse"
// block naming the run and the stages kept.
ScanResult reused_scan(Workspace& ws, const std::string& run_id, const std::string& from_run,
                       const std::string& fingerprint, const StateBuildResult& state, TimeMs started,
                       TimeMs state_done, const DetectConfig& cfg, const Logger& log) {
  Database& db = ws.db();
  log.info("scan", "stages_reused", {{"from_run", from_run}, {"inputs_fingerprint", fingerprint}});
  const MonitorRunOptions monitor_options;
  const TimeMs monitors_start = now_ms();
  const MonitorRunResult watched = run_monitors(ws, monitor_options, cfg, log);
  const TimeMs finished = now_ms();
  const LiveEventsDigest digest = live_events_digest(ws);
  nlohmann::ordered_json m = nlohmann::ordered_json::parse(read_manifest(db, from_run));
  m["run_id"] = run_id;
  m["started_at"] = format_iso8601(started);
  m["finished_at"] = format_iso8601(finished);
  m["events"] = nlohmann::ordered_json::parse(events_json(digest));
  m["durations_ms"] = {{"build_state", state_done - started}, {"monitor_run", finished - monitors_start}};
  nlohmann::ordered_json& produced = m["produced"];
  produced["state_mode"] = state.up_to_date ? "up_to_date" : state.full ? "full" : "incremental";
  produced["metric_rows"] = state.daily_rows;
  produced["monitor_run"] = nlohmann::ordered_json::parse(monitor_run_json(watched, monitor_options));
  m["reuse"] = nlohmann::ordered_json::parse(reuse_json(from_run, fingerprint));
  ScanResult r{run_id, m.dump(), {}, {}};
  r.summary.events = digest.count;
  r.summary.days = produced.at("days").get<std::int64_t>();
  r.summary.incidents = produced.at("incidents").get<std::int64_t>();
  r.summary.cascades = produced.at("explained").at("cascades").get<std::int64_t>();
  r.summary.postmortems = produced.at("postmortems").at("count").get<std::int64_t>();
  r.summary.monitors = produced.at("monitors").at("monitors").get<std::int64_t>();
  r.summary.alerts_raised = watched.alerts.raised;
  record_run(db, {run_id, "scan", started, finished, "succeeded", r.manifest});
  return r;
}

}  // namespace

ScanResult run_scan(Workspace& ws, const std::string& run_id, const DetectConfig& cfg, const Logger& log,
                    const DependencyGraphs& graphs, const ScanOptions& options) {
  const TimeMs started = now_ms();
  Database& db = ws.db();
  const StateBuildResult state = build_state(ws, run_id, false, log);
  const TimeMs state_done = now_ms();
  const CascadeConfig cascade_cfg;
  const RcaConfig rca_cfg;
  // Taken after build-state, which only writes when the log or the zone changed.
  const std::string fingerprint = scan_inputs_fingerprint(ws, cfg, cascade_cfg, rca_cfg, graphs);
  if (const auto from_run = options.reuse ? scan_run_for_inputs(ws, fingerprint) : std::nullopt) {
    ScanResult r = reused_scan(ws, run_id, *from_run, fingerprint, state, started, state_done, cfg, log);
    remember_scan_inputs(ws, scan_inputs_fingerprint(ws, cfg, cascade_cfg, rca_cfg, graphs), *from_run);
    return r;
  }
  // Every stage reads the same stored metrics: read once here.
  const DailyMetrics metrics = read_daily_metrics(db);
  const DetectRunResult detected = run_detect(ws, run_id, log, cfg, options.reuse, &metrics);
  const TimeMs detect_done = now_ms();
  // The orders, invoices and customer ledgers every blast radius reads
  // (cascade totals, each incident's, each postmortem's): read once here,
  // and not at all when there is no incident to explain.
  std::shared_ptr<const BlastFacts> blast_facts;
  if (db.query_int("SELECT count(*) FROM incidents") > 0)
    blast_facts = load_blast_facts(ws, options.reuse ? BlastFactsSnapshot::use_and_save : BlastFactsSnapshot::ignore);
  const TimeMs facts_done = now_ms();
  const CorrelateRunResult linked = run_correlate(ws, run_id, log, graphs, cascade_cfg, blast_facts.get());
  const TimeMs correlate_done = now_ms();
  RcaRunOptions rca_options;
  rca_options.blast_facts = blast_facts.get();
  rca_options.reuse = options.reuse;
  rca_options.metrics = &metrics;
  const RcaRunResult explained = run_rca(ws, rca_options, run_id, log, graphs, cfg, rca_cfg);
  const TimeMs rca_done = now_ms();
  // Prevention monitors from each chain's top path, merged into the stored ones.
  const MonitorGenerationResult monitors = generate_monitors(ws, explained.chains, graphs, cfg, started, log);
  const TimeMs monitors_done = now_ms();
  // Postmortems: one per cascade and per incident in no cascade, each with
  // the monitors just stored.
  std::vector<Postmortem> written =
      run_postmortems(ws, all_postmortem_subjects(db), graphs, run_id, log, cfg, rca_cfg, blast_facts.get(), options.reuse,
                      &metrics);
  prune_postmortems(db);
  const TimeMs postmortems_done = now_ms();
  // The last stage: every enabled monitor on the days it has not seen yet.
  // It runs after generation so a monitor born in this scan backfills from
  // its incident on (never before it: docs/monitors.md).
  MonitorRunOptions monitor_options;
  monitor_options.use_memo = options.reuse;
  monitor_options.metrics = &metrics;
  const MonitorRunResult watched = run_monitors(ws, monitor_options, cfg, log);
  const TimeMs finished = now_ms();
  std::string methods = R"(["mad_zscore")";
  if (cfg.spend_drift.enabled) methods += R"(,"cusum_drift")";
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

  const LiveEventsDigest digest = live_events_digest(ws);
  JsonObjectWriter m;
  m.string("run_id", run_id)
      .string("command", "scan")
      .string("started_at", format_iso8601(started))
      .string("finished_at", format_iso8601(finished))
      .raw("events", events_json(digest))
      .raw("versions", run_versions_json(db))
      .string("timezone", ws.business_time().zone());  // whose days the metrics count
  add_detect_inputs(m, cfg, detected);
  m.string("dependency_graph_version", graphs.metrics.version())
      .string("incident_graph_version", graphs.incidents.version())
      .raw("cascade_config", cascade_config_json(cascade_cfg))
      .string("rca_algorithm", kRcaAlgorithmVersion)
      .raw("rca_config", rca_config_json(rca_cfg));
  JsonObjectWriter produced;
  produced.string("state_mode", state.up_to_date ? "up_to_date" : state.full ? "full" : "incremental")
      .integer("metric_rows", state.daily_rows);
  add_detect_outputs(produced, detected);
  produced.raw("explained", explained_json(linked, explained))
      .raw("monitors", monitor_generation_json(monitors))
      .raw("postmortems", postmortems_json(written))
      .raw("monitor_run", monitor_run_json(watched, monitor_options));
  m.raw("methods_run", methods)
      .raw("methods_fired", fired)
      .raw("models", models_json(cfg))
      .raw("durations_ms", JsonObjectWriter()
                               .integer("build_state", state_done - started)
                               .integer("detect", detect_done - state_done)
                               .integer("blast_radius_facts", facts_done - detect_done)
                               .integer("correlate", correlate_done - facts_done)
                               .integer("rca_and_blast_radius", rca_done - correlate_done)
                               .integer("monitor_generation", monitors_done - rca_done)
                               .integer("postmortems", postmortems_done - monitors_done)
                               .integer("monitor_run", finished - postmortems_done)
                               .str())
      .raw("produced", produced.str())
      .raw("reuse", reuse_json(std::nullopt, fingerprint));
  ScanResult r{run_id, m.str(), {}, {}};
  r.summary.events = digest.count;
  r.summary.days = detected.days;
  r.summary.incidents = detected.incidents;
  r.summary.cascades = linked.cascades;
  r.summary.postmortems = static_cast<std::int64_t>(written.size());
  r.summary.monitors = monitors.monitors;
  r.summary.alerts_raised = watched.alerts.raised;
  r.postmortems = std::move(written);
  record_run(db, {run_id, "scan", started, finished, "succeeded", r.manifest});
  // Taken after the scan's own writes (state, results, the digest above):
  // the next scan over the same inputs finds exactly this.
  remember_scan_inputs(ws, scan_inputs_fingerprint(ws, cfg, cascade_cfg, rca_cfg, graphs), run_id);
  return r;
}


std::string read_manifest(Database& db, const std::string& run_id) {
  Statement s = db.prepare("SELECT manifest FROM runs WHERE run_id = ?");
  s.bind(1, run_id);
  if (!s.step()) throw Error(ErrorKind::not_found, "RUN_NOT_FOUND", "no run with this id", run_id);
  return s.text(0);
}

}  // namespace bre
