#include "bre/rca/run_rca.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "bre/core/hash.h"
#include "bre/core/money.h"
#include "bre/detect/detect_config.h"
#include "bre/store/event_store.h"
#include "bre/detect/run_detect.h"
#include "bre/store/chain_store.h"
#include "bre/store/incident_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/metric_store.h"
#include "bre/store/runs.h"

namespace bre {

namespace {

constexpr DayNumber kClusterBaselineDays = 28;  // the weeks an anomaly window's events are compared with

// A hash of everything a chain is computed from besides the events and the
// incident itself: versions (bre, schemas, metric formulas, the algorithm),
// parameters, the dependency graph, the labelled windows left out of the
// baselines, data-quality weights, entity names, currency and time zone.
std::string shared_chain_inputs(Workspace& ws, const DetectConfig& with_feedback, const RcaConfig& cfg,
                                const DependencyGraphs& graphs, const std::map<std::string, double>& quality,
                                const std::map<std::string, std::string>& names, int digits) {
  std::string in = std::string(kRcaAlgorithmVersion) + "\n" + run_versions_json(ws.db()) + "\n" +
                   detect_config_json(with_feedback) + "\n" + rca_config_json(cfg) + "\n" + metric_graph_json(graphs) +
                   "\n" + ws.business_time().zone() + " " + std::to_string(digits) + "\n";
  for (const auto& [metric, ranges] : with_feedback.baseline.excluded_days)
    for (const DayRange& r : ranges) in += fmt::format("excluded {} {} {}\n", metric, r.from, r.to);
  for (const auto& [metric, weight] : quality) in += fmt::format("quality {} {:.17g}\n", metric, weight);
  Sha256Stream hash;
  hash.update(in);
  for (const auto& [key, name] : names) hash.update(key + "\t" + name + "\n");
  return hash.hex();
}

std::string chain_inputs(const std::string& shared, const RcaIncident& inc) {
  return sha256_hex(fmt::format("{}|{}|{}|{}|{}|{}", shared, inc.incident_id, inc.incident_type, inc.metric,
                                inc.window_start, inc.window_end));
}

// Whether the events a chain read are still the live events of the days it
// read: no event superseded since, and every event stored since is of a
// later day. Memoised by the log end the chain read (usually one for all).
class ChainBasisCheck {
 public:
  explicit ChainBasisCheck(Workspace& ws) : ws_(ws), end_(event_log_end(ws.db())) {}
  bool still_holds(const ChainBasis& b) {
    if (b.log_end.superseded != end_.superseded || b.log_end.events > end_.events) return false;
    auto [it, fresh] = first_new_day_.try_emplace(b.log_end.events);
    if (fresh)
      if (const auto t = earliest_event_after(ws_.db(), b.log_end.events)) it->second = ws_.business_time().local_day(*t);
    return !it->second || *it->second > b.read_through;
  }
  const EventLogEnd& end() const { return end_; }

 private:
  Workspace& ws_;
  EventLogEnd end_;
  std::map<std::int64_t, std::optional<DayNumber>> first_new_day_;
};

// A stored chain as a CausalChain; nullopt when it cannot be read (then it
// is recomputed, as if it had not been kept).
std::optional<CausalChain> readable_chain(const std::string& payload, int digits) {
  try {
    return causal_chain_from_json(payload, digits);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

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
  DailyMetrics read;
  const DailyMetrics& m = options.metrics ? *options.metrics : (read = read_daily_metrics(db));
  const auto quality = metric_quality_weights(db);
  const auto names = entity_names(db);
  const int digits = currency_minor_digits(ws.setting("currency").value_or("")).value_or(2);
  const bool stored = options.delay_days == 0;
  const std::string shared = stored ? shared_chain_inputs(ws, with_feedback, cfg, graphs, quality, names, digits) : "";
  ChainBasisCheck check(ws);
  RcaRunResult r;
  for (RcaIncident inc : incidents) {
    const std::string inputs = stored ? chain_inputs(shared, inc) : "";
    if (stored && options.reuse)
      if (auto kept = find_chain_with_basis(db, inc.incident_id);
          kept && kept->basis && kept->basis->inputs == inputs && check.still_holds(*kept->basis))
        if (auto chain = readable_chain(kept->payload, digits)) {
          r.chains.push_back(std::move(*chain));
          r.json.push_back(std::move(kept->payload));
          ++r.chains_kept;
          continue;
        }
    inc.window_start += options.delay_days;
    inc.window_end = std::max(inc.window_end, inc.window_start);
    CausalChain chain = analyse_incident(m, inc, graphs, quality, with_feedback, cfg);
    chain.run_id = run_id;
    attach_evidence(db, chain, names, digits);
    std::string json = causal_chain_json(chain, digits);
    if (stored)
      store_chain(db, inc.incident_id, json, run_id,
                  chain.causal_to > 0 ? std::optional(ChainBasis{inputs, check.end(), chain.causal_to}) : std::nullopt);
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
  log.info("rca", "chains_built", {{"chains", static_cast<std::int64_t>(r.chains.size())}, {"kept", r.chains_kept}});
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
