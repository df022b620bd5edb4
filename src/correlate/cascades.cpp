#include "bre/correlate/cascades.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/core/json_text.h"

namespace bre {

void validate(const CascadeConfig& cfg) {
  if (cfg.correlation_window_days < 0) throw_usage("the correlation window must be 0 days or more");
  if (!(cfg.decay_days > 0)) throw_usage("the decay constant must be more than 0 days");
  if (!(cfg.threshold >= 0 && cfg.threshold <= 1)) throw_usage("the link threshold must be between 0 and 1");
  if (!(cfg.entity_overlap_floor >= 0 && cfg.entity_overlap_floor <= 1))
    throw_usage("the entity overlap floor must be between 0 and 1");
}

std::string cascade_config_json(const CascadeConfig& cfg) {
  return JsonObjectWriter()
      .string("version", kCascadeConfigVersion)
      .integer("correlation_window_days", cfg.correlation_window_days)
      .number("decay_days", cfg.decay_days)
      .number("threshold", cfg.threshold)
      .number("entity_overlap_floor", cfg.entity_overlap_floor)
      .str();
}

namespace {

// |a ∩ b| for sorted, duplicate-free vectors.
std::int64_t shared_count(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::int64_t n = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i < *j) ++i;
    else if (*j < *i) ++j;
    else ++n, ++i, ++j;
  }
  return n;
}

CascadeLink score_pair(const CascadeIncident& a, const CascadeIncident& b, const DependencyGraphs& graphs,
                       const CascadeConfig& cfg) {
  CascadeLink l;
  l.from = a.incident_id;
  l.to = b.incident_id;
  l.from_type = a.incident_type;
  l.to_type = b.incident_type;
  l.days_between = b.window_start - a.window_start;
  l.temporal_weight = std::exp(-static_cast<double>(l.days_between) / cfg.decay_days);
  l.shared_entities = shared_count(a.entities, b.entities);
  l.union_entities = static_cast<std::int64_t>(a.entities.size() + b.entities.size()) - l.shared_entities;
  l.jaccard = l.union_entities ? static_cast<double>(l.shared_entities) / static_cast<double>(l.union_entities) : 0.0;
  l.entity_overlap = std::max(cfg.entity_overlap_floor, l.jaccard);
  const bool types = graphs.plausible(a.incident_type, b.incident_type);
  const bool metrics = a.metric.empty() || b.metric.empty() || a.metric == b.metric ||
                       graphs.metrics.distance(a.metric, b.metric).has_value();
  l.plausibility = types && metrics ? 1 : 0;
  if (l.plausibility) {
    const auto paths = graphs.incidents.paths(a.incident_type, b.incident_type);
    if (!paths.empty()) l.graph_path = paths.front();
    const auto metric_paths = graphs.metrics.paths(a.metric, b.metric);
    if (!metric_paths.empty()) l.metric_path = metric_paths.front();
  }
  l.score = l.temporal_weight * l.entity_overlap * l.plausibility;
  return l;
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(std::size_t a, std::size_t b) {
    a = find(a), b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

std::string cascade_id_of(std::vector<std::string> member_ids) {
  std::sort(member_ids.begin(), member_ids.end());
  std::string joined;
  for (const auto& id : member_ids) joined += (joined.empty() ? "" : ",") + id;
  return "cas_" + sha256_hex(joined).substr(0, 16);
}

CorrelationResult correlate_incidents(std::vector<CascadeIncident> incidents, const DependencyGraphs& graphs,
                                      const CascadeConfig& cfg) {
  validate(cfg);
  for (CascadeIncident& inc : incidents) {
    std::sort(inc.entities.begin(), inc.entities.end());
    inc.entities.erase(std::unique(inc.entities.begin(), inc.entities.end()), inc.entities.end());
  }
  // Window start, then the type's depth in the incident graph (its number of
  // ancestors: a type that can lead to another always has fewer), then id. So
  // with equal starts the pair is taken in the direction the graph allows.
  std::map<std::string, std::size_t> depth;
  for (const CascadeIncident& inc : incidents)
    if (!depth.count(inc.incident_type)) depth[inc.incident_type] = graphs.incidents.ancestors(inc.incident_type).size();
  std::sort(incidents.begin(), incidents.end(), [&](const CascadeIncident& a, const CascadeIncident& b) {
    return std::tie(a.window_start, depth[a.incident_type], a.incident_id) <
           std::tie(b.window_start, depth[b.incident_type], b.incident_id);
  });
  CorrelationResult r;
  r.incidents = static_cast<std::int64_t>(incidents.size());
  UnionFind groups(incidents.size());
  std::vector<std::pair<std::size_t, CascadeLink>> kept;  // (index of `from`, link)
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    for (std::size_t j = i + 1; j < incidents.size(); ++j) {
      if (incidents[j].window_start - incidents[i].window_start > cfg.correlation_window_days) break;
      ++r.pairs_in_window;
      CascadeLink l = score_pair(incidents[i], incidents[j], graphs, cfg);
      if (!l.plausibility) continue;
      ++r.links_scored;
      if (!(l.score > cfg.threshold)) continue;
      ++r.links_kept;
      groups.join(i, j);
      kept.emplace_back(i, std::move(l));
    }
  }
  std::map<std::size_t, std::vector<std::size_t>> components;  // root index -> member indexes, in order
  for (std::size_t i = 0; i < incidents.size(); ++i) components[groups.find(i)].push_back(i);
  std::map<std::string, TimeMs> detected;
  for (const CascadeIncident& inc : incidents) detected[inc.incident_id] = inc.detected_at;
  for (const auto& [root, members] : components) {
    if (members.size() < 2) continue;
    IncidentCascade c;
    c.root_incident_id = incidents[members.front()].incident_id;
    for (std::size_t m : members) {
      c.incident_ids.push_back(incidents[m].incident_id);
      c.cascade_path.push_back(incidents[m].incident_type);
      c.members.push_back(incidents[m]);
    }
    c.cascade_id = cascade_id_of(c.incident_ids);
    double sum = 0;
    c.detected_at = -1;
    for (const auto& [from, link] : kept) {
      if (groups.find(from) != root) continue;
      c.links.push_back(link);
      sum += link.score;
      const TimeMs both = std::max(detected[link.from], detected[link.to]);
      if (c.detected_at < 0 || both < c.detected_at) c.detected_at = both;
    }
    c.cascade_score = sum / static_cast<double>(c.links.size());
    r.cascades.push_back(std::move(c));
  }
  // Components are keyed by their earliest member, so this is root window start, then id.
  return r;
}

namespace {

std::string link_json(const CascadeLink& l) {
  return JsonObjectWriter()
      .string("from", l.from)
      .string("to", l.to)
      .string("from_type", l.from_type)
      .string("to_type", l.to_type)
      .integer("days_between", l.days_between)
      .number("temporal_weight", l.temporal_weight)
      .integer("shared_entities", l.shared_entities)
      .integer("union_entities", l.union_entities)
      .number("jaccard", l.jaccard)
      .number("entity_overlap", l.entity_overlap)
      .integer("plausibility", l.plausibility)
      .raw("metric_path", json_string_array(l.metric_path))
      .raw("graph_path", json_string_array(l.graph_path))
      .number("score", l.score)
      .str();
}

std::string member_json(const CascadeIncident& m) {
  return JsonObjectWriter()
      .string("incident_id", m.incident_id)
      .string("incident_type", m.incident_type)
      .string("severity", m.severity)
      .string("incident_window_start", format_day(m.window_start))
      .string("incident_window_end", format_day(m.window_end))
      .string("detected_at", format_iso8601(m.detected_at))
      .integer("evidence_entities", static_cast<std::int64_t>(m.entities.size()))
      .str();
}

}  // namespace

std::string cascade_json(const IncidentCascade& c) {
  std::string links = "[", members = "[";
  for (const auto& l : c.links) links += (links.size() > 1 ? "," : "") + link_json(l);
  for (const auto& m : c.members) members += (members.size() > 1 ? "," : "") + member_json(m);
  return JsonObjectWriter()
      .string("cascade_id", c.cascade_id)
      .string("root_incident_id", c.root_incident_id)
      .raw("incident_ids", json_string_array(c.incident_ids))
      .raw("cascade_path", json_string_array(c.cascade_path))
      .number("cascade_score", c.cascade_score)
      .string("detected_at", format_iso8601(c.detected_at))
      .string("window_start", format_day(c.members.front().window_start))
      .string("window_end", format_day(std::max_element(c.members.begin(), c.members.end(),
                                                        [](const auto& a, const auto& b) {
                                                          return a.window_end < b.window_end;
                                                        })->window_end))
      .raw("links", links + "]")
      .raw("members", members + "]")
      .string("config_version", kCascadeConfigVersion)
      .str();
}

}  // namespace bre
