// The two causal graphs of the design, as versioned data: the business metric
// DAG (BRE-RCA walks it backwards from an incident's metric) and the incident
// dependency graph (the cascade correlator asks it whether A can lead to B).
// Both ship with defaults (the design's edges plus the documented additions
// of docs/bre-rca.md), can be replaced from the config file, and are
// validated on load: known node names, no duplicate edges, no cycles.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace bre {

struct GraphEdge {
  std::string from, to;
  std::string why;     // the business mechanism, one line
  bool added = false;  // true: not in the design, added by bre (docs/bre-rca.md)
  // How long the effect may trail the cause: BRE-RCA lets a parent explain
  // a child whose episode began up to this many days after the parent's ended.
  int max_lag_days = 3;
};

// A directed acyclic graph over named nodes. Queries are by name; unknown
// names have no parents, no children and no paths.
class Dag {
 public:
  Dag() = default;
  // Throws Error(data_invalid, GRAPH_INVALID) listing every problem: an edge
  // naming a node not in `nodes`, a duplicate node or edge, a self-loop, a cycle.
  Dag(std::string version, std::vector<std::string> nodes, std::vector<GraphEdge> edges, std::string_view source);

  const std::string& version() const { return version_; }
  const std::vector<std::string>& nodes() const { return nodes_; }
  const std::vector<GraphEdge>& edges() const { return edges_; }
  bool has_node(std::string_view n) const;
  std::vector<std::string> parents(std::string_view n) const;
  const GraphEdge* edge(std::string_view from, std::string_view to) const;  // nullptr: no such edge
  // Every node with a directed path to n, nearest first (then by name).
  std::vector<std::string> ancestors(std::string_view n) const;
  // Length of the shortest directed path from -> to (0 when equal), nullopt when none.
  std::optional<int> distance(std::string_view from, std::string_view to) const;
  // Every directed path from -> to, each listed from `from` to `to`; shortest first, then by names.
  std::vector<std::vector<std::string>> paths(std::string_view from, std::string_view to) const;

 private:
  std::string version_;
  std::vector<std::string> nodes_;
  std::vector<GraphEdge> edges_;
};

// How a metric hurts downstream when it moves: +1 rising, -1 falling.
struct MetricDirection {
  std::string metric;
  int direction = +1;
};

struct DependencyGraphs {
  Dag metrics;                               // nodes: gold metric names
  std::vector<MetricDirection> directions;   // one per metric node
  Dag incidents;                             // nodes: incident types
  int direction_of(std::string_view metric) const;  // +1 when not listed
  // A known causal path from incident type a to b (b reachable from a).
  bool plausible(std::string_view from_type, std::string_view to_type) const;
};

const DependencyGraphs& default_dependency_graphs();

// From the config file's "dependency_graph" and "incident_graph" objects
// (either may be absent: the default is kept). Shape:
//   {"version": "...", "nodes": [{"metric": "order_volume", "direction": "up"}, ...],
//    "edges": [{"from": "...", "to": "...", "why": "...", "added": false}, ...]}
// and for the incident graph "nodes" is a list of incident type names.
// Throws Error(data_invalid, GRAPH_INVALID) with every problem found.
DependencyGraphs load_dependency_graphs(const nlohmann::ordered_json& config, std::string_view source);

// The graphs as canonical JSON (the shape load_dependency_graphs reads).
std::string metric_graph_json(const DependencyGraphs& g);
std::string incident_graph_json(const DependencyGraphs& g);

}  // namespace bre
