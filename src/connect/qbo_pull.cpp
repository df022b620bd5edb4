// Pulls every page into a private temporary directory (mode 0700), then hands
// it to ingest_qbo_pages: one parser, one bronze writer, one mapping.
#include "bre/connect/qbo_pull.h"

#include <stdlib.h>

#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "bre/core/error.h"

namespace bre::connect {

namespace {

class PrivateTempDir {
 public:
  PrivateTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bre-qbo-pull-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw_io("cannot create a temporary directory", tmpl);
    path_ = tmpl;
  }
  ~PrivateTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

IngestResult ingest_qbo_api(Workspace& ws, const QboApiIngestRequest& request, const Logger& log, RetryPolicy retry) {
  const TokenVault vault = TokenVault::for_workspace(ws.path());
  QboSession session(ws, vault, qbo_endpoints_from_env(), log, std::move(retry));
  PrivateTempDir dir;
  int seq = 0;
  std::int64_t objects = 0;
  {
    ScopedTimer timer(log, "ingest", "qbo_api_pull");
    objects = pull_qbo_pages(session, request.pull, [&](const std::string& entity, int page, const std::string& body) {
      const std::string file = fmt::format("{}/{:04}-{}-p{:04}.json", dir.path(), ++seq, entity, page);
      std::ofstream out(file, std::ios::binary);
      out << body;
      if (!out.flush()) throw_io("cannot write a temporary page", file);
    });
  }
  log.info("ingest", "qbo_api_pulled",
           {{"realm_id", session.realm_id()}, {"pages", seq}, {"objects", objects},
            {"token_refreshes", session.refreshes()}});
  QboPagesRequest pages{dir.path(), request.as_of, request.currency};
  return ingest_qbo_pages(ws, pages, log);
}

}  // namespace bre::connect
