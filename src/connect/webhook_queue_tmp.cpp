#include "bre/connect/webhook.h"
namespace bre::connect {
std::vector<QueuedQboChange> queued_qbo_changes(Database& db, const std::string& realm_id) {
  std::vector<QueuedQboChange> out;
  Statement s = db.prepare("SELECT event_key, realm_id, entity_type, entity_id, operation, deleted_id, event_time "
                           "FROM qbo_webhook_events WHERE realm_id = ? AND fetched_by_pull IS NULL ORDER BY received_at, event_key");
  s.bind(1, realm_id);
  while (s.step()) {
    QueuedQboChange c{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), std::nullopt, std::nullopt};
    if (!s.is_null(5)) c.deleted_id = s.text(5);
    if (!s.is_null(6)) c.event_time = s.int64(6);
    out.push_back(std::move(c));
  }
  return out;
}
void mark_qbo_changes_fetched(Database& db, const std::vector<std::string>& event_keys, const std::string& pull_id) {
  Statement s = db.prepare("UPDATE qbo_webhook_events SET fetched_by_pull = ? WHERE event_key = ?");
  for (const auto& k : event_keys) s.bind(1, pull_id).bind(2, k).run();
}
}  // namespace bre::connect
