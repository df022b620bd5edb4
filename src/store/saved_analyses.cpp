#include "bre/store/saved_analyses.h"

#include "bre/core/error.h"

namespace bre {

namespace {

// The two tables share one shape: (id, payload, created_at).
struct Table {
  const char* name;
  const char* id_column;
  const char* not_found_code;
  const char* noun;
};
constexpr Table kScenarios{"scenarios", "scenario_id", "SCENARIO_NOT_FOUND", "scenario"};
constexpr Table kComparisons{"comparisons", "comparison_id", "COMPARISON_NOT_FOUND", "comparison"};

void save(Database& db, const Table& t, const std::string& id, const std::string& payload, TimeMs at) {
  db.prepare(std::string("INSERT INTO ") + t.name + "(" + t.id_column + ", payload, created_at) VALUES(?,?,?) " +
             "ON CONFLICT(" + t.id_column + ") DO UPDATE SET payload = excluded.payload, created_at = excluded.created_at")
      .bind(1, id)
      .bind(2, payload)
      .bind(3, at)
      .run();
}

std::string find(Database& db, const Table& t, const std::string& id) {
  Statement s = db.prepare(std::string("SELECT payload FROM ") + t.name + " WHERE " + t.id_column + " = ?");
  s.bind(1, id);
  if (!s.step()) throw Error(ErrorKind::not_found, t.not_found_code, std::string("no such ") + t.noun, id);
  return s.text(0);
}

std::vector<std::string> list(Database& db, const Table& t) {
  Statement s = db.prepare(std::string("SELECT payload FROM ") + t.name + " ORDER BY created_at DESC, " + t.id_column);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

}  // namespace

void save_scenario(Database& db, const std::string& id, const std::string& payload, TimeMs at) {
  save(db, kScenarios, id, payload, at);
}
std::string find_scenario(Database& db, const std::string& id) { return find(db, kScenarios, id); }
std::vector<std::string> list_scenarios(Database& db) { return list(db, kScenarios); }

void save_comparison(Database& db, const std::string& id, const std::string& payload, TimeMs at) {
  save(db, kComparisons, id, payload, at);
}
std::string find_comparison(Database& db, const std::string& id) { return find(db, kComparisons, id); }
std::vector<std::string> list_comparisons(Database& db) { return list(db, kComparisons); }

}  // namespace bre
