// `bre ingest replay`: bronze is the source of truth, so a mapping fix needs
// no re-fetch. Events are re-derived under the current mapping version; the
// older-version events stay in the log and are marked superseded.
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

#include "bre/store/workspace.h"
#include "bre/core/event_codec.h"
#include "bre/ingest/currency_conversion.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/qbo.h"
#include "bre/store/currency_rates.h"
#include "bre/store/event_store.h"

namespace bre {

namespace {

std::vector<SourceRecord> load_bronze(Database& db, const std::string& source) {
  std::vector<SourceRecord> records;
  // Records of one file share one column list, as they did when read.
  std::map<std::string, std::shared_ptr<const std::vector<std::string>>> column_sets;
  Statement s = db.prepare(
      "SELECT file_name, record_line, record_kind, raw_payload FROM bronze_supplemental_raw WHERE source = ? "
      "ORDER BY raw_id");
  s.bind(1, source);
  while (s.step()) {
    auto obj = nlohmann::ordered_json::parse(s.text_view(3));
    std::vector<std::string> columns, values;
    std::string signature;
    for (auto& [k, v] : obj.items()) {
      columns.push_back(k);
      signature += k + '\x1f';
      values.push_back(v.get<std::string>());
    }
    auto& shared = column_sets[signature];
    if (!shared) shared = std::make_shared<const std::vector<std::string>>(std::move(columns));
    records.push_back({s.text(0), s.int64(1), s.text(2), shared, std::move(values)});
  }
  return records;
}

}  // namespace

ReplayResult replay_source(Workspace& ws, const std::string& source, const AdapterOptions& options,
                           const Logger& log) {
  ReplayResult result;
  result.source = source;
  if (source == "events") {
    result.note = "canonical events are their own raw records; there is nothing to re-derive";
    result.mapping_version = 1;
    return result;
  }
  if (source == "qbo") return replay_qbo(ws, options, log);  // bronze_qbo_raw, not supplemental rows
  return replay_with_adapter(ws, *make_adapter(source), options, log);
}

ReplayResult replay_with_adapter(Workspace& ws, const Adapter& adapter_ref, const AdapterOptions& options,
                                 const Logger& log) {
  const Adapter* adapter = &adapter_ref;
  const std::string source(adapter->source());
  ReplayResult result;
  result.source = source;
  result.mapping_version = adapter->mapping_version();
  Database& db = ws.db();
  const TimeMs now = now_ms();
  std::vector<SourceRecord> records = load_bronze(db, source);
  result.records = static_cast<std::int64_t>(records.size());
  if (records.empty()) {
    result.note = fmt::format("no bronze records for source '{}'", source);
    return result;
  }
  MapContext ctx(now, home_currency(ws));
  adapter->map(records, options, ctx);
  std::vector<bool> bad(records.size(), false);
  for (auto& r : ctx.rejections()) bad[r.record_index] = true;
  // The rates configured now: a record rejected earlier for want of a rate
  // yields its events once one is set.
  HomeCurrency fx = workspace_home_currency(db, home_currency(ws));
  for (auto& em : ctx.events()) {
    Problem currency_problem;
    if (!validate_event(em.event).empty() || !fx.apply(em.event, currency_problem)) bad[em.record_index] = true;
  }

  result.batch_id = new_batch_id("replay");
  Transaction tx(db);
  insert_batch(db, {result.batch_id, source, {"bronze_supplemental_raw"}, adapter->mapping_version(), now, "replay"});
  QualityAccumulator quality;
  std::int64_t duplicates = 0;
  {
    EventWriter writer(db, result.batch_id);
    for (auto& em : ctx.events()) {
      if (bad[em.record_index]) continue;
      quality.add_event(em.event);
      if (writer.insert(em.event)) ++result.events_inserted;
      else ++duplicates;
    }
  }
  Statement supersede = db.prepare(
      "INSERT OR IGNORE INTO superseded_events(event_id, superseded_by_batch) "
      "SELECT event_id, ? FROM live_events WHERE source = ? AND mapping_version < ?");
  supersede.bind(1, result.batch_id).bind(2, source).bind(3, adapter->mapping_version()).run();
  result.events_superseded = db.changes();
  upsert_entities(db, ctx.entities(), source, now);
  quality.set_total_records(result.records);
  quality.set_rejected_records(static_cast<std::int64_t>(std::count(bad.begin(), bad.end(), true)));
  DataQualityReport q = quality.report(result.batch_id, source);
  insert_quality_report(db, q, now);
  finish_batch(db, result.batch_id, q, result.events_inserted, duplicates);
  tx.commit();
  log.info("ingest", "replay_written",
           {{"source", source}, {"mapping_version", result.mapping_version},
            {"events_inserted", result.events_inserted}, {"events_superseded", result.events_superseded}});
  return result;
}

}  // namespace bre
