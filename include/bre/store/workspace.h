// The workspace: one SQLite file per business holding every layer, from raw
// bronze payloads to postmortems. Schema changes are numbered migrations
// tracked in PRAGMA user_version.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "bre/store/sqlite.h"

namespace bre {

int latest_schema_version();

// How much of the file reads map instead of copying (PRAGMA mmap_size).
constexpr const char* kWorkspaceMmapPragma = "PRAGMA mmap_size=268435456";

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  bool created = false;
};

class Workspace {
 public:
  // Opens an existing workspace (migrating an older schema forward) or, with
  // create = true, creates it. A workspace written by a newer bre is refused.
  static std::unique_ptr<Workspace> open(const std::string& path, bool create, MigrationReport* report = nullptr);

  Database& db() { return *db_; }
  const std::string& path() const { return path_; }

  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

 private:
  Workspace(std::string path, std::unique_ptr<Database> db) : path_(std::move(path)), db_(std::move(db)) {}
  std::string path_;
  std::unique_ptr<Database> db_;
};

// Resolves --workspace, then $BRE_WORKSPACE, then ./bre.sqlite.
std::string resolve_workspace_path(const std::string& flag_value);

}  // namespace bre
