#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "bre/core/event_codec.h"
#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "bre/ingest/csv.h"
#include "bre/ingest/currency_conversion.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/input.h"
#include "bre/ingest/source_records.h"
#include "bre/store/currency_rates.h"
#include "bre/store/event_store.h"
#include "bre/store/migrations.h"
#include "bre/store/workspace.h"
#include "bre/ingest/event_id_set.h"
#include "decoding_reader.h"

namespace bre {

std::string home_currency(Workspace& ws) { return ws.setting("currency").value_or(""); }

void check_requested_currency(Workspace& ws, const std::string& requested) {
  if (requested.empty()) return;
  if (!currency_minor_digits(requested))
    throw Error(ErrorKind::usage, "UNKNOWN_CURRENCY", fmt::format("unknown ISO 4217 currency code '{}'", requested));
  if (const std::string home = home_currency(ws); !home.empty() && home != requested)
    throw Error(ErrorKind::usage, "CURRENCY_ALREADY_SET",
                fmt::format("workspace currency is already {}; one home currency per workspace", home));
}

void flag_timeliness(CanonicalEvent& e) {
  if (e.event_time > e.ingested_at + kFutureTolerance) e.data_quality_flags.push_back("untimely:future_event_time");
}

namespace {


[[noreturn]] void refuse_batch(std::int64_t bad_records, std::vector<Problem> problems) {
  throw Error(ErrorKind::data_invalid, "INPUT_INVALID",
              fmt::format("{} invalid record{}; nothing was written (use --skip-invalid to keep the valid ones)",
                          bad_records, bad_records == 1 ? "" : "s"),
              std::move(problems));
}


// How a batch finds out which of its events are already stored.
enum class Dedupe {
  probe_index,  // INSERT OR IGNORE against the unique index: small batches into large logs
  id_set,       // every stored id read into memory once: cheaper than a probe per event
};

// An id costs 16-32 bytes in the set; past this many the set would cost
// gigabytes, and probing the index is the affordable way.
constexpr double kMaxIdsInMemory = 16e6;

// Decided after the first, small chunk, from the input size, the bytes read
// so far and how many of that chunk's events were new. Large loads into a
// small table go faster with the indexes rebuilt once at the end than
// maintained row by row (the unique one too, when the ids are deduped in
// memory); re-reading a file already ingested must not drop and rebuild
// them, but it should not probe the index a million times either.
struct LoadPlan {
  Dedupe dedupe = Dedupe::probe_index;
  bool rebuild_indexes = false;  // drop the event indexes now, rebuild them at the end
  double expected_records = 0;   // in the whole input, extrapolated
  double expected_new = 0;       // of those, not stored yet
};
LoadPlan plan_load(std::int64_t existing, std::uint64_t input_bytes, std::uint64_t bytes_read,
                   std::int64_t records_read, std::int64_t inserted, std::int64_t offered) {
  if (input_bytes <= (8u << 20) || bytes_read == 0 || offered == 0 || bytes_read >= input_bytes) return {};
  LoadPlan plan;
  plan.expected_records = static_cast<double>(records_read) * static_cast<double>(input_bytes) /
                          static_cast<double>(bytes_read);
  plan.expected_new = plan.expected_records * static_cast<double>(inserted) / static_cast<double>(offered);
  const double stored = static_cast<double>(existing);
  plan.rebuild_indexes = plan.expected_new > stored;
  // Reading a stored id costs a small fraction of probing for one.
  const bool set_pays = plan.rebuild_indexes || plan.expected_records * 4 >= stored;
  if (set_pays && stored + plan.expected_new <= kMaxIdsInMemory) plan.dedupe = Dedupe::id_set;
  return plan;
}

// A large load into a small log is set up for writing, for the duration of
// the batch:
// - rollback-journal mode writes each page once: pages past the file's old
//   end need no journal entry, where WAL writes every page twice (into the
//   log, then the checkpoint copies it). The switch needs the only connection
//   to the file; while another one is open (bre serve) the load stays in WAL
//   mode. Atomicity is the same in both modes: a killed load leaves a hot
//   journal that the next open rolls back.
// - no memory map: in rollback mode the index rebuild would read the new
//   table through it, and its pages would count as this process's memory.
// - no foreign-key probe per event: the batch row every event refers to is
//   written first, in the same transaction.
class BulkLoadMode {
 public:
  BulkLoadMode(Database& db, bool wanted, const Logger& log) : db_(db) {
    if (!wanted) return;
    try {
      Statement s = db_.prepare("PRAGMA journal_mode=DELETE");
      rollback_journal_ = s.step() && s.text_view(0) == "delete";
    } catch (const Error&) {
      rollback_journal_ = false;
    }
    db_.exec("PRAGMA mmap_size=0; PRAGMA foreign_keys=OFF; PRAGMA threads=1");
    active_ = true;
    log.debug("ingest", "bulk_load", {{"journal_mode", rollback_journal_ ? "delete" : "wal"}});
  }
  ~BulkLoadMode() {
    if (!active_) return;
    try {
      db_.exec("PRAGMA foreign_keys=ON; PRAGMA threads=0");
      db_.exec(kWorkspaceMmapPragma);
      if (rollback_journal_) db_.exec("PRAGMA journal_mode=WAL");
    } catch (const Error&) {
      // The next open of the workspace sets all three again.
    }
  }
  // Foreign keys are off for the batch. SQLite then also prepares a
  // multi-row INSERT into events while idx_events_id is dropped; with them
  // on it refuses one ("foreign key mismatch": superseded_events references
  // event_id, which then has no unique index), if not a single-row one.
  bool foreign_keys_off() const { return active_; }
  BulkLoadMode(const BulkLoadMode&) = delete;
  BulkLoadMode& operator=(const BulkLoadMode&) = delete;

 private:
  Database& db_;
  bool active_ = false, rollback_journal_ = false;
};

// Canonical lines are rarely shorter than this, so input bytes / this bounds
// the events a file can hold from above.
constexpr std::uint64_t kMinBytesPerEvent = 128;
constexpr std::uint64_t kBulkLoadBytes = 32u << 20;

void load_stored_ids(Database& db, EventIdSet& ids) {
  Statement s = db.prepare("SELECT event_id FROM events");  // covered by idx_events_id
  while (s.step()) ids.insert(s.text_view(0));
}

struct SeenId {
  std::uint64_t id_hash;
  std::uint64_t content_hash;
  std::uint32_t path_index;
  std::int64_t line;
};

struct ContentConflict {
  std::uint32_t path_index;
  std::int64_t line, first_line;
};

// The same id twice in one batch is only acceptable for the same content.
// Input order among equal hashes, so the first occurrence is reported as
// first: (path_index, line) grows along the input. A plain sort with it as
// the tie-break is the stable sort by hash, without its buffer.
std::vector<ContentConflict> find_content_conflicts(std::vector<SeenId>& seen) {
  std::sort(seen.begin(), seen.end(), [](const SeenId& a, const SeenId& b) {
    return std::tie(a.id_hash, a.path_index, a.line) < std::tie(b.id_hash, b.path_index, b.line);
  });
  std::vector<ContentConflict> out;
  for (std::size_t i = 1; i < seen.size(); ++i)
    if (seen[i].id_hash == seen[i - 1].id_hash && seen[i].content_hash != seen[i - 1].content_hash)
      out.push_back({seen[i].path_index, seen[i].line, seen[i - 1].line});
  return out;
}

IngestResult ingest_canonical(Workspace& ws, const IngestRequest& req, const Logger& log) {
  Database& db = ws.db();
  IngestResult result;
  result.source = "events";
  result.batch_id = new_batch_id("batch");
  const TimeMs now = now_ms();
  std::string home = home_currency(ws);
  if (home.empty()) home = req.currency;
  const std::string initial_home = home;

  std::uint64_t total_bytes = 0;
  for (const std::string& p : req.paths) {
    std::error_code ec;
    if (p != "-") total_bytes += std::filesystem::file_size(p, ec);
  }
  const std::int64_t existing = count_events(db);
  BulkLoadMode bulk_mode(db, total_bytes / kMinBytesPerEvent > static_cast<std::uint64_t>(existing) &&
                              total_bytes >= kBulkLoadBytes,
                          log);
  Transaction tx(db);
  insert_batch(db, {result.batch_id, "events", req.paths, 1, now, "ingest"});
  Dedupe dedupe = Dedupe::probe_index;
  bool dedupe_decided = false, rebuild_indexes = false;
  EventIdSet ids;

  EventWriter writer(db, result.batch_id);
  QualityAccumulator quality;
  std::vector<Problem> problems;
  std::int64_t bad_records = 0;
  constexpr std::size_t kChunk = 65536, kProbe = 4096;
  std::vector<CanonicalEvent> chunk;
  chunk.reserve(kChunk);
  std::vector<std::uint32_t> order;
  std::vector<const CanonicalEvent*> rows;
  std::vector<SeenId> seen;
  std::uint64_t bytes_read = 0;

  // Writes the chunk's new events; in id order while idx_events_id is
  // maintained row by row (locality in the index), in input order while it
  // is dropped.
  auto flush = [&] {
    order.clear();
    for (std::uint32_t i = 0; i < chunk.size(); ++i)
      if (dedupe == Dedupe::probe_index || ids.insert(chunk[i].event_id)) order.push_back(i);
    const bool id_index_dropped = rebuild_indexes && dedupe == Dedupe::id_set;
    if (!id_index_dropped)
      std::sort(order.begin(), order.end(),
                [&](std::uint32_t a, std::uint32_t b) { return chunk[a].event_id < chunk[b].event_id; });
    std::int64_t inserted = 0;
    if (id_index_dropped && bulk_mode.foreign_keys_off()) {
      // Nothing can conflict: rows go in input order, several per statement.
      rows.clear();
      for (std::uint32_t i : order) rows.push_back(&chunk[i]);
      inserted = writer.append(rows);
    } else {
      for (std::uint32_t i : order) inserted += writer.insert(chunk[i]);
    }
    result.events_inserted += inserted;
    result.events_duplicate += static_cast<std::int64_t>(chunk.size()) - inserted;
    if (!dedupe_decided && !chunk.empty()) {
      dedupe_decided = true;
      const LoadPlan plan = plan_load(existing, total_bytes, bytes_read, result.records, inserted,
                                      static_cast<std::int64_t>(chunk.size()));
      dedupe = plan.dedupe;
      rebuild_indexes = plan.rebuild_indexes;
      log.debug("ingest", "dedupe_planned",
                {{"dedupe", dedupe == Dedupe::id_set ? "id_set" : "probe_index"},
                 {"rebuild_indexes", rebuild_indexes ? "yes" : "no"}, {"stored_events", existing},
                 {"expected_records", static_cast<std::int64_t>(plan.expected_records)}});
      if (dedupe != Dedupe::probe_index) {
        ids.reserve(static_cast<std::size_t>(existing) + static_cast<std::size_t>(plan.expected_new * 1.1) + kChunk);
        load_stored_ids(db, ids);
      }
      seen.reserve(static_cast<std::size_t>(plan.expected_records * 1.1));
      if (rebuild_indexes) {
        db.exec(drop_event_index_sql());
        if (dedupe == Dedupe::id_set) db.exec(drop_event_id_index_sql());
      }
    }
    chunk.clear();
  };
  auto reject = [&](Problem p, std::string_view raw) {
    ++bad_records;
    quality.add_reject(p.field, p.reason);
    if (req.skip_invalid) insert_reject(db, result.batch_id, p, std::string(raw));
    else if (problems.size() < req.max_reported_problems) problems.push_back(std::move(p));
  };

  // Lines are decoded (and their currency and timeliness checked) on worker
  // threads while this one writes.
  const unsigned decoders =
      req.decoder_threads ? req.decoder_threads : std::clamp(std::thread::hardware_concurrency(), 1u, 2u);
  DecodingReader reader(req.paths, workspace_home_currency(db, home), now, decoders);
  DecodedBlock block;
  while (reader.next(block)) {
    for (DecodedRecord& r : block.records) {
      ++result.records;
      bytes_read = r.bytes_read;
      if (!r.event) {
        // All of a record's problems, each with file, line and field.
        ++bad_records;
        for (Problem& p : r.problems) {
          quality.add_reject(p.field, p.reason);
          if (req.skip_invalid) insert_reject(db, result.batch_id, p, r.raw);
          else if (problems.size() < req.max_reported_problems) problems.push_back(std::move(p));
        }
        continue;
      }
      CanonicalEvent& e = *r.event;
      if (home.empty() && !e.currency.empty()) home = e.currency;  // as the reader decided
      seen.push_back({r.id_hash, r.content_hash, r.path_index, r.line});
      quality.add_event(e);
      if (bad_records == 0 || req.skip_invalid) {
        chunk.push_back(std::move(e));
        // The first, small chunk measures how much of the input is new (see plan_load).
        if (chunk.size() >= (dedupe_decided ? kChunk : kProbe)) flush();
      }
    }
    // While the id index is dropped, rows go in input order whatever the
    // chunk size: a block's worth at a time keeps the chunk in the cache.
    if (rebuild_indexes && dedupe == Dedupe::id_set && !chunk.empty()) flush();
    for (const auto& [file, lines] : block.files) log.debug("ingest", "file_read", {{"file", file}, {"lines", lines}});
  }
  auto reject_conflicts = [&](const std::vector<ContentConflict>& conflicts) {
    for (const ContentConflict& c : conflicts) {
      const std::string file = req.paths[c.path_index] == "-" ? "<stdin>" : req.paths[c.path_index];
      reject({file, c.line, "event_id",
              fmt::format("duplicate id with different content (first seen at line {})", c.first_line)},
             "");
    }
  };
  if (bad_records > 0 && !req.skip_invalid) {
    reject_conflicts(find_content_conflicts(seen));  // every problem in one report
    refuse_batch(bad_records, std::move(problems));
  }
  {
    // The check sorts a million hashes while this thread writes the last
    // chunk and rebuilds the indexes; the decoders' cores are free by now.
    auto conflicts = std::async(std::launch::async, [&seen] { return find_content_conflicts(seen); });
    flush();
    // A duplicate id that got past the id set would fail the unique index
    // here, and with it the whole batch.
    if (rebuild_indexes) {
      ScopedTimer t(log, "ingest", "index_build");
      db.exec(event_index_sql());
    }
    reject_conflicts(conflicts.get());
  }
  if (bad_records > 0 && !req.skip_invalid) refuse_batch(bad_records, std::move(problems));

  quality.set_total_records(result.records);
  quality.set_rejected_records(bad_records);
  result.rejected = bad_records;
  result.quality = quality.report(result.batch_id, "events");
  insert_quality_report(db, result.quality, now);
  finish_batch(db, result.batch_id, result.quality, result.events_inserted, result.events_duplicate);
  if (initial_home.empty() && !home.empty()) ws.set_setting("currency", home);
  {
    ScopedTimer t(log, "ingest", "commit");
    tx.commit();
  }
  return result;
}

IngestResult ingest_with_adapter(Workspace& ws, const IngestRequest& req, const Logger& log) {
  auto adapter = make_adapter(req.source);
  Database& db = ws.db();
  IngestResult result;
  result.source = req.source;
  result.batch_id = new_batch_id("batch");
  const TimeMs now = now_ms();

  std::vector<SourceRecord> records;
  std::vector<Problem> read_problems;
  for (const std::string& path : req.paths) read_source_records(path, *adapter, records, read_problems);
  result.records = static_cast<std::int64_t>(records.size() + read_problems.size());

  std::string home = home_currency(ws);
  const bool set_home = home.empty();
  if (home.empty()) home = req.currency.empty() ? adapter->default_currency() : req.currency;
  MapContext ctx(now, home);
  {
    ScopedTimer t(log, "ingest", "map");
    adapter->map(records, req.options, ctx);
  }

  // Every problem of every record, located; a record with any problem yields no events.
  std::vector<Problem> problems = read_problems;
  std::vector<bool> bad(records.size(), false);
  auto locate = [&](std::size_t i, std::string field, std::string reason) {
    bad[i] = true;
    problems.push_back({records[i].file, records[i].line, std::move(field), std::move(reason)});
  };
  for (auto& r : ctx.rejections()) locate(r.record_index, r.field, r.reason);
  HomeCurrency fx = workspace_home_currency(db, home);  // home is set: given, or the adapter's
  for (auto& em : ctx.events()) {
    for (Problem& p : validate_event(em.event)) locate(em.record_index, p.field, p.reason);
    if (Problem cp; !fx.apply(em.event, cp)) locate(em.record_index, cp.field, cp.reason);
  }
  const std::int64_t bad_records =
      static_cast<std::int64_t>(std::count(bad.begin(), bad.end(), true) + read_problems.size());
  if (bad_records > 0 && !req.skip_invalid) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Problem& a, const Problem& b) { return std::tie(a.file, a.line) < std::tie(b.file, b.line); });
    if (problems.size() > req.max_reported_problems) problems.resize(req.max_reported_problems);
    refuse_batch(bad_records, std::move(problems));
  }

  Transaction tx(db);
  insert_batch(db, {result.batch_id, req.source, req.paths, adapter->mapping_version(), now, "ingest"});
  const bool bulk = ctx.events().size() > 200000 && static_cast<std::int64_t>(ctx.events().size()) > count_events(db);
  if (bulk) db.exec(drop_event_index_sql());
  {
    BronzeSupplementalWriter bronze(db, result.batch_id, req.source);
    for (const SourceRecord& r : records) result.bronze_inserted += bronze.insert(r, now);
  }
  QualityAccumulator quality;
  std::map<std::pair<std::string, std::int64_t>, std::size_t> record_at;
  if (!problems.empty())
    for (std::size_t i = 0; i < records.size(); ++i) record_at.emplace(std::pair(records[i].file, records[i].line), i);
  for (const Problem& p : problems) {
    quality.add_reject(p.field, p.reason);
    auto it = record_at.find({p.file, p.line});
    insert_reject(db, result.batch_id, p, it == record_at.end() ? std::string() : records[it->second].to_json());
  }
  std::vector<CanonicalEvent*> good;
  for (auto& em : ctx.events())
    if (!bad[em.record_index]) good.push_back(&em.event);
  std::sort(good.begin(), good.end(), [](auto* a, auto* b) { return a->event_id < b->event_id; });
  {
    EventWriter writer(db, result.batch_id);
    for (CanonicalEvent* e : good) {
      flag_timeliness(*e);
      quality.add_event(*e);
      if (writer.insert(*e)) ++result.events_inserted;
      else ++result.events_duplicate;
    }
  }
  if (bulk) db.exec(event_index_sql());
  upsert_entities(db, ctx.entities(), req.source, now);
  result.entities = static_cast<std::int64_t>(ctx.entities().size());
  quality.set_total_records(result.records);
  quality.set_rejected_records(bad_records);
  result.rejected = bad_records;
  result.quality = quality.report(result.batch_id, req.source);
  insert_quality_report(db, result.quality, now);
  finish_batch(db, result.batch_id, result.quality, result.events_inserted, result.events_duplicate);
  // Only money decides the home currency: a batch without amounts leaves it open.
  const bool has_money = std::any_of(good.begin(), good.end(), [](auto* e) { return e->amount_minor.has_value(); });
  if (set_home && has_money) ws.set_setting("currency", home);
  tx.commit();
  return result;
}

}  // namespace

IngestResult ingest_files(Workspace& ws, const IngestRequest& req, const Logger& log) {
  if (req.paths.empty()) throw_usage("no input files given");
  check_requested_currency(ws, req.currency);
  ScopedTimer timer(log, "ingest", "batch");
  IngestResult r = req.source == "events" ? ingest_canonical(ws, req, log) : ingest_with_adapter(ws, req, log);
  log.info("ingest", "batch_written",
           {{"batch_id", r.batch_id}, {"source", r.source}, {"records", r.records},
            {"events_inserted", r.events_inserted}, {"events_duplicate", r.events_duplicate},
            {"rejected", r.rejected}});
  return r;
}

}  // namespace bre
