// Incidents that layer 1 did not raise but layer 2 or 3 saw (cli.md §4a:
// confidence low). Layer 2 flags a domain-day; the incident takes the type
// of that domain's most deviant trigger metric. Layer 3 finds a shift in the
// mean of a trigger metric. Either must point the bad way by at least
// weak_z with a practical effect, so a domain that is unusual because
// things got better raises nothing.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "detection_layers.h"

namespace bre::detail {
namespace {

struct WeakDay {
  std::size_t index;
  MetricReading reading;
  std::string method;  // isolation_forest | changepoint
  std::string note;
};

// The trigger of the domain (or of the one metric) deviating most the bad way on day i.
std::optional<std::pair<const IncidentRule*, MetricReading>> most_deviant(const DailyMetrics& m, const DetectConfig& cfg,
                                                                          std::size_t i, Domain domain,
                                                                          std::string_view only_metric = {}) {
  std::optional<std::pair<const IncidentRule*, MetricReading>> best;
  double best_z = cfg.weak_z;
  for (const IncidentRule& rule : incident_rules())
    for (const TriggerRule& t : rule.triggers) {
      if (!only_metric.empty() && t.metric != only_metric) continue;
      const MetricInfo* info = find_metric(t.metric);
      const MetricValues* series = m.find(t.metric);
      if (!info || !series || info->domain != domain) continue;
      if (auto s = strongest_reading(t, *series, i, m.first_day, cfg); s && t.direction * s->z >= best_z) {
        best_z = t.direction * s->z;
        best.emplace(&rule, reading(t.metric, *s));
      }
    }
  return best;
}

bool covered(const std::vector<DetectedIncident>& incidents, const std::string& type, DayNumber day, int margin) {
  return std::any_of(incidents.begin(), incidents.end(), [&](const DetectedIncident& inc) {
    return inc.incident_type == type && day >= inc.window_start - margin && day <= inc.window_end + margin;
  });
}

}  // namespace

std::vector<DetectedIncident> weak_incidents(const DailyMetrics& m, const DetectConfig& cfg, DomainForest& forest,
                                             ChangepointRuns& changepoints,
                                             const std::vector<DetectedIncident>& layer1) {
  std::vector<DetectedIncident> out;
  if (m.days == 0 || (!cfg.isolation_forest && !cfg.changepoints)) return out;
  const auto first = static_cast<std::size_t>(std::max(cfg.cold_start_days, cfg.full_confidence_days));
  const int margin = cfg.quiet_days_to_end + cfg.reopen_days;
  std::map<const IncidentRule*, std::vector<WeakDay>> days;
  auto add = [&](const IncidentRule* rule, std::size_t i, MetricReading r, const char* method, std::string note) {
    if (covered(layer1, rule->type, m.day(i), margin)) return;
    days[rule].push_back({i, std::move(r), method, std::move(note)});
  };
  if (cfg.isolation_forest)
    for (Domain domain : {Domain::financial, Domain::operational, Domain::customer})
      for (std::size_t i = first; i < m.days; ++i)
        if (forest.flags(domain, i))
          if (auto hit = most_deviant(m, cfg, i, domain))
            add(hit->first, i, hit->second, "isolation_forest", "");
  if (cfg.changepoints)
    for (const IncidentRule& rule : incident_rules())
      for (const TriggerRule& t : rule.triggers) {
        const MetricValues* series = m.find(t.metric);
        if (!series) continue;
        for (const MeanShift& shift : mean_shifts(changepoints, *series)) {
          if (shift.index < first || t.direction * (shift.after - shift.before) <= 0) continue;
          // The week from the change on: its days that moved the bad way.
          for (std::size_t i = shift.index; i < std::min(m.days, shift.index + 7); ++i)
            if (auto hit = most_deviant(m, cfg, i, find_metric(t.metric)->domain, t.metric))
              add(&rule, i, hit->second, "changepoint", describe_shift(t.metric, shift, m));
        }
      }

  const std::size_t last = m.days - 1;
  for (auto& [rule, list] : days) {
    std::sort(list.begin(), list.end(), [](const WeakDay& a, const WeakDay& b) { return a.index < b.index; });
    std::vector<std::size_t> indices;
    for (const WeakDay& d : list) indices.push_back(d.index);
    for (const auto& [a, b] : group_windows(indices, cfg)) {
      // As in layer 1: a weak signal must be seen on several days (a day
      // both layers saw, or two change points' weeks share, counts once).
      const auto distinct = std::unique(indices.begin() + static_cast<std::ptrdiff_t>(a),
                                        indices.begin() + static_cast<std::ptrdiff_t>(b) + 1) -
                            (indices.begin() + static_cast<std::ptrdiff_t>(a));
      if (distinct < cfg.min_days_weak) continue;
      DetectedIncident inc;
      inc.incident_type = rule->type;
      inc.window_start = m.day(list[a].index);
      inc.window_end = m.day(list[b].index);
      inc.detected_day = inc.window_start;
      inc.incident_id = incident_id(rule->type, inc.window_start);
      inc.state = last - list[b].index < static_cast<std::size_t>(cfg.quiet_days_to_end) ? "active" : "ended";
      std::size_t peak = list[a].index;
      int forest_days = 0;
      for (std::size_t k = a; k <= b; ++k) {
        const WeakDay& d = list[k];
        if (inc.primary.metric.empty() || std::abs(d.reading.z) > std::abs(inc.primary.z))
          inc.primary = d.reading, peak = d.index;
        if (std::find(inc.detection_methods.begin(), inc.detection_methods.end(), d.method) ==
            inc.detection_methods.end())
          inc.detection_methods.push_back(d.method);
        if (!d.note.empty() && std::find(inc.notes.begin(), inc.notes.end(), d.note) == inc.notes.end())
          inc.notes.push_back(d.note);
        if (d.method == "isolation_forest") ++forest_days;
      }
      if (forest_days > 0)
        inc.notes.push_back(fmt::format("the isolation forest flagged the {} domain on {} day(s) of the window; its "
                                        "most deviant trigger peaked at {} z {:.2f}",
                                        to_string(find_metric(inc.primary.metric)->domain), forest_days,
                                        inc.primary.metric, inc.primary.z));
      std::sort(inc.detection_methods.begin(), inc.detection_methods.end(),
                [](const std::string& x, const std::string& y) { return (x == "changepoint") < (y == "changepoint"); });
      add_supporting(inc, *rule, m, peak, cfg);
      inc.severity = severity_name(severity_level(inc.primary.z, cfg.severity_bands));
      inc.confidence = "low";
      const char* layers = inc.detection_methods.size() == 2            ? "layers 2 and 3"
                           : inc.detection_methods[0] == "changepoint" ? "layer 3"
                                                                        : "layer 2";
      inc.notes.insert(inc.notes.begin(), fmt::format("not a layer-1 incident: raised by {} alone, confidence low", layers));
      explain_reading(inc);
      out.push_back(std::move(inc));
    }
  }
  return out;
}

}  // namespace bre::detail
