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

double support(const CausalNode& n) { return std::min(1.0, n.anomaly_magnitude); }

// overall_score: the root's contribution × each intermediate node's support
// (its anomaly magnitude, capped at 1): a path is as credible as its root and
// no stronger than its quietest link.
double path_score(const std::vector<std::string>& path, const CausalChain& chain) {
  double score = chain.node(path.front())->contribution_score;
  for (std::size_t i = 1; i + 1 < path.size(); ++i) score *= support(*chain.node(path[i]));
  return score;
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
  auto fits = [&](const CausalNode& parent, const std::string& child) {
    const GraphEdge* e = graphs.metrics.edge(parent.metric_name, child);
    return e && parent.onset_day && onset(parent.metric_name) <= onset(child) + cfg.onset_tolerance_days &&
           parent.anomaly_to + e->max_lag_days >= onset(child);
  };
  auto moved = [&](const CausalNode& n) { return n.onset_day && !n.moved_after && n.temporal_precedence > 0; };
  std::set<std::pair<std::string, std::string>> walked;  // (parent, child)
  std::map<std::string, std::set<std::string>> roots_from;  // memo: the roots that explain a node
  auto find_roots = [&](auto&& self, const std::string& child) -> const std::set<std::string>& {
    if (auto it = roots_from.find(child); it != roots_from.end()) return it->second;
    std::set<std::string> found;
    for (const auto& p : graphs.metrics.parents(child)) {
      const CausalNode* pn = chain.node(p);
      if (!pn || !fits(*pn, child)) continue;
      if (pn->implicated) {
        walked.insert({p, child});
        const auto& above = self(self, p);
        found.insert(above.begin(), above.end());
      } else if (moved(*pn)) {
        std::set<std::string> above = self(self, p);
        above.erase(p);  // a weak link is not a root
        if (!above.empty()) {
          walked.insert({p, child});
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
      const double sc = path_score(p, chain);
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
    if (auto p = best_path(r, true)) root_paths.push_back({0, path_score(*p, chain), true, *p});
  for (const auto& c : chain.top_candidates)
    if (!roots.count(c))
      if (auto p = best_path(c, false)) other_paths.push_back({0, path_score(*p, chain), false, *p});
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
