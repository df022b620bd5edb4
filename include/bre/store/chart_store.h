// Metric charts from the workspace: the gold metrics, the detection baseline
// as detection scores it (windows people labelled normal left out) and the
// stored incidents that name each metric, drawn as windows.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/postmortem/chart.h"
#include "bre/postmortem/postmortem.h"
#include "bre/store/sqlite.h"

namespace bre {

// The windows of stored incidents whose primary or supporting metrics
// include `metric` and that overlap [from, to], labelled "type (severity)".
std::vector<IncidentWindow> incident_windows_for(Database& db, const std::string& metric, DayNumber from,
                                                 DayNumber to);

// One chart per metric over [from, to] (each end defaults to the computed
// days' own); metrics must be known names.
std::vector<MetricChart> workspace_metric_charts(Database& db, const std::vector<std::string>& metrics,
                                                 std::optional<DayNumber> from, std::optional<DayNumber> to);

// The charts a postmortem PDF draws: one per distinct primary metric of its
// incidents (in their order), from `days_before` the first window starts to
// `days_after` the last one ends, with the stored incidents on each.
std::vector<MetricChart> postmortem_charts(Database& db, const Postmortem& pm, int days_before = 28,
                                           int days_after = 7);

}  // namespace bre
