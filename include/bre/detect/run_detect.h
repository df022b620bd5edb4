// `bre detect`: the stored gold metrics → incidents in the workspace.
#pragma once
#include <map>
#include <string>

#include "bre/core/log.h"
#include "bre/detect/incidents.h"
#include "bre/store/workspace.h"

namespace bre {

struct DetectRunResult {
  std::int64_t days = 0;
  std::int64_t incidents = 0, withdrawn = 0;
  std::map<std::string, std::int64_t> by_type;
};

DetectRunResult run_detect(Workspace& ws, const std::string& run_id, const Logger& log, const DetectConfig& cfg = {});

}  // namespace bre
