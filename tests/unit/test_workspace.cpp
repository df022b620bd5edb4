#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "bre/core/error.h"
#include "bre/store/event_store.h"
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
