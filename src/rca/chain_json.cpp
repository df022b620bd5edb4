// The design's CausalChain as JSON: paths ranked, each with its nodes from
// root cause to incident metric, each node with every input of its score.
#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "bre/core/time.h"
#include "bre/rca/bre_rca.h"

namespace bre {

namespace {

std::string cluster_json(const EvidenceCluster& c, int digits) {
  JsonObjectWriter w;
  w.string("cluster_label", c.cluster_label).integer("event_count", c.event_count);
  w.raw("event_ids", json_array_of(c.event_ids, [](const std::string& id) { return json_string(id); }));
  w.string("entity_type", c.entity_type);
  if (c.entity_id) w.string("entity_id", *c.entity_id);
  else w.null("entity_id");
  w.string("entity_name", c.entity_name);
  w.raw("total_amount", format_minor(c.total_amount_minor, digits));
  if (c.mean_measure) w.number("mean_measure", *c.mean_measure);
  else w.null("mean_measure");
  w.number("baseline_expected", c.baseline_expected).number("share_of_change", c.share_of_change);
  return w.string("summary", c.summary).str();
}

std::string node_json(const CausalNode& n, int digits) {
  JsonObjectWriter w;
  w.string("metric_name", n.metric_name)
      .number("contribution_score", n.contribution_score)
      .number("anomaly_magnitude", n.anomaly_magnitude)
      .number("temporal_precedence", n.temporal_precedence)
      .number("graph_proximity", n.graph_proximity)
      .number("data_quality_weight", n.data_quality_weight)
      .raw("temporal_precedence_inputs", JsonObjectWriter()
                                             .integer("optimal_lag_days", n.optimal_lag)
                                             .number("cross_correlation", n.cross_correlation)
                                             .number("lag_decay", n.lag_decay)
                                             .boolean("moved_after_incident_metric", n.moved_after)
                                             .str())
      .integer("graph_distance", n.graph_distance)
      .number("metric_value", n.metric_value)
      .number("metric_baseline", n.metric_baseline)
      .number("metric_zscore", n.metric_zscore)
      .string("peak_day", format_day(n.peak_day));
  if (n.onset_day) w.string("onset_day", format_day(*n.onset_day));
  else w.null("onset_day");
  w.raw("anomaly_window", "[" + json_string(format_day(n.anomaly_from)) + "," + json_string(format_day(n.anomaly_to)) +
                              "]")
      .boolean("implicated", n.implicated)
      .raw("signal", json_array_of(n.signal, [](double z) { return json_number(z); }))
      .raw("evidence_clusters", json_array_of(n.evidence_clusters, [&](const EvidenceCluster& c) {
             return cluster_json(c, digits);
           }));
  return w.str();
}

}  // namespace

std::string rca_config_json(const RcaConfig& c) {
  std::string by_type = "{";
  for (const auto& [type, days] : c.lookback_days_by_type)
    by_type += (by_type.size() > 1 ? "," : "") + json_string(type) + ":" + std::to_string(days);
  return JsonObjectWriter()
      .string("version", kRcaAlgorithmVersion)
      .integer("lookback_days", c.lookback_days)
      .raw("lookback_days_by_type", by_type + "}")
      .number("magnitude_unit", c.magnitude_unit)
      .number("magnitude_cap", c.magnitude_cap)
      .number("lag_decay_days", c.lag_decay_days)
      .integer("min_overlap_days", c.min_overlap_days)
      .integer("lead_window_days", c.lead_window_days)
      .number("after_penalty", c.after_penalty)
      .number("implicate_z", c.implicate_z)
      .number("onset_z", c.onset_z)
      .integer("min_episode_days", c.min_episode_days)
      .number("strong_z", c.strong_z)
      .integer("max_gap_days", c.max_gap_days)
      .integer("onset_tolerance_days", c.onset_tolerance_days)
      .integer("top_k", c.top_k)
      .boolean("blips_end_at_gaps", c.blips_end_at_gaps)
      .integer("blip_max_gap_days", c.blip_max_gap_days)
      .number("blip_bridge_z", c.blip_bridge_z)
      .boolean("skip_silent_parent", c.skip_silent_parent)
      .number("skip_penalty", c.skip_penalty)
      .str();
}

std::string causal_chain_json(const CausalChain& chain, int digits) {
  auto path_json = [&](const CausalPath& p) {
    return JsonObjectWriter()
        .integer("rank", p.rank)
        .number("overall_score", p.overall_score)
        .boolean("root_unexplained", p.root_unexplained)
        .raw("metrics", json_array_of(p.metrics, [](const std::string& s) { return json_string(s); }))
        .raw("skipped_nodes", json_array_of(p.skipped, [](const std::string& s) { return json_string(s); }))
        .raw("nodes", json_array_of(p.metrics, [&](const std::string& metric) {
               return node_json(*chain.node(metric), digits);
             }))
        .str();
  };
  return JsonObjectWriter()
      .string("chain_id", chain.chain_id)
      .string("incident_id", chain.incident_id)
      .string("incident_type", chain.incident_type)
      .string("incident_metric", chain.incident_metric)
      .string("root_cause", chain.root_cause)
      .raw("paths", json_array_of(chain.paths, path_json))
      .raw("top_candidates", json_array_of(chain.top_candidates, [](const std::string& s) { return json_string(s); }))
      .raw("candidates", json_array_of(chain.nodes, [&](const CausalNode& n) { return node_json(n, digits); }))
      .string("algorithm_version", chain.algorithm_version)
      .raw("causal_window",
           "[" + json_string(format_day(chain.causal_from)) + "," + json_string(format_day(chain.causal_to)) + "]")
      .string("dependency_graph_version", chain.dependency_graph_version)
      .string("run_id", chain.run_id)
      .str();
}

}  // namespace bre
