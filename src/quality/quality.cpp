#include "bre/quality/quality.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

#include "bre/core/metric_catalog.h"

namespace bre {

namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }
bool is_completeness_flag(const std::string& f) { return starts_with(f, "missing:") || starts_with(f, "placeholder:"); }
bool is_consistency_flag(const std::string& f) { return starts_with(f, "inconsistent:"); }
bool is_timeliness_flag(const std::string& f) { return starts_with(f, "untimely:"); }

std::string describe(const std::string& flag) {
  auto colon = flag.find(':');
  std::string kind = flag.substr(0, colon), what = colon == std::string::npos ? "" : flag.substr(colon + 1);
  if (kind == "missing") return fmt::format("{} is missing", what);
  if (kind == "placeholder") return fmt::format("{} holds a placeholder instead of a value", what);
  if (kind == "inconsistent") return fmt::format("fails the cross-field rule {}", what);
  if (kind == "untimely") return fmt::format("event time is implausible: {}", what);
  if (kind == "imputed") return fmt::format("{} was imputed, not observed", what);
  if (kind == "fx_converted") return fmt::format("money converted from {} at a configured rate", what);
  return flag;
}

double ratio(std::int64_t good, std::int64_t all) { return all == 0 ? 1.0 : static_cast<double>(good) / all; }
double round4(double v) { return std::round(v * 10000.0) / 10000.0; }

}  // namespace

void QualityAccumulator::add_event(const CanonicalEvent& e) {
  TypeStats& t = by_type_[static_cast<std::size_t>(e.event_type)];
  ++t.events;
  ++events_;
  bool incomplete = false, inconsistent = false, untimely = false;
  for (const std::string& f : e.data_quality_flags) {
    ++t.flags[f];
    incomplete |= is_completeness_flag(f);
    inconsistent |= is_consistency_flag(f);
    untimely |= is_timeliness_flag(f);
  }
  incomplete_ += incomplete;
  inconsistent_ += inconsistent;
  untimely_ += untimely;
  t.weak += incomplete || inconsistent;
}

void QualityAccumulator::add_reject(const std::string& field, const std::string& reason) {
  ++rejects_;
  ++reject_reasons_[field.empty() ? reason : field + ": " + reason];
}

DataQualityReport QualityAccumulator::report(const std::string& batch_id, const std::string& source) const {
  DataQualityReport r;
  r.batch_id = batch_id;
  r.source = source;
  r.rejected_records = rejected_records_ >= 0 ? rejected_records_ : rejects_;
  r.total_records = total_records_ >= 0 ? total_records_ : events_ + r.rejected_records;
  r.valid_records = r.total_records - r.rejected_records;
  r.completeness_score = round4(ratio(events_ - incomplete_, events_));
  r.consistency_score = round4(ratio(events_ - inconsistent_, events_));
  r.timeliness_score = round4(ratio(events_ - untimely_, events_));
  const double validity = ratio(r.valid_records, r.total_records);
  r.overall_quality_score =
      round4((0.4 * r.completeness_score + 0.4 * r.consistency_score + 0.2 * r.timeliness_score) * validity);

  for (int i = 0; i < kEventTypeCount; ++i) {
    const TypeStats& t = by_type_[static_cast<std::size_t>(i)];
    for (const auto& [flag, count] : t.flags)
      r.quality_issues.push_back({flag, std::string(to_string(static_cast<EventType>(i))), count,
                                  round4(ratio(count, t.events)), describe(flag)});
  }
  for (const auto& [reason, count] : reject_reasons_)
    r.quality_issues.push_back({"rejected", "", count, round4(ratio(count, r.total_records)), reason});
  std::stable_sort(r.quality_issues.begin(), r.quality_issues.end(),
                   [](const QualityIssue& a, const QualityIssue& b) { return a.count > b.count; });

  // A metric is only as trustworthy as the weakest share of the events behind it.
  std::vector<std::pair<double, std::string>> weak_metrics;
  for (const MetricInfo& m : metric_catalog()) {
    std::int64_t events = 0, weak = 0;
    for (EventType in : m.inputs) {
      events += by_type_[static_cast<std::size_t>(in)].events;
      weak += by_type_[static_cast<std::size_t>(in)].weak;
    }
    if (events == 0) continue;
    double w = round4(ratio(events - weak, events));
    r.metric_weights.push_back({std::string(m.name), w, events});
    if (w < 0.95) weak_metrics.emplace_back(w, std::string(m.name));
  }

  if (weak_metrics.empty() && r.rejected_records == 0) {
    r.impact_advisory = "No quality issue affects downstream metrics.";
  } else {
    std::sort(weak_metrics.begin(), weak_metrics.end());
    std::string advisory;
    if (!weak_metrics.empty()) {
      // Name the largest single issue as the reason, with its share.
      const QualityIssue* top = nullptr;
      for (const QualityIssue& q : r.quality_issues)
        if (q.flag != "rejected" && !starts_with(q.flag, "imputed:") && !starts_with(q.flag, "fx_converted:") &&
            !is_timeliness_flag(q.flag)) {
          top = &q;
          break;
        }
      std::vector<std::string> names;
      for (std::size_t i = 0; i < weak_metrics.size() && i < 5; ++i) names.push_back(weak_metrics[i].second);
      advisory = fmt::format("RCA confidence is reduced for {}", fmt::join(names, ", "));
      if (top)
        advisory += fmt::format(" because {:.1f}% of {} events: {}", top->share * 100, top->event_type, top->description);
      advisory += ".";
    }
    if (r.rejected_records > 0)
      advisory += fmt::format("{}{} of {} records were rejected and are not in any metric.", advisory.empty() ? "" : " ",
                              r.rejected_records, r.total_records);
    r.impact_advisory = advisory;
  }
  return r;
}

std::string to_json(const DataQualityReport& r) {
  nlohmann::ordered_json j;
  j["batch_id"] = r.batch_id;
  j["source"] = r.source;
  j["total_records"] = r.total_records;
  j["valid_records"] = r.valid_records;
  j["rejected_records"] = r.rejected_records;
  j["completeness_score"] = r.completeness_score;
  j["consistency_score"] = r.consistency_score;
  j["timeliness_score"] = r.timeliness_score;
  j["overall_quality_score"] = r.overall_quality_score;
  j["quality_issues"] = nlohmann::ordered_json::array();
  for (const QualityIssue& q : r.quality_issues)
    j["quality_issues"].push_back({{"flag", q.flag}, {"event_type", q.event_type}, {"count", q.count},
                                   {"share", q.share}, {"description", q.description}});
  j["impact_advisory"] = r.impact_advisory;
  j["metric_quality_weights"] = nlohmann::ordered_json::array();
  for (const MetricQualityWeight& w : r.metric_weights)
    j["metric_quality_weights"].push_back({{"metric", w.metric}, {"weight", w.weight}, {"events", w.events}});
  return j.dump();
}

}  // namespace bre
