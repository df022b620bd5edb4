// The one order of severities (cli.md, design §4.2 E): low < medium < high <
// critical. Incidents, monitors, postmortems, what-ifs and comparisons all
// rank with it.
#pragma once
#include <array>
#include <string_view>

namespace bre {

inline constexpr std::array<std::string_view, 4> kSeverityOrder = {"low", "medium", "high", "critical"};

// 0 for low .. 3 for critical; -1 for anything else, so that any real
// severity outranks a missing one.
constexpr int severity_rank(std::string_view severity) {
  for (int i = 0; i < static_cast<int>(kSeverityOrder.size()); ++i)
    if (kSeverityOrder[static_cast<std::size_t>(i)] == severity) return i;
  return -1;
}

}  // namespace bre
