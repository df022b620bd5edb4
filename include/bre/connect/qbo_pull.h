// `bre ingest qbo` without --from-dir: pull from the QuickBooks Online API and
// feed the responses through the same parsing, bronze and mapping path as
// saved pages (ingest_qbo_objects).
//
// Which requests a pull makes (docs/qbo-sync.md):
// - an entity type without a bookmark, or whose bookmark is older than the
//   CDC look-back (30 days, less a safety hour), or every type with --full:
//   a full query pull, page by page; ids known from earlier pulls of this
//   company that it no longer returns are recorded as deleted;
// - every other type: one CDC request since the oldest bookmark (full
//   payloads, deletes as stubs). CDC answers at most 1,000 objects across
//   all types: at the cap it is asked again type by type, and a type still at
//   the cap falls back to a full pull;
// - changes queued by webhooks (qbo_webhook_events) are read one by one.
// Every response is committed to qbo_pull_pages as it arrives, so a pull
// that fails midway resumes on the next run without fetching it again; the
// ingest, the new bookmarks and the end of the pull commit together.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/connect/oauth.h"
#include "bre/ingest/qbo.h"

namespace bre::connect {

inline constexpr TimeMs kQboCdcLookBackMs = 30LL * 24 * 3600 * 1000;
inline constexpr TimeMs kQboCdcSafetyMs = 3600 * 1000;

struct QboApiIngestRequest {
  QboPullOptions pull;
  std::optional<TimeMs> as_of;
  std::string currency;
  bool full = false;  // ignore bookmarks: full pull of every type
};

struct QboPullReport {
  std::string pull_id;
  bool resumed = false;
  std::vector<std::string> full_entities;  // as planned (CDC overflow adds more at run time)
  std::vector<std::string> cdc_entities;
  std::optional<TimeMs> changed_since;
  std::int64_t requests_made = 0;    // this run
  std::int64_t responses_reused = 0; // saved by an interrupted run
  std::int64_t webhook_changes = 0;
  std::int64_t deletes_inferred = 0; // known ids a full pull no longer returned
};

// The CDC-or-full decision for one entity type (pure, for tests).
enum class QboPullKind { full, cdc };
QboPullKind choose_pull_kind(std::optional<TimeMs> bookmark, TimeMs now, bool force_full);

// Uses the workspace's stored connection (refreshing tokens as needed).
IngestResult ingest_qbo_api(Workspace& ws, const QboApiIngestRequest& request, const Logger& log,
                            RetryPolicy retry = {}, QboPullReport* report = nullptr);

}  // namespace bre::connect
