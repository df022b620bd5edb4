// Incident detection over the gold metrics: Layer 1 per trigger metric and
// day, windows of firing days, severity by the design's bands and upgrade
// rules, confidence by fusion with a change-point check (docs/detection.md).
#include "bre/detect/incidents.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <fmt/format.h>

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
  bool threshold = false;                // a trigger crossed its z threshold
  const SpendDrift* drift = nullptr;     // a vendor's spend drifted (CUSUM)
};

// The days a vendor's spend drifted, for margin_compression: the day fires
// when the expense ratio is above its baseline too (a vendor's rise that
// other costs or more revenue absorbed does not compress the margin). Its
// reading is the expense ratio's day score, so the incident speaks of the
// margin.
void add_drift_days(std::vector<FiringDay>& firing, const std::vector<SpendDrift>& drifts, const IncidentRule& rule,
                    const DailyMetrics& m, const DetectConfig& cfg) {
  const TriggerRule* ratio = nullptr;
  for (const TriggerRule& t : rule.triggers)
    if (t.metric == "expense_ratio") ratio = &t;
  const MetricValues* series = ratio ? m.find(ratio->metric) : nullptr;
  if (!series) return;
  for (const SpendDrift& d : drifts) {
    if (d.day < static_cast<std::size_t>(cfg.cold_start_days)) continue;
    // Not held to the practical effect: the drift's own size test (a share
    // of revenue) is the practical effect here.
    const auto s = score_day(ratio->metric, *series, d.day, m.first_day, cfg.baseline);
    if (!s || ratio->direction * s->z <= 0) continue;
    auto it = std::lower_bound(firing.begin(), firing.end(), d.day,
                               [](const FiringDay& f, std::size_t day) { return f.index < day; });
    if (it == firing.end() || it->index != d.day) it = firing.insert(it, FiringDay{d.day, {}});
    const bool has_ratio = std::any_of(it->fired.begin(), it->fired.end(),
                                       [&](const MetricReading& r) { return r.metric == ratio->metric; });
    if (!has_ratio) it->fired.push_back(reading(ratio->metric, *s));
    it->drift = &d;
  }
}

// The days left out of the vendors' spend baselines: those of the windows
// labelled expected or not_anomaly on margin_compression, whose incidents
// the drift rule opens (exclude_labelled_windows puts them on its trigger
// metrics).
std::vector<bool> drift_exclusions(const DailyMetrics& m, const DetectConfig& cfg) {
  std::vector<bool> out;
  const auto it = cfg.baseline.excluded_days.find("expense_ratio");
  if (it == cfg.baseline.excluded_days.end()) return out;
  out.assign(m.days, false);
  for (const DayRange& r : it->second)
    for (DayNumber d = std::max(r.from, m.first_day); d <= r.to && d < m.first_day + static_cast<DayNumber>(m.days); ++d)
      out[static_cast<std::size_t>(d - m.first_day)] = true;
  return out;
}

// "drift (CUSUM) in spend with vendor X: ..." for the window's drift day
// with the largest statistic of each vendor.
void explain_drifts(DetectedIncident& inc, const std::vector<FiringDay>& firing, std::size_t a, std::size_t b,
                    const DailyMetrics& m, const DetectConfig& cfg) {
  std::map<std::string, const SpendDrift*> peak;
  for (std::size_t k = a; k <= b; ++k)
    if (const SpendDrift* d = firing[k].drift) {
      const SpendDrift*& p = peak[d->party->id];
      if (!p || d->cusum.statistic > p->cusum.statistic) p = d;
    }
  const CusumRules& r = cfg.spend_drift.cusum;
  for (const auto& [id, d] : peak) {
    const CusumDay& c = d->cusum;
    inc.notes.push_back(fmt::format(
        "drift (CUSUM) in spend with vendor {}{}: S = {:.1f} >= h = {:g} (k = {:g} baseline sigmas a day) since {}; "
        "{:.2f} spent above its baseline of {:.2f} a day (sigma {:.2f}) by {}, {:.1f}% of the revenue of those days",
        d->party->name, d->party->name == id ? "" : " (" + id + ")", c.statistic, r.threshold_h, r.reference_k,
        format_day(m.day(c.run_start)), c.excess, c.baseline_mean, c.baseline_sigma, format_day(m.day(d->day)),
        100 * d->revenue_share()));
  }
}

}  // namespace

std::vector<DetectedIncident> detect_incidents(const DailyMetrics& m, const DetectConfig& cfg,
                                               ForestVerdicts* forest_verdicts,
                                               const std::vector<PartySpend>* vendor_spend) {
  std::vector<DetectedIncident> out;
  if (m.days == 0) return out;
  const std::size_t last = m.days - 1;
  DomainForest forest(m, cfg, forest_verdicts);
  ChangepointRuns changepoints(cfg.baseline.memo);
  std::vector<SpendDrift> drifts;
  if (vendor_spend && cfg.spend_drift.enabled)
    if (const MetricValues* revenue = m.find("daily_revenue"))
      drifts = spend_drifts(*vendor_spend, *revenue, cfg.spend_drift, drift_exclusions(m, cfg));
  for (const IncidentRule& rule : incident_rules()) {
    std::vector<FiringDay> firing;
    for (std::size_t i = static_cast<std::size_t>(cfg.cold_start_days); i < m.days; ++i) {
      FiringDay day{i, {}};
      for (const TriggerRule& t : rule.triggers)
        if (const MetricValues* series = m.find(t.metric))
          if (auto s = strongest_reading(t, *series, i, m.first_day, cfg); s && layer1_fires(t, *s, cfg))
            day.fired.push_back(reading(t.metric, *s));
      day.threshold = !day.fired.empty();
      if (day.threshold) firing.push_back(std::move(day));
    }
    if (rule.type == "margin_compression") add_drift_days(firing, drifts, rule, m, cfg);
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
      // A drift day has lasted by construction: the CUSUM only reaches h
      // after many days off the baseline.
      bool drifted = false, by_threshold = false;
      for (std::size_t k = a; k <= b; ++k) drifted |= firing[k].drift != nullptr, by_threshold |= firing[k].threshold;
      if (!drifted && std::abs(inc.primary.z) < cfg.strong_z && static_cast<int>(b - a + 1) < cfg.min_days_weak)
        continue;
      // detected_at (cli.md §4a): the first day a detector seeing data only
      // up to then fires — the first reading at strong_z, the first drift
      // day, or the min_days_weak-th firing day, whichever comes first.
      double peak_so_far = 0;
      for (std::size_t k = a; k <= b; ++k) {
        for (const MetricReading& r : firing[k].fired) peak_so_far = std::max(peak_so_far, std::abs(r.z));
        if (peak_so_far >= cfg.strong_z || firing[k].drift || static_cast<int>(k - a + 1) >= cfg.min_days_weak) {
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

      // Both rules are layer 1 (cli.md §4a fusion counts layers, not rules).
      if (by_threshold) inc.detection_methods.push_back("mad_zscore");
      if (drifted) {
        inc.detection_methods.push_back("cusum_drift");
        explain_drifts(inc, firing, a, b, m, cfg);
      }
      const std::size_t layer1_methods = inc.detection_methods.size();
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
      const std::size_t layers = inc.detection_methods.size() - layer1_methods + 1;
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
