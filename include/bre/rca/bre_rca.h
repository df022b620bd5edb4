// BRE-RCA (design §4.2 G): the ranked, evidence-linked causal chain of one
// incident. Pure: the gold metrics, the incident, the metric graph and the
// data-quality weights in; the chain out, every score with its inputs so it
// can be recomputed by hand. Formulas and a worked example: docs/bre-rca.md.
// Evidence clusters (step 6) are added by the store layer (rca_store.h),
// which reads the events.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/dependency_graphs.h"
#include "bre/detect/incidents.h"
#include "bre/rca/evidence_clusters.h"

namespace bre {

inline constexpr const char* kRcaAlgorithmVersion = "BRE-RCA-v2";

struct RcaConfig {
  int lookback_days = 14;        // causal window: [window start − lookback, window end]
  // Per incident type (design step 2): churn follows its causes by a week or
  // two and churn_proxy counts 30 days, so its causes start further back.
  std::map<std::string, int> lookback_days_by_type = {{"churn_acceleration", 28}};
  double magnitude_unit = 3.0;   // anomaly_magnitude = min(|z| / unit, cap)
  double magnitude_cap = 3.0;
  double lag_decay_days = 7.0;   // lag_decay = exp(−lag / this)
  int min_overlap_days = 5;      // a lag is tried only with this many overlapping days
  int lead_window_days = 2;      // the lag is searched this close to the onset lead (when there is one)
  double after_penalty = 0.1;    // precedence × this for a metric whose episode began after the incident metric's
  double implicate_z = 3.0;      // an upstream metric is implicated when its peak z reaches this ...
  double onset_z = 2.0;          // ... and its episode (a run of days at ≥ onset_z) began no later
  int min_episode_days = 2;      // ... on at least this many days (one odd day is noise: with a dozen
  double strong_z = 5;           //     metrics over a month, z 3 happens by chance), unless it reached strong_z
  int max_gap_days = 2;          // an episode bridges this many quiet days (a weekend)
  // A cause and its effect can show on the same day, and the cause's metric
  // may cross onset_z a day later (an order surge fills the backlog at once
  // but is a noisy count): "no later" allows this many days.
  int onset_tolerance_days = 1;
  int top_k = 5;                 // candidate causes listed and given evidence
  // A blip, a run of days at ≥ onset_z shorter than min_episode_days that
  // stays below implicate_z (one z-2 day in a month happens by chance), is
  // not bridged to the run after it: the episode starts at that run, so a
  // chance day before a real rise does not move its onset days earlier.
  // Unless the gap is at most blip_max_gap_days (a small count is 0 on
  // one day of a rise as easily as on a normal day: 2.1, 0, 3.1) or every
  // day of it reads at least blip_bridge_z (a slow rise: 1.7, 2.1, 1.6, 1.1,
  // 2.5, 3.0 has begun at its first z-2 day).
  bool blips_end_at_gaps = true;
  int blip_max_gap_days = 1;
  double blip_bridge_z = 1.0;
  // The walk may pass a parent of the incident metric that did not move in
  // time (a noisy intermediate that barely showed the effect passing through
  // it), to an implicated grandparent whose episode fits across both edges'
  // max lags; that link counts skip_penalty in the path score instead of the
  // node's magnitude. Only right below the incident metric: higher up, the
  // implicated child is itself a root, so a path skips at most one node.
  bool skip_silent_parent = true;
  double skip_penalty = 0.5;
  int lookback_for(const std::string& incident_type) const;
};

// A run of days at ≥ onset_z, bridging up to max_gap_days quiet days (a
// weekend inside a week-long problem), with its peak.
struct SignalEpisode {
  std::size_t peak = 0, from = 0, to = 0;  // day indexes into the signal
  double peak_z = 0;
  int days_on = 0;         // days at ≥ onset_z
  bool has_onset = false;  // false: no day reached onset_z; peak is the largest day
};

// The episodes of a bad-direction z signal (docs/bre-rca.md, step 4).
std::vector<SignalEpisode> signal_episodes(const std::vector<double>& bad, const RcaConfig& config);

// An incident as RCA needs it.
struct RcaIncident {
  std::string incident_id, incident_type, metric;  // metric: the trigger that fired (the incident node)
  DayNumber window_start = 0, window_end = 0;
};

// One metric's score inputs (step 4) and its episode in the causal window.
struct CausalNode {
  std::string metric_name;
  double contribution_score = 0;
  double anomaly_magnitude = 0;
  double temporal_precedence = 0;
  double graph_proximity = 0;
  double data_quality_weight = 1;
  // Inputs of the precedence: the lag (days this metric leads the incident
  // metric) with the best decayed correlation, that correlation, its decay,
  // and whether the after-penalty applied.
  int optimal_lag = 0;
  double cross_correlation = 0;
  double lag_decay = 1;
  bool moved_after = false;
  int graph_distance = 0;  // edges from this metric to the incident metric
  double metric_value = 0, metric_baseline = 0, metric_zscore = 0;  // at the peak (z signed)
  DayNumber peak_day = 0;
  std::optional<DayNumber> onset_day;      // first day of the episode around the peak
  DayNumber anomaly_from = 0, anomaly_to = 0;  // the episode (or the peak day alone)
  bool implicated = false;
  // The metric's bad-direction z on each day of the causal window (0 when
  // normal or the good way, capped at 12): its episodes, onset and lagged
  // correlation are computed from this alone.
  std::vector<double> signal;
  std::vector<EvidenceCluster> evidence_clusters;
};

struct CausalPath {
  int rank = 0;
  double overall_score = 0;
  bool root_unexplained = false;      // its root has no implicated parent that moved first
  std::vector<std::string> metrics;   // root cause → incident metric
  std::vector<std::string> skipped;   // intermediates the walk passed without them moving in time
};

struct CausalChain {
  std::string chain_id;  // chn_ + hash(incident id, algorithm and graph versions)
  std::string incident_id, incident_type, incident_metric;
  std::string algorithm_version = kRcaAlgorithmVersion;
  std::string dependency_graph_version;
  DayNumber causal_from = 0, causal_to = 0;
  std::string root_cause;                  // first metric of path rank 1
  std::vector<CausalNode> nodes;           // every metric scored, by contribution (incident metric included)
  std::vector<std::string> top_candidates; // step 5: the top_k upstream metrics by contribution
  std::vector<CausalPath> paths;           // ranked
  std::string run_id;
  const CausalNode* node(const std::string& metric) const;
};

// Steps 0–5 and 7. `quality` maps a metric to its data-quality weight
// (missing: 1). `detect` gives the baseline model (and any labelled windows
// left out of it) the metrics are scored with.
CausalChain analyse_incident(const DailyMetrics& metrics, const RcaIncident& incident, const DependencyGraphs& graphs,
                             const std::map<std::string, double>& quality, const DetectConfig& detect = {},
                             const RcaConfig& config = {});

// Every RcaConfig field, for run manifests.
std::string rca_config_json(const RcaConfig& config);

// The design's CausalChain as JSON (nodes of each path with their score
// inputs and evidence clusters). `currency_digits` formats cluster amounts.
std::string causal_chain_json(const CausalChain& chain, int currency_digits);
// The inverse, for stored chains: causal_chain_json(causal_chain_from_json(j, d), d) == j.
// Error(data_invalid, CHAIN_INVALID) naming the field that is missing or malformed.
CausalChain causal_chain_from_json(const std::string& json, int currency_digits);

// Pearson correlation of x[t − lag] with y[t] over the t where both exist
// (0 when either side is constant or fewer than min_overlap pairs).
double lagged_correlation(const std::vector<double>& x, const std::vector<double>& y, int lag, int min_overlap);

}  // namespace bre
