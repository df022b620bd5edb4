// The what-if run: perturb, propagate, detect on both series, compare.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/core/json_text.h"
#include "bre/core/severity.h"
#include "bre/core/time.h"
#include "bre/detect/baseline_score.h"
#include "bre/simulate/what_if.h"

namespace bre {

namespace {

std::size_t index_of(const DailyMetrics& m, DayNumber day) { return static_cast<std::size_t>(day - m.first_day); }

// What a metric can be: amounts and counts are not negative, shares not above
// 1, review scores within the 1..5 scale. Cash, margin and the review trend
// may be negative.
double within_bounds(std::string_view metric, double v) {
  if (metric == "net_cash_proxy" || metric == "margin_proxy" || metric == "review_score_trend") return v;
  v = std::max(v, 0.0);
  if (metric == "review_score_avg") return std::clamp(v, 1.0, 5.0);
  if (metric == "delivery_delay_rate" || metric == "supplier_delay_rate" || metric == "churn_proxy" ||
      metric == "customer_concentration")
    return std::min(v, 1.0);
  return v;
}

bool overlaps(const DetectedIncident& a, const DetectedIncident& b) {
  return a.incident_type == b.incident_type && a.window_start <= b.window_end && b.window_start <= a.window_end;
}

std::string percent_text(const Perturbation& p) {
  return fmt::format("{:g}{} {}", std::abs(p.change_pct), p.points ? " percentage point" : "%",
                     p.change_pct > 0 ? "increase" : "decrease");
}

std::string incident_list(const std::vector<SimulatedIncident>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out += i == 0 ? "" : i + 1 == list.size() ? " and " : ", ";
    std::string severity = list[i].incident.severity;
    std::transform(severity.begin(), severity.end(), severity.begin(), [](unsigned char c) { return std::toupper(c); });
    out += fmt::format("{} ({})", incident_type_title(list[i].incident.incident_type), severity);
  }
  return out;
}

std::string timing_text(const std::vector<SimulatedIncident>& list) {
  int lo = list.front().days_after_start, hi = lo;
  for (const auto& s : list) lo = std::min(lo, s.days_after_start), hi = std::max(hi, s.days_after_start);
  if (hi == 0) return "from the first day";
  return lo == hi ? fmt::format("within an estimated {} day{}", hi, hi == 1 ? "" : "s")
                  : fmt::format("within an estimated {}-{} days", lo, hi);
}

std::string narrative_of(const WhatIfScenario& s) {
  std::string what;
  for (std::size_t i = 0; i < s.perturbations.size(); ++i) {
    const Perturbation& p = s.perturbations[i];
    what += (i == 0 ? "" : i + 1 == s.perturbations.size() ? " and " : ", ") +
            fmt::format("{} {} {}", i == 0 ? "A" : "a", percent_text(p), "in " + p.metric);
  }
  what += fmt::format(" from {}", format_date(s.window_from * kMsPerDay));
  std::string out = what;
  if (!s.triggered_incidents.empty())
    out += fmt::format(" would trigger {} {}", incident_list(s.triggered_incidents), timing_text(s.triggered_incidents));
  if (!s.escalated_incidents.empty())
    out += fmt::format("{} would make {} more severe", s.triggered_incidents.empty() ? "" : ",",
                       incident_list(s.escalated_incidents));
  if (!s.prolonged_incidents.empty())
    out += fmt::format("{} would prolong {}{}", s.triggered_incidents.empty() && s.escalated_incidents.empty() ? "" : ",",
                       incident_list(s.prolonged_incidents),
                       s.prolonged_incidents.size() == 1 && s.prolonged_incidents.front().baseline_window_end
                           ? " past " + format_date(*s.prolonged_incidents.front().baseline_window_end * kMsPerDay)
                           : std::string(" past today's end"));
  if (!s.incidents_avoided.empty())
    out += fmt::format("{} would avoid {}",
                       s.triggered_incidents.empty() && s.escalated_incidents.empty() && s.prolonged_incidents.empty()
                           ? ""
                           : ", and",
                       incident_list(s.incidents_avoided));
  if (s.triggered_incidents.empty() && s.escalated_incidents.empty() && s.prolonged_incidents.empty() &&
      s.incidents_avoided.empty())
    out += " would change no incident: the detector finds the same incidents as on today's data";
  out += ".";
  if (!s.triggered_cascades.empty()) {
    std::string path;
    for (const auto& t : s.triggered_cascades.front().cascade_path)
      path += (path.empty() ? "" : " -> ") + incident_type_title(t);
    out += fmt::format(" They would form a cascade: {}.", path);
  }
  return out;
}

}  // namespace

std::vector<MetricDelta> propagate(const DailyMetrics& m, const std::vector<Perturbation>& perturbations,
                                   DayNumber from, DayNumber to, const Dag& dag, const std::vector<EdgeEffect>& edges) {
  std::map<std::string, std::vector<double>> delta;
  for (const Perturbation& p : perturbations) {
    const MetricValues* v = m.find(p.metric);
    if (!v) continue;
    auto& d = delta.try_emplace(p.metric, m.days, 0.0).first->second;
    for (DayNumber day = from; day <= to; ++day)
      if (const auto& x = (*v)[index_of(m, day)])
        d[index_of(m, day)] += p.points ? p.change_pct / 100.0 : *x * p.change_pct / 100.0;
    // A stock keeps its change: invoices collected in the window stay
    // collected, so the amount taken off on its last day stays off after it
    // (else the stock would jump back up and that jump would be an incident).
    if (metric_traits(p.metric).trending_stock)
      for (std::size_t t = index_of(m, to) + 1; t < m.days; ++t) d[t] += d[index_of(m, to)];
  }
  // Parents before children, so a child sums its parents' final changes.
  for (const std::string& node : topological_order(dag)) {
    for (const EdgeEffect& e : edges) {
      if (e.to != node || !e.propagated) continue;
      const auto parent = delta.find(e.from);
      if (parent == delta.end()) continue;
      std::vector<double> cause = parent->second;  // a copy: the child's entry may be inserted below
      // Fitted in count space: the rate's change is a change of its
      // numerator count, Δrate(t) × denominator(t) (late deliveries).
      if (!e.per.empty()) {
        const MetricValues* per = m.find(e.per);
        for (std::size_t t = 0; t < m.days; ++t) cause[t] *= per && (*per)[t] ? *(*per)[t] : 0.0;
      }
      auto& d = delta.try_emplace(node, m.days, 0.0).first->second;
      const auto lag = static_cast<std::size_t>(e.fit->lag);
      for (std::size_t t = lag; t < m.days; ++t) d[t] += e.fit->slope * cause[t - lag];
    }
  }
  std::vector<MetricDelta> out;
  for (auto& [metric, d] : delta)
    if (std::any_of(d.begin(), d.end(), [](double x) { return x != 0; })) out.push_back({metric, std::move(d)});
  return out;
}

DailyMetrics apply_deltas(const DailyMetrics& m, const std::vector<MetricDelta>& deltas) {
  DailyMetrics out = m;
  for (const MetricDelta& d : deltas)
    for (std::size_t k = 0; k < out.names.size(); ++k) {
      if (out.names[k] != d.metric) continue;
      for (std::size_t t = 0; t < out.days; ++t)
        if (auto& x = out.values[k][t]; x && d.delta[t] != 0) x = within_bounds(d.metric, *x + d.delta[t]);
    }
  return out;
}

WhatIfScenario simulate_what_if(const DailyMetrics& m, const DependencyGraphs& graphs, const WhatIfRequest& req,
                                const WhatIfConfig& cfg) {
  if (m.days == 0) throw Error(ErrorKind::usage, "NO_METRICS", "the workspace has no gold metrics: run bre build-state");
  const DayNumber last = m.day(m.days - 1);
  if (req.from < m.first_day || req.to > last || req.from > req.to)
    throw Error(ErrorKind::usage, "BAD_WINDOW",
                fmt::format("the window must lie within the gold metrics' days, {} .. {}",
                            format_date(m.first_day * kMsPerDay), format_date(last * kMsPerDay)));
  if (req.perturbations.empty()) throw_usage("give at least one --perturb METRIC=+N%");
  std::set<std::string> seen;
  for (const Perturbation& p : req.perturbations) {
    if (!seen.insert(p.metric).second) throw_usage("perturb " + p.metric + " once");
    const MetricValues* v = m.find(p.metric);
    bool any = false;
    for (DayNumber d = req.from; v && d <= req.to && !any; ++d) any = (*v)[index_of(m, d)].has_value();
    if (!any) throw Error(ErrorKind::usage, "NO_VALUES", p.metric + " has no value in the window to perturb");
  }

  WhatIfScenario s;
  s.perturbations = req.perturbations;
  std::sort(s.perturbations.begin(), s.perturbations.end(),
            [](const Perturbation& a, const Perturbation& b) { return a.metric < b.metric; });
  s.window_from = req.from;
  s.window_to = req.to;
  if (cfg.business_time) s.business_time = *cfg.business_time;
  const BusinessTime& clock = s.business_time;
  s.latest_day = last;
  s.scenario_id = scenario_id_of(s.perturbations, req.from, req.to, last);
  s.dependency_graph_version = graphs.metrics.version();

  // Fit every edge downstream of a perturbed metric, walking the DAG in order.
  std::set<std::string> reached;
  for (const Perturbation& p : s.perturbations) reached.insert(p.metric);
  for (const std::string& node : topological_order(graphs.metrics)) {
    if (!reached.count(node)) continue;
    for (const GraphEdge& edge : graphs.metrics.edges()) {
      if (edge.from != node) continue;
      const int sign = graphs.direction_of(edge.from) * graphs.direction_of(edge.to);
      s.propagation.push_back(estimate_edge_effect(m, edge, cfg, sign));
      if (s.propagation.back().propagated) reached.insert(edge.to);
    }
  }
  const std::vector<MetricDelta> deltas = propagate(m, s.perturbations, req.from, req.to, graphs.metrics, s.propagation);
  const DailyMetrics simulated = apply_deltas(m, deltas);
  for (const MetricDelta& d : deltas) {
    ChangedMetric c{d.metric, seen.count(d.metric) ? "perturbed" : "propagated", {}};
    const MetricValues& before = *m.find(d.metric);
    const MetricValues& after = *simulated.find(d.metric);
    for (std::size_t t = 0; t < m.days; ++t)
      if (before[t] && *after[t] != *before[t]) c.days.push_back({m.day(t), *before[t], *after[t]});
    if (!c.days.empty()) s.simulated_metrics.push_back(std::move(c));
  }

  // The same detector on both series; only what the perturbation changes is reported.
  const std::vector<DetectedIncident> today = detect_incidents(m, cfg.detect);
  const std::vector<DetectedIncident> then = detect_incidents(simulated, cfg.detect);
  const auto timing = [&](const DetectedIncident& inc) {
    return static_cast<int>(std::max<DayNumber>(0, inc.window_start - req.from));
  };
  for (const DetectedIncident& inc : then) {
    if (inc.window_end < req.from) continue;  // before the perturbation: the same on both
    const auto match = std::find_if(today.begin(), today.end(), [&](const auto& t) { return overlaps(t, inc); });
    if (match == today.end()) s.triggered_incidents.push_back({inc, timing(inc), std::nullopt, std::nullopt});
    else if (severity_rank(inc.severity) > severity_rank(match->severity))
      s.escalated_incidents.push_back({inc, timing(inc), match->severity, std::nullopt});
    else if (inc.window_end > match->window_end && match->window_end < req.to)
      s.prolonged_incidents.push_back(
          {inc, static_cast<int>(std::max<DayNumber>(0, match->window_end + 1 - req.from)), std::nullopt,
           match->window_end});
  }
  for (const DetectedIncident& inc : today) {
    if (inc.window_end < req.from) continue;
    if (std::none_of(then.begin(), then.end(), [&](const auto& t) { return overlaps(t, inc); }))
      s.incidents_avoided.push_back({inc, timing(inc), std::nullopt, std::nullopt});
  }

  // Cascades among the simulated incidents from the window on. There are no
  // events behind a simulated incident, so no shared parties: every link
  // scores with the overlap floor (docs/simulate.md).
  std::vector<CascadeIncident> members;
  for (const DetectedIncident& inc : then)
    if (inc.window_end >= req.from)
      members.push_back({inc.incident_id, inc.incident_type, inc.severity, inc.window_start, inc.window_end,
                         clock.day_end(inc.detected_day), {}, inc.primary.metric});
  std::set<std::string> triggered;
  for (const auto& t : s.triggered_incidents) triggered.insert(t.incident.incident_id);
  for (IncidentCascade& c : correlate_incidents(members, graphs, cfg.cascade).cascades)
    if (std::any_of(c.incident_ids.begin(), c.incident_ids.end(), [&](const auto& id) { return triggered.count(id); }))
      s.triggered_cascades.push_back(std::move(c));

  s.narrative = narrative_of(s);
  s.caveat =
      "A stress test, not a prediction: the perturbation is pushed down the business metric graph with linear "
      "effects fitted on this workspace's history (each edge's coefficient, lag and R² are listed), then the "
      "detector is run on the result. Real businesses are not linear, effects through several parents are added as "
      "if independent, and weak fits propagate nothing.";
  return s;
}

std::string scenario_id_of(const std::vector<Perturbation>& perturbations, DayNumber from, DayNumber to,
                           DayNumber latest_day) {
  std::vector<Perturbation> sorted = perturbations;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.metric < b.metric; });
  std::string key = std::string(kWhatIfVersion) + "|" + format_date(from * kMsPerDay) + "|" +
                    format_date(to * kMsPerDay) + "|" + format_date(latest_day * kMsPerDay);
  for (const Perturbation& p : sorted) key += "|" + p.metric + "=" + json_number(p.change_pct) + (p.points ? "pp" : "");
  return "scn_" + sha256_hex(key).substr(0, 16);
}

std::string incident_type_title(std::string_view type) {
  std::string out;
  bool start = true;
  for (char c : type) {
    if (c == '_') {
      out += ' ';
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  // Acronyms the design writes in capitals.
  if (const auto at = out.find("Sla "); at != std::string::npos) out.replace(at, 3, "SLA");
  return out;
}

}  // namespace bre
