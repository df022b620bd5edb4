#include "bre/detect/detect_config.h"

#include "bre/core/hash.h"
#include "bre/core/json_text.h"
#include "bre/core/metric_catalog.h"

namespace bre {

namespace {

// ",elem" after the first element of a JSON array under construction.
void append_element(std::string& array, const std::string& element) {
  array += (array.size() > 1 ? "," : "") + element;
}

std::string rules_json() {
  std::string rules = "[";
  for (const IncidentRule& r : incident_rules()) {
    std::string triggers = "[";
    for (const TriggerRule& t : r.triggers)
      append_element(triggers, JsonObjectWriter()
                                   .string("metric", t.metric)
                                   .string("direction", t.direction > 0 ? "up" : "down")
                                   .number("z_threshold", t.z_threshold)
                                   .str());
    append_element(rules, JsonObjectWriter().string("type", r.type).raw("triggers", triggers + "]").str());
  }
  return rules + "]";
}

std::string traits_json(const BaselineRules& b) {
  std::string out = "[";
  for (const MetricInfo& info : metric_catalog()) {
    const MetricTraits t = metric_traits(info.name);
    append_element(out, JsonObjectWriter()
                            .string("metric", info.name)
                            .boolean("seasonal", t.seasonal)
                            .boolean("count", t.count)
                            .number("min_abs_effect", t.min_abs_effect)
                            .boolean("relative_effect", t.relative_effect)
                            .boolean("trending_stock", t.trending_stock)
                            .boolean("sustained", t.sustained)
                            .integer("fill_days", t.fill_days)
                            .integer("warmup_days", metric_warmup_days(info.name, b))
                            .str());
  }
  return out + "]";
}

}  // namespace

std::string detect_config_json(const DetectConfig& c) {
  const BaselineRules& b = c.baseline;
  return JsonObjectWriter()
      .string("version", kDetectConfigVersion)
      .raw("baseline", JsonObjectWriter()
                           .integer("baseline_days", b.baseline_days)
                           .integer("min_history_days", b.min_history_days)
                           .integer("profile_days", b.profile_days)
                           .integer("scale_days", b.scale_days)
                           .integer("stock_warmup_days", b.stock_warmup_days)
                           .number("poisson_below", b.poisson_below)
                           .number("min_relative_effect", b.min_relative_effect)
                           .number("tail_quantile", b.tail_quantile)
                           .integer("sustained_days", b.sustained_days)
                           .integer("change_days", b.change_days)
                           .str())
      .raw("incidents", JsonObjectWriter()
                            .integer("cold_start_days", c.cold_start_days)
                            .integer("full_confidence_days", c.full_confidence_days)
                            .integer("quiet_days_to_end", c.quiet_days_to_end)
                            .integer("reopen_days", c.reopen_days)
                            .integer("min_days_weak", c.min_days_weak)
                            .number("strong_z", c.strong_z)
                            .number("sustained_day_z", c.sustained_day_z)
                            .number("refund_critical_share", c.refund_critical_share)
                            .number("trend_threshold", c.trend_threshold)
                            .number("resolution_upgrade_z", c.resolution_upgrade_z)
                            .number("vendor_concentration_share", c.vendor_concentration_share)
                            .number("vendor_supply_share", c.vendor_supply_share)
                            .number("top_customer_share", c.top_customer_share)
                            .integer("top_customers_churned", c.top_customers_churned)
                            .str())
      .raw("severity_bands", JsonObjectWriter()
                                 .number("medium", c.severity_bands[0])
                                 .number("high", c.severity_bands[1])
                                 .number("critical", c.severity_bands[2])
                                 .str())
      .raw("layers", JsonObjectWriter()
                         .boolean("isolation_forest", c.isolation_forest)
                         .boolean("changepoints", c.changepoints)
                         .integer("forest_days", c.forest_days)
                         .integer("forest_seed", static_cast<std::int64_t>(c.forest_seed))
                         .number("weak_z", c.weak_z)
                         .str())
      .raw("spend_drift", JsonObjectWriter()
                              .boolean("enabled", c.spend_drift.enabled)
                              .number("reference_k", c.spend_drift.cusum.reference_k)
                              .number("threshold_h", c.spend_drift.cusum.threshold_h)
                              .number("clip_z", c.spend_drift.cusum.clip_z)
                              .integer("baseline_days", c.spend_drift.cusum.baseline_days)
                              .integer("min_baseline_days", c.spend_drift.cusum.min_baseline_days)
                              .integer("min_baseline_active_days", c.spend_drift.cusum.min_baseline_active_days)
                              .integer("max_run_days", c.spend_drift.cusum.max_run_days)
                              .number("min_revenue_share", c.spend_drift.min_revenue_share)
                              .integer("rising_days", c.spend_drift.rising_days)
                              .str())
      .raw("incident_rules", rules_json())
      .raw("metric_traits", traits_json(b))
      .str();
}

std::string detect_config_hash(const DetectConfig& c) { return "sha256:" + sha256_hex(detect_config_json(c)); }

}  // namespace bre
