#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "bre/core/error.h"
#include "bre/store/currency_rates.h"
#include "bre/store/event_store.h"
#include "bre/store/migrations.h"
#include "bre/store/workspace.h"
#include "test_support.h"

using namespace bre;

TEST_CASE("workspace: init creates the schema and reopening is a no-op") {
  TempDir dir;
  const std::string path = dir.file("ws.sqlite");
  MigrationReport report;
  {
    auto ws = Workspace::open(path, true, &report);
    CHECK(report.created);
    CHECK(report.from_version == 0);
    CHECK(report.to_version == latest_schema_version());
    CHECK(ws->db().query_int("PRAGMA user_version") == latest_schema_version());
    CHECK(ws->db().query_int("PRAGMA foreign_keys") == 1);
    Statement s = ws->db().prepare("PRAGMA journal_mode");
    REQUIRE(s.step());
    CHECK(s.text(0) == "wal");
    for (const char* table : {"bronze_qbo_raw", "bronze_supplemental_raw", "events", "ingest_batches",
                              "quality_reports", "rejected_records", "runs", "metrics_daily", "incidents", "cascades",
                              "causal_chains", "postmortems", "monitors", "monitor_alerts", "scenarios", "comparisons",
                              "connections", "models", "entities"}) {
      Statement t = ws->db().prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
      t.bind(1, table);
      REQUIRE(t.step());
      CHECK_MESSAGE(t.int64(0) == 1, table);
    }
  }
  auto again = Workspace::open(path, true, &report);
  CHECK_FALSE(report.created);
  CHECK(report.from_version == report.to_version);
}

TEST_CASE("workspace: missing, foreign and too-new files are clear errors") {
  TempDir dir;
  try {
    Workspace::open(dir.file("nope.sqlite"), false);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "WORKSPACE_NOT_FOUND");
    CHECK(exit_code(e.kind()) == 66);
  }
  {
    std::ofstream(dir.file("text.sqlite")) << "this is not a database, just some text long enough to look like one";
    CHECK_THROWS_AS(Workspace::open(dir.file("text.sqlite"), false), Error);
  }
  const std::string path = dir.file("future.sqlite");
  Workspace::open(path, true)->db().exec("PRAGMA user_version = 999");
  try {
    Workspace::open(path, false);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "WORKSPACE_TOO_NEW");
    CHECK(std::string(e.what()).find("newer than this bre") != std::string::npos);
    CHECK(exit_code(e.kind()) == 73);
  }
}

TEST_CASE("workspace: the database itself refuses edits to the event log and bronze") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  Database& db = ws->db();
  insert_batch(db, {"b1", "events", {"x"}, 1, 0, "ingest"});
  CanonicalEvent e;
  e.event_id = "ev_1";
  e.source = "s";
  e.source_entity_id = "x";
  e.entity_id = "x";
  EventWriter(db, "b1").insert(e);
  db.exec("INSERT INTO bronze_qbo_raw(entity_id, entity_type, operation, raw_payload, ingested_at, batch_id) "
          "VALUES('1','Invoice','Create','{}',0,'b1')");
  db.exec("INSERT INTO bronze_supplemental_raw(upload_id, source, record_kind, file_name, record_line, record_key, "
          "raw_payload, ingested_at) VALUES('b1','olist','orders','f',1,'k','{}',0)");
  for (const char* sql : {"UPDATE events SET amount_minor = 1", "DELETE FROM events",
                          "UPDATE bronze_qbo_raw SET raw_payload = '[]'", "DELETE FROM bronze_qbo_raw",
                          "UPDATE bronze_supplemental_raw SET raw_payload = '[]'",
                          "DELETE FROM bronze_supplemental_raw"}) {
    CHECK_THROWS_WITH_AS(db.exec(sql), doctest::Contains("append-only"), Error);
  }
  CHECK(count_events(db) == 1);
  CHECK(db.query_int("SELECT count(*) FROM bronze_qbo_raw") == 1);
}

namespace {

// A workspace as bre wrote it at schema version 2, with its event indexes of then.
void create_v2_workspace(const std::string& path) {
  Database db(path, Database::Mode::create);
  db.exec("PRAGMA journal_mode=WAL");
  Transaction tx(db);
  db.exec(migrations()[0]);
  db.exec(migrations()[1]);
  db.exec("CREATE INDEX idx_events_time ON events(event_time);"
          "CREATE INDEX idx_events_type_time ON events(event_type, event_time);"
          "CREATE INDEX idx_events_source ON events(source, mapping_version);"
          "PRAGMA user_version=2");
  tx.commit();
}

std::vector<std::string> event_rows(Database& db) {
  std::vector<std::string> rows;
  Statement s = db.prepare(
      "SELECT rowid, event_id, event_type, event_time, ingested_at, source, source_entity_id, entity_type, entity_id, "
      "related_entity_ids, coalesce(amount_minor, 'null'), coalesce(currency, 'null'), attributes, "
      "data_quality_flags, schema_version, mapping_version, batch_id FROM events ORDER BY rowid");
  while (s.step()) {
    std::string row;
    for (int c = 0; c < 17; ++c) row += s.text(c) + '|';
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("workspace: appending events several to a statement stores the rows and rowids of one by one") {
  // 37 events: two full groups of EventWriter::kRowsPerAppend and a rest,
  // with and without amounts, flags and related ids.
  std::vector<CanonicalEvent> events(2 * EventWriter::kRowsPerAppend + 5);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CanonicalEvent& e = events[i];
    e.event_id = "ev_" + std::to_string(1000 - i);  // not in rowid order
    e.event_type = i % 2 ? EventType::payment_received : EventType::order_placed;
    e.event_time = 1700000000000 + static_cast<TimeMs>(i) * 60000;
    e.ingested_at = 1700000009000;
    e.source = i % 3 ? "shop" : "books";
    e.source_entity_id = "x" + std::to_string(i);
    e.entity_id = "o" + std::to_string(i % 5);
    if (i % 4 == 0) e.related_entity_ids = R"({"customer":"c)" + std::to_string(i) + R"("})";
    if (i % 2) {
      e.amount_minor = static_cast<std::int64_t>(i) * 125;
      e.currency = "USD";
    }
    e.attributes = R"({"n":)" + std::to_string(i) + "}";
    if (i % 7 == 0) e.data_quality_flags = {"untimely:future_event_time", "incomplete:\"x\""};
    e.mapping_version = 1 + static_cast<int>(i % 2);
  }
  auto dump = [](Database& db) {
    std::string out;
    Statement s = db.prepare("SELECT rowid, * FROM events ORDER BY rowid");
    while (s.step()) {
      for (int c = 0; c < 17; ++c) out += (s.is_null(c) ? std::string("NULL") : s.text(c)) + "|";
      out += "\n";
    }
    return out;
  };
  TempDir dir;
  auto one = Workspace::open(dir.file("one.sqlite"), true);
  auto many = Workspace::open(dir.file("many.sqlite"), true);
  std::vector<const CanonicalEvent*> rows;
  for (Workspace* ws : {one.get(), many.get()}) insert_batch(ws->db(), {"b1", "events", {"x"}, 1, 0, "ingest"});
  {
    EventWriter writer(one->db(), "b1");
    for (const CanonicalEvent& e : events) CHECK(writer.insert(e));
  }
  {
    EventWriter writer(many->db(), "b1");
    rows.push_back(&events[0]);
    CHECK(writer.append(rows) == 1);  // a group smaller than a statement's rows
    rows.clear();
    for (std::size_t i = 1; i < events.size(); ++i) rows.push_back(&events[i]);
    CHECK(writer.append(rows) == static_cast<std::int64_t>(events.size()) - 1);
  }
  CHECK(count_events(many->db()) == static_cast<std::int64_t>(events.size()));
  CHECK(dump(many->db()) == dump(one->db()));
  Statement eighth = many->db().prepare("SELECT " + std::string(kEventColumns) + " FROM events WHERE rowid = 8");
  REQUIRE(eighth.step());
  CHECK(read_event_row(eighth) == events[7]);
}

TEST_CASE("workspace: a version 2 workspace holding events migrates with every event intact") {
  TempDir dir;
  const std::string path = dir.file("v2.sqlite");
  create_v2_workspace(path);
  std::vector<std::string> before;
  {
    Database db(path, Database::Mode::read_write);
    db.exec("PRAGMA foreign_keys=ON");
    insert_batch(db, {"b1", "olist", {"x"}, 1, 0, "ingest"});
    insert_batch(db, {"b2", "olist", {"bronze_supplemental_raw"}, 2, 0, "replay"});
    EventWriter writer(db, "b1");
    for (int i = 0; i < 5; ++i) {
      CanonicalEvent e;
      e.event_id = derive_event_id("olist", std::to_string(i), EventType::payment_received, 1, "2026-01-01T00:00:00Z");
      e.event_type = EventType::payment_received;
      e.event_time = 1000 * (5 - i);
      e.source = "olist";
      e.source_entity_id = e.entity_id = std::to_string(i);
      e.amount_minor = 100 * i;
      e.currency = "USD";
      e.data_quality_flags = {"flag_" + std::to_string(i)};
      CHECK(writer.insert(e));
    }
    db.exec("INSERT INTO superseded_events(event_id, superseded_by_batch) SELECT event_id, 'b2' FROM events "
            "ORDER BY rowid LIMIT 2");
    before = event_rows(db);
  }

  MigrationReport report;
  auto ws = Workspace::open(path, false, &report);
  Database& db = ws->db();
  CHECK(report.from_version == 2);
  CHECK(report.to_version == latest_schema_version());
  CHECK(event_rows(db) == before);  // same rows, same rowids, same order
  CHECK(count_live_events(db) == 3);
  CHECK(db.query_int("SELECT count(*) FROM superseded_events") == 2);
  CHECK(db.query_int("PRAGMA foreign_keys") == 1);
  Statement fk = db.prepare("PRAGMA foreign_key_check");
  CHECK_FALSE(fk.step());

  std::vector<std::string> indexes;
  Statement idx = db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='events' ORDER BY name");
  while (idx.step()) indexes.push_back(idx.text(0));
  CHECK(indexes == std::vector<std::string>{"idx_events_id", "idx_events_type_time"});

  // Still immutable, and an id is still stored once.
  CHECK_THROWS_WITH_AS(db.exec("UPDATE events SET amount_minor = 1"), doctest::Contains("append-only"), Error);
  CHECK_THROWS_WITH_AS(db.exec("DELETE FROM events"), doctest::Contains("append-only"), Error);
  CHECK_THROWS_AS(db.exec("INSERT INTO events SELECT * FROM events LIMIT 1"), Error);
  CanonicalEvent again;
  again.event_id = derive_event_id("olist", "0", EventType::payment_received, 1, "2026-01-01T00:00:00Z");
  again.source = again.source_entity_id = again.entity_id = "x";
  CHECK_FALSE(EventWriter(db, "b1").insert(again));
  CHECK(count_events(db) == 5);
}

TEST_CASE("workspace: a version 5 workspace migrates forward to the currency rates table") {
  TempDir dir;
  const std::string path = dir.file("v5.sqlite");
  {
    Database db(path, Database::Mode::create);
    db.exec("PRAGMA journal_mode=WAL");
    Transaction tx(db);
    for (int v = 0; v < 5; ++v) db.exec(migrations()[static_cast<std::size_t>(v)]);
    db.exec("PRAGMA user_version=5");
    db.exec("INSERT INTO settings(key, value) VALUES('currency', 'USD')");
    tx.commit();
  }
  MigrationReport report;
  auto ws = Workspace::open(path, false, &report);
  CHECK(report.from_version == 5);
  CHECK(report.to_version == latest_schema_version());
  CHECK(ws->setting("currency") == "USD");
  CHECK(load_currency_rates(ws->db()).empty());
  put_currency_rate(ws->db(), {"EUR", "2026-01-01", "1.08"}, 1);
  put_currency_rate(ws->db(), {"EUR", "2026-01-01", "1.09"}, 2);  // same day: replaced
  put_currency_rate(ws->db(), {"EUR", kRateAlwaysValidFrom, "1.05"}, 3);
  const std::vector<CurrencyRate> rates = load_currency_rates(ws->db());
  REQUIRE(rates.size() == 2);
  CHECK(rates[0].valid_from == kRateAlwaysValidFrom);
  CHECK(rates[1].rate == "1.09");
  CHECK(remove_currency_rates(ws->db(), "EUR", std::string("2026-01-01")) == 1);
  CHECK(remove_currency_rates(ws->db(), "EUR", std::nullopt) == 1);
  CHECK(remove_currency_rates(ws->db(), "EUR", std::nullopt) == 0);
}
