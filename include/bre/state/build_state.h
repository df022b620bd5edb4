// `bre build-state`: live events → metrics_daily and metrics_weekly.
// Incremental: only days on or after the earliest event touched by batches
// ingested since the last build are rewritten (events added or superseded);
// the values are recomputed from the running totals of all events, so a full
// rebuild gives identical rows. Every build stores those totals (table
// state_snapshot); when the batches since only added events, the next build
// starts from them and reads just the new events. A changed metric schema version or business time zone
// (`timezone` setting: days are its local dates) forces a full rebuild.
#pragma once
#include <optional>
#include <string>

#include "bre/core/log.h"
#include "bre/state/daily_metrics.h"
#include "bre/store/workspace.h"

namespace bre {

struct StateBuildResult {
  std::int64_t events = 0;       // live events the metrics cover
  std::int64_t events_read = 0;  // of which read from the log by this build (the rest: the stored totals)
  std::optional<DayNumber> first_day, last_day;
  bool full = false;
  std::optional<DayNumber> rewritten_from;  // nullopt with up_to_date
  bool up_to_date = false;                  // nothing ingested since the last build
  std::int64_t daily_rows = 0, weekly_rows = 0;
  std::string timezone;  // the business time zone the days were counted in
};

StateBuildResult build_state(Workspace& ws, const std::string& run_id, bool force_full, const Logger& log,
                             const StateWindows& windows = {});

}  // namespace bre
