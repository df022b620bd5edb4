// BRE-RCA steps 1–5 and 7 (docs/bre-rca.md). Each metric of the incident's
// upstream graph is read with the detector's own baseline model, day by day
// over the causal window, as a "bad-direction z" signal; its peak, episode,
// lagged correlation with the incident metric's signal and graph distance
// give the design's contribution score. The root is then localised the way
// hypothesis-testing RCA does it: walk up from the incident metric through
// implicated parents that moved no later, and stop where no parent explains.
#include "bre/rca/bre_rca.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "bre/core/hash.h"
#include "causal_paths.h"

namespace bre {

double lagged_correlation(const std::vector<double>& x, const std::vector<double>& y, int lag, int min_overlap) {
  const int n = static_cast<int>(std::min(x.size(), y.size()));
  if (lag < 0 || n - lag < min_overlap || n - lag < 2) return 0;
  double mx = 0, my = 0;
  const int m = n - lag;
  for (int t = lag; t < n; ++t) {
    mx += x[t - lag];
    my += y[t];
  }
  mx /= m;
  my /= m;
  double sxy = 0, sxx = 0, syy = 0;
  for (int t = lag; t < n; ++t) {
    const double dx = x[t - lag] - mx, dy = y[t] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 1e-12 || syy <= 1e-12) return 0;
  return sxy / std::sqrt(sxx * syy);
}

int RcaConfig::lookback_for(const std::string& incident_type) const {
  auto it = lookback_days_by_type.find(incident_type);
  return it != lookback_days_by_type.end() ? it->second : lookback_days;
}

const CausalNode* CausalChain::node(const std::string& metric) const {
  for (const auto& n : nodes)
    if (n.metric_name == metric) return &n;
  return nullptr;
}

std::vector<SignalEpisode> signal_episodes(const std::vector<double>& bad, const RcaConfig& cfg) {
  std::vector<SignalEpisode> out;
  bool bridgeable = false;  // the last episode has shown a run that is not a blip
  std::size_t i = 0;
  while (i < bad.size()) {
    if (bad[i] < cfg.onset_z) {
      ++i;
      continue;
    }
    SignalEpisode run{i, i, i, 0, 0, true};
    for (; i < bad.size() && bad[i] >= cfg.onset_z; ++i) {
      run.to = i;
      ++run.days_on;
      if (bad[i] > run.peak_z) run.peak_z = bad[i], run.peak = i;
    }
    const bool blip = run.days_on < cfg.min_episode_days && run.peak_z < cfg.implicate_z;
    const bool near = !out.empty() && run.from - out.back().to <= static_cast<std::size_t>(cfg.max_gap_days) + 1;
    const auto blip_bridged = [&] {
      if (run.from - out.back().to <= static_cast<std::size_t>(cfg.blip_max_gap_days) + 1) return true;
      for (std::size_t d = out.back().to + 1; d < run.from; ++d)
        if (bad[d] < cfg.blip_bridge_z) return false;
      return true;
    };
    if (near && (bridgeable || !cfg.blips_end_at_gaps || blip_bridged())) {
      SignalEpisode& e = out.back();
      e.to = run.to;
      e.days_on += run.days_on;
      if (run.peak_z > e.peak_z) e.peak_z = run.peak_z, e.peak = run.peak;
    } else {
      out.push_back(run);
      bridgeable = false;
    }
    if (!blip) bridgeable = true;
  }
  return out;
}

namespace {

constexpr double kSignalCap = 12;  // one extreme day must not dominate the correlation

// A metric over the causal window: the bad-direction z of each day (0 when
// the day reads normal or the good way) and the readings behind them.
struct Signal {
  std::vector<double> bad;
  std::vector<std::optional<BaselineScore>> readings;
};

Signal read_signal(const DailyMetrics& m, const std::string& metric, int direction, std::size_t from, std::size_t to,
                   const DetectConfig& detect) {
  Signal s;
  const MetricValues* series = m.find(metric);
  const TriggerRule rule{metric, direction, 3.0};
  for (std::size_t i = from; i <= to; ++i) {
    std::optional<BaselineScore> r;
    if (series) r = strongest_reading(rule, *series, i, m.first_day, detect);
    s.bad.push_back(r ? std::clamp(direction * r->z, 0.0, kSignalCap) : 0.0);
    s.readings.push_back(r);
  }
  return s;
}

using Episode = SignalEpisode;

// The largest day when nothing reached onset_z.
Episode quiet_peak(const std::vector<double>& bad, std::size_t lo) {
  Episode e{lo, lo, lo, 0, 0, false};
  for (std::size_t i = lo; i < bad.size(); ++i)
    if (bad[i] > e.peak_z) e.peak_z = bad[i], e.peak = e.from = e.to = i;
  return e;
}

// The incident metric's episode: the strongest one that starts in the incident window.
Episode incident_episode(const std::vector<double>& bad, std::size_t incident_from, const RcaConfig& cfg) {
  std::optional<Episode> best;
  for (const Episode& e : signal_episodes(bad, cfg))
    if (e.to >= incident_from && (!best || e.peak_z > best->peak_z)) best = e;
  if (best && best->from < incident_from && best->peak < incident_from) best.reset();
  return best ? *best : quiet_peak(bad, incident_from);
}

// Reached implicate_z and lasted, or was strong enough on its own.
bool substantial(const Episode& e, const RcaConfig& cfg) {
  return e.peak_z >= cfg.strong_z || (e.peak_z >= cfg.implicate_z && e.days_on >= cfg.min_episode_days);
}

// An upstream metric's episode that could explain the incident's: the
// strongest substantial one that began no later than the incident metric's
// onset (give or take onset_tolerance_days; ties go to the later); else the
// strongest that began by then; else the strongest of all (it moved after).
Episode upstream_episode(const std::vector<double>& bad, std::size_t incident_onset, const RcaConfig& cfg) {
  const std::vector<Episode> all = signal_episodes(bad, cfg);
  std::optional<Episode> strongest_substantial, strongest_before, strongest;
  for (const Episode& e : all) {
    const bool began_by = e.from <= incident_onset + static_cast<std::size_t>(cfg.onset_tolerance_days);
    if (began_by && substantial(e, cfg) && (!strongest_substantial || e.peak_z >= strongest_substantial->peak_z)) strongest_substantial = e;
    if (began_by && (!strongest_before || e.peak_z > strongest_before->peak_z)) strongest_before = e;
    if (!strongest || e.peak_z > strongest->peak_z) strongest = e;
  }
  if (strongest_substantial) return *strongest_substantial;
  if (strongest_before) return *strongest_before;
  if (strongest) return *strongest;
  return quiet_peak(bad, 0);
}

struct Precedence {
  int lag = 0;
  double correlation = 0, decay = 1, value = 0;
};

// The lag with the best decayed correlation: within lead_window days of the
// onset lead when the metric's episode began no later than the incident
// metric's (where the two episodes line up), else over 0..lookback.
// Negative correlations count as none.
Precedence temporal_precedence(const std::vector<double>& x, const std::vector<double>& y,
                               std::optional<int> onset_lead, int max_lag, const RcaConfig& cfg) {
  Precedence best;
  bool any = false;
  for (int lag = 0; lag <= max_lag; ++lag) {
    if (onset_lead && std::abs(lag - *onset_lead) > cfg.lead_window_days) continue;
    const double c = lagged_correlation(x, y, lag, cfg.min_overlap_days);
    const double decay = std::exp(-lag / cfg.lag_decay_days);
    if (!any || c * decay > best.correlation * best.decay) {
      best = {lag, c, decay, 0};
      any = true;
    }
  }
  best.value = std::max(0.0, best.correlation) * best.decay;
  return best;
}

}  // namespace

CausalChain analyse_incident(const DailyMetrics& m, const RcaIncident& inc, const DependencyGraphs& graphs,
                             const std::map<std::string, double>& quality, const DetectConfig& detect,
                             const RcaConfig& cfg) {
  CausalChain chain;
  chain.incident_id = inc.incident_id;
  chain.incident_type = inc.incident_type;
  chain.incident_metric = inc.metric;
  chain.dependency_graph_version = graphs.metrics.version();
  chain.chain_id = "chn_" + sha256_hex(inc.incident_id + "|" + kRcaAlgorithmVersion + "|" +
                                       chain.dependency_graph_version).substr(0, 16);
  if (m.days == 0) return chain;

  // Step 2: the causal window, clipped to the computed days.
  const DayNumber last = m.day(m.days - 1);
  const int lookback = cfg.lookback_for(inc.incident_type);
  chain.causal_from = std::max(m.first_day, inc.window_start - lookback);
  chain.causal_to = std::clamp(inc.window_end, chain.causal_from, last);
  const auto from = static_cast<std::size_t>(chain.causal_from - m.first_day);
  const auto to = static_cast<std::size_t>(chain.causal_to - m.first_day);
  const auto incident_from = static_cast<std::size_t>(std::clamp(inc.window_start, chain.causal_from, chain.causal_to) -
                                                      chain.causal_from);

  // Steps 1 and 3: the incident node and everything upstream of it.
  std::vector<std::string> metrics{inc.metric};
  for (auto& a : graphs.metrics.ancestors(inc.metric)) metrics.push_back(a);

  std::map<std::string, Signal> signals;
  for (const auto& name : metrics)
    signals[name] = read_signal(m, name, graphs.direction_of(name), from, to, detect);
  const Signal& incident_signal = signals[inc.metric];
  const Episode own = incident_episode(incident_signal.bad, incident_from, cfg);
  const std::size_t incident_onset = own.has_onset ? own.from : incident_from;

  // Step 4: each metric's score inputs.
  for (const auto& name : metrics) {
    const Signal& s = signals[name];
    const bool self = name == inc.metric;
    const Episode e = self ? own : upstream_episode(s.bad, incident_onset, cfg);
    CausalNode n;
    n.metric_name = name;
    n.anomaly_magnitude = std::min(e.peak_z / cfg.magnitude_unit, cfg.magnitude_cap);
    n.graph_distance = graphs.metrics.distance(name, inc.metric).value_or(0);
    n.graph_proximity = 1.0 / (n.graph_distance + 1);
    if (auto q = quality.find(name); q != quality.end()) n.data_quality_weight = q->second;
    if (self) {
      n.temporal_precedence = n.cross_correlation = n.lag_decay = 1;
    } else {
      std::optional<int> lead;
      if (e.has_onset && e.from <= incident_onset + static_cast<std::size_t>(cfg.onset_tolerance_days))
        lead = e.from <= incident_onset ? static_cast<int>(incident_onset - e.from) : 0;
      const Precedence p = temporal_precedence(s.bad, incident_signal.bad, lead, lookback, cfg);
      n.optimal_lag = p.lag;
      n.cross_correlation = p.correlation;
      n.lag_decay = p.decay;
      n.temporal_precedence = p.value;
      n.moved_after = e.has_onset && e.from > incident_onset + static_cast<std::size_t>(cfg.onset_tolerance_days);
      if (n.moved_after) n.temporal_precedence *= cfg.after_penalty;
    }
    n.contribution_score =
        n.anomaly_magnitude * n.temporal_precedence * n.graph_proximity * n.data_quality_weight;
    n.peak_day = chain.causal_from + static_cast<DayNumber>(e.peak);
    if (const auto& r = s.readings[e.peak]) {
      n.metric_value = r->value;
      n.metric_baseline = r->baseline;
      n.metric_zscore = r->z;
    }
    if (e.has_onset) n.onset_day = chain.causal_from + static_cast<DayNumber>(e.from);
    n.anomaly_from = chain.causal_from + static_cast<DayNumber>(e.has_onset ? e.from : e.peak);
    n.anomaly_to = chain.causal_from + static_cast<DayNumber>(e.has_onset ? e.to : e.peak);
    n.implicated = self || (substantial(e, cfg) && !n.moved_after && n.temporal_precedence > 0);
    n.signal = s.bad;
    chain.nodes.push_back(std::move(n));
  }

  // Step 5: rank by contribution (the incident metric is the node, not a candidate).
  std::stable_sort(chain.nodes.begin(), chain.nodes.end(), [](const CausalNode& a, const CausalNode& b) {
    if (a.contribution_score != b.contribution_score) return a.contribution_score > b.contribution_score;
    return a.metric_name < b.metric_name;
  });
  for (const auto& n : chain.nodes)
    if (n.metric_name != inc.metric && n.contribution_score > 0 &&
        chain.top_candidates.size() < static_cast<std::size_t>(cfg.top_k))
      chain.top_candidates.push_back(n.metric_name);

  detail::localise_roots(chain, inc.metric, graphs, cfg);
  return chain;
}

}  // namespace bre
