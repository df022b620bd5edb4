#include "quality_render.h"

#include <fmt/format.h>

#include "render.h"

namespace bre::cli {

std::string render_quality_report(const nlohmann::ordered_json& r, bool markdown) {
  std::string out;
  auto pct = [](const nlohmann::ordered_json& v) { return fmt::format("{:.1f}%", v.get<double>() * 100); };
  if (markdown) out += fmt::format("## Data quality: batch `{}` ({})\n\n", r["batch_id"].get<std::string>(), r["source"].get<std::string>());
  else out += fmt::format("Data quality of batch {} ({})\n", r["batch_id"].get<std::string>(), r["source"].get<std::string>());
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  rows.push_back({{"measure", "records"}, {"value", fmt::format("{} total, {} valid, {} rejected", r["total_records"].get<long long>(),
                                                              r["valid_records"].get<long long>(), r["rejected_records"].get<long long>())}});
  rows.push_back({{"measure", "completeness"}, {"value", pct(r["completeness_score"])}});
  rows.push_back({{"measure", "consistency"}, {"value", pct(r["consistency_score"])}});
  rows.push_back({{"measure", "timeliness"}, {"value", pct(r["timeliness_score"])}});
  rows.push_back({{"measure", "overall"}, {"value", pct(r["overall_quality_score"])}});
  out += render_table(rows, {"measure", "value"}, markdown);
  out += (markdown ? "\n**Impact:** " : "\nImpact: ") + r["impact_advisory"].get<std::string>() + "\n";
  if (!r["quality_issues"].empty()) {
    out += markdown ? "\n### Issues\n\n" : "\nIssues:\n";
    nlohmann::ordered_json issues = nlohmann::ordered_json::array();
    for (const auto& q : r["quality_issues"])
      issues.push_back({{"flag", q["flag"]}, {"event_type", q["event_type"]}, {"count", q["count"]},
                        {"share", fmt::format("{:.1f}%", q["share"].get<double>() * 100)}, {"description", q["description"]}});
    out += render_table(issues, {"flag", "event_type", "count", "share", "description"}, markdown);
  }
  return out;
}

}  // namespace bre::cli
