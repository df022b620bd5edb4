#include "bre/detect/run_detect.h"

#include <fmt/format.h>

#include "bre/core/event.h"
#include "bre/core/money.h"
#include "bre/detect/detect_config.h"
#include "bre/detect/entity_upgrades.h"
#include "bre/detect/forest_verdicts.h"
#include "bre/detect/score_memo.h"
#include "bre/store/entity_facts.h"
#include "bre/store/metric_store.h"
#include "bre/store/runs.h"

namespace bre {

namespace {

std::string exclusions_json(const std::vector<LabelledWindow>& windows) {
  std::string out = "[";
  for (const LabelledWindow& w : windows) {
    std::string metrics = "[";
    for (const IncidentRule& rule : incident_rules())
      if (rule.type == w.incident_type)
        for (const TriggerRule& t : rule.triggers) metrics += (metrics.size() > 1 ? "," : "") + json_string(t.metric);
    out += (out.size() > 1 ? "," : "") + JsonObjectWriter()
                                             .string("incident_id", w.incident_id)
                                             .string("incident_type", w.incident_type)
                                             .string("label", w.label)
                                             .string("from", format_day(w.from))
                                             .string("to", format_day(w.to))
                                             .raw("metrics", metrics + "]")
                                             .str();
  }
  return out + "]";
}

ForestVerdicts load_forest_verdicts(Database& db) {
  ForestVerdicts v;
  Statement s = db.prepare("SELECT key, flagged FROM forest_verdicts");
  while (s.step()) v.known.emplace(s.text(0), s.int64(1) != 0);
  return v;
}

// Adds this run's new verdicts and forgets those no window asks for any more
// (history rewritten, config changed), so the table holds one row per
// domain-day of the current metrics. When the score memo answered some
// windows, the keys asked for are not all the needed ones: nothing is
// forgotten then (a run without the memo, scan --no-reuse, prunes).
void store_forest_verdicts(Database& db, const ForestVerdicts& v) {
  Statement add = db.prepare("INSERT OR REPLACE INTO forest_verdicts(key, flagged) VALUES(?, ?)");
  for (const auto& [key, flagged] : v.computed) add.bind(1, key).bind(2, flagged ? 1 : 0).run();
  if (v.answered_elsewhere || v.used.size() == v.known.size() + v.computed.size()) return;
  Statement drop = db.prepare("DELETE FROM forest_verdicts WHERE key = ?");
  for (const auto& [key, flagged] : v.known)
    if (!v.used.count(key)) drop.bind(1, key).run();
}

}  // namespace

void exclude_labelled_windows(DetectConfig& cfg, const std::vector<LabelledWindow>& windows) {
  for (const LabelledWindow& w : windows)
    for (const IncidentRule& rule : incident_rules())
      if (rule.type == w.incident_type)
        for (const TriggerRule& t : rule.triggers) cfg.baseline.excluded_days[t.metric].push_back({w.from, w.to});
}

ScoreMemo stored_score_memo(Database& db, const Logger& log) {
  try {
    return ScoreMemo::load(load_score_memo(db));
  } catch (const Error& e) {  // a cache: unreadable, it is rebuilt
    log.warn("detect", "score_memo_unreadable", {{"error", std::string(e.what())}});
    return {};
  }
}

DetectRunResult run_detect(Workspace& ws, const std::string& run_id, const Logger& log, const DetectConfig& cfg,
                           bool use_memo, const DailyMetrics* metrics) {
  ScopedTimer timer(log, "detect", "detect");
  Database& db = ws.db();
  Transaction tx(db);
  DetectRunResult r;
  r.human_inputs = human_inputs_json(db);
  const std::vector<LabelledWindow> labelled = windows_labelled_normal(db);
  r.baseline_exclusions = exclusions_json(labelled);
  r.excluded_windows = static_cast<std::int64_t>(labelled.size());
  DetectConfig with_feedback = cfg;
  exclude_labelled_windows(with_feedback, labelled);
  DailyMetrics read;
  const DailyMetrics& m = metrics ? *metrics : (read = read_daily_metrics(db));
  ScoreMemo memo = stored_score_memo(db, log);
  memo.bind(m, fmt::format("{}|{}|{}", kForestVerdictVersion, cfg.forest_days, cfg.forest_seed));
  if (!use_memo) memo.recompute();
  memo.serve(with_feedback.baseline);
  with_feedback.baseline.memo = &memo;
  ForestVerdicts verdicts;
  if (cfg.isolation_forest) verdicts = load_forest_verdicts(db);
  std::vector<PartySpend> vendor_spend;
  if (cfg.spend_drift.enabled)
    vendor_spend = vendor_daily_spend(db, m.first_day, m.days,
                                      currency_minor_digits(ws.setting("currency").value_or("")).value_or(2), use_memo);
  std::vector<DetectedIncident> found =
      detect_incidents(m, with_feedback, cfg.isolation_forest ? &verdicts : nullptr, &vendor_spend);
  if (cfg.isolation_forest) store_forest_verdicts(db, verdicts);
  for (DetectedIncident& inc : found) {
    if (inc.incident_type == "supplier_dependency_failure")
      apply_supplier_upgrade(inc, supplier_facts(db, inc.window_start, inc.window_end), cfg);
    if (inc.incident_type == "churn_acceleration")  // churn_proxy counts the churns of the last 30 days
      apply_churn_upgrade(inc, churn_facts(db, inc.window_start - 29, inc.window_end, cfg.top_customer_share), cfg);
  }
  const StoredIncidents stored = store_incidents(db, found, m.first_day, run_id, use_memo);
  if (memo.computed() > 0) save_score_memo(db, memo.save());
  r.scores_reused = memo.reused();
  r.scores_computed = memo.computed();
  tx.commit();
  r.days = static_cast<std::int64_t>(m.days);
  r.incidents = stored.written;
  r.withdrawn = stored.withdrawn;
  for (const DetectedIncident& i : found) ++r.by_type[i.incident_type];
  log.info("detect", "forest_verdicts", {{"reused", verdicts.hits}, {"fitted", verdicts.fits}});
  log.info("detect", "day_scores", {{"reused", r.scores_reused}, {"computed", r.scores_computed}});
  log.info("detect", "incidents_detected",
           {{"days", r.days}, {"incidents", r.incidents}, {"withdrawn", r.withdrawn}, {"excluded_windows", r.excluded_windows}});
  return r;
}

std::string run_versions_json(Database& db) {
  return JsonObjectWriter()
      .string("bre", BRE_VERSION)
      .integer("workspace_schema", db.query_int("PRAGMA user_version"))
      .string("canonical_schema", std::string(kCanonicalSchemaVersion))
      .integer("metric_schema", kMetricSchemaVersion)
      .string("detect_config", kDetectConfigVersion)
      .str();
}

void add_detect_inputs(JsonObjectWriter& m, const DetectConfig& cfg, const DetectRunResult& r) {
  m.string("config_hash", detect_config_hash(cfg))
      .raw("config", detect_config_json(cfg))
      .raw("human_inputs", r.human_inputs)
      .raw("baseline_exclusions", r.baseline_exclusions);
}

void add_detect_outputs(JsonObjectWriter& produced, const DetectRunResult& r) {
  std::string by_type = "{";
  for (const auto& [type, n] : r.by_type)
    by_type += (by_type.size() > 1 ? "," : "") + json_string(type) + ":" + std::to_string(n);
  produced.integer("days", r.days)
      .integer("incidents", r.incidents)
      .integer("incidents_withdrawn", r.withdrawn)
      .raw("incidents_by_type", by_type + "}")
      .raw("day_scores", JsonObjectWriter()
                             .integer("reused", r.scores_reused)
                             .integer("computed", r.scores_computed)
                             .str());
}

DetectRunResult run_detect_recorded(Workspace& ws, const std::string& run_id, const Logger& log,
                                    const DetectConfig& cfg) {
  const TimeMs started = now_ms();
  DetectRunResult r = run_detect(ws, run_id, log, cfg);
  const TimeMs finished = now_ms();
  JsonObjectWriter m, produced;
  m.string("run_id", run_id)
      .string("command", "detect")
      .string("started_at", format_iso8601(started))
      .string("finished_at", format_iso8601(finished))
      .raw("versions", run_versions_json(ws.db()))
      .string("timezone", ws.business_time().zone());  // whose days the metrics count
  add_detect_inputs(m, cfg, r);
  add_detect_outputs(produced, r);
  m.raw("produced", produced.str());
  r.manifest = m.str();
  record_run(ws.db(), {run_id, "detect", started, finished, "succeeded", r.manifest});
  return r;
}

}  // namespace bre
