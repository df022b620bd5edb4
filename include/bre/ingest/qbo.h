// QuickBooks Online: saved API response bodies (query pages, single reads,
// CDC responses) parsed into versioned objects, and those objects mapped to
// canonical events (docs/mappings/qbo.md). Network, OAuth and webhooks live
// elsewhere; everything here works on response text, so it is testable
// offline and replayable from bronze.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/log.h"
#include "bre/core/time.h"
#include "bre/ingest/adapter.h"
#include "bre/ingest/ingest.h"
#include "bre/store/workspace.h"

namespace bre {

// Bumped whenever the QBO mapping changes; part of every QBO event id.
inline constexpr int kQboMappingVersion = 1;

enum class QboOperation : std::uint8_t { Create, Update, Delete };
std::string_view to_string(QboOperation op);
std::optional<QboOperation> parse_qbo_operation(std::string_view s);

// One version of one QBO entity, as the API returned it.
struct QboObject {
  std::string entity_type;  // "Invoice", "Payment", ...
  std::string id;
  std::string sync_token;   // "" for a CDC delete stub (it carries none)
  QboOperation operation = QboOperation::Create;
  TimeMs last_updated = 0;  // MetaData.LastUpdatedTime; 0 when absent
  std::string payload;      // the object's JSON text exactly as received (money stays exact)
};

// One response body. Query pages without matches and counts yield no objects.
struct QboPage {
  std::vector<QboObject> objects;
  std::optional<TimeMs> time;  // the envelope "time"
  std::optional<std::int64_t> start_position, max_results, total_count;
};

// Accepts {"QueryResponse":{...}}, {"<Entity>":{...}} (single read) and
// {"CDCResponse":[{"QueryResponse":[...]}]}. Throws Error(data_invalid) for
// anything else (a Fault body, malformed JSON, an object without Id).
QboPage parse_qbo_page(std::string_view json);

// Rebuilds a bronze row into an object (re-reads Id/MetaData from the payload).
QboObject qbo_object_from_bronze(std::string entity_type, std::string sync_token, std::string_view operation,
                                 std::string payload);

// A delete stub as CDC returns it ({"domain":"QBO","status":"Deleted",...}),
// for an entity a full pull no longer returns.
QboObject qbo_delete_stub(std::string entity_type, std::string id, TimeMs seen_missing_at);

// Maps every object's latest version (highest SyncToken) to canonical events
// and reference entities. `as_of` decides which invoices are overdue.
// Entities with a delete stub or whose latest version is voided map to
// nothing, and the events their earlier versions produced are reported via
// ctx.retract(). Problems are reported via ctx.reject() with the index of the
// object in `objects`.
void map_qbo_objects(const std::vector<QboObject>& objects, TimeMs as_of, MapContext& ctx);

struct QboPagesRequest {
  std::string dir;               // every *.json in it, by name
  std::optional<TimeMs> as_of;   // default: the latest response time / LastUpdatedTime seen
  std::string currency;          // home currency when the workspace has none yet
};

// `bre ingest qbo --from-dir DIR`: bronze, events, entities and the quality
// report in one transaction. Running it twice adds nothing.
IngestResult ingest_qbo_pages(Workspace& ws, const QboPagesRequest& request, const Logger& log);

// The same for objects already parsed (a pull's responses): bronze (INSERT
// OR IGNORE), then all QBO bronze mapped again, retracted events superseded.
struct QboObjectsBatch {
  std::vector<QboObject> objects;
  std::vector<std::string> inputs;         // recorded in ingest_batches.inputs
  std::optional<TimeMs> newest_response;   // envelope time, for the default as_of
  std::optional<TimeMs> as_of;
  std::string currency;
  // Runs inside the batch's transaction just before it commits, so that what
  // a pull records about itself lands with the data or not at all.
  std::function<void(Database&, const std::string& batch_id)> before_commit;
};
IngestResult ingest_qbo_objects(Workspace& ws, QboObjectsBatch batch, const Logger& log);

// `bre ingest replay --source qbo`: re-maps all QBO bronze.
ReplayResult replay_qbo(Workspace& ws, const AdapterOptions& options, const Logger& log);

}  // namespace bre
