#include "bre/store/model_store.h"

namespace bre {

std::int64_t save_model(Database& db, const std::string& name, const std::string& params,
                        const std::string& training_window, const std::string& metrics, TimeMs at) {
  Transaction tx(db);
  Statement next = db.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE name = ?");
  next.bind(1, name);
  next.step();
  const std::int64_t version = next.int64(0);
  next.reset();
  db.prepare("INSERT INTO models(name, version, params, training_window, metrics, created_at) VALUES(?,?,?,?,?,?)")
      .bind(1, name)
      .bind(2, version)
      .bind(3, params)
      .bind(4, training_window)
      .bind(5, metrics)
      .bind(6, at)
      .run();
  tx.commit();
  return version;
}

std::optional<StoredModel> find_model(Database& db, const std::string& name, std::optional<std::int64_t> version) {
  Statement s = db.prepare(
      "SELECT version, params, training_window, metrics, created_at FROM models WHERE name = ?1 "
      "AND (?2 IS NULL OR version = ?2) ORDER BY version DESC LIMIT 1");
  s.bind(1, name).bind(2, version);
  if (!s.step()) return std::nullopt;
  return StoredModel{name, s.int64(0), s.text(1), s.text(2), s.text(3), s.int64(4)};
}

std::vector<StoredModel> list_models(Database& db) {
  Statement s = db.prepare("SELECT name, version, training_window, metrics, created_at FROM models ORDER BY name, version");
  std::vector<StoredModel> out;
  while (s.step()) out.push_back({s.text(0), s.int64(1), {}, s.text(2), s.text(3), s.int64(4)});
  return out;
}

}  // namespace bre
