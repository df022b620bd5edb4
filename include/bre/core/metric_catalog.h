// The 27 gold metrics of the design and the event types each is computed
// from. Data quality uses it to say which metrics lose confidence; the state
// builder and RCA use it to know what a metric means.
#pragma once
#include <span>
#include <string_view>
#include <vector>

#include "bre/core/event.h"

namespace bre {

struct MetricInfo {
  std::string_view name;
  Domain domain;
  std::string_view unit;
  std::span<const EventType> inputs;
};

std::span<const MetricInfo> metric_catalog();
const MetricInfo* find_metric(std::string_view name);
// Metrics whose value depends on events of this type.
std::vector<std::string_view> metrics_fed_by(EventType t);

}  // namespace bre
