// The eight incident types of the design, detected on the gold metrics with
// Layer 1 (baseline_score.h), grouped into windows, given a severity and,
// where the other layers agree, a higher confidence (docs/detection.md).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bre/detect/baseline_score.h"
#include "bre/detect/spend_drift.h"
#include "bre/state/daily_metrics.h"

namespace bre {

inline constexpr const char* kDetectConfigVersion = "detect_v3";

struct TriggerRule {
  std::string metric;
  int direction = +1;       // +1: rising is bad; -1: falling is bad
  double z_threshold = 3.0;
};

struct IncidentRule {
  std::string type;  // refund_spike, fulfillment_sla_degradation, ...
  std::vector<TriggerRule> triggers;
};
const std::vector<IncidentRule>& incident_rules();

struct DetectConfig {
  BaselineRules baseline;
  int cold_start_days = 14;       // no incident before this much history
  int full_confidence_days = 30;  // below it, confidence is capped at low
  int quiet_days_to_end = 3;      // an incident is over after this many quiet days
  int reopen_days = 7;            // a re-fire within this many days of its end reopens it
  int min_days_weak = 3;          // an incident whose peak |z| < strong_z needs this many firing days
  double strong_z = 5;
  double sustained_day_z = 1;     // a sustained-mean reading counts only when the day itself is this far off the bad way
  double refund_critical_share = 0.10;  // CRITICAL refund spike: refunds > this share of trailing revenue
  double trend_threshold = -0.1;        // satisfaction: review_score_trend below this fires too
  std::array<double, 3> severity_bands = {4, 6, 8};  // peak |z| from which medium, high, critical (below: low)
  double resolution_upgrade_z = 3;      // support_load_surge: avg_resolution_time z ≥ this raises severity one level
  // Entity upgrades (entity_upgrades.h): one vendor causing at least this
  // share of a supplier failure's delays, and supplying at least this share
  // of purchase orders; at least this many churned customers among the top
  // share of customers by revenue.
  double vendor_concentration_share = 0.5;
  double vendor_supply_share = 0.15;
  double top_customer_share = 0.10;
  int top_customers_churned = 1;
  bool isolation_forest = true;         // Layer 2 (per-domain Isolation Forest) raises confidence
  bool changepoints = true;             // Layer 3 (BOCPD on the primary metric) raises confidence
  // Layer 2 or 3 alone opens a low-confidence incident when the domain's (or
  // the metric's) most deviant trigger moved at least this far the bad way.
  double weak_z = 2.5;
  int forest_days = 90;                 // Layer 2 trains on the trailing days of its domain
  std::uint64_t forest_seed = 0;
  // Slow cost drifts: a CUSUM on each vendor's spend opens or extends a
  // margin_compression incident (spend_drift.h, docs/detection.md).
  SpendDriftRules spend_drift;
};

struct MetricReading {
  std::string metric;
  double value = 0, baseline = 0, z = 0;
  std::string method;
  bool seasonal = false;
  int span = 1;  // days averaged (1, or the sustained span)
};

struct DetectedIncident {
  std::string incident_id;  // inc_ + hash(type, window start): stable across re-runs
  std::string incident_type;
  DayNumber window_start = 0, window_end = 0;
  DayNumber detected_day = 0;  // the first firing day; detected_at = its end
  std::string severity;        // low | medium | high | critical
  std::string confidence;      // low | medium | high | very_high
  std::vector<std::string> detection_methods;
  MetricReading primary;                 // the reading with the largest |z| in the window
  std::vector<MetricReading> supporting;  // the other triggers on the primary's day
  std::string state;                      // active | ended (as of the last computed day)
  std::vector<std::string> notes;         // why severity/confidence are what they are
};

// The reading of t.metric on day i that deviates most in t.direction among
// those with a practical effect: the day itself, and for daily metrics the
// mean of the last sustained_days. How every trigger is read; BRE-RCA reads
// the upstream metrics the same way.
std::optional<BaselineScore> strongest_reading(const TriggerRule& t, const MetricValues& series, std::size_t i,
                                               DayNumber first_day, const DetectConfig& cfg);

// Pure: the same metrics and config give the same incidents, ids included.
// forest_verdicts (forest_verdicts.h): layer-2 verdicts to reuse and record;
// the incidents are the same with or without it. vendor_spend: each
// vendor's daily spend over the metrics' days, for the spend-drift rule
// (null or empty: that rule has nothing to watch).
struct ForestVerdicts;
std::vector<DetectedIncident> detect_incidents(const DailyMetrics& metrics, const DetectConfig& config = {},
                                               ForestVerdicts* forest_verdicts = nullptr,
                                               const std::vector<PartySpend>* vendor_spend = nullptr);

}  // namespace bre
