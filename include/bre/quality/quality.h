// Data quality of one ingest batch (design §4.2 C, DataQualityReport).
// Scores are shares of records, computed from the flags the adapters and the
// ingest driver put on events, plus the records that were rejected:
//   completeness = valid events without a "missing:" or "placeholder:" flag / valid events
//   consistency  = valid events without an "inconsistent:" flag / valid events
//   timeliness   = valid events without an "untimely:" flag / valid events
//   overall      = (0.4 completeness + 0.4 consistency + 0.2 timeliness) × valid / total records
// Each metric's quality weight (for RCA) is the share of the events feeding it
// that carry no completeness or consistency flag.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bre/core/event.h"

namespace bre {

struct QualityIssue {
  std::string flag;         // e.g. "missing:actual_delivery"
  std::string event_type;   // which events carry it ("" for rejects)
  std::int64_t count = 0;
  double share = 0;         // count / events of that type (or / total records)
  std::string description;
};

struct MetricQualityWeight {
  std::string metric;
  double weight = 1.0;
  std::int64_t events = 0;
};

struct DataQualityReport {
  std::string batch_id;
  std::string source;
  std::int64_t total_records = 0;
  std::int64_t valid_records = 0;
  std::int64_t rejected_records = 0;
  double completeness_score = 1;
  double consistency_score = 1;
  double timeliness_score = 1;
  double overall_quality_score = 1;
  std::vector<QualityIssue> quality_issues;
  std::string impact_advisory;
  std::vector<MetricQualityWeight> metric_weights;
};

// Streams over a batch: add every valid event and every reject, then report().
class QualityAccumulator {
 public:
  void add_event(const CanonicalEvent& e);
  void add_reject(const std::string& field, const std::string& reason);
  void set_total_records(std::int64_t n) { total_records_ = n; }
  // add_reject counts problems; a record may have several.
  void set_rejected_records(std::int64_t n) { rejected_records_ = n; }
  DataQualityReport report(const std::string& batch_id, const std::string& source) const;

 private:
  struct TypeStats {
    std::int64_t events = 0;
    std::int64_t weak = 0;  // with a completeness or consistency flag
    std::map<std::string, std::int64_t> flags;
  };
  std::array<TypeStats, kEventTypeCount> by_type_{};
  std::int64_t events_ = 0, incomplete_ = 0, inconsistent_ = 0, untimely_ = 0;
  std::int64_t rejects_ = 0;
  std::int64_t total_records_ = -1;
  std::int64_t rejected_records_ = -1;
  std::map<std::string, std::int64_t> reject_reasons_;
};

std::string to_json(const DataQualityReport& r);

}  // namespace bre
