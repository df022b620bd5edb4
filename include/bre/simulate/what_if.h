// The what-if engine (design component K, WhatIfScenario): perturb one or
// more gold metrics over a window, push the change down the business metric
// DAG with lagged linear effects fitted on the workspace's own history, run
// the real detector on the result and report what would fire that does not
// fire today (and what would no longer fire). Pure: metrics and graphs in,
// values out. A stress test with linear estimates, not a prediction: the
// formulas and their caveats are in docs/simulate.md.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/core/dependency_graphs.h"
#include "bre/correlate/cascades.h"
#include "bre/detect/incidents.h"
#include "bre/state/daily_metrics.h"

namespace bre {

inline constexpr const char* kWhatIfVersion = "what_if_v2";

// "delivery_delay_rate=+30%": the metric's value × (1 + change_pct / 100)
// on every day of the window (relative). "delivery_delay_rate=+30pp", for a
// ratio metric only: the value + change_pct / 100 (percentage points, 4 % ->
// 34 %), kept within the metric's bounds.
struct Perturbation {
  std::string metric;
  double change_pct = 0;
  bool points = false;  // percentage points, not percent
};
// Usage error (BAD_PERTURBATION) for anything but METRIC=±N% with a known
// metric and a change above −100 %, or METRIC=±Npp on a ratio metric.
Perturbation parse_perturbation(std::string_view text);

struct WhatIfConfig {
  int window_days = 14;    // the default window: the last this many days of the gold metrics
  double min_r2 = 0.10;    // an edge whose best fit explains less than this propagates nothing
  int min_points = 20;     // ... as does one fitted on fewer day pairs
  // Edges are fitted on trailing means of this many days of both metrics:
  // daily counts (tickets, orders) are mostly Poisson noise at a small
  // business, and several parents are 7-day rolling ratios already.
  int smoothing_days = 7;
  DetectConfig detect;     // the detector run on both series (labelled windows included)
  CascadeConfig cascade;
  // The business time zone the metrics' days are local dates of (a
  // simulated incident's detected_at is the end of its day there); null: UTC.
  const BusinessTime* business_time = nullptr;
};

// Ordinary least squares of child[t] on parent[t − lag] (levels), over the
// days t ≥ first_day where both are known.
struct LaggedFit {
  int lag = 0;
  double slope = 0, intercept = 0;
  double r2 = 0;           // = correlation², the share of the child's variance the parent explains
  double correlation = 0;  // Pearson
  int points = 0;
  // slope / its OLS standard error = r·√(n−2)/√(1−r²), as if the points were
  // independent (they are not when both series are moving means).
  double t_stat = 0;
};
// The t statistic of a fit of `points` overlapping `smoothing`-day means,
// counted as points / smoothing independent ones: t·√((n/s − 2)/(n − 2)),
// 0 when n/s ≤ 2. A conservative reading of the evidence, reported only.
double effective_t(const LaggedFit& f, int smoothing);

// A ratio metric whose numerator and denominator are daily gold counts
// (delivery_delay_rate = late_delivery_count / delivery_count over 7 days).
struct CountBasis {
  std::string_view rate, numerator, denominator;
};
const CountBasis* count_basis(std::string_view rate_metric);
std::optional<LaggedFit> fit_lagged(const MetricValues& parent, const MetricValues& child, int lag,
                                    std::size_t first_day = 0);

// The trailing mean of `days` days ending on each day, when at least half
// of them are known (else null). Applying the same moving average to both
// sides of a linear relation leaves its slope unchanged and divides
// independent daily noise by about `days`, so the fit sees the relation.
MetricValues trailing_mean(const MetricValues& v, int days);

// One edge of the DAG as the simulation uses it: the best fit over lags
// 0..max_lag (highest R², then the shorter lag) of the trailing means of
// both metrics, and whether it is used.
struct EdgeEffect {
  std::string from, to;
  int max_lag_days = 0;
  std::optional<LaggedFit> fit;  // none: fewer than 3 day pairs at every lag
  int expected_sign = 0;         // +1 / -1: the sign the edge's mechanism implies (0: not known)
  // Fit with R² ≥ min_r2, ≥ min_points points and the slope's sign the
  // mechanism implies: a parent moving its bad way moves the child its bad
  // way (directions from the graph). A fit of the other sign is a spurious
  // correlation of two drifting series, not the edge's effect.
  bool propagated = false;
  std::string note;              // why not, for people
  // The parent series fitted: the edge's parent, or, for a rate parent with
  // a count basis and a count child, the rate's numerator count (late
  // deliveries -> tickets: each late order is a customer who may ask). Then
  // the slope is per unit of the numerator and a change of the rate enters
  // as Δnumerator(t) = Δrate(t) × denominator(t).
  std::string fitted_parent;
  std::string per;               // the denominator metric when fitted_parent is a numerator, else empty
  double effective_t = 0;        // effective_t(fit, smoothing_days), reported
};
EdgeEffect estimate_edge_effect(const DailyMetrics& m, const GraphEdge& edge, const WhatIfConfig& cfg,
                                int expected_sign = 0);

// The DAG's nodes with every parent before its children (Kahn; ties by name).
std::vector<std::string> topological_order(const Dag& dag);

// The perturbation and its propagation, as a change per metric and day:
// delta[perturbed](t) = value(t) × pct/100 on the window's days (a stock
// such as ar_aging_amount keeps its last day's change after the window), and down
// each propagated edge delta[child](t) += slope × delta[parent](t − lag).
// Effects past the last day are dropped. Only metrics that change are listed.
struct MetricDelta {
  std::string metric;
  std::vector<double> delta;  // one per day of the metrics
};
std::vector<MetricDelta> propagate(const DailyMetrics& m, const std::vector<Perturbation>& perturbations,
                                   DayNumber from, DayNumber to, const Dag& dag, const std::vector<EdgeEffect>& edges);

// The metrics with the deltas added, each value kept within what the metric
// can be (counts and amounts not below 0, rates not above 1, scores 0..5).
DailyMetrics apply_deltas(const DailyMetrics& m, const std::vector<MetricDelta>& deltas);

struct ChangedDay {
  DayNumber day = 0;
  double baseline = 0, simulated = 0;
};
struct ChangedMetric {
  std::string metric;
  std::string cause;  // "perturbed" or "propagated"
  std::vector<ChangedDay> days;
};

struct SimulatedIncident {
  DetectedIncident incident;
  int days_after_start = 0;               // window start − perturbation start (0 when before it)
  std::optional<std::string> baseline_severity;  // escalated: the severity it has without the perturbation
  std::optional<DayNumber> baseline_window_end;  // prolonged: where today's incident of the type ends
};

struct WhatIfRequest {
  std::vector<Perturbation> perturbations;
  DayNumber from = 0, to = 0;  // the perturbed days, inclusive, within the metrics' days
};

struct WhatIfScenario {
  std::string scenario_id;  // scn_ + 16 hex: perturbations, window and the latest metric day
  std::vector<Perturbation> perturbations;
  DayNumber window_from = 0, window_to = 0, latest_day = 0;
  std::string dependency_graph_version;
  std::vector<EdgeEffect> propagation;          // every edge leaving a changed metric, in DAG order
  std::vector<ChangedMetric> simulated_metrics; // only the metrics and days that changed
  std::vector<SimulatedIncident> triggered_incidents;  // fire on the simulated series, not on today's
  std::vector<SimulatedIncident> escalated_incidents;  // fire on both, with a higher severity simulated
  // Fire on both with the same severity, but the simulated one runs past
  // today's end into the window: the detector merges the simulated days into
  // an incident that today ended before the window (days_after_start: the
  // first day past today's end).
  std::vector<SimulatedIncident> prolonged_incidents;
  std::vector<SimulatedIncident> incidents_avoided;    // fire today, not on the simulated series
  std::vector<IncidentCascade> triggered_cascades;     // cascades with at least one triggered incident
  std::string narrative;
  std::string caveat;
  BusinessTime business_time;  // the config's: a detected_at is the end of a local day
};

// Usage error when the window is outside the metrics or a perturbed metric
// has no value in it.
WhatIfScenario simulate_what_if(const DailyMetrics& metrics, const DependencyGraphs& graphs, const WhatIfRequest& request,
                                const WhatIfConfig& config = {});

std::string scenario_id_of(const std::vector<Perturbation>& perturbations, DayNumber from, DayNumber to,
                           DayNumber latest_day);
// "Fulfillment SLA Degradation" for fulfillment_sla_degradation.
std::string incident_type_title(std::string_view type);
// The stored and printed WhatIfScenario (design field names plus propagation,
// escalated_incidents, incidents_avoided, caveat).
std::string what_if_json(const WhatIfScenario& s);

}  // namespace bre
