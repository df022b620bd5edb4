// The lagged linear effect of one metric on another, fitted on the
// workspace's own history, and the order the DAG is walked in.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "bre/detect/baseline_score.h"
#include "bre/simulate/what_if.h"

namespace bre {

Perturbation parse_perturbation(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    throw Error(ErrorKind::usage, "BAD_PERTURBATION",
                fmt::format("--perturb takes METRIC=+N% or METRIC=-N% (relative), or METRIC=+Npp for a ratio metric "
                            "(percentage points) ({}): '{}'",
                            why, text));
  };
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) bad("no METRIC=");
  Perturbation p{std::string(text.substr(0, eq)), 0, false};
  const MetricInfo* info = find_metric(p.metric);
  if (!info) bad("unknown metric " + p.metric);
  std::string change(text.substr(eq + 1));
  if (change.size() >= 4 && change.compare(change.size() - 2, 2, "pp") == 0) {
    p.points = true;
    change.resize(change.size() - 2);
    if (info->unit != "ratio") bad("percentage points are for ratio metrics; " + p.metric + " is not one");
  } else if (change.size() >= 3 && change.back() == '%') {
    change.pop_back();
  } else {
    bad("the change is a signed percentage or signed percentage points");
  }
  if (change[0] != '+' && change[0] != '-') bad("the change is signed");
  char* end = nullptr;
  p.change_pct = std::strtod(change.c_str(), &end);
  if (end == change.c_str() || *end != '\0' || !std::isfinite(p.change_pct)) bad("not a number");
  if (!p.points && p.change_pct <= -100) bad("a metric cannot fall by 100% or more");
  if (p.points && std::abs(p.change_pct) > 100) bad("a share cannot move by more than 100 points");
  if (p.change_pct == 0) bad("a change of 0 changes nothing");
  return p;
}

const CountBasis* count_basis(std::string_view rate_metric) {
  // Rates whose numerator and denominator are themselves daily gold counts.
  static const CountBasis table[] = {{"delivery_delay_rate", "late_delivery_count", "delivery_count"}};
  for (const CountBasis& b : table)
    if (b.rate == rate_metric) return &b;
  return nullptr;
}

double effective_t(const LaggedFit& f, int smoothing) {
  const double n = f.points, k = std::max(smoothing, 1);
  if (n <= 2 || n / k <= 2) return 0;
  return f.t_stat * std::sqrt((n / k - 2) / (n - 2));
}

std::optional<LaggedFit> fit_lagged(const MetricValues& parent, const MetricValues& child, int lag,
                                    std::size_t first_day) {
  const auto l = static_cast<std::size_t>(lag);
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  int n = 0;
  for (std::size_t t = std::max(first_day, l); t < child.size() && t - l < parent.size(); ++t) {
    if (!child[t] || !parent[t - l]) continue;
    const double x = *parent[t - l], y = *child[t];
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    ++n;
  }
  if (n < 3) return std::nullopt;
  const double cnt = n;
  const double vx = sxx - sx * sx / cnt, vy = syy - sy * sy / cnt, cxy = sxy - sx * sy / cnt;
  LaggedFit f;
  f.lag = lag;
  f.points = n;
  // A constant parent explains nothing; a constant child has nothing to explain.
  if (vx <= 1e-12 * std::max(1.0, sxx) || vy <= 1e-12 * std::max(1.0, syy)) {
    f.intercept = sy / cnt;
    return f;
  }
  f.slope = cxy / vx;
  f.intercept = (sy - f.slope * sx) / cnt;
  f.correlation = cxy / std::sqrt(vx * vy);
  f.r2 = f.correlation * f.correlation;
  f.t_stat = f.r2 >= 1 ? (f.slope > 0 ? HUGE_VAL : -HUGE_VAL)
                       : f.correlation * std::sqrt((cnt - 2) / (1 - f.r2));
  return f;
}

MetricValues trailing_mean(const MetricValues& v, int days) {
  if (days <= 1) return v;
  const auto span = static_cast<std::size_t>(days);
  MetricValues out(v.size());
  for (std::size_t t = 0; t < v.size(); ++t) {
    double sum = 0;
    std::size_t known = 0;
    for (std::size_t j = t + 1 >= span ? t + 1 - span : 0; j <= t; ++j)
      if (v[j]) sum += *v[j], ++known;
    if (2 * known >= span) out[t] = sum / static_cast<double>(known);
  }
  return out;
}

EdgeEffect estimate_edge_effect(const DailyMetrics& m, const GraphEdge& edge, const WhatIfConfig& cfg,
                                int expected_sign) {
  EdgeEffect e;
  e.from = edge.from, e.to = edge.to, e.max_lag_days = edge.max_lag_days, e.expected_sign = expected_sign;
  e.fitted_parent = edge.from;
  // A rate parent of a count child is fitted in count space when the rate's
  // numerator is a gold count: late deliveries -> tickets, not the 7-day
  // share -> tickets (a share mixes in the delivery volume, and a count
  // child responds to how many customers had a late order).
  const MetricInfo* child_info = find_metric(edge.to);
  if (const CountBasis* b = count_basis(edge.from);
      b && child_info && child_info->unit == "count" && m.find(b->numerator) && m.find(b->denominator)) {
    e.fitted_parent = std::string(b->numerator);
    e.per = std::string(b->denominator);
  }
  const MetricValues* parent = m.find(e.fitted_parent);
  const MetricValues* child = m.find(edge.to);
  if (!parent || !child) {
    e.note = "not in the gold metrics: not propagated";
    return e;
  }
  // Days while a metric still fills its own window (a 30-day sum in its
  // first month, a stock before invoices fall due) are a ramp, not
  // behaviour, and would correlate with any other ramp.
  // The smoothing's own first days are a partial mean: left out too.
  const int smooth = std::max(cfg.smoothing_days - 1, 0);
  const int warmup_child = metric_warmup_days(edge.to, cfg.detect.baseline) + smooth;
  const int warmup_parent =
      std::max(metric_warmup_days(edge.from, cfg.detect.baseline), metric_warmup_days(e.fitted_parent, cfg.detect.baseline)) +
      smooth;
  const MetricValues x = trailing_mean(*parent, cfg.smoothing_days), y = trailing_mean(*child, cfg.smoothing_days);
  for (int lag = 0; lag <= edge.max_lag_days; ++lag) {
    const auto first = static_cast<std::size_t>(std::max(warmup_child, warmup_parent + lag));
    const auto f = fit_lagged(x, y, lag, first);
    if (f && (!e.fit || f->r2 > e.fit->r2)) e.fit = f;
  }
  if (e.fit) e.effective_t = effective_t(*e.fit, cfg.smoothing_days);
  if (!e.fit) {
    e.note = "too few days with both metrics: not propagated";
  } else if (e.fit->points < cfg.min_points) {
    e.note = fmt::format("weak fit: only {} day pairs (needs {}): not propagated", e.fit->points, cfg.min_points);
  } else if (e.fit->r2 < cfg.min_r2) {
    e.note = fmt::format("weak fit{}: R² {:.2f} below {:.2f}: not propagated",
                         e.per.empty() ? "" : " (count space, on " + e.fitted_parent + ")", e.fit->r2, cfg.min_r2);
  } else if (expected_sign * e.fit->slope < 0) {
    e.note = fmt::format("fit contradicts the edge: slope {:.4g} where the mechanism implies {}: not propagated",
                         e.fit->slope, expected_sign > 0 ? "a positive one" : "a negative one");
  } else {
    e.propagated = true;
    e.note = e.per.empty()
                 ? fmt::format("each unit of {} moves {} by {:.4g}, {} day{} later (R² {:.2f}, {} days, t {:.1f}, "
                               "effective t {:.1f})",
                               edge.from, edge.to, e.fit->slope, e.fit->lag, e.fit->lag == 1 ? "" : "s", e.fit->r2,
                               e.fit->points, e.fit->t_stat, e.effective_t)
                 : fmt::format("each extra {} moves {} by {:.4g}, {} day{} later (fitted in count space; R² {:.2f}, {} "
                               "days, t {:.1f}, effective t {:.1f}); a change of {} enters as its change × {}",
                               e.fitted_parent, edge.to, e.fit->slope, e.fit->lag, e.fit->lag == 1 ? "" : "s",
                               e.fit->r2, e.fit->points, e.fit->t_stat, e.effective_t, edge.from, e.per);
  }
  return e;
}

std::vector<std::string> topological_order(const Dag& dag) {
  std::map<std::string, int> indegree;
  for (const auto& n : dag.nodes()) indegree[n] = 0;
  for (const auto& e : dag.edges()) ++indegree[e.to];
  std::vector<std::string> ready, out;
  for (const auto& [n, d] : indegree)
    if (d == 0) ready.push_back(n);
  while (!ready.empty()) {
    std::sort(ready.begin(), ready.end(), std::greater<>());  // the smallest name last, taken first
    std::string n = ready.back();
    ready.pop_back();
    for (const auto& e : dag.edges())
      if (e.from == n && --indegree[e.to] == 0) ready.push_back(e.to);
    out.push_back(std::move(n));
  }
  return out;  // the Dag is validated acyclic, so every node is here
}

}  // namespace bre
