// What-if scenarios and incident comparisons kept in the workspace by their
// deterministic ids (tables scenarios and comparisons): saving the same
// analysis again replaces it, so re-running is harmless.
#pragma once
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/store/sqlite.h"

namespace bre {

void save_scenario(Database& db, const std::string& scenario_id, const std::string& payload, TimeMs at);
// not_found (SCENARIO_NOT_FOUND) for an unknown id.
std::string find_scenario(Database& db, const std::string& scenario_id);
// Payloads, newest first.
std::vector<std::string> list_scenarios(Database& db);

void save_comparison(Database& db, const std::string& comparison_id, const std::string& payload, TimeMs at);
// not_found (COMPARISON_NOT_FOUND) for an unknown id.
std::string find_comparison(Database& db, const std::string& comparison_id);
std::vector<std::string> list_comparisons(Database& db);

}  // namespace bre
