// The postmortem's sections from the pipeline's facts (docs/postmortem.md):
// every sentence below is assembled from a chain, an incident, a cluster or
// a weight; nothing is looked up elsewhere and nothing is guessed.
#include "bre/postmortem/build_postmortem.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/core/money.h"
#include "bre/core/names.h"
#include "bre/core/severity.h"
#include "bre/postmortem/recommendations.h"
#include "bre/postmortem/timeline.h"

namespace bre {

std::string incident_type_title(const std::string& type) {
  static const std::map<std::string, std::string> titles = {
      {"refund_spike", "Refund Spike"},
      {"fulfillment_sla_degradation", "Fulfillment SLA Degradation"},
      {"support_load_surge", "Support Load Surge"},
      {"churn_acceleration", "Churn Acceleration"},
      {"margin_compression", "Margin Compression"},
      {"liquidity_crunch_risk", "Liquidity Crunch Risk"},
      {"supplier_dependency_failure", "Supplier Dependency Failure"},
      {"customer_satisfaction_regression", "Customer Satisfaction Regression"}};
  if (auto it = titles.find(type); it != titles.end()) return it->second;
  return title_case(type);  // an unknown type: its words capitalised
}

std::string day_range_text(DayNumber from, DayNumber to) {
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilDate a = civil_from_days(from), b = civil_from_days(std::max(from, to));
  const char* ma = months[a.month - 1];
  const char* mb = months[b.month - 1];
  if (from >= to) return fmt::format("{} {}, {}", ma, a.day, a.year);
  if (a.year != b.year) return fmt::format("{} {}, {} – {} {}, {}", ma, a.day, a.year, mb, b.day, b.year);
  if (a.month != b.month) return fmt::format("{} {} – {} {}, {}", ma, a.day, mb, b.day, a.year);
  return fmt::format("{} {}–{}, {}", ma, a.day, b.day, a.year);
}

std::string duration_text(DayNumber from, DayNumber to) {
  const DayNumber days = std::max<DayNumber>(1, to - from + 1);
  return fmt::format("{} day{}", days, days == 1 ? "" : "s");
}

std::string value_text(double v) {
  if (!std::isfinite(v)) return fmt::format("{}", v);
  // Range first: converting a double beyond int64 is undefined.
  if (std::abs(v) < 1e15 && v == static_cast<double>(static_cast<std::int64_t>(v))) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 1000) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

std::string cluster_facts(const std::string& metric, const EvidenceCluster& c, int currency_digits) {
  const auto spec = evidence_spec(metric);
  std::string text = fmt::format("{} {}", c.event_count, spec ? spec->noun : "events");
  if (spec && c.mean_measure && !spec->measure_unit.empty())
    text += fmt::format(" averaging {:.1f} {}", *c.mean_measure, spec->measure_unit);
  if (spec && spec->by_amount) text += " totalling " + format_minor(c.total_amount_minor, currency_digits);
  if (c.share_of_change > 0 && c.entity_type != "all")
    text += fmt::format(", {:.0f}% of the change", 100 * c.share_of_change);
  return text;
}

std::string postmortem_id_for(const std::string& subject_id, const std::map<std::string, std::string>& versions) {
  std::string key = subject_id;
  for (const auto& [name, version] : versions) key += "|" + name + "=" + version;
  return "pm_" + sha256_hex(key).substr(0, 16);
}

namespace {

// The facts a chain's story is told from: its top path (the incident metric
// alone when there is none) and whether the incident is its own root.
struct ChainStory {
  const PostmortemIncident* incident;
  const CausalChain* chain;
  std::vector<std::string> path;
  const CausalNode* root = nullptr;
  const CausalNode* incident_node = nullptr;
  bool unexplained = false;
  double path_score = 0;
};

ChainStory story_of(const PostmortemIncident& inc, const CausalChain& chain) {
  ChainStory s{&inc, &chain, {}, nullptr, nullptr, false, 0};
  if (!chain.paths.empty()) {
    s.path = chain.paths[0].metrics;
    s.path_score = chain.paths[0].overall_score;
  }
  if (s.path.empty()) s.path = {inc.metric};
  s.root = chain.node(s.path.front());
  s.incident_node = chain.node(s.path.back());
  s.unexplained = s.path.size() == 1;
  return s;
}

const char* moved(double z) { return z < 0 ? "fell" : "rose"; }

std::string arrow_path(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& m : path) out += (out.empty() ? "" : " → ") + m;
  return out;
}

// "56 shipment delays from 500 averaging 5.0 days (93% of the change)".
std::string cluster_phrase(const EvidenceCluster& c) {
  const std::string share = fmt::format(", {:.0f}% of the change", 100 * c.share_of_change);
  const std::string& s = c.summary;
  if (s.size() > share.size() && s.compare(s.size() - share.size(), share.size(), share) == 0)
    return s.substr(0, s.size() - share.size()) + " (" + share.substr(2) + ")";
  return s;
}

std::string one_line_summary(const ChainStory& s, DayNumber from, DayNumber to) {
  const PostmortemIncident& inc = *s.incident;
  const std::string what =
      fmt::format("a {} {} ({})", inc.severity, incident_type_title(inc.incident_type), day_range_text(from, to));
  const auto leads = s.root ? leading_clusters(*s.root, 1) : std::vector<const EvidenceCluster*>{};
  if (s.unexplained) {
    std::string text = fmt::format("{} {} to {} against a baseline of {} (z {:.1f}) with no upstream metric moving first",
                                   inc.metric, moved(inc.zscore), value_text(inc.value), value_text(inc.baseline),
                                   inc.zscore);
    if (!leads.empty() && leads.front()->entity_type != "all")
      text += "; the events concentrate in " + cluster_phrase(*leads.front());
    return text + ": " + what + ".";
  }
  std::string text = fmt::format("{} {} first (z {:.1f})", s.path.front(), moved(s.root ? s.root->metric_zscore : 0),
                                 s.root ? s.root->metric_zscore : 0.0);
  if (!leads.empty()) text += ", driven by " + cluster_phrase(*leads.front());
  std::string through;
  for (std::size_t i = 1; i + 1 < s.path.size(); ++i) through += (through.empty() ? "" : " and ") + s.path[i];
  const double z_end = s.incident_node ? s.incident_node->metric_zscore : inc.zscore;
  text += fmt::format("; it carried {}to {} (z {:.1f}): ", through.empty() ? "" : "through " + through + " ",
                      s.path.back(), z_end);
  return text + what + ".";
}

std::string evidence_list(const CausalNode& node, std::size_t max) {
  std::string out;
  for (const EvidenceCluster* c : leading_clusters(node, max)) out += (out.empty() ? "" : "; ") + c->summary;
  return out;
}

std::string root_cause_paragraph(const ChainStory& s) {
  const PostmortemIncident& inc = *s.incident;
  if (s.unexplained) {
    std::string text = fmt::format(
        "No upstream metric explains this incident: {} is its own root. It {} to {} against a baseline of {} (z {:.1f})",
        inc.metric, moved(inc.zscore), value_text(inc.value), value_text(inc.baseline), inc.zscore);
    if (s.root) text += fmt::format(" with its peak on {}", format_day(s.root->peak_day));
    const std::size_t upstream = s.chain->nodes.empty() ? 0 : s.chain->nodes.size() - 1;
    text += upstream == 0 ? std::string(", and the dependency graph has no metric upstream of it")
            : upstream == 1 ? std::string(", and the one upstream metric BRE-RCA scored did not move first strongly "
                                          "enough to be implicated")
                            : fmt::format(", and none of the {} upstream metrics BRE-RCA scored moved first strongly "
                                          "enough to be implicated",
                                          upstream);
    for (const CausalNode& n : s.chain->nodes)
      if (n.metric_name != inc.metric) {  // nodes are ranked: the first other one is the strongest
        text += fmt::format(" (the strongest, {}, scored {:.3f})", n.metric_name, n.contribution_score);
        break;
      }
    text += ".";
    if (s.root && !s.root->evidence_clusters.empty()) text += " Evidence at the incident metric: " + evidence_list(*s.root, 3) + ".";
    return text;
  }
  const CausalNode& r = *s.root;
  std::string text = fmt::format("The root cause is {}. It {} to {} against a baseline of {} (z {:.1f}) on {}", r.metric_name,
                                 moved(r.metric_zscore), value_text(r.metric_value), value_text(r.metric_baseline),
                                 r.metric_zscore, format_day(r.peak_day));
  if (r.onset_day && s.incident_node && s.incident_node->onset_day) {
    const DayNumber lead = *s.incident_node->onset_day - *r.onset_day;
    text += fmt::format("; its episode began on {}, {} day{} {} {}'s", format_day(*r.onset_day), std::abs(lead),
                        std::abs(lead) == 1 ? "" : "s", lead >= 0 ? "before" : "after", s.path.back());
  }
  text += fmt::format(", and its lagged correlation with {} is strongest (r {:.2f}) at a lead of {} day{}.", s.path.back(),
                      r.cross_correlation, r.optimal_lag, r.optimal_lag == 1 ? "" : "s");
  text += fmt::format(" Path 1 (score {:.3f}): {}. Its contribution {:.3f} = magnitude {:.3f} × precedence {:.3f} × "
                      "proximity {:.3f} × data quality {:.3f}.",
                      s.path_score, arrow_path(s.path), r.contribution_score, r.anomaly_magnitude,
                      r.temporal_precedence, r.graph_proximity, r.data_quality_weight);
  if (!r.evidence_clusters.empty()) text += " Evidence: " + evidence_list(r, 3) + ".";
  return text;
}

std::vector<std::string> contributing_factors(const std::vector<ChainStory>& stories,
                                              const std::map<std::string, double>& weights) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string text) {
    if (seen.insert(text).second) out.push_back(std::move(text));
  };
  for (const ChainStory& s : stories) {
    for (std::size_t i = 1; i + 1 < s.path.size(); ++i)
      if (const CausalNode* n = s.chain->node(s.path[i])) {
        std::string text = fmt::format("{} carried the effect (z {:.1f} on {}, contribution {:.3f})", n->metric_name,
                                       n->metric_zscore, format_day(n->peak_day), n->contribution_score);
        if (!n->evidence_clusters.empty()) text += ": " + evidence_list(*n, 1);
        add(text + ".");
      }
    if (s.root) {
      const auto leads = leading_clusters(*s.root, 3);
      for (std::size_t i = 1; i < leads.size(); ++i)
        add(fmt::format("Also behind {}: {}.", s.root->metric_name, leads[i]->summary));
    }
    for (const CausalNode& n : s.chain->nodes)
      if (n.implicated && std::find(s.path.begin(), s.path.end(), n.metric_name) == s.path.end())
        add(fmt::format("{} was anomalous too (z {:.1f} on {}, contribution {:.3f}) but is not on path 1.",
                        n.metric_name, n.metric_zscore, format_day(n.peak_day), n.contribution_score));
    for (const MetricReading& r : s.incident->supporting)
      add(fmt::format("{}, another trigger of {}, read z {:.1f} on the day of the peak reading ({} vs baseline {}).",
                      r.metric, s.incident->incident_type, r.z, value_text(r.value), value_text(r.baseline)));
    for (const std::string& note : s.incident->notes) add("Detection: " + note + (note.ends_with('.') ? "" : "."));
  }
  for (const auto& [metric, w] : weights)
    if (w < 1)
      add(fmt::format("Data quality: {} has weight {:.2f} ({:.0f}% of its events complete and consistent); its score "
                      "is scaled by it.",
                      metric, w, 100 * w));
  return out;
}

// HIGH/MEDIUM/LOW for each factor; the note's level is the weakest.
int detection_level(const std::string& confidence) {
  return confidence == "high" || confidence == "very_high" ? 2 : confidence == "medium" ? 1 : 0;
}
int path_level(const ChainStory& s) { return s.unexplained ? 0 : s.path_score >= 0.5 ? 2 : s.path_score >= 0.2 ? 1 : 0; }
int quality_level(double q) { return q >= 0.9 ? 2 : q >= 0.7 ? 1 : 0; }
int history_level(std::size_t days) { return days >= 90 ? 2 : days >= 30 ? 1 : 0; }
const char* level_name(int l) { return l >= 2 ? "HIGH" : l == 1 ? "MEDIUM" : "LOW"; }

std::string confidence_note(const ChainStory& s, double quality, std::size_t history_days) {
  const int d = detection_level(s.incident->confidence), p = path_level(s), q = quality_level(quality),
            h = history_level(history_days);
  const std::string path =
      s.unexplained ? "the incident metric is its own root (no upstream cause found)"
                    : fmt::format("path 1 scores {:.3f} from root {}", s.path_score, s.path.front());
  return fmt::format(
      "RCA confidence is {} based on: detection confidence {} ({}); {} ({}); data quality {:.2f} ({}); {} days of "
      "history ({}). The lowest of the four sets the level (docs/postmortem.md).",
      level_name(std::min({d, p, q, h})), s.incident->confidence, level_name(d), path, level_name(p), quality,
      level_name(q), history_days, level_name(h));
}

}  // namespace

Postmortem build_postmortem(const PostmortemInput& in, const DailyMetrics& metrics, const DetectConfig& detect,
                            const RcaConfig& rca) {
  if (in.incidents.empty()) throw_usage("a postmortem needs an incident");
  if (in.chains.size() != in.incidents.size()) throw_usage("a postmortem needs one causal chain per incident");
  if (in.monitors.empty())  // design §9: every postmortem leaves at least one monitor behind
    throw Error(ErrorKind::internal, "POSTMORTEM_WITHOUT_MONITOR", "a postmortem needs at least one monitor rule",
                in.incidents.front().incident_id);
  std::vector<ChainStory> stories;
  for (std::size_t k = 0; k < in.incidents.size(); ++k) stories.push_back(story_of(in.incidents[k], in.chains[k]));
  const int digits = in.blast_radius.minor_digits;

  Postmortem pm;
  pm.incident_id = in.incidents.front().incident_id;
  pm.cascade_id = in.cascade_id;
  pm.incidents = in.incidents;
  pm.generated_at = in.generated_at;
  pm.timezone = in.business_time.zone();

  // 1. Summary
  DayNumber from = in.incidents.front().window_start, to = in.incidents.front().window_end;
  std::string severity = in.incidents.front().severity;
  bool ongoing = false;
  for (const PostmortemIncident& inc : in.incidents) {
    from = std::min(from, inc.window_start);
    to = std::max(to, inc.window_end);
    if (severity_rank(inc.severity) > severity_rank(severity)) severity = inc.severity;
    if (inc.state == "active" && inc.status != "resolved") ongoing = true;
  }
  if (in.cascade_id) {
    std::string types;
    for (const PostmortemIncident& inc : in.incidents)
      types += (types.empty() ? "" : " → ") + incident_type_title(inc.incident_type);
    pm.title = "Cascade: " + types + " — " + day_range_text(from, to);
  } else {
    pm.title = incident_type_title(in.incidents.front().incident_type) + " — " + day_range_text(from, to);
  }
  pm.severity = severity;
  pm.duration = duration_text(from, to);
  pm.status = ongoing ? "ongoing" : "resolved";
  pm.one_line_summary = one_line_summary(stories.front(), in.incidents.front().window_start,
                                         in.incidents.front().window_end);
  if (in.cascade_id)
    pm.one_line_summary = fmt::format("A cascade of {} incidents over {}, from {} to {}. First, {}", in.incidents.size(),
                                      pm.duration, incident_type_title(in.incidents.front().incident_type),
                                      incident_type_title(in.incidents.back().incident_type),
                                      pm.one_line_summary);

  // 2. Timeline
  pm.timeline =
      build_timeline({&in.incidents, &in.chains, &in.evidence_event_times, in.business_time}, metrics, detect, rca);

  // 3. Root cause
  pm.causal_chains = in.chains;
  for (const ChainStory& s : stories) {
    std::string paragraph = root_cause_paragraph(s);
    if (in.cascade_id)
      paragraph = fmt::format("{} ({}): {}", incident_type_title(s.incident->incident_type), s.incident->incident_id,
                              paragraph);
    pm.root_cause_summary += (pm.root_cause_summary.empty() ? "" : "\n\n") + paragraph;
  }

  // 4. Blast radius
  pm.blast_radius = in.blast_radius;

  // 5. Contributing factors, with the weights of the path metrics
  std::map<std::string, double> path_quality;
  for (const ChainStory& s : stories)
    for (const std::string& m : s.path) {
      auto it = in.quality_weights.find(m);
      path_quality[m] = it == in.quality_weights.end() ? 1.0 : it->second;
    }
  pm.contributing_factors = contributing_factors(stories, path_quality);

  // 6. Monitors
  pm.monitors = in.monitors;

  // 7. Recommendations
  std::set<std::string> seen;
  auto recommend = [&](const std::vector<std::string>& items) {
    for (const std::string& r : items)
      if (seen.insert(r).second) pm.recommendations.push_back(r);
  };
  for (const ChainStory& s : stories) recommend(cause_recommendations(*s.incident, *s.chain, digits));
  recommend(followup_recommendations(in.monitors, path_quality));

  // 8. Metadata
  double quality = 0;
  for (const auto& [metric, w] : path_quality) quality += w;
  pm.data_quality_score = path_quality.empty() ? 1.0 : quality / static_cast<double>(path_quality.size());
  // A cascade is as well explained as its best-explained incident: its first
  // member is often its own root, and the later members' chains lead back to it.
  const ChainStory* best = &stories.front();
  for (const ChainStory& s : stories)
    if (path_level(s) > path_level(*best) || (path_level(s) == path_level(*best) && s.path_score > best->path_score))
      best = &s;
  pm.confidence_note = confidence_note(*best, pm.data_quality_score, metrics.days);
  pm.algorithm_version = kPostmortemVersion;
  pm.algorithm_versions = {{"postmortem", kPostmortemVersion},
                           {"rca", in.chains.front().algorithm_version},
                           {"dependency_graph", in.chains.front().dependency_graph_version.empty()
                                                    ? in.dependency_graph_version
                                                    : in.chains.front().dependency_graph_version},
                           {"detect", kDetectConfigVersion},
                           {"monitor", kMonitorModelVersion},
                           {"blast_radius", kBlastRadiusVersion}};
  pm.postmortem_id = postmortem_id_for(in.cascade_id.value_or(pm.incident_id), pm.algorithm_versions);
  pm.run_id = in.run_id;
  return pm;
}

}  // namespace bre
