#include "bre/core/dependency_graphs.h"

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bre/core/error.h"
#include "bre/core/json_text.h"
#include "bre/core/metric_catalog.h"

namespace bre {

namespace {

constexpr std::string_view kIncidentTypes[] = {
    "refund_spike",          "fulfillment_sla_degradation", "support_load_surge",
    "churn_acceleration",    "margin_compression",          "liquidity_crunch_risk",
    "supplier_dependency_failure", "customer_satisfaction_regression"};

// The design's business dependency graph (bre-spec.md §4.2 G, step 0) and
// the additions its own scenarios need; docs/bre-rca.md says why for each.
const std::vector<GraphEdge>& default_metric_edges() {
  static const std::vector<GraphEdge> edges = [] {
    std::vector<GraphEdge> list = {
      {"supplier_delay_rate", "delivery_delay_rate", "late supplier shipments delay customer deliveries", false},
      {"supplier_delay_rate", "fulfillment_backlog", "orders wait for delayed stock", false},
      {"order_volume", "fulfillment_backlog", "more orders than fulfilment capacity queue up", false},
      {"fulfillment_backlog", "delivery_delay_rate", "queued orders miss their promised date", false},
      {"delivery_delay_rate", "ticket_volume", "customers ask where their order is", false},
      {"delivery_delay_rate", "review_score_avg", "late orders get poor reviews", false},
      {"ticket_volume", "ticket_backlog", "tickets arrive faster than they are closed", false},
      {"ticket_backlog", "avg_resolution_time", "a longer queue takes longer to clear", false},
      {"avg_resolution_time", "review_score_avg", "slow support gets poor reviews", false},
      {"review_score_avg", "churn_proxy", "unhappy customers leave", false},
      {"ticket_volume", "churn_proxy", "customers with problems leave", false},
      {"churn_proxy", "daily_revenue", "lost customers stop paying", false},
      {"refund_rate", "margin_proxy", "refunds come out of the margin", false},
      {"refund_rate", "daily_revenue", "refunded sales are lost revenue", false},
      {"daily_revenue", "margin_proxy", "less revenue over the same costs", false},
      {"daily_expenses", "expense_ratio", "costs are the ratio's numerator", false},
      {"expense_ratio", "margin_proxy", "the margin is what expenses leave of revenue", false},
      {"margin_proxy", "net_cash_proxy", "a thinner margin brings in less cash", false},
      {"dso_proxy", "ar_aging_amount", "slower collection leaves more receivables overdue", false},
      {"ar_aging_amount", "net_cash_proxy", "overdue invoices are cash not collected", false},
      // Additions (cli.md §4a and docs/bre-rca.md).
      {"avg_resolution_time", "churn_proxy",
       "customers left waiting leave without writing a review (design scenario 4's chain)", true},
      {"fulfillment_backlog", "ticket_volume",
       "customers ask where their order is while it waits, before it is recorded late at delivery", true},
      {"order_volume", "supplier_delay_rate",
       "more orders mean more shipments per purchase order to delay (the rate's denominator is purchase orders)", true},
      {"delivery_delay_rate", "refund_rate", "late or failed deliveries are refunded", true},
      {"review_score_avg", "refund_rate", "dissatisfied customers ask for their money back", true},
      {"supplier_delay_severity", "delivery_delay_rate", "longer supplier delays push deliveries past the promise",
       true},
      {"supplier_delay_severity", "fulfillment_backlog", "orders wait longer for delayed stock", true},
      {"delivery_delay_rate", "review_score_trend", "late orders pull the review trend down", true},
      {"avg_resolution_time", "review_score_trend", "slow support pulls the review trend down", true},
      {"daily_revenue", "expense_ratio", "revenue is the ratio's denominator: less of it raises the ratio", true},
  };
    // Customers leave a week or two after the experience that drove them
    // away (docs/seed.md: 7-10 days after the ticket), and churn_proxy counts
    // a trailing 30 days, so its causes may have ended well before it moves.
    for (GraphEdge& e : list)
      if (e.to == "churn_proxy") e.max_lag_days = 14;
    return list;
  }();
  return edges;
}

const std::vector<MetricDirection>& default_directions() {
  static const std::vector<MetricDirection> d = {
      {"supplier_delay_rate", +1}, {"supplier_delay_severity", +1}, {"order_volume", +1},
      {"fulfillment_backlog", +1}, {"delivery_delay_rate", +1},     {"ticket_volume", +1},
      {"ticket_backlog", +1},      {"avg_resolution_time", +1},     {"review_score_avg", -1},
      {"review_score_trend", -1},  {"churn_proxy", +1},             {"refund_rate", +1},
      {"daily_revenue", -1},           {"daily_expenses", +1},
      {"expense_ratio", +1},       {"margin_proxy", -1},            {"net_cash_proxy", -1},
      {"dso_proxy", +1},           {"ar_aging_amount", +1},
  };
  return d;
}

const std::vector<GraphEdge>& default_incident_edges() {
  static const std::vector<GraphEdge> edges = {
      {"fulfillment_sla_degradation", "support_load_surge", "customers ask about late orders", false},
      {"support_load_surge", "churn_acceleration", "customers with unresolved problems leave", false},
      {"fulfillment_sla_degradation", "customer_satisfaction_regression", "late orders get poor reviews", false},
      {"customer_satisfaction_regression", "churn_acceleration", "unhappy customers leave", false},
      {"supplier_dependency_failure", "fulfillment_sla_degradation", "delayed stock delays deliveries", false},
      {"refund_spike", "margin_compression", "refunds come out of the margin", false},
      {"margin_compression", "liquidity_crunch_risk", "a thinner margin brings in less cash", false},
      {"churn_acceleration", "margin_compression", "lost revenue over the same costs", false},
      {"support_load_surge", "customer_satisfaction_regression", "slow support gets poor reviews", false},
      {"fulfillment_sla_degradation", "refund_spike", "late or failed deliveries are refunded (metric edge "
       "delivery_delay_rate -> refund_rate)", true},
      {"customer_satisfaction_regression", "refund_spike", "dissatisfied customers ask for refunds", true},
  };
  return edges;
}

std::vector<std::string> names_of(const std::vector<MetricDirection>& d) {
  std::vector<std::string> out;
  for (const auto& m : d) out.push_back(m.metric);
  return out;
}

[[noreturn]] void throw_graph(std::vector<Problem> problems) {
  throw Error(ErrorKind::data_invalid, "GRAPH_INVALID", "invalid dependency graph", std::move(problems));
}

// Kahn's algorithm: the nodes left with an unmet in-edge are on a cycle.
std::vector<std::string> nodes_on_cycles(const std::vector<std::string>& nodes, const std::vector<GraphEdge>& edges) {
  std::map<std::string, int> indegree;
  for (const auto& n : nodes) indegree[n] = 0;
  for (const auto& e : edges) ++indegree[e.to];
  std::deque<std::string> ready;
  for (const auto& [n, d] : indegree)
    if (d == 0) ready.push_back(n);
  while (!ready.empty()) {
    std::string n = ready.front();
    ready.pop_front();
    for (const auto& e : edges)
      if (e.from == n && --indegree[e.to] == 0) ready.push_back(e.to);
  }
  std::vector<std::string> left;
  for (const auto& [n, d] : indegree)
    if (d > 0) left.push_back(n);
  return left;
}

}  // namespace

Dag::Dag(std::string version, std::vector<std::string> nodes, std::vector<GraphEdge> edges, std::string_view source)
    : version_(std::move(version)), nodes_(std::move(nodes)), edges_(std::move(edges)) {
  std::vector<Problem> problems;
  const std::string file(source);
  std::set<std::string> seen;
  for (const auto& n : nodes_)
    if (!seen.insert(n).second) problems.push_back({file, 0, "nodes", "duplicate node " + n});
  std::set<std::pair<std::string, std::string>> pairs;
  for (const auto& e : edges_) {
    const std::string where = "edges[" + e.from + "->" + e.to + "]";
    if (!seen.count(e.from)) problems.push_back({file, 0, where, "unknown node " + e.from});
    if (!seen.count(e.to)) problems.push_back({file, 0, where, "unknown node " + e.to});
    if (e.from == e.to) problems.push_back({file, 0, where, "an edge from a node to itself"});
    if (!pairs.insert({e.from, e.to}).second) problems.push_back({file, 0, where, "duplicate edge"});
  }
  if (!problems.empty()) throw_graph(std::move(problems));
  std::vector<std::string> cycle = nodes_on_cycles(nodes_, edges_);
  if (!cycle.empty()) {
    std::string list;
    for (const auto& n : cycle) list += (list.empty() ? "" : ", ") + n;
    throw_graph({{file, 0, "edges", "the graph has a cycle through " + list}});
  }
}

bool Dag::has_node(std::string_view n) const { return std::find(nodes_.begin(), nodes_.end(), n) != nodes_.end(); }

std::vector<std::string> Dag::parents(std::string_view n) const {
  std::vector<std::string> out;
  for (const auto& e : edges_)
    if (e.to == n) out.push_back(e.from);
  std::sort(out.begin(), out.end());
  return out;
}

const GraphEdge* Dag::edge(std::string_view from, std::string_view to) const {
  for (const auto& e : edges_)
    if (e.from == from && e.to == to) return &e;
  return nullptr;
}

std::vector<std::string> Dag::ancestors(std::string_view n) const {
  // Breadth-first backwards: distance order, names within a distance.
  std::vector<std::string> out;
  std::set<std::string> seen{std::string(n)};
  std::vector<std::string> frontier{std::string(n)};
  while (!frontier.empty()) {
    std::vector<std::string> next;
    for (const auto& f : frontier)
      for (auto& p : parents(f))
        if (seen.insert(p).second) next.push_back(p);
    std::sort(next.begin(), next.end());
    out.insert(out.end(), next.begin(), next.end());
    frontier = std::move(next);
  }
  return out;
}

std::optional<int> Dag::distance(std::string_view from, std::string_view to) const {
  if (from == to) return has_node(from) ? std::optional<int>(0) : std::nullopt;
  std::set<std::string> seen{std::string(from)};
  std::vector<std::string> frontier{std::string(from)};
  for (int d = 1; !frontier.empty(); ++d) {
    std::vector<std::string> next;
    for (const auto& f : frontier)
      for (const auto& e : edges_)
        if (e.from == f && seen.insert(e.to).second) {
          if (e.to == to) return d;
          next.push_back(e.to);
        }
    frontier = std::move(next);
  }
  return std::nullopt;
}

std::vector<std::vector<std::string>> Dag::paths(std::string_view from, std::string_view to) const {
  std::vector<std::vector<std::string>> out;
  if (!has_node(from) || !has_node(to)) return out;
  // Acyclic, so a depth-first walk ends; the graphs are small.
  std::vector<std::string> path{std::string(from)};
  auto walk = [&](auto&& self) -> void {
    if (path.back() == to) {
      out.push_back(path);
      return;
    }
    for (const auto& e : edges_)
      if (e.from == path.back()) {
        path.push_back(e.to);
        self(self);
        path.pop_back();
      }
  };
  walk(walk);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return out;
}

int DependencyGraphs::direction_of(std::string_view metric) const {
  for (const auto& d : directions)
    if (d.metric == metric) return d.direction;
  return +1;
}

bool DependencyGraphs::plausible(std::string_view from_type, std::string_view to_type) const {
  return from_type != to_type && incidents.distance(from_type, to_type).has_value();
}

const DependencyGraphs& default_dependency_graphs() {
  static const DependencyGraphs g = [] {
    DependencyGraphs out;
    out.directions = default_directions();
    out.metrics = Dag("business_dag_v2", names_of(out.directions), default_metric_edges(), "default metric graph");
    out.incidents = Dag("incident_graph_v2", {std::begin(kIncidentTypes), std::end(kIncidentTypes)},
                        default_incident_edges(), "default incident graph");
    return out;
  }();
  return g;
}

namespace {

std::vector<GraphEdge> parse_edges(const nlohmann::ordered_json& j, const std::string& file, const std::string& key,
                                   std::vector<Problem>& problems) {
  std::vector<GraphEdge> edges;
  if (!j.contains("edges") || !j["edges"].is_array()) {
    problems.push_back({file, 0, key + ".edges", "must be an array"});
    return edges;
  }
  for (std::size_t i = 0; i < j["edges"].size(); ++i) {
    const auto& e = j["edges"][i];
    const std::string where = key + ".edges[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("from") || !e["from"].is_string() || !e.contains("to") || !e["to"].is_string()) {
      problems.push_back({file, 0, where, "needs string fields from and to"});
      continue;
    }
    GraphEdge edge{e["from"].get<std::string>(), e["to"].get<std::string>(), "", false};
    if (e.contains("why") && e["why"].is_string()) edge.why = e["why"].get<std::string>();
    if (e.contains("added") && e["added"].is_boolean()) edge.added = e["added"].get<bool>();
    if (e.contains("max_lag_days")) {
      if (e["max_lag_days"].is_number_integer() && e["max_lag_days"].get<int>() >= 0)
        edge.max_lag_days = e["max_lag_days"].get<int>();
      else
        problems.push_back({file, 0, where + ".max_lag_days", "must be a whole number of days, 0 or more"});
    }
    edges.push_back(std::move(edge));
  }
  return edges;
}

std::string version_of(const nlohmann::ordered_json& j, const std::string& file, const std::string& key,
                       std::vector<Problem>& problems) {
  if (j.contains("version") && j["version"].is_string() && !j["version"].get<std::string>().empty())
    return j["version"].get<std::string>();
  problems.push_back({file, 0, key + ".version", "must be a non-empty string: a changed graph is a new version"});
  return {};
}

}  // namespace

DependencyGraphs load_dependency_graphs(const nlohmann::ordered_json& config, std::string_view source) {
  DependencyGraphs g = default_dependency_graphs();
  const std::string file(source);
  std::vector<Problem> problems;
  if (config.contains("dependency_graph")) {
    const auto& j = config["dependency_graph"];
    std::vector<MetricDirection> dirs;
    if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_array()) {
      problems.push_back({file, 0, "dependency_graph.nodes", "must be an array of {metric, direction}"});
    } else {
      for (std::size_t i = 0; i < j["nodes"].size(); ++i) {
        const auto& n = j["nodes"][i];
        const std::string where = "dependency_graph.nodes[" + std::to_string(i) + "]";
        if (!n.is_object() || !n.contains("metric") || !n["metric"].is_string()) {
          problems.push_back({file, 0, where, "needs a string field metric"});
          continue;
        }
        std::string metric = n["metric"].get<std::string>();
        if (!find_metric(metric)) problems.push_back({file, 0, where, "unknown metric " + metric});
        std::string dir = n.contains("direction") && n["direction"].is_string() ? n["direction"].get<std::string>() : "";
        if (dir != "up" && dir != "down") problems.push_back({file, 0, where + ".direction", "must be up or down"});
        dirs.push_back({metric, dir == "down" ? -1 : +1});
      }
    }
    if (j.is_object()) {
      std::string version = version_of(j, file, "dependency_graph", problems);
      std::vector<GraphEdge> edges = parse_edges(j, file, "dependency_graph", problems);
      if (problems.empty()) {
        g.directions = dirs;
        g.metrics = Dag(version, names_of(dirs), std::move(edges), source);
      }
    }
  }
  if (config.contains("incident_graph")) {
    const auto& j = config["incident_graph"];
    std::vector<std::string> types;
    if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_array()) {
      problems.push_back({file, 0, "incident_graph.nodes", "must be an array of incident types"});
    } else {
      for (std::size_t i = 0; i < j["nodes"].size(); ++i) {
        const auto& n = j["nodes"][i];
        const std::string where = "incident_graph.nodes[" + std::to_string(i) + "]";
        std::string t = n.is_string() ? n.get<std::string>() : "";
        if (std::find(std::begin(kIncidentTypes), std::end(kIncidentTypes), t) == std::end(kIncidentTypes))
          problems.push_back({file, 0, where, "not an incident type: " + n.dump()});
        types.push_back(t);
      }
    }
    if (j.is_object()) {
      std::string version = version_of(j, file, "incident_graph", problems);
      std::vector<GraphEdge> edges = parse_edges(j, file, "incident_graph", problems);
      if (problems.empty()) g.incidents = Dag(version, types, std::move(edges), source);
    }
  }
  if (!problems.empty()) throw_graph(std::move(problems));
  return g;
}

namespace {

std::string edges_json(const Dag& d) {
  std::string out = "[";
  for (const auto& e : d.edges())
    out += (out.size() > 1 ? "," : "") + JsonObjectWriter()
                                             .string("from", e.from)
                                             .string("to", e.to)
                                             .string("why", e.why)
                                             .boolean("added", e.added)
                                             .integer("max_lag_days", e.max_lag_days)
                                             .str();
  return out + "]";
}

}  // namespace

std::string metric_graph_json(const DependencyGraphs& g) {
  std::string nodes = "[";
  for (const auto& d : g.directions)
    nodes += (nodes.size() > 1 ? "," : "") +
             JsonObjectWriter().string("metric", d.metric).string("direction", d.direction > 0 ? "up" : "down").str();
  return JsonObjectWriter()
      .string("version", g.metrics.version())
      .raw("nodes", nodes + "]")
      .raw("edges", edges_json(g.metrics))
      .str();
}

std::string incident_graph_json(const DependencyGraphs& g) {
  std::string nodes = "[";
  for (const auto& n : g.incidents.nodes()) nodes += (nodes.size() > 1 ? "," : "") + json_string(n);
  return JsonObjectWriter()
      .string("version", g.incidents.version())
      .raw("nodes", nodes + "]")
      .raw("edges", edges_json(g.incidents))
      .str();
}

}  // namespace bre
