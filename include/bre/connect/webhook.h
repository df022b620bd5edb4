// TEMPORARY until the webhook branch merges: the queue API the pull consumes.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/store/sqlite.h"

namespace bre::connect {
struct QueuedQboChange {
  std::string event_key, realm_id, entity_type, entity_id, operation;
  std::optional<std::string> deleted_id;
  std::optional<TimeMs> event_time;
};
std::vector<QueuedQboChange> queued_qbo_changes(Database& db, const std::string& realm_id);
void mark_qbo_changes_fetched(Database& db, const std::vector<std::string>& event_keys, const std::string& pull_id);
}  // namespace bre::connect
