// `bre ingest qbo --from-dir DIR` and `bre ingest replay --source qbo`.
// Saved API responses go to bronze_qbo_raw (one row per entity version,
// INSERT OR IGNORE on its unique key), then ALL QBO bronze is mapped again:
// invoice state depends on payments that may have arrived in an earlier run,
// and event ids are content-derived, so re-mapping adds only what is new.
// Bronze, events, entities and the quality report share one transaction.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "bre/store/workspace.h"
#include "bre/core/event_codec.h"
#include "bre/core/money.h"
#include "bre/ingest/currency_conversion.h"
#include "bre/ingest/qbo.h"
#include "bre/store/currency_rates.h"
#include "bre/store/event_store.h"

namespace bre {

namespace {

std::vector<std::string> json_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorKind::no_input, "INPUT_MISSING", fmt::format("no such directory '{}'", dir), dir);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::io, "READ_FAILED", fmt::format("cannot read '{}'", path), path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<QboObject> load_bronze(Database& db) {
  std::vector<QboObject> out;
  Statement s = db.prepare(
      "SELECT entity_type, sync_token, operation, raw_payload FROM bronze_qbo_raw WHERE source = 'qbo' ORDER BY raw_id");
  while (s.step()) out.push_back(qbo_object_from_bronze(s.text(0), s.text(1), s.text_view(2), s.text(3)));
  return out;
}

struct Written {
  std::int64_t inserted = 0, duplicates = 0, superseded = 0, entities = 0, bad_records = 0;
  DataQualityReport quality;
};

// Maps all QBO bronze and writes events, entities and the quality report into
// the caller's transaction. With `strict`, any invalid object refuses the
// batch (nothing is written); otherwise (replay) its events are skipped.
Written map_and_write(Workspace& ws, const std::string& batch_id, TimeMs as_of, TimeMs now, std::string& home,
                      bool strict, std::int64_t total_records) {
  Database& db = ws.db();
  const std::vector<QboObject> objects = load_bronze(db);
  MapContext ctx(now, home);
  map_qbo_objects(objects, as_of, ctx);

  std::vector<Problem> problems;
  std::vector<bool> bad(objects.size(), false);
  auto locate = [&](std::size_t i, std::string field, std::string reason) {
    bad[i] = true;
    problems.push_back({fmt::format("{} {}", objects[i].entity_type, objects[i].id), 0, std::move(field), std::move(reason)});
  };
  for (auto& r : ctx.rejections()) locate(r.record_index, r.field, r.reason);
  HomeCurrency fx = workspace_home_currency(db, home);
  for (auto& em : ctx.events()) {
    for (Problem& p : validate_event(em.event)) locate(em.record_index, p.field, p.reason);
    if (Problem p; !fx.apply(em.event, p)) locate(em.record_index, p.field, p.reason);
  }
  home = fx.code();  // the first currency seen, when the workspace had none
  Written w;
  w.bad_records = std::count(bad.begin(), bad.end(), true);
  if (w.bad_records > 0 && strict)
    throw Error(ErrorKind::data_invalid, "INPUT_INVALID",
                fmt::format("{} invalid QBO object{}; nothing was written", w.bad_records, w.bad_records == 1 ? "" : "s"),
                std::move(problems));

  QualityAccumulator quality;
  for (const Problem& p : problems) {
    quality.add_reject(p.field, p.reason);
    insert_reject(db, batch_id, p, "");
  }
  std::vector<CanonicalEvent*> good;
  for (auto& em : ctx.events())
    if (!bad[em.record_index]) good.push_back(&em.event);
  std::sort(good.begin(), good.end(), [](auto* a, auto* b) { return a->event_id < b->event_id; });
  {
    EventWriter writer(db, batch_id);
    for (CanonicalEvent* e : good) {
      flag_timeliness(*e);
      quality.add_event(*e);
      if (writer.insert(*e)) ++w.inserted;
      else ++w.duplicates;
    }
  }
  // Deleted and voided entities: their earlier events leave live_events.
  Statement retract = db.prepare(
      "INSERT OR IGNORE INTO superseded_events(event_id, superseded_by_batch) "
      "SELECT event_id, ? FROM events WHERE event_id = ?");
  for (const std::string& id : ctx.retracted()) {
    retract.bind(1, batch_id).bind(2, id).run();
    w.superseded += db.changes();
  }
  upsert_entities(db, ctx.entities(), "qbo", now);
  w.entities = static_cast<std::int64_t>(ctx.entities().size());
  quality.set_total_records(total_records);
  quality.set_rejected_records(w.bad_records);
  w.quality = quality.report(batch_id, "qbo");
  insert_quality_report(db, w.quality, now);
  finish_batch(db, batch_id, w.quality, w.inserted, w.duplicates);
  return w;
}

// Everything known is as of the newest change QBO reported.
TimeMs latest_known(Database& db, std::optional<TimeMs> seen) {
  TimeMs t = seen.value_or(0);
  for (const QboObject& o : load_bronze(db)) t = std::max(t, o.last_updated);
  return t;
}

}  // namespace

IngestResult ingest_qbo_pages(Workspace& ws, const QboPagesRequest& req, const Logger& log) {
  if (req.dir.empty()) throw_usage("--from-dir is required");
  check_requested_currency(ws, req.currency);
  ScopedTimer timer(log, "ingest", "qbo_pages");
  QboObjectsBatch batch;
  batch.inputs = json_files(req.dir);
  batch.as_of = req.as_of;
  batch.currency = req.currency;
  // Parse everything before writing anything: a bad page refuses the batch.
  for (const std::string& f : batch.inputs) {
    QboPage page;
    try {
      page = parse_qbo_page(read_file(f));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::data_invalid) throw;
      throw Error(ErrorKind::data_invalid, "INPUT_INVALID", fmt::format("{}: {}", f, e.what()),
                  std::vector<Problem>{{f, 0, "", e.what()}});
    }
    if (page.time) batch.newest_response = std::max(batch.newest_response.value_or(*page.time), *page.time);
    for (QboObject& o : page.objects) batch.objects.push_back(std::move(o));
  }
  return ingest_qbo_objects(ws, std::move(batch), log);
}

IngestResult ingest_qbo_objects(Workspace& ws, QboObjectsBatch batch, const Logger& log) {
  check_requested_currency(ws, batch.currency);
  Database& db = ws.db();
  IngestResult result;
  result.source = "qbo";
  result.batch_id = new_batch_id("batch");
  const TimeMs now = now_ms();
  std::string home = home_currency(ws);
  const bool set_home = home.empty();
  if (home.empty()) home = batch.currency;

  Transaction tx(db);
  insert_batch(db, {result.batch_id, "qbo", batch.inputs, kQboMappingVersion, now, "ingest"});
  Statement bronze = db.prepare(
      "INSERT OR IGNORE INTO bronze_qbo_raw(entity_id, entity_type, source, operation, sync_token, raw_payload, "
      "ingested_at, batch_id) VALUES(?,?,'qbo',?,?,?,?,?)");
  for (const QboObject& o : batch.objects) {
    ++result.records;
    bronze.bind(1, o.id).bind(2, o.entity_type).bind(3, to_string(o.operation)).bind(4, o.sync_token);
    bronze.bind(5, o.payload).bind(6, now).bind(7, result.batch_id).run();
    result.bronze_inserted += db.changes();
  }
  const TimeMs as_of = batch.as_of ? *batch.as_of : latest_known(db, batch.newest_response);
  Written w = map_and_write(ws, result.batch_id, as_of, now, home, true, result.records);
  result.events_inserted = w.inserted;
  result.events_duplicate = w.duplicates;
  result.events_superseded = w.superseded;
  result.entities = w.entities;
  result.rejected = w.bad_records;
  result.quality = std::move(w.quality);
  if (set_home && !home.empty() && result.events_inserted + result.events_duplicate > 0) ws.set_setting("currency", home);
  if (batch.before_commit) batch.before_commit(db, result.batch_id);
  tx.commit();
  log.info("ingest", "batch_written",
           {{"batch_id", result.batch_id}, {"source", "qbo"}, {"records", result.records},
            {"bronze_inserted", result.bronze_inserted}, {"events_inserted", result.events_inserted},
            {"events_duplicate", result.events_duplicate}, {"events_superseded", result.events_superseded},
            {"as_of", format_iso8601(as_of)}});
  return result;
}

ReplayResult replay_qbo(Workspace& ws, const AdapterOptions& options, const Logger& log) {
  Database& db = ws.db();
  ReplayResult result;
  result.source = "qbo";
  result.mapping_version = kQboMappingVersion;
  result.records = db.query_int("SELECT count(*) FROM bronze_qbo_raw WHERE source = 'qbo'");
  if (result.records == 0) {
    result.note = "no bronze records for source 'qbo'";
    return result;
  }
  const TimeMs now = now_ms();
  result.batch_id = new_batch_id("replay");
  std::string home = home_currency(ws);
  Transaction tx(db);
  insert_batch(db, {result.batch_id, "qbo", {"bronze_qbo_raw"}, kQboMappingVersion, now, "replay"});
  const TimeMs as_of = options.as_of ? *options.as_of : latest_known(db, std::nullopt);
  Written w = map_and_write(ws, result.batch_id, as_of, now, home, false, result.records);
  result.events_inserted = w.inserted;
  Statement supersede = db.prepare(
      "INSERT OR IGNORE INTO superseded_events(event_id, superseded_by_batch) "
      "SELECT event_id, ? FROM live_events WHERE source = 'qbo' AND mapping_version < ?");
  supersede.bind(1, result.batch_id).bind(2, kQboMappingVersion).run();
  result.events_superseded = db.changes();
  tx.commit();
  log.info("ingest", "replay_written",
           {{"source", "qbo"}, {"mapping_version", result.mapping_version},
            {"events_inserted", result.events_inserted}, {"events_superseded", result.events_superseded}});
  return result;
}

}  // namespace bre
