// Incident detection over the gold metrics: Layer 1 per trigger metric and
// day, windows of firing days, severity by the design's bands and upgrade
// rules, confidence by fusion with a change-point check (docs/detection.md).
#include "bre/detect/incidents.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "bre/core/hash.h"
#include "bre/core/metric_catalog.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/isolation_forest.h"

namespace bre {

const std::vector<IncidentRule>& incident_rules() {
  static const std::vector<IncidentRule> rules = {
      {"refund_spike", {{"refund_rate", +1, 3.0}}},
      {"fulfillment_sla", {{"delivery_delay_rate", +1, 3.0}, {"fulfillment_backlog", +1, 3.0}}},
      {"support_surge", {{"ticket_volume", +1, 3.0}, {"ticket_backlog", +1, 3.0}}},
      {"churn_acceleration", {{"churn_proxy", +1, 2.5}}},
      {"margin_compression", {{"margin_proxy", -1, 3.0}, {"expense_ratio", +1, 3.0}}},
      {"liquidity_crunch", {{"net_cash_proxy", -1, 3.0}, {"ar_aging_amount", +1, 3.0}}},
      {"supplier_failure", {{"supplier_delay_rate", +1, 3.0}, {"supplier_delay_severity", +1, 3.0}}},
      {"satisfaction_drop", {{"review_score_avg", -1, 2.5}, {"review_score_trend", -1, 2.5}}},
  };
  return rules;
}

namespace {

const char* const kSeverities[] = {"low", "medium", "high", "critical"};

// Every incident fired at its threshold, so the bands start at low.
int severity_level(double z, const std::array<double, 3>& bands) {
  z = std::abs(z);
  if (z >= bands[2]) return 3;
  if (z >= bands[1]) return 2;
  if (z >= bands[0]) return 1;
  return 0;
}

MetricReading reading(const std::string& metric, const BaselineScore& s) {
  return {metric, s.value, s.baseline, s.z, s.method, s.seasonal};
}

struct FiringDay {
  std::size_t index;
  std::vector<MetricReading> fired;
};

// A change-point in the primary metric near the window (Layer 3).
bool changepoint_near(const MetricValues& series, std::size_t from, std::size_t to) {
  std::vector<double> values;
  std::vector<std::size_t> at;
  for (std::size_t j = 0; j <= to && j < series.size(); ++j)
    if (series[j]) values.push_back(*series[j]), at.push_back(j);
  if (values.size() < 45) return false;  // the prior needs its 30 days and the window some more
  for (double v : values)
    if (!std::isfinite(v)) return false;
  const std::vector<BocpdStep> steps = bocpd(values);
  for (std::size_t cp : bocpd_change_points(steps))
    if (cp < at.size() && at[cp] + 3 >= from && at[cp] <= to) return true;
  return false;
}

// Layer 2: is day i an outlier among its domain's trailing days? Each row is
// the domain's metrics on one day; a null is replaced by the metric's median
// over the window (trees split on order, so the scale of each metric does
// not matter). Cached per domain and day: several incidents ask the same.
class DomainForest {
 public:
  DomainForest(const DailyMetrics& m, const DetectConfig& cfg) : m_(m), cfg_(cfg) {}

  bool flags(Domain domain, std::size_t day) {
    const auto key = std::make_pair(static_cast<int>(domain), day);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    return cache_[key] = compute(domain, day);
  }

 private:
  bool compute(Domain domain, std::size_t day) const {
    const std::size_t span = static_cast<std::size_t>(cfg_.forest_days);
    if (day + 1 < 30) return false;
    const std::size_t from = day + 1 > span ? day + 1 - span : 0;
    std::vector<std::vector<double>> columns;
    for (const MetricInfo& info : metric_catalog()) {
      if (info.domain != domain) continue;
      const MetricValues& v = *m_.find(info.name);
      std::vector<double> present;
      for (std::size_t j = from; j <= day; ++j)
        if (v[j]) present.push_back(*v[j]);
      if (present.size() < (day + 1 - from) / 2) continue;  // mostly undefined: leave it out
      std::nth_element(present.begin(), present.begin() + static_cast<long>(present.size() / 2), present.end());
      const double fill = present[present.size() / 2];
      std::vector<double> column;
      for (std::size_t j = from; j <= day; ++j) column.push_back(v[j] ? *v[j] : fill);
      columns.push_back(std::move(column));
    }
    if (columns.empty()) return false;
    std::vector<std::vector<double>> rows(day + 1 - from, std::vector<double>(columns.size()));
    for (std::size_t c = 0; c < columns.size(); ++c)
      for (std::size_t r = 0; r < rows.size(); ++r) rows[r][c] = columns[c][r];
    IsolationForestParams p;
    p.seed = cfg_.forest_seed;
    const IsolationForest forest = IsolationForest::fit(rows, p);
    return forest.is_anomaly(rows.back());
  }

  const DailyMetrics& m_;
  const DetectConfig& cfg_;
  std::map<std::pair<int, std::size_t>, bool> cache_;
};

}  // namespace

std::vector<DetectedIncident> detect_incidents(const DailyMetrics& m, const DetectConfig& cfg) {
  std::vector<DetectedIncident> out;
  if (m.days == 0) return out;
  const std::size_t last = m.days - 1;
  DomainForest forest(m, cfg);
  for (const IncidentRule& rule : incident_rules()) {
    std::vector<FiringDay> firing;
    for (std::size_t i = static_cast<std::size_t>(cfg.cold_start_days); i < m.days; ++i) {
      FiringDay day{i, {}};
      for (const TriggerRule& t : rule.triggers) {
        const MetricValues* series = m.find(t.metric);
        if (!series) continue;
        const auto s = score_day(t.metric, *series, i, m.first_day, cfg.baseline);
        if (!s) continue;
        bool fires = s->practical && t.direction * s->z >= t.z_threshold;
        // The design's second satisfaction trigger is absolute: a slope below -0.1 a day.
        if (t.metric == "review_score_trend") fires = s->value < cfg.trend_threshold && s->practical;
        if (fires) day.fired.push_back(reading(t.metric, *s));
      }
      if (!day.fired.empty()) firing.push_back(std::move(day));
    }
    // Firing days become windows: an incident ends after quiet_days_to_end
    // quiet days, and a re-fire within reopen_days of that end reopens it.
    const auto max_gap = static_cast<std::size_t>(cfg.quiet_days_to_end + cfg.reopen_days);
    for (std::size_t a = 0; a < firing.size();) {
      std::size_t b = a;
      while (b + 1 < firing.size() && firing[b + 1].index - firing[b].index <= max_gap) ++b;
      DetectedIncident inc;
      inc.incident_type = rule.type;
      inc.window_start = m.day(firing[a].index);
      inc.window_end = m.day(firing[b].index);
      inc.detected_day = inc.window_start;
      inc.incident_id = "inc_" + sha256_hex(rule.type + "|" + format_day(inc.window_start)).substr(0, 16);
      inc.state = last - firing[b].index < static_cast<std::size_t>(cfg.quiet_days_to_end) ? "active" : "ended";
      std::size_t peak_day = firing[a].index;
      bool both_liquidity = false, resolution_slow = false;
      for (std::size_t k = a; k <= b; ++k) {
        for (const MetricReading& r : firing[k].fired)
          if (inc.primary.metric.empty() || std::abs(r.z) > std::abs(inc.primary.z)) {
            inc.primary = r;
            peak_day = firing[k].index;
          }
        if (rule.type == "liquidity_crunch" && firing[k].fired.size() == 2) both_liquidity = true;
        if (rule.type == "support_surge")
          if (const MetricValues* rt = m.find("avg_resolution_time"))
            if (auto s = score_day("avg_resolution_time", *rt, firing[k].index, m.first_day, cfg.baseline);
                s && s->practical && s->z >= cfg.resolution_upgrade_z)
              resolution_slow = true;
      }
      for (const TriggerRule& t : rule.triggers) {
        if (t.metric == inc.primary.metric) continue;
        if (const MetricValues* series = m.find(t.metric))
          if (auto s = score_day(t.metric, *series, peak_day, m.first_day, cfg.baseline))
            inc.supporting.push_back(reading(t.metric, *s));
      }

      int level = severity_level(inc.primary.z, cfg.severity_bands);
      // A weak signal on a single day is the commonest false alarm on small
      // businesses' data: a low-severity incident must fire on several days.
      if (level == 0 && static_cast<int>(b - a + 1) < cfg.min_days_weak) {
        a = b + 1;
        continue;
      }
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
      inc.severity = kSeverities[level];

      inc.detection_methods = {"mad_zscore"};
      if (cfg.isolation_forest) {
        const Domain domain = find_metric(inc.primary.metric)->domain;
        for (std::size_t k = a; k <= b; ++k)
          if (forest.flags(domain, firing[k].index)) {
            inc.detection_methods.push_back("isolation_forest");
            break;
          }
      }
      if (cfg.changepoints && changepoint_near(*m.find(inc.primary.metric), firing[a].index, firing[b].index))
        inc.detection_methods.push_back("changepoint");
      // Fusion (cli.md §4a): layer 1 alone medium, with layer 2 or 3 high, all three very high.
      const std::size_t layers = inc.detection_methods.size();
      inc.confidence = layers == 3 ? "very_high" : layers == 2 ? "high" : "medium";
      if (firing[a].index < static_cast<std::size_t>(cfg.full_confidence_days)) {
        inc.confidence = "low";
        inc.notes.push_back("fewer than 30 days of history before it: confidence capped at low");
      }
      if (inc.primary.seasonal) inc.notes.push_back("compared with the same weekday (weekly profile)");
      if (inc.primary.method == "poisson") inc.notes.push_back("small counts: Poisson test, p-value as z");
      if (inc.primary.method == "floor" || inc.primary.method == "mean_abs_dev")
        inc.notes.push_back("flat baseline (MAD 0): scale from " + inc.primary.method);
      out.push_back(std::move(inc));
      a = b + 1;
    }
  }
  std::sort(out.begin(), out.end(), [](const DetectedIncident& x, const DetectedIncident& y) {
    return std::tie(x.window_start, x.incident_type) < std::tie(y.window_start, y.incident_type);
  });
  return out;
}

}  // namespace bre
