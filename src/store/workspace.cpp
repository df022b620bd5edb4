#include "bre/store/workspace.h"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/store/migrations.h"

namespace bre {

int latest_schema_version() { return static_cast<int>(migrations().size()); }

std::string resolve_workspace_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("BRE_WORKSPACE"); env && *env) return env;
  return "bre.sqlite";
}

std::unique_ptr<Workspace> Workspace::open(const std::string& path, bool create, MigrationReport* report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  if (!existed && !create)
    throw Error(ErrorKind::no_input, "WORKSPACE_NOT_FOUND",
                "no workspace here (create one with 'bre init' or pass --workspace)", path);
  if (existed && fs::is_directory(path, ec))
    throw Error(ErrorKind::cant_create, "WORKSPACE_CANNOT_BE_CREATED", "workspace path is a directory", path);

  auto db = std::make_unique<Database>(path, create ? Database::Mode::create : Database::Mode::read_write);
  // A file that is not SQLite fails here, on the first read.
  int version;
  try {
    version = static_cast<int>(db->query_int("PRAGMA user_version"));
  } catch (const Error& e) {
    throw Error(ErrorKind::cant_create, "WORKSPACE_INVALID", fmt::format("not a bre workspace: {}", e.what()), path);
  }
  const int latest = latest_schema_version();
  if (version > latest)
    throw Error(ErrorKind::cant_create, "WORKSPACE_TOO_NEW",
                fmt::format("workspace schema version {} is newer than this bre supports ({}); upgrade bre", version,
                            latest),
                path);
  // 16 KiB pages for a new workspace: a quarter of the B-tree pages, WAL
  // frames and page writes of the 4 KiB default for the same events. Only an
  // empty database takes it; an existing one keeps its page size.
  if (version == 0) db->exec("PRAGMA page_size=16384");
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=NORMAL");
  // Reads map the file instead of copying each 16 KiB page through pread: a
  // scan walks the events table by index (random rowids), and with SQLite's
  // 2 MB default page cache every lookup was a system call and a copy.
  db->exec(kWorkspaceMmapPragma);

  if (version < latest) {
    // Foreign keys are off while migrating (a migration may rebuild a table
    // others reference, which SQLite's procedure for it requires) and checked
    // before the commit instead.
    db->exec("PRAGMA foreign_keys=OFF");
    Transaction tx(*db);
    for (int v = version; v < latest; ++v) db->exec(migrations()[static_cast<std::size_t>(v)]);
    if (version == 0) db->exec(event_index_sql());
    if (db->prepare("PRAGMA foreign_key_check").step())
      throw Error(ErrorKind::internal, "MIGRATION_FAILED",
                  fmt::format("migrating the workspace from version {} to {} broke a foreign key", version, latest),
                  path);
    db->exec(fmt::format("PRAGMA user_version={}", latest));
    tx.commit();
  }
  db->exec("PRAGMA foreign_keys=ON");
  if (report) *report = MigrationReport{version, latest, !existed};
  return std::unique_ptr<Workspace>(new Workspace(path, std::move(db)));
}

BusinessTime business_time(Database& db) {
  Statement s = db.prepare("SELECT value FROM settings WHERE key = ?");
  s.bind(1, kTimezoneSetting);
  return s.step() ? BusinessTime(s.text_view(0)) : BusinessTime();
}

std::optional<std::string> Workspace::setting(const std::string& key) {
  Statement s = db_->prepare("SELECT value FROM settings WHERE key = ?");
  s.bind(1, key);
  if (s.step()) return s.text(0);
  return std::nullopt;
}

void Workspace::set_setting(const std::string& key, const std::string& value) {
  db_->prepare("INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, key)
      .bind(2, value)
      .run();
}

}  // namespace bre
