// Layer 2's verdicts remembered by what they were computed from, so that a
// scan refits an Isolation Forest only where its trailing window changed.
//
// A verdict (is the window's last day an outlier?) is a pure function of the
// window's rows and the forest's parameters and seed; the key is a SHA-256 of
// exactly those, so a remembered verdict is the one a fit would give, and the
// incidents stay byte-identical with or without the memo.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bre/detect/isolation_forest.h"

namespace bre {

// Bump when the forest's fitting or the verdict changes meaning: keys of an
// older version are never looked up again (and pruned by the next run).
inline constexpr const char* kForestVerdictVersion = "iforest_verdict_v1";

struct ForestVerdicts {
  std::map<std::string, bool> known;     // loaded from the workspace
  std::map<std::string, bool> computed;  // fitted this run, not known before
  std::set<std::string> used;            // every key this run asked for
  std::int64_t hits = 0, fits = 0;
  // Some verdicts came from the score memo (score_memo.h) without a key:
  // `used` is then not every key the windows need, so nothing is pruned.
  bool answered_elsewhere = false;
};

std::string forest_verdict_key(const std::vector<std::vector<double>>& rows, const IsolationForestParams& params);

}  // namespace bre
