// Run manifests: every command that changes the workspace records what it
// read, which versions it used and what it produced (the audit trail).
#pragma once
#include <string>

#include "bre/core/time.h"
#include "bre/store/sqlite.h"

namespace bre {

struct RunRecord {
  std::string run_id;
  std::string command;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
  std::string status;    // succeeded | failed
  std::string manifest;  // JSON object
};

void record_run(Database& db, const RunRecord& run);

}  // namespace bre
