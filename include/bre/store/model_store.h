// Trained models in the workspace's models table: each save of a name is a
// new version (1, 2, ...), never an overwrite, so a score can always name the
// exact model behind it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/store/sqlite.h"

namespace bre {

struct StoredModel {
  std::string name;
  std::int64_t version = 0;
  std::string params;           // JSON
  std::string training_window;  // JSON: the rows it learned from
  std::string metrics;          // JSON
  TimeMs created_at = 0;
};

// Returns the version given to this save.
std::int64_t save_model(Database& db, const std::string& name, const std::string& params,
                        const std::string& training_window, const std::string& metrics, TimeMs at);
// The given version, or the newest when version is empty; nullopt when absent.
std::optional<StoredModel> find_model(Database& db, const std::string& name, std::optional<std::int64_t> version = {});
// Every version of every model, by name then version (params left out: they can be large).
std::vector<StoredModel> list_models(Database& db);

}  // namespace bre
