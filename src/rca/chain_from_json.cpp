// Reading a stored causal chain back (the postmortem tells the chain the
// scan stored rather than recomputing a possibly different one).
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/money.h"
#include "bre/core/time.h"
#include "bre/rca/bre_rca.h"

namespace bre {

namespace {

using Json = nlohmann::json;

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorKind::data_invalid, "CHAIN_INVALID", "stored causal chain: " + what);
}

const Json& field(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) invalid(std::string("missing ") + key);
  return *it;
}

DayNumber day_field(const Json& j) {
  const auto t = j.is_string() ? parse_date(j.get<std::string>()) : std::nullopt;
  if (!t) invalid("malformed day " + j.dump());
  return day_of(*t);
}

std::int64_t money_field(const Json& j, int digits) {
  const DecimalParse p = parse_decimal_minor(j.dump(), digits);  // the shortest text of the stored number
  if (!p.minor) invalid("malformed amount " + j.dump() + ": " + p.error);
  return *p.minor;
}

EvidenceCluster cluster_from(const Json& j, int digits) {
  EvidenceCluster c;
  c.cluster_label = field(j, "cluster_label").get<std::string>();
  c.event_count = field(j, "event_count").get<std::int64_t>();
  c.event_ids = field(j, "event_ids").get<std::vector<std::string>>();
  c.entity_type = field(j, "entity_type").get<std::string>();
  if (!field(j, "entity_id").is_null()) c.entity_id = j["entity_id"].get<std::string>();
  c.entity_name = field(j, "entity_name").get<std::string>();
  c.total_amount_minor = money_field(field(j, "total_amount"), digits);
  if (!field(j, "mean_measure").is_null()) c.mean_measure = j["mean_measure"].get<double>();
  c.baseline_expected = field(j, "baseline_expected").get<double>();
  c.share_of_change = field(j, "share_of_change").get<double>();
  c.summary = field(j, "summary").get<std::string>();
  return c;
}

CausalNode node_from(const Json& j, int digits) {
  CausalNode n;
  n.metric_name = field(j, "metric_name").get<std::string>();
  n.contribution_score = field(j, "contribution_score").get<double>();
  n.anomaly_magnitude = field(j, "anomaly_magnitude").get<double>();
  n.temporal_precedence = field(j, "temporal_precedence").get<double>();
  n.graph_proximity = field(j, "graph_proximity").get<double>();
  n.data_quality_weight = field(j, "data_quality_weight").get<double>();
  const Json& p = field(j, "temporal_precedence_inputs");
  n.optimal_lag = field(p, "optimal_lag_days").get<int>();
  n.cross_correlation = field(p, "cross_correlation").get<double>();
  n.lag_decay = field(p, "lag_decay").get<double>();
  n.moved_after = field(p, "moved_after_incident_metric").get<bool>();
  n.graph_distance = field(j, "graph_distance").get<int>();
  n.metric_value = field(j, "metric_value").get<double>();
  n.metric_baseline = field(j, "metric_baseline").get<double>();
  n.metric_zscore = field(j, "metric_zscore").get<double>();
  n.peak_day = day_field(field(j, "peak_day"));
  if (!field(j, "onset_day").is_null()) n.onset_day = day_field(j["onset_day"]);
  const Json& w = field(j, "anomaly_window");
  if (!w.is_array() || w.size() != 2) invalid("malformed anomaly_window");
  n.anomaly_from = day_field(w[0]);
  n.anomaly_to = day_field(w[1]);
  n.implicated = field(j, "implicated").get<bool>();
  if (auto s = j.find("signal"); s != j.end()) n.signal = s->get<std::vector<double>>();  // absent in chains stored before
  for (const Json& c : field(j, "evidence_clusters")) n.evidence_clusters.push_back(cluster_from(c, digits));
  return n;
}

}  // namespace

CausalChain causal_chain_from_json(const std::string& text, int digits) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    invalid(std::string("not JSON: ") + e.what());
  }
  try {
    CausalChain c;
    c.chain_id = field(j, "chain_id").get<std::string>();
    c.incident_id = field(j, "incident_id").get<std::string>();
    c.incident_type = field(j, "incident_type").get<std::string>();
    c.incident_metric = field(j, "incident_metric").get<std::string>();
    c.root_cause = field(j, "root_cause").get<std::string>();
    for (const Json& p : field(j, "paths")) {
      std::vector<std::string> skipped;  // absent in chains stored before
      if (auto s = p.find("skipped_nodes"); s != p.end()) skipped = s->get<std::vector<std::string>>();
      c.paths.push_back({field(p, "rank").get<int>(), field(p, "overall_score").get<double>(),
                         field(p, "root_unexplained").get<bool>(), field(p, "metrics").get<std::vector<std::string>>(),
                         std::move(skipped)});
    }
    c.top_candidates = field(j, "top_candidates").get<std::vector<std::string>>();
    for (const Json& n : field(j, "candidates")) c.nodes.push_back(node_from(n, digits));
    c.algorithm_version = field(j, "algorithm_version").get<std::string>();
    const Json& w = field(j, "causal_window");
    if (!w.is_array() || w.size() != 2) invalid("malformed causal_window");
    c.causal_from = day_field(w[0]);
    c.causal_to = day_field(w[1]);
    c.dependency_graph_version = field(j, "dependency_graph_version").get<std::string>();
    c.run_id = field(j, "run_id").get<std::string>();
    for (const CausalPath& p : c.paths)
      for (const std::string& m : p.metrics)
        if (!c.node(m)) invalid("path metric " + m + " has no candidate node");
    return c;
  } catch (const Json::exception& e) {
    invalid(std::string("wrong type: ") + e.what());
  }
}

}  // namespace bre
