// metric_chart: a metric's values with the detection baseline around them.
#include <algorithm>

#include <fmt/format.h>

#include "bre/postmortem/chart.h"

namespace bre {

MetricChart metric_chart(const DailyMetrics& metrics, std::string_view metric, DayNumber from, DayNumber to,
                         const DetectConfig& detect, std::vector<IncidentWindow> windows) {
  MetricChart chart;
  chart.metric = std::string(metric);
  chart.first_day = from;
  chart.windows = std::move(windows);
  const MetricValues* series = metrics.find(metric);
  if (series == nullptr || metrics.days == 0) return chart;
  const DayNumber last = metrics.day(metrics.days - 1);
  from = std::max(from, metrics.first_day);
  to = std::min(to, last);
  chart.first_day = from;
  if (from > to) return chart;

  std::vector<const TriggerRule*> triggers;
  for (const IncidentRule& rule : incident_rules())
    for (const TriggerRule& t : rule.triggers)
      if (t.metric == metric) {
        triggers.push_back(&t);
        chart.thresholds.push_back({fmt::format("{} trigger z {:.1f}", rule.type, t.z_threshold), {}});
      }

  for (DayNumber d = from; d <= to; ++d) {
    const auto i = static_cast<std::size_t>(d - metrics.first_day);
    chart.values.push_back((*series)[i]);
    // Scored with the history before the day only, as detection saw it.
    const std::optional<BaselineScore> s = score_day(metric, *series, i, metrics.first_day, detect.baseline);
    const bool usable = s && s->scale > 0;
    chart.band_lower.push_back(usable ? std::optional(s->baseline - chart.band_z * s->scale) : std::nullopt);
    chart.band_upper.push_back(usable ? std::optional(s->baseline + chart.band_z * s->scale) : std::nullopt);
    for (std::size_t k = 0; k < triggers.size(); ++k)
      chart.thresholds[k].values.push_back(
          usable ? std::optional(s->baseline + triggers[k]->direction * triggers[k]->z_threshold * s->scale)
                 : std::nullopt);
  }
  // A metric that is never negative here (rates, counts, backlogs) gets no
  // band below zero: baseline − 2σ under 0 means "0 is normal", not "−3 is".
  const bool non_negative = std::all_of(chart.values.begin(), chart.values.end(),
                                        [](const std::optional<double>& v) { return !v || *v >= 0; });
  if (non_negative)
    for (auto& lower : chart.band_lower)
      if (lower && *lower < 0) lower = 0.0;
  return chart;
}

}  // namespace bre
