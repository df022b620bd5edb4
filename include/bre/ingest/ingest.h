// The ingest driver: reads input files, maps them through a source adapter
// (or the canonical JSON Lines path), validates every event against its
// contract, and writes bronze, events, entities, rejects and the quality
// report in ONE transaction per batch: a batch lands whole or not at all.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "bre/core/log.h"
#include "bre/ingest/adapter.h"
#include "bre/quality/quality.h"
#include "bre/store/workspace.h"

namespace bre {

struct IngestRequest {
  std::string source;              // events | olist | support_tickets | telco_churn | logistics
  std::vector<std::string> paths;  // "-" reads standard input
  bool skip_invalid = false;       // keep going and record rejects instead of refusing the batch
  AdapterOptions options;
  std::string currency;            // home currency when the workspace has none yet
  std::size_t max_reported_problems = 50;
  unsigned decoder_threads = 0;    // canonical JSON Lines: 0 = up to two, as the cores allow
};

struct IngestResult {
  std::string batch_id;
  std::string source;
  std::int64_t records = 0;
  std::int64_t events_inserted = 0;
  std::int64_t events_duplicate = 0;
  std::int64_t rejected = 0;
  std::int64_t bronze_inserted = 0;
  std::int64_t entities = 0;
  std::int64_t events_superseded = 0;  // taken back by the source (QBO deletes and voids)
  DataQualityReport quality;
};

IngestResult ingest_files(Workspace& ws, const IngestRequest& request, const Logger& log);

struct ReplayResult {
  std::string batch_id;
  std::string source;
  int mapping_version = 0;
  std::int64_t records = 0;
  std::int64_t events_inserted = 0;
  std::int64_t events_superseded = 0;
  std::string note;
};

// Re-derives silver events from bronze under the current mapping version.
// Older-version events stay in the log and are marked superseded.
ReplayResult replay_source(Workspace& ws, const std::string& source, const AdapterOptions& options,
                           const Logger& log);
// The same with a given adapter (its source() names the bronze records).
ReplayResult replay_with_adapter(Workspace& ws, const Adapter& adapter, const AdapterOptions& options,
                                 const Logger& log);

// The workspace's home currency; set by the first ingest (cli.md §4a).
std::string home_currency(Workspace& ws);
// A --currency request: a known ISO 4217 code that does not contradict the
// workspace's currency. Throws a usage error otherwise.
void check_requested_currency(Workspace& ws, const std::string& requested);
// One home currency per workspace: see HomeCurrency (currency_conversion.h),
// which converts an event in another currency at a configured rate or
// rejects it.

// Days an event may sit in the future of its ingestion before it is untimely.
inline constexpr TimeMs kFutureTolerance = kMsPerDay;
// Adds "untimely:future_event_time" when the event lies beyond that tolerance.
void flag_timeliness(CanonicalEvent& e);

}  // namespace bre
