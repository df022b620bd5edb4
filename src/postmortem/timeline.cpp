// The postmortem timeline: metric crossings re-read with the detector's
// baseline model, detection moments and evidence clusters, merged in time.
#include "bre/postmortem/timeline.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "bre/postmortem/build_postmortem.h"

namespace bre {

std::optional<MetricCrossings> metric_crossings(const DailyMetrics& metrics, const std::string& metric, int direction,
                                                double onset_z, double threshold_z, DayNumber search_from,
                                                DayNumber search_to, std::optional<DayNumber> peak_day,
                                                const DetectConfig& detect, int max_gap_days) {
  const MetricValues* series = metrics.find(metric);
  if (!series || metrics.days == 0) return std::nullopt;
  const long n = static_cast<long>(metrics.days);
  const TriggerRule rule{metric, direction, threshold_z};
  std::vector<std::optional<BaselineScore>> cache(metrics.days);
  std::vector<bool> read(metrics.days, false);
  auto reading = [&](long i) -> const std::optional<BaselineScore>& {
    if (!read[i]) {
      cache[i] = strongest_reading(rule, *series, static_cast<std::size_t>(i), metrics.first_day, detect);
      read[i] = true;
    }
    return cache[i];
  };
  auto bad = [&](long i) { return reading(i) ? direction * reading(i)->z : 0.0; };

  long peak = -1;
  if (peak_day && *peak_day >= metrics.first_day && *peak_day - metrics.first_day < n) {
    peak = static_cast<long>(*peak_day - metrics.first_day);
  } else {
    const long lo = std::max<long>(0, static_cast<long>(search_from - metrics.first_day));
    const long hi = std::min<long>(n - 1, static_cast<long>(search_to - metrics.first_day));
    double best = 0;
    for (long i = lo; i <= hi; ++i)
      if (bad(i) > best) best = bad(i), peak = i;
  }
  if (peak < 0 || bad(peak) < onset_z) return std::nullopt;

  // Walk out from the anchor while the episode lasts (quiet spells of at
  // most max_gap_days, a weekend inside a week-long problem, are bridged).
  long from = peak, to = peak;
  for (long i = peak - 1, gap = 0; i >= 0 && gap <= max_gap_days; --i) {
    if (bad(i) >= onset_z) from = i, gap = 0;
    else ++gap;
  }
  bool ended = false;
  for (long i = peak + 1, gap = 0; i < n; ++i) {
    if (bad(i) >= onset_z) {
      to = i, gap = 0;
    } else if (++gap > max_gap_days) {
      ended = true;
      break;
    }
  }
  for (long i = from; i <= to; ++i)
    if (bad(i) > bad(peak)) peak = i;

  MetricCrossings c;
  c.metric = metric;
  c.direction = direction;
  c.onset_z = onset_z;
  c.threshold_z = threshold_z;
  c.onset_day = metrics.day(static_cast<std::size_t>(from));
  c.peak_day = metrics.day(static_cast<std::size_t>(peak));
  for (long i = from; i <= peak; ++i)
    if (bad(i) >= threshold_z) {
      c.threshold_day = metrics.day(static_cast<std::size_t>(i));
      break;
    }
  if (ended) c.recovery_day = metrics.day(static_cast<std::size_t>(to + 1));
  for (std::optional<DayNumber> d : {std::optional<DayNumber>(c.onset_day), c.threshold_day,
                                     std::optional<DayNumber>(c.peak_day), c.recovery_day})
    if (d && reading(static_cast<long>(*d - metrics.first_day)))
      c.readings[*d] = *reading(static_cast<long>(*d - metrics.first_day));
  return c;
}

double threshold_z_for(const std::string& metric, const std::string& incident_type, double fallback) {
  for (const IncidentRule& r : incident_rules())
    if (r.type == incident_type)
      for (const TriggerRule& t : r.triggers)
        if (t.metric == metric) return t.z_threshold;
  for (const IncidentRule& r : incident_rules())
    for (const TriggerRule& t : r.triggers)
      if (t.metric == metric) return t.z_threshold;
  return fallback;
}

std::vector<const EvidenceCluster*> leading_clusters(const CausalNode& node, std::size_t max) {
  std::vector<const EvidenceCluster*> out;
  for (const EvidenceCluster& c : node.evidence_clusters)
    if (c.entity_type != "all" && c.share_of_change > 0 && out.size() < max) out.push_back(&c);
  if (out.empty())
    for (const EvidenceCluster& c : node.evidence_clusters)
      if (c.entity_type == "all") out.push_back(&c);
  return out;
}

namespace {

// Entries on the same moment: what happened before what was measured, the
// measurement before the alarm it raised, recovery last.
enum class Kind { evidence, onset, threshold_crossing, peak, detection, recovery };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::evidence: return "evidence";
    case Kind::onset: return "onset";
    case Kind::threshold_crossing: return "threshold_crossing";
    case Kind::peak: return "peak";
    case Kind::detection: return "detection";
    case Kind::recovery: return "recovery";
  }
  return "";
}

class TimelineBuilder {
 public:
  TimelineBuilder(const std::map<std::string, TimeMs>& times, const BusinessTime& clock)
      : times_(times), clock_(clock) {}

  void add(Kind kind, TimeMs at, std::string text, std::optional<std::string> metric, std::optional<double> value,
           std::vector<std::string> ids) {
    TimelineEntry e{at, kind_name(kind), std::move(text), std::move(metric), value, std::move(ids)};
    pending_.push_back({std::move(e), kind, pending_.size()});
  }

  // A metric's crossings; the evidence ids of a day are those of the node's
  // clusters that happened on it.
  void add_crossings(const MetricCrossings& c, const CausalNode* node) {
    const char* side = c.direction > 0 ? "above" : "below";
    auto reading_text = [&](DayNumber d) {
      auto it = c.readings.find(d);
      if (it == c.readings.end()) return std::string();
      return fmt::format(" (z {:.1f}: {} vs baseline {})", it->second.z, value_text(it->second.value),
                         value_text(it->second.baseline));
    };
    auto value_on = [&](DayNumber d) -> std::optional<double> {
      auto it = c.readings.find(d);
      return it == c.readings.end() ? std::nullopt : std::optional<double>(it->second.value);
    };
    if (!c.threshold_day || *c.threshold_day != c.onset_day)
      add(Kind::onset, clock_.day_end(c.onset_day),
          fmt::format("{} moved {:g}σ {} its baseline{}", c.metric, c.onset_z, side, reading_text(c.onset_day)),
          c.metric, value_on(c.onset_day), ids_on(node, c.onset_day));
    if (c.threshold_day)
      add(Kind::threshold_crossing, clock_.day_end(*c.threshold_day),
          fmt::format("{} crossed its {:g}σ threshold{}", c.metric, c.threshold_z, reading_text(*c.threshold_day)),
          c.metric, value_on(*c.threshold_day), ids_on(node, *c.threshold_day));
    if (c.peak_day != c.onset_day && (!c.threshold_day || c.peak_day != *c.threshold_day))
      add(Kind::peak, clock_.day_end(c.peak_day), fmt::format("{} peaked{}", c.metric, reading_text(c.peak_day)), c.metric,
          value_on(c.peak_day), ids_on(node, c.peak_day));
    if (c.recovery_day)
      add(Kind::recovery, clock_.day_end(*c.recovery_day),
          fmt::format("{} back within {:g}σ of its baseline{}", c.metric, c.onset_z, reading_text(*c.recovery_day)),
          c.metric, value_on(*c.recovery_day), {});
  }

  // One entry per leading cluster, at its first event, with all its ids.
  void add_evidence(const CausalNode& node) {
    for (const EvidenceCluster* cl : leading_clusters(node, 2)) {
      if (!seen_clusters_.insert(node.metric_name + "|" + cl->cluster_label).second) continue;
      std::optional<TimeMs> first, last;
      for (const std::string& id : cl->event_ids)
        if (auto it = times_.find(id); it != times_.end()) {
          first = std::min(first.value_or(it->second), it->second);
          last = std::max(last.value_or(it->second), it->second);
        }
      const DayNumber from = first ? clock_.local_day(*first) : node.anomaly_from,
                      to = last ? clock_.local_day(*last) : node.anomaly_to;
      add(Kind::evidence, first.value_or(clock_.day_start(from)),
          fmt::format("{} ({}), behind {}", cl->summary, day_range_text(from, to), node.metric_name), node.metric_name,
          std::nullopt, cl->event_ids);
    }
  }

  std::vector<TimelineEntry> finish() {
    std::stable_sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
      if (a.entry.timestamp != b.entry.timestamp) return a.entry.timestamp < b.entry.timestamp;
      if (a.kind != b.kind) return a.kind < b.kind;
      return a.seq < b.seq;
    });
    std::vector<TimelineEntry> out;
    for (Pending& p : pending_) out.push_back(std::move(p.entry));
    return out;
  }

 private:
  struct Pending {
    TimelineEntry entry;
    Kind kind;
    std::size_t seq;
  };

  std::vector<std::string> ids_on(const CausalNode* node, DayNumber day) const {
    std::vector<std::string> ids;
    if (!node) return ids;
    std::set<std::string> seen;
    for (const EvidenceCluster& cl : node->evidence_clusters)
      for (const std::string& id : cl.event_ids)
        if (auto it = times_.find(id); it != times_.end() && clock_.local_day(it->second) == day && seen.insert(id).second)
          ids.push_back(id);
    return ids;
  }

  const std::map<std::string, TimeMs>& times_;
  // A day's reading is known at its end, as detection's detected_at is.
  const BusinessTime& clock_;
  std::vector<Pending> pending_;
  std::set<std::string> seen_clusters_;
};

// The metrics a chain's timeline follows: its top path, ending at the incident metric.
std::vector<std::string> followed_metrics(const PostmortemIncident& inc, const CausalChain& chain) {
  std::vector<std::string> m;
  if (!chain.paths.empty()) m = chain.paths[0].metrics;
  if (std::find(m.begin(), m.end(), inc.metric) == m.end()) m.push_back(inc.metric);
  return m;
}

}  // namespace

std::vector<TimelineEntry> build_timeline(const TimelineInput& in, const DailyMetrics& metrics,
                                          const DetectConfig& detect, const RcaConfig& rca) {
  static const std::map<std::string, TimeMs> no_times;
  TimelineBuilder b(in.event_times ? *in.event_times : no_times, in.business_time);
  std::set<std::string> followed;
  for (std::size_t k = 0; k < in.incidents->size(); ++k) {
    const PostmortemIncident& inc = (*in.incidents)[k];
    const CausalChain& chain = (*in.chains)[k];
    const DayNumber from = chain.causal_to > 0 ? chain.causal_from : inc.window_start;
    const DayNumber to = chain.causal_to > 0 ? chain.causal_to : inc.window_end;
    for (const std::string& metric : followed_metrics(inc, chain)) {
      if (!followed.insert(metric).second) continue;  // a cascade's members share metrics
      const CausalNode* node = chain.node(metric);
      const double z = node ? node->metric_zscore : (metric == inc.metric ? inc.zscore : 0);
      const int direction = z < 0 ? -1 : +1;
      const double threshold = threshold_z_for(metric, inc.incident_type, rca.implicate_z);
      const std::optional<DayNumber> anchor = node ? std::optional<DayNumber>(node->peak_day) : std::nullopt;
      if (auto c = metric_crossings(metrics, metric, direction, rca.onset_z, threshold, from, to, anchor, detect,
                                    rca.max_gap_days))
        b.add_crossings(*c, node);
      if (node) b.add_evidence(*node);
    }
    b.add(Kind::detection, inc.detected_at,
          fmt::format("Detected {} {} ({} severity, {} confidence): {} at {} vs baseline {} (z {:.1f})",
                      inc.incident_type, inc.incident_id, inc.severity, inc.confidence, inc.metric,
                      value_text(inc.value), value_text(inc.baseline), inc.zscore),
          inc.metric, inc.value, inc.evidence_event_ids);
  }
  return b.finish();
}

}  // namespace bre
