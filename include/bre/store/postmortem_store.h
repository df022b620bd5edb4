// Postmortems in the workspace: one row per postmortem id (which is stable
// for the same subject and algorithm versions, so a re-run replaces it), the
// JSON payload as postmortem_json wrote it. A cascade's row carries its root
// incident's id; the payload's cascade_id tells the two apart.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/store/sqlite.h"

namespace bre {

struct StoredPostmortem {
  std::string postmortem_id;
  std::string incident_id;  // a cascade's: its root incident
  std::string payload;
  TimeMs created_at = 0;
  std::string run_id;
};

// Upserts by postmortem id.
void store_postmortem(Database& db, const StoredPostmortem& pm);
std::optional<StoredPostmortem> find_postmortem(Database& db, const std::string& postmortem_id);
// The postmortem of an incident (not a cascade's) or of a cascade, when stored.
std::optional<StoredPostmortem> find_incident_postmortem(Database& db, const std::string& incident_id);
std::optional<StoredPostmortem> find_cascade_postmortem(Database& db, const std::string& cascade_id);
// Every stored postmortem, oldest first.
std::vector<StoredPostmortem> list_postmortems(Database& db);
// Deletes postmortems whose incident is gone or whose cascade is gone; returns how many.
std::int64_t prune_postmortems(Database& db);

}  // namespace bre
