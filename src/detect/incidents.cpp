// Incident detection over the gold metrics: Layer 1 per trigger metric and
// day, windows of firing days, severity by the design's bands and upgrade
// rules, confidence by fusion with a change-point check (docs/detection.md).
#include "bre/detect/incidents.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "detection_layers.h"

namespace bre {

const std::vector<IncidentRule>& incident_rules() {
  static const std::vector<IncidentRule> rules = {
      {"refund_spike", {{"refund_rate", +1, 3.0}}},
      {"fulfillment_sla_degradation", {{"delivery_delay_rate", +1, 3.0}, {"fulfillment_backlog", +1, 3.0}}},
      {"support_load_surge", {{"ticket_volume", +1, 3.0}, {"ticket_backlog", +1, 3.0}}},
      {"churn_acceleration", {{"churn_proxy", +1, 2.5}}},
      {"margin_compression", {{"margin_proxy", -1, 3.0}, {"expense_ratio", +1, 3.0}}},
      {"liquidity_crunch_risk", {{"net_cash_proxy", -1, 3.0}, {"ar_aging_amount", +1, 3.0}}},
      {"supplier_dependency_failure", {{"supplier_delay_rate", +1, 3.0}, {"supplier_delay_severity", +1, 3.0}}},
      {"customer_satisfaction_regression", {{"review_score_avg", -1, 2.5}, {"review_score_trend", -1, 2.5}}},
  };
  return rules;
}

std::optional<BaselineScore> strongest_reading(const TriggerRule& t, const MetricValues& series, std::size_t i,
                                               DayNumber first_day, const DetectConfig& cfg) {
  const auto day = score_day(t.metric, series, i, first_day, cfg.baseline);
  std::optional<BaselineScore> best;
  if (day && day->practical) best = day;
  // A sustained shift counts on days that are themselves off the bad way,
  // so a short spike does not drag the window on while it leaves the mean.
  if (day && t.direction * day->z >= cfg.sustained_day_z)
    if (auto span = score_sustained(t.metric, series, i, first_day, cfg.baseline);
        span && span->practical && (!best || t.direction * span->z > t.direction * best->z))
      best = span;
  return best;
}

namespace {

using namespace detail;

struct FiringDay {
  std::size_t index;
  std::vector<MetricReading> fired;
};

}  // namespace

std::vector<DetectedIncident> detect_incidents(const DailyMetrics& m, const DetectConfig& cfg,
                                               ForestVerdicts* forest_verdicts) {
  std::vector<DetectedIncident> out;
  if (m.days == 0) return out;
  const std::size_t last = m.days - 1;
  DomainForest forest(m, cfg, forest_verdicts);
  ChangepointRuns changepoints;
  for (const IncidentRule& rule : incident_rules()) {
    std::vector<FiringDay> firing;
    for (std::size_t i = static_cast<std::size_t>(cfg.cold_start_days); i < m.days; ++i) {
      FiringDay day{i, {}};
      for (const TriggerRule& t : rule.triggers)
        if (const MetricValues* series = m.find(t.metric))
          if (auto s = strongest_reading(t, *series, i, m.first_day, cfg); s && layer1_fires(t, *s, cfg))
            day.fired.push_back(reading(t.metric, *s));
      if (!day.fired.empty()) firing.push_back(std::move(day));
    }
    std::vector<std::size_t> days;
    for (const FiringDay& d : firing) days.push_back(d.index);
    for (const auto& [a, b] : group_windows(days, cfg)) {
      DetectedIncident inc;
      inc.incident_type = rule.type;
      inc.window_start = m.day(firing[a].index);
      inc.window_end = m.day(firing[b].index);
      inc.detected_day = inc.window_start;
      inc.incident_id = incident_id(rule.type, inc.window_start);
      inc.state = last - firing[b].index < static_cast<std::size_t>(cfg.quiet_days_to_end) ? "active" : "ended";
      std::size_t peak_day = firing[a].index;
      bool both_liquidity = false, resolution_slow = false;
      for (std::size_t k = a; k <= b; ++k) {
        for (const MetricReading& r : firing[k].fired)
          if (inc.primary.metric.empty() || std::abs(r.z) > std::abs(inc.primary.z)) {
            inc.primary = r;
            peak_day = firing[k].index;
          }
        if (rule.type == "liquidity_crunch_risk" && firing[k].fired.size() == 2) both_liquidity = true;
        if (rule.type == "support_load_surge")
          if (const MetricValues* rt = m.find("avg_resolution_time"))
            if (auto s = score_day("avg_resolution_time", *rt, firing[k].index, m.first_day, cfg.baseline);
                s && s->practical && s->z >= cfg.resolution_upgrade_z)
              resolution_slow = true;
      }
      // A weak signal that does not last is the commonest false alarm on
      // small businesses' data: below strong_z an incident must fire on
      // min_days_weak days.
      if (std::abs(inc.primary.z) < cfg.strong_z && static_cast<int>(b - a + 1) < cfg.min_days_weak) continue;
      // detected_at (cli.md §4a): the first day a detector seeing data only
      // up to then fires — the first reading at strong_z, or the
      // min_days_weak-th firing day, whichever comes first.
      double peak_so_far = 0;
      for (std::size_t k = a; k <= b; ++k) {
        for (const MetricReading& r : firing[k].fired) peak_so_far = std::max(peak_so_far, std::abs(r.z));
        if (peak_so_far >= cfg.strong_z || static_cast<int>(k - a + 1) >= cfg.min_days_weak) {
          inc.detected_day = m.day(firing[k].index);
          break;
        }
      }
      add_supporting(inc, rule, m, peak_day, cfg);

      int level = severity_level(inc.primary.z, cfg.severity_bands);
      if (rule.type == "refund_spike" && level == 3 && inc.primary.value <= cfg.refund_critical_share) {
        level = 2;
        inc.notes.push_back("critical needs refunds above 10% of revenue; capped at high");
      }
      if (both_liquidity) {
        level = 3;
        inc.notes.push_back("net cash fell and overdue receivables rose on the same day: critical");
      }
      if (resolution_slow && level < 3) {
        ++level;
        inc.notes.push_back("resolution time was anomalous too: severity raised one level");
      }
      inc.severity = severity_name(level);

      inc.detection_methods = {"mad_zscore"};
      if (cfg.isolation_forest) {
        const Domain domain = find_metric(inc.primary.metric)->domain;
        for (std::size_t k = a; k <= b; ++k)
          if (forest.flags(domain, firing[k].index)) {
            inc.detection_methods.push_back("isolation_forest");
            break;
          }
      }
      if (cfg.changepoints)
        if (auto shift = changepoint_near(changepoints, *m.find(inc.primary.metric), firing[a].index, firing[b].index)) {
          inc.detection_methods.push_back("changepoint");
          inc.notes.push_back(describe_shift(inc.primary.metric, *shift, m));
        }
      // Fusion (cli.md §4a): layer 1 alone medium, with layer 2 or 3 high, all three very high.
      const std::size_t layers = inc.detection_methods.size();
      inc.confidence = layers == 3 ? "very_high" : layers == 2 ? "high" : "medium";
      if (firing[a].index < static_cast<std::size_t>(cfg.full_confidence_days)) {
        inc.confidence = "low";
        inc.notes.push_back("fewer than 30 days of history before it: confidence capped at low");
      }
      explain_reading(inc);
      out.push_back(std::move(inc));
    }
  }
  for (DetectedIncident& w : weak_incidents(m, cfg, forest, changepoints, out)) out.push_back(std::move(w));
  std::sort(out.begin(), out.end(), [](const DetectedIncident& x, const DetectedIncident& y) {
    return std::tie(x.window_start, x.incident_type) < std::tie(y.window_start, y.incident_type);
  });
  return out;
}

}  // namespace bre
