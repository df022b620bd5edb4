#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace bre::cli {
// A DataQualityReport for people: scores, the advisory, the issues.
std::string render_quality_report(const nlohmann::ordered_json& report, bool markdown);
}  // namespace bre::cli
