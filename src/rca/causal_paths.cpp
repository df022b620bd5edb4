// BRE-RCA step 7: root localisation and the ranked causal paths
// (docs/bre-rca.md). The walk goes up from the incident metric through
// parents that explain their child, the way hypothesis-testing RCA localises
// a root; the paths follow the walked edges.
#include "causal_paths.h"

#include <cmath>
#include <map>
#include <set>

namespace bre::detail {

namespace {

using SkippedLinks = std::set<std::pair<std::string, std::string>>;  // (node passed without moving, its child)

// overall_score: the root's contribution × each intermediate node's support
// (its anomaly magnitude, capped at 1; skip_penalty for a node the walk
// passed without it moving): a path is as credible as its root and no
// stronger than its quietest link.
double path_score(const std::vector<std::string>& path, const CausalChain& chain, const SkippedLinks& skipped,
                  const RcaConfig& cfg) {
  double score = chain.node(path.front())->contribution_score;
  for (std::size_t i = 1; i + 1 < path.size(); ++i)
    score *= skipped.count({path[i], path[i + 1]}) ? cfg.skip_penalty
                                                   : std::min(1.0, chain.node(path[i])->anomaly_magnitude);
  return score;
}

std::vector<std::string> skipped_on(const std::vector<std::string>& path, const SkippedLinks& skipped) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i + 1 < path.size(); ++i)
    if (skipped.count({path[i], path[i + 1]})) out.push_back(path[i]);
  return out;
}

}  // namespace

void localise_roots(CausalChain& chain, const std::string& incident_metric, const DependencyGraphs& graphs,
                    const RcaConfig& cfg) {
  // Step 7: root localisation. A parent explains a node when its episode
  // fits the node's in time (below) and it is implicated; roots are the
  // nodes reached from the incident metric that nothing explains. A parent
  // that moved but is not implicated (a weak link: a rate diluted by its
  // denominator) may carry the walk on, but only to an implicated root above
  // it; it is never a root itself.
  auto onset = [&](const std::string& name) {
    const CausalNode* n = chain.node(name);
    return n->onset_day.value_or(n->peak_day);
  };
  // The parent's episode began no later than the child's and was still on
  // within the edge's max_lag_days before the child's began.
  auto fits_within = [&](const CausalNode& parent, const std::string& child, int max_lag) {
    return parent.onset_day && onset(parent.metric_name) <= onset(child) + cfg.onset_tolerance_days &&
           parent.anomaly_to + max_lag >= onset(child);
  };
  auto fits = [&](const CausalNode& parent, const std::string& child) {
    const GraphEdge* e = graphs.metrics.edge(parent.metric_name, child);
    return e && fits_within(parent, child, e->max_lag_days);
  };
  auto moved = [&](const CausalNode& n) { return n.onset_day && !n.moved_after && n.temporal_precedence > 0; };
  std::set<std::pair<std::string, std::string>> walked;  // (parent, child)
  SkippedLinks skipped;
  std::map<std::string, std::set<std::string>> roots_from;  // memo: the roots that explain a node
  auto find_roots = [&](auto&& self, const std::string& child) -> const std::set<std::string>& {
    if (auto it = roots_from.find(child); it != roots_from.end()) return it->second;
    std::set<std::string> found;
    for (const auto& p : graphs.metrics.parents(child)) {
      const CausalNode* pn = chain.node(p);
      if (!pn) continue;
      if (fits(*pn, child) && pn->implicated) {
        walked.insert({p, child});
        const auto& above = self(self, p);
        found.insert(above.begin(), above.end());
      } else if (fits(*pn, child) && moved(*pn)) {
        std::set<std::string> above = self(self, p);
        above.erase(p);  // a weak link is not a root
        if (!above.empty()) {
          walked.insert({p, child});
          found.insert(above.begin(), above.end());
        }
      } else if (cfg.skip_silent_parent && child == incident_metric) {
        // p did not move in time: an implicated grandparent whose episode
        // fits the child across both edges' lags explains the child through p.
        // Only right below the incident metric: an implicated node higher up
        // is a shown root, not to be traded for one reached through a silent
        // link (golden support_failure: a supplier hiccup through a late-
        // delivery rate that never moved, above a ticket surge that did).
        const int lag_to_child = graphs.metrics.edge(p, child)->max_lag_days;
        for (const auto& g : graphs.metrics.parents(p)) {
          const CausalNode* gn = chain.node(g);
          if (!gn || !gn->implicated || !fits_within(*gn, child, graphs.metrics.edge(g, p)->max_lag_days + lag_to_child))
            continue;
          walked.insert({g, p});
          walked.insert({p, child});
          skipped.insert({p, child});
          const auto& above = self(self, g);
          found.insert(above.begin(), above.end());
        }
      }
    }
    if (found.empty()) found.insert(child);
    return roots_from[child] = std::move(found);
  };
  const std::set<std::string> roots = find_roots(find_roots, incident_metric);
  auto walked_only = [&](const std::vector<std::string>& path) {
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
      if (!walked.count({path[i], path[i + 1]})) return false;
    return true;
  };
  auto best_path = [&](const std::string& root, bool along_walked) -> std::optional<std::vector<std::string>> {
    if (root == incident_metric) return std::vector<std::string>{root};
    std::optional<std::vector<std::string>> best;
    double best_score = -1;
    // Shortest first. Along walked edges every intermediate is implicated, so
    // a tie goes to the longer path: it explains more of the chain; elsewhere
    // a tie keeps the shorter.
    for (auto& p : graphs.metrics.paths(root, incident_metric)) {
      if (along_walked && !walked_only(p)) continue;
      const double sc = path_score(p, chain, skipped, cfg);
      const bool tie = best && std::abs(sc - best_score) <= 1e-12;
      if ((!tie && sc > best_score) || (tie && along_walked && p.size() > best->size())) {
        best_score = sc;
        best = p;
      }
    }
    return best;
  };
  std::vector<CausalPath> root_paths, other_paths;
  for (const auto& r : roots)
    if (auto p = best_path(r, true))
      root_paths.push_back({0, path_score(*p, chain, skipped, cfg), true, *p, skipped_on(*p, skipped)});
  for (const auto& c : chain.top_candidates)
    if (!roots.count(c))
      if (auto p = best_path(c, false))
        other_paths.push_back({0, path_score(*p, chain, skipped, cfg), false, *p, skipped_on(*p, skipped)});
  auto by_score = [](const CausalPath& a, const CausalPath& b) {
    return a.overall_score != b.overall_score ? a.overall_score > b.overall_score : a.metrics < b.metrics;
  };
  std::sort(root_paths.begin(), root_paths.end(), by_score);
  std::sort(other_paths.begin(), other_paths.end(), by_score);
  chain.paths = std::move(root_paths);
  chain.paths.insert(chain.paths.end(), other_paths.begin(), other_paths.end());
  for (std::size_t i = 0; i < chain.paths.size(); ++i) chain.paths[i].rank = static_cast<int>(i + 1);
  if (!chain.paths.empty()) chain.root_cause = chain.paths.front().metrics.front();
}

}  // namespace bre::detail
