#include "bre/store/event_store.h"

#include <fmt/format.h>
#include <random>
#include <nlohmann/json.hpp>

#include "bre/core/byte_codec.h"
#include "bre/core/hash.h"
#include "bre/core/json_text.h"

namespace bre {

const char* const kEventColumns =
    "event_id, event_type, event_time, ingested_at, source, source_entity_id, entity_type, entity_id, "
    "related_entity_ids, amount_minor, currency, attributes, data_quality_flags, mapping_version";

std::string new_batch_id(std::string_view prefix) {
  std::random_device rd;
  return fmt::format("{}_{}_{:08x}", prefix, compact_timestamp(now_ms()), rd());
}

void insert_batch(Database& db, const BatchRecord& b) {
  db.prepare("INSERT INTO ingest_batches(batch_id, source, inputs, mapping_version, started_at, kind) "
             "VALUES(?,?,?,?,?,?)")
      .bind(1, b.batch_id)
      .bind(2, b.source)
      .bind(3, nlohmann::json(b.inputs).dump())
      .bind(4, b.mapping_version)
      .bind(5, b.started_at)
      .bind(6, b.kind)
      .run();
}

void finish_batch(Database& db, const std::string& batch_id, const DataQualityReport& q, std::int64_t inserted,
                  std::int64_t duplicates) {
  db.prepare("UPDATE ingest_batches SET finished_at = ?, total_records = ?, valid_records = ?, rejected_records = ?, "
             "events_inserted = ?, events_duplicate = ? WHERE batch_id = ?")
      .bind(1, now_ms())
      .bind(2, q.total_records)
      .bind(3, q.valid_records)
      .bind(4, q.rejected_records)
      .bind(5, inserted)
      .bind(6, duplicates)
      .bind(7, batch_id)
      .run();
}

namespace {

constexpr const char* kInsertEvents =
    "INSERT OR IGNORE INTO events(event_id, event_type, event_time, ingested_at, source, source_entity_id, "
    "entity_type, entity_id, related_entity_ids, amount_minor, currency, attributes, data_quality_flags, "
    "schema_version, mapping_version, batch_id) VALUES";
constexpr const char* kEventRowParams = "(?,?,?,?,?,?,?,?,?,?,?,?,?,'canonical_v1',?,?)";
constexpr int kParamsPerRow = 15;

}  // namespace

EventWriter::EventWriter(Database& db, std::string batch_id)
    : db_(db),
      stmt_(db.prepare(std::string(kInsertEvents) + kEventRowParams)),
      batch_id_(std::move(batch_id)) {}

void EventWriter::bind_row(Statement& s, int first_param, const CanonicalEvent& e, std::string& flags) {
  flags.clear();  // not assign("["): GCC 12 -O2 then warns falsely (-Wrestrict)
  flags.push_back('[');
  for (std::size_t i = 0; i < e.data_quality_flags.size(); ++i) {
    if (i) flags.push_back(',');
    append_json_string(flags, e.data_quality_flags[i]);
  }
  flags.push_back(']');
  // Every parameter is bound on every call, from strings that outlive the
  // step: no copies into SQLite, no clearing of the bindings.
  const int p = first_param - 1;
  s.bind_static(p + 1, e.event_id)
      .bind_static(p + 2, to_string(e.event_type))
      .bind(p + 3, e.event_time)
      .bind(p + 4, e.ingested_at)
      .bind_static(p + 5, e.source)
      .bind_static(p + 6, e.source_entity_id)
      .bind_static(p + 7, to_string(e.entity_type))
      .bind_static(p + 8, e.entity_id)
      .bind_static(p + 9, e.related_entity_ids)
      .bind(p + 10, e.amount_minor)
      .bind_static(p + 12, e.attributes)
      .bind_static(p + 13, flags)
      .bind(p + 14, e.mapping_version)
      .bind_static(p + 15, batch_id_);
  if (e.currency.empty()) s.bind_null(p + 11);
  else s.bind_static(p + 11, e.currency);
}

bool EventWriter::insert(const CanonicalEvent& e) {
  bind_row(stmt_, 1, e, flags_);
  stmt_.step();
  stmt_.rewind();
  return db_.changes() > 0;
}

std::int64_t EventWriter::append(const std::vector<const CanonicalEvent*>& events) {
  if (!append_stmt_) {
    std::string sql = kInsertEvents;
    for (std::size_t i = 0; i < kRowsPerAppend; ++i) sql += (i ? "," : "") + std::string(kEventRowParams);
    append_stmt_.emplace(db_.prepare(sql));
    append_flags_.resize(kRowsPerAppend);
  }
  std::int64_t stored = 0;
  std::size_t i = 0;
  for (; i + kRowsPerAppend <= events.size(); i += kRowsPerAppend) {
    for (std::size_t r = 0; r < kRowsPerAppend; ++r)
      bind_row(*append_stmt_, static_cast<int>(r) * kParamsPerRow + 1, *events[i + r], append_flags_[r]);
    append_stmt_->step();
    append_stmt_->rewind();
    stored += db_.changes();
  }
  for (; i < events.size(); ++i) stored += insert(*events[i]);
  return stored;
}

BronzeSupplementalWriter::BronzeSupplementalWriter(Database& db, std::string batch_id, std::string source)
    : db_(db),
      stmt_(db.prepare("INSERT OR IGNORE INTO bronze_supplemental_raw(upload_id, source, record_kind, file_name, "
                       "record_line, record_key, raw_payload, ingested_at) VALUES(?,?,?,?,?,?,?,?)")),
      batch_id_(std::move(batch_id)),
      source_(std::move(source)) {}

bool BronzeSupplementalWriter::insert(const SourceRecord& r, TimeMs ingested_at) {
  const std::string payload = r.to_json();
  // Content-keyed, so the same record from the same file is stored once.
  const std::string key = sha256_hex(source_ + '\x1f' + r.kind + '\x1f' + payload);
  stmt_.bind(1, batch_id_)
      .bind(2, source_)
      .bind(3, r.kind)
      .bind(4, r.file)
      .bind(5, r.line)
      .bind(6, key)
      .bind(7, payload)
      .bind(8, ingested_at);
  stmt_.step();
  stmt_.reset();
  return db_.changes() > 0;
}

void upsert_entities(Database& db, const std::vector<ReferenceEntity>& entities, const std::string& source,
                     TimeMs now) {
  Statement s = db.prepare(
      "INSERT INTO entities(kind, entity_id, display_name, category, attributes, source, updated_at) "
      "VALUES(?,?,?,?,?,?,?) ON CONFLICT(kind, entity_id) DO UPDATE SET display_name = excluded.display_name, "
      "category = excluded.category, attributes = excluded.attributes, source = excluded.source, "
      "updated_at = excluded.updated_at");
  for (const ReferenceEntity& e : entities) {
    s.bind(1, e.kind).bind(2, e.entity_id).bind(3, e.display_name).bind(5, e.attributes).bind(6, source).bind(7, now);
    if (e.category.empty()) s.bind_null(4);
    else s.bind(4, e.category);
    s.run();
  }
}

void insert_reject(Database& db, const std::string& batch_id, const Problem& p, const std::string& raw_record) {
  db.prepare("INSERT INTO rejected_records(batch_id, file_name, record_line, field, reason, raw_record) "
             "VALUES(?,?,?,?,?,?)")
      .bind(1, batch_id)
      .bind(2, p.file)
      .bind(3, p.line)
      .bind(4, p.field)
      .bind(5, p.reason)
      .bind(6, raw_record)
      .run();
}

void insert_quality_report(Database& db, const DataQualityReport& q, TimeMs now) {
  db.prepare("INSERT INTO quality_reports(batch_id, source, overall_quality_score, report, created_at) "
             "VALUES(?,?,?,?,?)")
      .bind(1, q.batch_id)
      .bind(2, q.source)
      .bind(3, q.overall_quality_score)
      .bind(4, to_json(q))
      .bind(5, now)
      .run();
  Statement w = db.prepare("INSERT INTO metric_quality_weights(batch_id, metric, weight, events) VALUES(?,?,?,?)");
  for (const MetricQualityWeight& m : q.metric_weights) w.bind(1, q.batch_id).bind(2, m.metric).bind(3, m.weight).bind(4, m.events).run();
}

CanonicalEvent read_event_row(const Statement& s) {
  CanonicalEvent e;
  e.event_id = s.text(0);
  e.event_type = parse_event_type(s.text_view(1)).value_or(EventType::order_placed);
  e.event_time = s.int64(2);
  e.ingested_at = s.int64(3);
  e.source = s.text(4);
  e.source_entity_id = s.text(5);
  e.entity_type = parse_entity_type(s.text_view(6)).value_or(EntityType::order);
  e.entity_id = s.text(7);
  e.related_entity_ids = s.text(8);
  if (!s.is_null(9)) e.amount_minor = s.int64(9);
  if (!s.is_null(10)) e.currency = s.text(10);
  e.attributes = s.text(11);
  for (const auto& f : nlohmann::json::parse(s.text_view(12))) e.data_quality_flags.push_back(f.get<std::string>());
  e.mapping_version = static_cast<int>(s.int64(13));
  return e;
}

std::int64_t count_events(Database& db) { return db.query_int("SELECT count(*) FROM events"); }
std::int64_t count_live_events(Database& db) { return db.query_int("SELECT count(*) FROM live_events"); }

EventLogEnd event_log_end(Database& db) {
  return {db.query_int("SELECT coalesce(max(rowid), 0) FROM events"),
          db.query_int("SELECT coalesce(max(rowid), 0) FROM superseded_events")};
}

std::map<std::string, TimeMs> event_times(Database& db, const std::set<std::string>& ids,
                                          std::map<std::string, TimeMs>* remembered) {
  std::map<std::string, TimeMs> out;
  Statement s = db.prepare("SELECT event_time FROM events WHERE event_id = ?");
  for (const std::string& id : ids) {
    if (remembered)
      if (auto it = remembered->find(id); it != remembered->end()) {
        out.emplace(id, it->second);
        continue;
      }
    s.reset();
    s.bind(1, id);
    if (!s.step()) continue;
    out.emplace(id, s.int64(0));
    if (remembered) remembered->emplace(id, s.int64(0));
  }
  return out;
}

std::map<std::string, TimeMs> load_event_time_memo(Database& db) {
  std::map<std::string, TimeMs> out;
  Statement s = db.prepare("SELECT data FROM event_time_memo WHERE id = 1");
  if (!s.step()) return out;
  try {
    ByteReader in(s.blob_view(0), "event_time_memo_corrupt", "the event time memo");
    for (auto n = in.get<std::uint64_t>(); n > 0; --n) {
      std::string id(in.text());
      out.emplace(std::move(id), in.get<TimeMs>());
    }
    in.expect_done();
  } catch (const Error&) {  // a cache: unreadable, the times are looked up again
    out.clear();
  }
  return out;
}

void save_event_time_memo(Database& db, const std::map<std::string, TimeMs>& times) {
  ByteWriter out;
  out.put<std::uint64_t>(times.size());
  for (const auto& [id, time] : times) out.put(std::string_view(id)), out.put(time);
  const std::string bytes = out.take();
  db.prepare("INSERT OR REPLACE INTO event_time_memo(id, data) VALUES(1, ?)").bind_blob_static(1, bytes).run();
}

std::optional<TimeMs> earliest_event_after(Database& db, std::int64_t after) {
  Statement s = db.prepare("SELECT min(event_time) FROM events WHERE rowid > ?");
  s.bind(1, after);
  if (!s.step() || s.is_null(0)) return std::nullopt;
  return s.int64(0);
}

}  // namespace bre
