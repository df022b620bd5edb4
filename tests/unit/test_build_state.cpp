// bre build-state on a real workspace: the seeded company, an incremental
// rebuild after a later batch equals a full rebuild from scratch, and the
// rows carry their schema version and evidence.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "bre/ingest/ingest.h"
#include "bre/ingest/qbo.h"
#include "bre/ingest/seed.h"
#include "bre/scan/scan.h"
#include "bre/state/build_state.h"
#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"
#include "test_support.h"

using namespace bre;

namespace {

std::string text(Workspace& ws, const std::string& sql) {
  Statement s = ws.db().prepare(sql);
  REQUIRE(s.step());
  return s.text(0);
}

// Every daily row except run_id, in a fixed order.
std::vector<std::string> daily_rows(Workspace& ws) {
  std::vector<std::string> out;
  Statement s = ws.db().prepare(
      "SELECT metric || '|' || day || '|' || coalesce(printf('%.12g', value), 'null') || '|' || metric_schema_version "
      "|| '|' || evidence FROM metrics_daily ORDER BY metric, day");
  while (s.step()) out.push_back(s.text(0));
  return out;
}

void ingest_seed(Workspace& ws, const std::string& dir, const Logger& log) {
  ingest_qbo_pages(ws, {dir + "/qbo", std::nullopt, "USD"}, log);
  IngestRequest ops;
  ops.source = "events";
  ops.paths = {dir + "/supplemental/operations.jsonl"};
  ingest_files(ws, ops, log);
}

// A seeded 60-day company in dir/company.
void write_company(TempDir& dir, std::uint64_t seed) {
  seed::Options opt;
  opt.seed = seed;
  opt.days = 60;
  seed::write_files(seed::generate(opt), dir.file("company"));
}

}  // namespace

TEST_CASE("build-state: an incremental build after a later batch equals a full rebuild") {
  TempDir dir;
  write_company(dir, 11);
  Logger log;

  // Workspace A: the company, built; then one more batch (late refunds in the middle), built incrementally.
  auto a = Workspace::open(dir.file("a.sqlite"), true);
  ingest_seed(*a, dir.file("company"), log);
  const StateBuildResult first = build_state(*a, "run-1", false, log);
  CHECK(first.full);
  CHECK(first.daily_rows == static_cast<std::int64_t>(27 * (*first.last_day - *first.first_day + 1)));
  CHECK(build_state(*a, "run-2", false, log).up_to_date);

  const std::string extra = dir.file("extra.jsonl");
  {
    std::ofstream out(extra);
    for (int i = 0; i < 5; ++i)
      out << R"({"event_type":"refund_issued","event_time":"2026-02-1)" << i
          << R"(T10:00:00Z","source":"shop","source_entity_id":"late-r)" << i
          << R"(","entity_type":"order","entity_id":"late-r)" << i
          << R"(","related_entity_ids":{},"amount":250.00,"currency":"USD","attributes":{}})" << "\n";
  }
  IngestRequest more;
  more.source = "events";
  more.paths = {extra};
  ingest_files(*a, more, log);
  const StateBuildResult inc = build_state(*a, "run-3", false, log);
  CHECK_FALSE(inc.full);
  REQUIRE(inc.rewritten_from);
  CHECK(format_day(*inc.rewritten_from) == "2026-02-10");
  CHECK(inc.daily_rows == static_cast<std::int64_t>(27 * (*inc.last_day - *inc.rewritten_from + 1)));

  // Workspace B: the same inputs, one full build.
  auto b = Workspace::open(dir.file("b.sqlite"), true);
  ingest_seed(*b, dir.file("company"), log);
  ingest_files(*b, more, log);
  build_state(*b, "run-b", true, log);
  const auto rows_a = daily_rows(*a), rows_b = daily_rows(*b);
  CHECK(rows_a.size() == rows_b.size());
  CHECK(rows_a == rows_b);

  // The refunds show in the history with their evidence.
  const auto hist = read_metric_history(a->db(), "daily_refunds", "2026-02-12", "2026-02-12");
  REQUIRE(hist.size() == 1);
  REQUIRE(hist[0].value);
  CHECK(*hist[0].value >= 250.0);
  CHECK(hist[0].schema_version == kMetricSchemaVersion);
  CHECK(hist[0].evidence.find("\"refund_issued\"") != std::string::npos);
  CHECK(read_current_metrics(a->db()).size() == 27);

  // A workspace last built before the log's rowids were recorded finds the
  // touched day through the batches instead.
  const std::string older = dir.file("older.jsonl");
  {
    std::ofstream out(older);
    out << R"({"event_type":"refund_issued","event_time":"2026-02-05T10:00:00Z","source":"shop","source_entity_id":"late-q",)"
        << R"("entity_type":"order","entity_id":"late-q","related_entity_ids":{},"amount":40.00,"currency":"USD","attributes":{}})"
        << "\n";
  }
  a->db().exec("DELETE FROM settings WHERE key LIKE 'state_built_through_%_rowid' AND key <> 'state_built_through_batch_rowid'");
  more.paths = {older};
  ingest_files(*a, more, log);
  const StateBuildResult via_batches = build_state(*a, "run-4", false, log);
  CHECK_FALSE(via_batches.full);
  REQUIRE(via_batches.rewritten_from);
  CHECK(format_day(*via_batches.rewritten_from) == "2026-02-05");
}

TEST_CASE("scan: metrics and incidents in one run, with a manifest that records inputs and outputs") {
  TempDir dir;
  seed::Options opt;
  opt.seed = 21;
  opt.days = 90;
  opt.scenarios.push_back(seed::parse_scenario("ar_aging@2026-03-10:1.5"));
  seed::write_files(seed::generate(opt), dir.file("company"));
  Logger log;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ingest_seed(*ws, dir.file("company"), log);

  const ScanResult first = run_scan(*ws, "run-scan-1", DetectConfig{}, log);
  const auto m = nlohmann::json::parse(first.manifest);
  CHECK(m["run_id"] == "run-scan-1");
  CHECK(m["events"]["count"] == ws->db().query_int("SELECT count(*) FROM live_events"));
  CHECK(m["versions"]["metric_schema"] == kMetricSchemaVersion);
  CHECK(m["config"]["version"] == kDetectConfigVersion);
  CHECK(m["methods_run"].size() == 4);  // mad_zscore, cusum_drift, isolation_forest, changepoint
  CHECK(m["produced"]["state_mode"] == "full");
  CHECK(m["produced"]["incidents"] == ws->db().query_int("SELECT count(*) FROM incidents"));
  CHECK(m["produced"]["incidents_by_type"].contains("liquidity_crunch_risk"));  // the injected overdue invoices
  CHECK(nlohmann::json::parse(read_manifest(ws->db(), "run-scan-1")) == m);

  // A person acknowledges one; the next scan over the same events says so and keeps it.
  const std::string id = text(*ws, "SELECT incident_id FROM incidents ORDER BY incident_id LIMIT 1");
  set_incident_status(ws->db(), id, "acknowledged");
  const auto again = nlohmann::json::parse(run_scan(*ws, "run-scan-2", DetectConfig{}, log).manifest);
  CHECK(again["events"]["content_hash"] == m["events"]["content_hash"]);
  CHECK(again["produced"]["state_mode"] == "up_to_date");
  CHECK(again["human_inputs"].size() == 1);
  CHECK(again["human_inputs"][0]["incident_id"] == id);
  CHECK(text(*ws, "SELECT status FROM incidents WHERE incident_id = '" + id + "'") == "acknowledged");
  CHECK(again["produced"]["incidents"] == m["produced"]["incidents"]);

  // The digest of the events is remembered by the log's end: one more event
  // changes it, and the remembered one equals a fresh computation.
  const std::string extra = dir.file("extra.jsonl");
  std::ofstream(extra) << R"({"event_type":"refund_issued","event_time":"2026-03-20T10:00:00Z","source":"shop",)"
                       << R"("source_entity_id":"late-r","entity_type":"order","entity_id":"late-r",)"
                       << R"("related_entity_ids":{},"amount":25.00,"currency":"USD","attributes":{}})" << "\n";
  IngestRequest more;
  more.source = "events";
  more.paths = {extra};
  ingest_files(*ws, more, log);
  const auto grown = nlohmann::json::parse(run_scan(*ws, "run-scan-3", DetectConfig{}, log).manifest)["events"];
  CHECK(grown["count"] == m["events"]["count"].get<std::int64_t>() + 1);
  CHECK(grown["content_hash"] != m["events"]["content_hash"]);
  ws->db().exec("DELETE FROM settings WHERE key = 'scan_live_events_digest'");
  CHECK(nlohmann::json::parse(run_scan(*ws, "run-scan-4", DetectConfig{}, log).manifest)["events"] == grown);
}

TEST_CASE("build-state: an incremental build goes on from the stored totals and reads only the new events") {
  TempDir dir;
  write_company(dir, 5);
  Logger log;
  auto a = Workspace::open(dir.file("a.sqlite"), true);
  ingest_seed(*a, dir.file("company"), log);
  const StateBuildResult first = build_state(*a, "run-1", false, log);
  CHECK(first.events_read == first.events);

  // The batch: an invoice paid long ago goes overdue before its payment
  // (its payment was counted but not kept: it must be found again, or the
  // balance would stay open), a new order, a ticket, a customer payment.
  const std::string paid = text(*a,
      "SELECT entity_id FROM live_events WHERE event_type = 'invoice_paid' AND entity_id NOT IN "
      "(SELECT entity_id FROM events WHERE event_type = 'invoice_overdue') ORDER BY event_time LIMIT 1");
  const std::string overdue_time = text(*a,
      "SELECT strftime('%Y-%m-%dT10:00:00Z', min(event_time) / 1000 - 5 * 86400, 'unixepoch') FROM live_events "
      "WHERE event_type = 'invoice_paid' AND entity_id = '" + paid + "'");
  const std::string extra = dir.file("extra.jsonl");
  {
    std::ofstream out(extra);
    out << R"({"event_type":"invoice_overdue","event_time":")" << overdue_time
        << R"(","source":"shop","source_entity_id":"od-1","entity_type":"invoice","entity_id":")" << paid
        << R"(","related_entity_ids":{},"amount":120.00,"currency":"USD","attributes":{"balance_remaining":120.0,"days_overdue":3}})"
        << "\n";
    out << R"({"event_type":"order_placed","event_time":"2026-03-01T09:00:00Z","source":"shop","source_entity_id":"new-o1",)"
        << R"("entity_type":"order","entity_id":"new-o1","related_entity_ids":{},"amount":80.00,"currency":"USD","attributes":{}})"
        << "\n";
    out << R"({"event_type":"support_ticket_opened","event_time":"2026-03-01T11:00:00Z","source":"desk","source_entity_id":"new-t1",)"
        << R"("entity_type":"ticket","entity_id":"new-t1","related_entity_ids":{},"amount":null,"currency":null,"attributes":{}})"
        << "\n";
  }
  IngestRequest more;
  more.source = "events";
  more.paths = {extra};
  ingest_files(*a, more, log);
  const StateBuildResult inc = build_state(*a, "run-2", false, log);
  CHECK_FALSE(inc.full);
  CHECK(inc.events == first.events + 3);
  CHECK(inc.events_read == 3);

  auto b = Workspace::open(dir.file("b.sqlite"), true);
  ingest_seed(*b, dir.file("company"), log);
  ingest_files(*b, more, log);
  build_state(*b, "run-b", true, log);
  CHECK(daily_rows(*a) == daily_rows(*b));
  CHECK(text(*a, "SELECT max(value) FROM metrics_daily WHERE metric = 'ar_overdue_count'") ==
        text(*b, "SELECT max(value) FROM metrics_daily WHERE metric = 'ar_overdue_count'"));

  // Without the stored totals (a workspace built by an older bre) the
  // incremental build reads every event again, with the same rows.
  a->db().exec("DELETE FROM state_snapshot");
  const std::string extra2 = dir.file("extra2.jsonl");
  {
    std::ofstream out(extra2);
    out << R"({"event_type":"order_placed","event_time":"2026-03-02T09:00:00Z","source":"shop","source_entity_id":"new-o2",)"
        << R"("entity_type":"order","entity_id":"new-o2","related_entity_ids":{},"amount":60.00,"currency":"USD","attributes":{}})"
        << "\n";
  }
  more.paths = {extra2};
  ingest_files(*a, more, log);
  ingest_files(*b, more, log);
  const StateBuildResult reread = build_state(*a, "run-3", false, log);
  CHECK_FALSE(reread.full);
  CHECK(reread.events_read == reread.events);
  build_state(*b, "run-b2", true, log);
  CHECK(daily_rows(*a) == daily_rows(*b));
}

TEST_CASE("build-state: stored totals behind the last build are gone on from, and weekly rows match a full build") {
  TempDir dir;
  write_company(dir, 9);
  Logger log;
  auto a = Workspace::open(dir.file("a.sqlite"), true);
  auto b = Workspace::open(dir.file("b.sqlite"), true);
  ingest_seed(*a, dir.file("company"), log);
  ingest_seed(*b, dir.file("company"), log);
  build_state(*a, "run-1", false, log);
  const std::int64_t stored_through = std::stoll(text(*a, "SELECT events_rowid FROM state_snapshot"));
  // Two small batches, each built: the totals are not stored again for a
  // few events, so the second build goes on from the first build's totals.
  IngestRequest more;
  more.source = "events";
  for (const char* order : {"late-1", "late-2"}) {
    const std::string path = dir.file(std::string(order) + ".jsonl");
    std::ofstream(path) << R"({"event_type":"order_placed","event_time":"2026-02-20T09:00:00Z","source":"shop",)"
                        << R"("source_entity_id":")" << order << R"(","entity_type":"order","entity_id":")" << order
                        << R"(","related_entity_ids":{},"amount":60.00,"currency":"USD","attributes":{}})" << "\n";
    more.paths = {path};
    ingest_files(*a, more, log);
    ingest_files(*b, more, log);
    const StateBuildResult inc = build_state(*a, std::string("run-") + order, false, log);
    CHECK_FALSE(inc.full);
    CHECK(inc.events_read == (std::string(order) == "late-1" ? 1 : 2));
    CHECK(inc.weekly_rows < std::stoll(text(*a, "SELECT count(*) FROM metrics_weekly")));  // only its weeks on
  }
  CHECK(std::stoll(text(*a, "SELECT events_rowid FROM state_snapshot")) == stored_through);
  build_state(*b, "run-b", true, log);
  CHECK(daily_rows(*a) == daily_rows(*b));
  const std::string weekly =
      "SELECT group_concat(metric || '|' || week_start || '|' || coalesce(printf('%.12g', value), 'null'), ';') "
      "FROM (SELECT * FROM metrics_weekly ORDER BY metric, week_start)";
  CHECK(text(*a, weekly) == text(*b, weekly));
}
