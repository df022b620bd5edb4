#include "bre/rca/run_rca.h"

#include <algorithm>
#include <set>

#include "bre/core/money.h"
#include "bre/detect/run_detect.h"
#include "bre/store/chain_store.h"
#include "bre/store/incident_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/metric_store.h"
#include "bre/store/runs.h"

namespace bre {

namespace {
constexpr DayNumber kClusterBaselineDays = 28;  // the weeks an anomaly window's events are compared with
}

void attach_evidence(Database& db, CausalChain& chain, const std::map<std::string, std::string>& names, int digits) {
  std::set<std::string> on_paths;
  for (const CausalPath& p : chain.paths) on_paths.insert(p.metrics.begin(), p.metrics.end());
  for (CausalNode& n : chain.nodes) {
    if (!on_paths.count(n.metric_name)) continue;
    const auto spec = evidence_spec(n.metric_name);
    if (!spec) continue;
    ClusterWindow w{n.anomaly_from, n.anomaly_to, n.anomaly_from - kClusterBaselineDays, n.anomaly_from - 1};
    const auto in_window = load_evidence_events(db, *spec, w.from, w.to);
    const auto before = load_evidence_events(db, *spec, w.baseline_from, w.baseline_to);
    n.evidence_clusters = cluster_evidence(*spec, in_window, before, w, names, digits);
  }
}

RcaRunResult run_rca(Workspace& ws, const RcaRunOptions& options, const std::string& run_id, const Logger& log,
                     const DependencyGraphs& graphs, const DetectConfig& detect, const RcaConfig& cfg) {
  ScopedTimer timer(log, "rca", "rca");
  Database& db = ws.db();
  Transaction tx(db);
  const std::vector<RcaIncident> incidents = load_rca_incidents(db, options.incident_id);
  DetectConfig with_feedback = detect;
  exclude_labelled_windows(with_feedback, windows_labelled_normal(db));
  const DailyMetrics m = read_daily_metrics(db);
  const auto quality = metric_quality_weights(db);
  const auto names = entity_names(db);
  const int digits = currency_minor_digits(ws.setting("currency").value_or("")).value_or(2);
  RcaRunResult r;
  for (RcaIncident inc : incidents) {
    inc.window_start += options.delay_days;
    inc.window_end = std::max(inc.window_end, inc.window_start);
    CausalChain chain = analyse_incident(m, inc, graphs, quality, with_feedback, cfg);
    chain.run_id = run_id;
    attach_evidence(db, chain, names, digits);
    std::string json = causal_chain_json(chain, digits);
    if (options.delay_days == 0) store_chain(db, inc.incident_id, json, run_id);
    r.chains.push_back(std::move(chain));
    r.json.push_back(std::move(json));
  }
  if (!options.incident_id) prune_chains(db);
  tx.commit();
  if (options.delay_days == 0) {
    if (options.incident_id) {
      const BlastRadius blast = compute_incident_blast_radius(ws, {*options.incident_id}, options.blast_facts);
      store_blast_radius(db, blast, run_id);
    } else {
      run_blast_radius(ws, run_id, log, options.blast_facts);  // the shared facts, once for every incident
    }
    for (const CausalChain& c : r.chains) r.blast_radius.push_back(find_blast_radius(db, c.incident_id).value_or("null"));
  }
  log.info("rca", "chains_built", {{"chains", static_cast<std::int64_t>(r.chains.size())}});
  return r;
}

}  // namespace bre

namespace bre {

RcaRunResult run_rca_recorded(Workspace& ws, const RcaRunOptions& options, const std::string& run_id,
                              const Logger& log, const DependencyGraphs& graphs, const DetectConfig& detect,
                              const RcaConfig& cfg) {
  const TimeMs started = now_ms();
  RcaRunResult r = run_rca(ws, options, run_id, log, graphs, detect, cfg);
  if (options.delay_days != 0) return r;
  const TimeMs finished = now_ms();
  std::string roots = "{";
  for (const CausalChain& c : r.chains)
    roots += (roots.size() > 1 ? "," : "") + json_string(c.incident_id) + ":" + json_string(c.root_cause);
  const std::string manifest =
      JsonObjectWriter()
          .string("run_id", run_id)
          .string("command", "rca")
          .string("started_at", format_iso8601(started))
          .string("finished_at", format_iso8601(finished))
          .raw("versions", run_versions_json(ws.db()))
          .string("dependency_graph_version", graphs.metrics.version())
          .raw("rca_config", rca_config_json(cfg))
          .string("incidents", options.incident_id.value_or("all"))
          .raw("produced", JsonObjectWriter()
                               .integer("causal_chains", static_cast<std::int64_t>(r.chains.size()))
                               .integer("blast_radii", static_cast<std::int64_t>(r.blast_radius.size()))
                               .raw("root_causes", roots + "}")
                               .str())
          .str();
  record_run(ws.db(), {run_id, "rca", started, finished, "succeeded", manifest});
  return r;
}

}  // namespace bre
