#include <doctest/doctest.h>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/ingest/ingest.h"
#include "bre/store/event_store.h"
#include "test_support.h"

using namespace bre;

namespace {

std::string order_line(int i, const std::string& extra = "") {
  return fmt::format(
      R"({{"event_type":"order_placed","event_time":"2024-03-{:02}T10:00:00Z","source":"shop","source_entity_id":"o{}",)"
      R"("entity_type":"order","entity_id":"o{}","amount":{}.50,"currency":"USD"{}}})",
      1 + i % 28, i, i, i, extra);
}

std::string lines(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) out += order_line(i) + "\n";
  return out;
}

IngestRequest events_request(std::vector<std::string> paths, bool skip = false) {
  IngestRequest r;
  r.source = "events";
  r.paths = std::move(paths);
  r.skip_invalid = skip;
  return r;
}

}  // namespace

TEST_CASE("ingest events: a batch lands whole, and again adds nothing") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  const std::string file = dir.write("a.jsonl", lines(0, 100));
  IngestResult first = ingest_files(*ws, events_request({file}), Logger{});
  CHECK(first.records == 100);
  CHECK(first.events_inserted == 100);
  CHECK(first.quality.overall_quality_score == 1.0);
  IngestResult second = ingest_files(*ws, events_request({file}), Logger{});
  CHECK(second.events_inserted == 0);
  CHECK(second.events_duplicate == 100);
  CHECK(count_events(ws->db()) == 100);
  CHECK(ws->setting("currency") == "USD");
  // Money is stored exactly, in minor units.
  CHECK(ws->db().query_int("SELECT sum(amount_minor) FROM events") == (99 * 100 / 2) * 100 + 100 * 50);
}

TEST_CASE("ingest events: one corrupt line in the middle writes nothing and names the line") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  const std::string file = dir.write("bad.jsonl", lines(0, 50) + "{\"event_type\":\"order_placed\", oops\n" + lines(50, 100));
  try {
    ingest_files(*ws, events_request({file}), Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    CHECK(exit_code(e.kind()) == 65);
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].line == 51);
    CHECK(e.problems()[0].file == file);
    CHECK(e.where() == file + ":51");
  }
  CHECK(count_events(ws->db()) == 0);
  CHECK(ws->db().query_int("SELECT count(*) FROM ingest_batches") == 0);

  IngestResult kept = ingest_files(*ws, events_request({file}, /*skip=*/true), Logger{});
  CHECK(kept.events_inserted == 100);
  CHECK(kept.rejected == 1);
  CHECK(kept.quality.rejected_records == 1);
  CHECK(kept.quality.total_records == 101);
  CHECK(kept.quality.overall_quality_score < 1.0);
  CHECK(kept.quality.impact_advisory.find("1 of 101 records were rejected") != std::string::npos);
  CHECK(ws->db().query_int("SELECT count(*) FROM rejected_records WHERE record_line = 51") == 1);
}

TEST_CASE("ingest events: all problems of the batch are reported at once") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  std::string data = lines(0, 3);
  data += order_line(3, R"(,"colour":"red")") + "\n";
  data += R"({"event_type":"order_late","event_time":"2024-03-05T09:30:00Z","source":"s","source_entity_id":"x","entity_type":"order","entity_id":"x"})" "\n";
  const std::string file = dir.write("many.jsonl", data);
  try {
    ingest_files(*ws, events_request({file}), Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    REQUIRE(e.problems().size() == 2);
    CHECK(e.problems()[0].line == 4);
    CHECK(e.problems()[0].field == "colour");
    CHECK(e.problems()[1].line == 5);
    CHECK(e.problems()[1].field == "attributes.days_late");
  }
}

TEST_CASE("ingest events: the same id with different content is a duplicate-id error") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  std::string a = R"({"event_id":"ev_same","event_type":"order_placed","event_time":"2024-03-01T10:00:00Z","source":"s","source_entity_id":"1","entity_type":"order","entity_id":"1"})";
  std::string b = R"({"event_id":"ev_same","event_type":"order_placed","event_time":"2024-03-02T10:00:00Z","source":"s","source_entity_id":"1","entity_type":"order","entity_id":"1"})";
  const std::string file = dir.write("dup.jsonl", a + "\n" + a + "\n" + b + "\n");
  try {
    ingest_files(*ws, events_request({file}), Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].line == 3);
    CHECK(e.problems()[0].field == "event_id");
  }
}

TEST_CASE("ingest events: one home currency per workspace") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ingest_files(*ws, events_request({dir.write("usd.jsonl", lines(0, 2))}), Logger{});
  std::string eur = order_line(7);
  eur.replace(eur.find("USD"), 3, "EUR");
  try {
    ingest_files(*ws, events_request({dir.write("eur.jsonl", eur + "\n")}), Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].field == "currency");
    CHECK(e.problems()[0].reason.find("workspace currency 'USD'") != std::string::npos);
  }
}

TEST_CASE("ingest events: future event times are flagged untimely") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  std::string future = order_line(1);
  future.replace(future.find("2024-03"), 7, "2099-03");
  IngestResult r = ingest_files(*ws, events_request({dir.write("f.jsonl", future + "\n" + order_line(2) + "\n")}), Logger{});
  CHECK(r.quality.timeliness_score == 0.5);
  CHECK(ws->db().query_int("SELECT count(*) FROM events WHERE data_quality_flags LIKE '%untimely:future_event_time%'") == 1);
}

TEST_CASE("ingest events: a missing input is exit 66 and writes nothing") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  try {
    ingest_files(*ws, events_request({dir.file("absent.jsonl")}), Logger{});
    FAIL("expected INPUT_NOT_FOUND");
  } catch (const Error& e) {
    CHECK(e.code() == "INPUT_NOT_FOUND");
    CHECK(exit_code(e.kind()) == 66);
  }
  CHECK(ws->db().query_int("SELECT count(*) FROM ingest_batches") == 0);
}

TEST_CASE("ingest: a --currency request must not contradict the workspace, for every source") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  CHECK_NOTHROW(check_requested_currency(*ws, ""));
  CHECK_NOTHROW(check_requested_currency(*ws, "EUR"));  // no home currency yet
  CHECK_THROWS_WITH_AS(check_requested_currency(*ws, "XYZ"), doctest::Contains("unknown ISO 4217"), Error);
  ws->set_setting("currency", "USD");
  CHECK_NOTHROW(check_requested_currency(*ws, "USD"));
  try {
    check_requested_currency(*ws, "EUR");
    FAIL("expected CURRENCY_ALREADY_SET");
  } catch (const Error& e) {
    CHECK(e.code() == "CURRENCY_ALREADY_SET");
    CHECK(exit_code(e.kind()) == 2);
  }
}

TEST_CASE("ingest events: a large load dedupes in memory, and its dropped indexes come back") {
  // Over 8 MB (9.6) and more new events than stored: the bulk path (indexes
  // dropped, ids deduped in memory; see the dedupe_planned debug log).
  // Duplicates sit after the first, probing chunk.
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ingest_files(*ws, events_request({dir.write("small.jsonl", lines(0, 1000))}), Logger{});
  const std::string big = dir.write("big.jsonl", lines(1000, 51000) + lines(0, 1000) + lines(20000, 20500));
  IngestResult first = ingest_files(*ws, events_request({big}), Logger{});
  CHECK(first.records == 51500);
  CHECK(first.events_inserted == 50000);
  CHECK(first.events_duplicate == 1500);
  Database& db = ws->db();
  CHECK(count_events(db) == 51000);
  CHECK(db.query_int("SELECT count(DISTINCT event_id) FROM events") == 51000);
  CHECK(db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                     "('idx_events_id', 'idx_events_type_time')") == 2);
  Statement check = db.prepare("PRAGMA integrity_check");
  REQUIRE(check.step());
  CHECK(check.text(0) == "ok");

  // Again: every id is read into memory once instead of probed; nothing is new.
  IngestResult again = ingest_files(*ws, events_request({big}), Logger{});
  CHECK(again.events_inserted == 0);
  CHECK(again.events_duplicate == 51500);
  CHECK(count_events(db) == 51000);
}

TEST_CASE("ingest events: one, two or three decoder threads store the same rows, rejects and report") {
  // Many blocks of 2048 lines across three files, blank lines, invalid lines
  // kept as rejects, and events without a currency before and after the first
  // money event (which sets the home currency for the ones after it).
  TempDir dir;
  std::string a, b;
  a += R"({"event_type":"support_ticket_opened","event_time":"2024-03-01T09:00:00Z","source":"desk",)"
       R"("source_entity_id":"t0","entity_type":"ticket","entity_id":"t0"})"
       "\n\n";
  for (int i = 0; i < 5000; ++i) {
    a += order_line(i) + "\n";
    if (i == 10) a += R"({"event_type":"order_placed","event_time":"2024-03-02T10:00:00Z","source":"shop",)"
                      R"("source_entity_id":"x1","entity_type":"order","entity_id":"x1","amount":7.25})"
                      "\n";
    if (i % 997 == 0) a += "{\"event_type\":\"order_placed\", oops\n";
    if (i % 1500 == 0) a += "   \n";
  }
  for (int i = 5000; i < 9000; ++i) b += order_line(i) + "\n";
  b += order_line(42) + "\n";  // the same event again: a duplicate, not a conflict
  const std::vector<std::string> paths = {dir.write("a.jsonl", a), dir.write("b.jsonl", b),
                                          dir.write("c.jsonl", lines(9000, 9100))};
  auto load = [&](unsigned threads) {
    auto ws = Workspace::open(dir.file(fmt::format("ws{}.sqlite", threads)), true);
    IngestRequest req = events_request(paths, true);
    req.decoder_threads = threads;
    IngestResult r = ingest_files(*ws, req, Logger{});
    std::string rows;
    Statement s = ws->db().prepare(std::string("SELECT ") + kEventColumns + " FROM events ORDER BY rowid");
    while (s.step())
      for (int c = 0; c < 14; ++c)  // all but ingested_at, which is the time of the load
        if (c != 3) rows += (s.is_null(c) ? std::string("NULL") : std::string(s.text_view(c))) + "|";
    Statement rej = ws->db().prepare("SELECT record_line, field, reason FROM rejected_records ORDER BY rowid");
    while (rej.step()) rows += fmt::format("reject {} {} {}\n", rej.text_view(0), rej.text_view(1), rej.text_view(2));
    return std::tuple(r.records, r.events_inserted, r.events_duplicate, r.rejected, rows,
                      r.quality.quality_issues.size());
  };
  const auto one = load(1);
  CHECK(std::get<0>(one) == 1 + 5000 + 1 + 6 + 4000 + 1 + 100);
  CHECK(std::get<1>(one) == 1 + 9100 + 1);
  CHECK(std::get<4>(one).find("x1|{}|725|USD|") != std::string::npos);  // the home currency of the lines before
  CHECK(std::get<2>(one) == 1);
  CHECK(std::get<3>(one) == 6);
  CHECK(load(2) == one);
  CHECK(load(3) == one);
}
