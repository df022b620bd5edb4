#include "bre/store/postmortem_store.h"

namespace bre {

namespace {

constexpr const char* kColumns = "SELECT postmortem_id, incident_id, payload, created_at, COALESCE(run_id, '') FROM postmortems ";

StoredPostmortem row(const Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.int64(3), s.text(4)};
}

std::optional<StoredPostmortem> first(Statement& s) {
  if (!s.step()) return std::nullopt;
  return row(s);
}

}  // namespace

void store_postmortem(Database& db, const StoredPostmortem& pm) {
  db.prepare(
        "INSERT INTO postmortems(postmortem_id, incident_id, payload, created_at, run_id) VALUES(?,?,?,?,?) "
        "ON CONFLICT(postmortem_id) DO UPDATE SET incident_id = excluded.incident_id, payload = excluded.payload, "
        "created_at = excluded.created_at, run_id = excluded.run_id")
      .bind(1, pm.postmortem_id)
      .bind(2, pm.incident_id)
      .bind(3, pm.payload)
      .bind(4, pm.created_at)
      .bind(5, pm.run_id)
      .run();
}

std::optional<StoredPostmortem> find_postmortem(Database& db, const std::string& postmortem_id) {
  Statement s = db.prepare(std::string(kColumns) + "WHERE postmortem_id = ?");
  s.bind(1, postmortem_id);
  return first(s);
}

std::optional<StoredPostmortem> find_incident_postmortem(Database& db, const std::string& incident_id) {
  Statement s = db.prepare(std::string(kColumns) +
                           "WHERE incident_id = ? AND json_extract(payload, '$.cascade_id') IS NULL "
                           "ORDER BY created_at DESC, postmortem_id LIMIT 1");
  s.bind(1, incident_id);
  return first(s);
}

std::optional<StoredPostmortem> find_cascade_postmortem(Database& db, const std::string& cascade_id) {
  Statement s = db.prepare(std::string(kColumns) +
                           "WHERE json_extract(payload, '$.cascade_id') = ? ORDER BY created_at DESC, postmortem_id LIMIT 1");
  s.bind(1, cascade_id);
  return first(s);
}

std::vector<StoredPostmortem> list_postmortems(Database& db) {
  Statement s = db.prepare(std::string(kColumns) + "ORDER BY created_at, postmortem_id");
  std::vector<StoredPostmortem> out;
  while (s.step()) out.push_back(row(s));
  return out;
}

std::int64_t prune_postmortems(Database& db) {
  db.prepare(
        "DELETE FROM postmortems WHERE incident_id NOT IN (SELECT incident_id FROM incidents) OR "
        "(json_extract(payload, '$.cascade_id') IS NOT NULL AND "
        "json_extract(payload, '$.cascade_id') NOT IN (SELECT cascade_id FROM cascades))")
      .run();
  return db.changes();
}

}  // namespace bre
