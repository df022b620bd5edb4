// The workspace: one SQLite file per business holding every layer, from raw
// bronze payloads to postmortems. Schema changes are numbered migrations
// tracked in PRAGMA user_version.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "bre/core/business_time.h"
#include "bre/store/sqlite.h"

namespace bre {

int latest_schema_version();

// How much of the file reads map instead of copying (PRAGMA mmap_size).
constexpr const char* kWorkspaceMmapPragma = "PRAGMA mmap_size=268435456";
// The settings key of the business time zone (core/business_time.h): an IANA
// name, UTC when absent. `bre config set timezone`.
inline constexpr const char* kTimezoneSetting = "timezone";
// The workspace's business time zone, read from its settings.
BusinessTime business_time(Database& db);

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
  BusinessTime business_time() { return bre::business_time(*db_); }

 private:
  Workspace(std::string path, std::unique_ptr<Database> db) : path_(std::move(path)), db_(std::move(db)) {}
  std::string path_;
  std::unique_ptr<Database> db_;
};

// Resolves --workspace, then $BRE_WORKSPACE, then ./bre.sqlite.
std::string resolve_workspace_path(const std::string& flag_value);

}  // namespace bre
