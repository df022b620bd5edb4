// Incremental QuickBooks pulls against the emulator: full first, CDC after,
// the CDC cap, the look-back fallback, deletes and voids, interrupted pulls,
// and webhook-queued changes. Each test asserts on what lands in the workspace.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bre/connect/qbo_pull.h"
#include "bre/connect/qbo_push.h"
#include "bre/ingest/seed.h"
#include "bre/connect/webhook.h"
#include "connect_test_support.h"

using namespace bre;
using namespace bre::connect;
using namespace bre::test;

namespace {

constexpr TimeMs kDay = 24LL * 3600 * 1000;

std::int64_t count(Connected& c, const std::string& sql) { return c.ws->db().query_int(sql); }

std::vector<std::string> requests_since(const QboEmulator& emu, std::size_t from) {
  auto all = emu.requests();
  return {all.begin() + static_cast<long>(std::min(from, all.size())), all.end()};
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::size_t count_prefix(const std::vector<std::string>& v, const std::string& prefix) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](const std::string& r) { return starts_with(r, prefix); }));
}

// The fixture invoice 1042 as JSON text, optionally re-keyed as a new object.
std::string invoice_like_1042(const QboEmulator& emu, const std::string& total) {
  auto page = nlohmann::ordered_json::parse(emu.fixture("query-Invoice.json"));
  for (auto& o : page["QueryResponse"]["Invoice"])
    if (o["Id"] == "1042") {
      o.erase("Id");
      o["DocNumber"] = "NEW-1";
      o["TotalAmt"] = nlohmann::ordered_json::parse(total);
      o["Balance"] = nlohmann::ordered_json::parse(total);
      o["Line"][0]["Amount"] = nlohmann::ordered_json::parse(total);
      return o.dump();
    }
  FAIL("fixture invoice 1042 missing");
  return {};
}

QboApiIngestRequest pull_request(int page_size = 1000) {
  QboApiIngestRequest r;
  r.pull.page_size = page_size;
  r.as_of = *parse_date("2026-06-15");
  return r;
}

}  // namespace

TEST_CASE("qbo sync: CDC inside the look-back window, a full pull outside it or without a bookmark") {
  const TimeMs now = 1'800'000'000'000;
  CHECK(choose_pull_kind(std::nullopt, now, false) == QboPullKind::full);
  CHECK(choose_pull_kind(now - kDay, now, false) == QboPullKind::cdc);
  CHECK(choose_pull_kind(now - 29 * kDay, now, false) == QboPullKind::cdc);
  // The last hour of the 30 days is left as a margin for clock skew and the pull's own duration.
  CHECK(choose_pull_kind(now - 30 * kDay + kQboCdcSafetyMs + 1, now, false) == QboPullKind::cdc);
  CHECK(choose_pull_kind(now - 30 * kDay + kQboCdcSafetyMs, now, false) == QboPullKind::full);
  CHECK(choose_pull_kind(now - 40 * kDay, now, false) == QboPullKind::full);
  CHECK(choose_pull_kind(now - kDay, now, true) == QboPullKind::full);
}

TEST_CASE("qbo sync: the first pull is full and paged, the next asks CDC for changes including a delete and a void") {
  Connected c;
  c.connect();
  QboPullReport first;
  IngestResult r1 = ingest_qbo_api(*c.ws, pull_request(2), c.log, c.fast(), &first);
  CHECK_FALSE(first.resumed);
  CHECK(first.cdc_entities.empty());
  CHECK(first.full_entities.size() == default_qbo_entities().size());
  CHECK(r1.events_inserted == 18);
  CHECK(count_prefix(c.emu.requests(), "query SELECT * FROM Invoice STARTPOSITION") == 2);  // 3 invoices, pages of 2
  CHECK(count(c, "SELECT count(*) FROM qbo_sync_state WHERE last_pull_kind = 'full'") ==
        static_cast<std::int64_t>(default_qbo_entities().size()));
  CHECK(count(c, "SELECT count(*) FROM qbo_pull_pages") == 0);  // dropped once ingested
  CHECK(count(c, "SELECT count(*) FROM qbo_pulls WHERE status = 'complete'") == 1);

  // Meanwhile in QuickBooks: a new invoice, a deleted one, a voided payment, a renamed customer.
  const std::string new_id = c.emu.put("Invoice", invoice_like_1042(c.emu, "500.00"));
  c.emu.remove("Invoice", "1042");
  c.emu.void_transaction("Payment", "1049");
  auto customers = nlohmann::ordered_json::parse(c.emu.fixture("query-Customer.json"));
  auto cust = customers["QueryResponse"]["Customer"][0];
  cust["DisplayName"] = "Renamed Customer LLC";
  c.emu.put("Customer", cust.dump());

  const std::size_t mark = c.emu.requests().size();
  QboPullReport second;
  IngestResult r2 = ingest_qbo_api(*c.ws, pull_request(2), c.log, c.fast(), &second);
  const auto made = requests_since(c.emu, mark);
  REQUIRE(made.size() == 1);  // one CDC request covers every type
  CHECK(starts_with(made[0], "cdc Customer,Vendor,Item,Invoice,Payment"));
  CHECK(second.full_entities.empty());
  REQUIRE(second.changed_since);
  CHECK(made[0].find(format_iso8601(*second.changed_since - *second.changed_since % 1000).substr(0, 19)) != std::string::npos);
  // The delete stub and the void are in bronze; the events they took back left live_events but not the log.
  CHECK(count(c, "SELECT count(*) FROM bronze_qbo_raw WHERE entity_type = 'Invoice' AND entity_id = '1042' "
                 "AND operation = 'Delete'") == 1);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE source_entity_id = '1042' AND event_type LIKE 'invoice_%'") == 0);
  CHECK(count(c, "SELECT count(*) FROM events WHERE source_entity_id = '1042' AND event_type = 'invoice_issued'") == 1);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE source_entity_id = '1049' AND event_type = 'payment_received'") == 0);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE event_type = 'payment_received'") == 1);
  CHECK(count(c, "SELECT sum(amount_minor) FROM live_events WHERE event_type = 'payment_received'") == 41000);
  CHECK(r2.events_superseded >= 2);
  CHECK(count(c, "SELECT amount_minor FROM live_events WHERE source_entity_id = '" + new_id +
                     "' AND event_type = 'invoice_issued'") == 50000);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE event_type = 'customer_updated' AND attributes LIKE "
                 "'%DisplayName%'") >= 1);
  CHECK(count(c, "SELECT count(*) FROM qbo_sync_state WHERE last_pull_kind = 'cdc'") ==
        static_cast<std::int64_t>(default_qbo_entities().size()));

  // Nothing changed since: one CDC request, nothing new.
  IngestResult r3 = ingest_qbo_api(*c.ws, pull_request(2), c.log, c.fast());
  CHECK(r3.bronze_inserted == 0);
  CHECK(r3.events_inserted == 0);
  CHECK(r3.events_superseded == 0);
}

TEST_CASE("qbo sync: CDC at its object cap is asked type by type, and a type still at the cap is pulled in full") {
  Connected c;
  c.connect();
  ingest_qbo_api(*c.ws, pull_request(), c.log, c.fast());
  for (const char* total : {"101.00", "102.00", "103.00"}) c.emu.put("Invoice", invoice_like_1042(c.emu, total));
  auto vendors = nlohmann::ordered_json::parse(c.emu.fixture("query-Vendor.json"));
  c.emu.put("Vendor", vendors["QueryResponse"]["Vendor"][0].dump());
  c.emu.set_cdc_limit(3);  // 4 changes: the all-types answer is cut off at 3
  const std::size_t mark = c.emu.requests().size();
  QboApiIngestRequest req = pull_request(2);
  req.pull.cdc_object_limit = 3;
  IngestResult r = ingest_qbo_api(*c.ws, req, c.log, c.fast());
  const auto made = requests_since(c.emu, mark);
  CHECK(count_prefix(made, "cdc Customer,") == 1);
  CHECK(count_prefix(made, "cdc Vendor ") == 1);
  CHECK(count_prefix(made, "cdc Invoice ") == 1);
  CHECK(count_prefix(made, "query SELECT * FROM Invoice ") == 4);  // 6 invoices: three full pages of 2, then an empty one
  CHECK(count_prefix(made, "query SELECT * FROM Vendor") == 0);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE event_type = 'invoice_issued'") == 6);
  Statement kind = c.ws->db().prepare("SELECT entity_type, last_pull_kind FROM qbo_sync_state WHERE entity_type IN ('Invoice','Vendor') ORDER BY 1");
  REQUIRE(kind.step());
  CHECK(kind.text(1) == "full");
  REQUIRE(kind.step());
  CHECK(kind.text(1) == "cdc");
  CHECK(r.events_inserted == 3);
}

TEST_CASE("qbo sync: a bookmark older than CDC's 30 days falls back to a full pull, and missing ids are deletes") {
  Connected c;
  c.connect();
  ingest_qbo_api(*c.ws, pull_request(), c.log, c.fast());
  c.ws->db().exec("UPDATE qbo_sync_state SET changed_since = changed_since - 40 * 86400000");
  c.emu.remove("Invoice", "1042");
  c.emu.set_clock(now_ms() + 45 * kDay);  // long after the removal: CDC would no longer report it
  const std::size_t mark = c.emu.requests().size();
  QboPullReport report;
  IngestResult r = ingest_qbo_api(*c.ws, pull_request(), c.log, c.fast(), &report);
  const auto made = requests_since(c.emu, mark);
  CHECK(count_prefix(made, "cdc ") == 0);
  CHECK(count_prefix(made, "query ") == default_qbo_entities().size());
  CHECK(report.deletes_inferred == 1);
  CHECK(count(c, "SELECT count(*) FROM bronze_qbo_raw WHERE entity_id = '1042' AND operation = 'Delete'") == 1);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE source_entity_id = '1042'") == 0);
  CHECK(r.events_superseded >= 1);
  CHECK(count(c, "SELECT count(*) FROM bronze_qbo_raw WHERE operation = 'Delete'") == 1);
}

TEST_CASE("qbo sync: a pull interrupted midway resumes without fetching again, duplicating or leaving gaps") {
  Connected c;
  c.connect();
  RetryPolicy p = c.fast();
  p.max_attempts = 2;
  c.emu.outage_after(4, 2, 500);  // four responses, then the service fails both attempts
  Error e = expect_error([&] { ingest_qbo_api(*c.ws, pull_request(2), c.log, p); });
  CHECK(exit_code(e.kind()) == 69);
  CHECK(std::string(e.what()).find("resumes") != std::string::npos);
  CHECK(count(c, "SELECT count(*) FROM qbo_pull_pages") == 4);
  CHECK(count(c, "SELECT count(*) FROM bronze_qbo_raw") == 0);  // nothing ingested from a partial pull
  CHECK(count(c, "SELECT count(*) FROM qbo_sync_state") == 0);
  const auto before = c.emu.requests();

  QboPullReport report;
  IngestResult r = ingest_qbo_api(*c.ws, pull_request(2), c.log, p, &report);
  CHECK(report.resumed);
  CHECK(report.responses_reused == 4);
  const auto after = requests_since(c.emu, before.size());
  for (std::size_t i = 0; i < 4; ++i)
    CHECK_MESSAGE(std::find(after.begin(), after.end(), before[i]) == after.end(), "fetched again: " << before[i]);
  // Exactly what an uninterrupted pull gives (see test_connect.cpp).
  CHECK(r.bronze_inserted == 24);
  CHECK(r.events_inserted == 18);
  CHECK(count(c, "SELECT count(*) FROM qbo_pulls WHERE status = 'running'") == 0);
  CHECK(count(c, "SELECT count(*) FROM qbo_pull_pages") == 0);
}

TEST_CASE("qbo sync: webhook-queued changes are read one by one and a queued delete is recorded") {
  Connected c;
  c.connect();
  ingest_qbo_api(*c.ws, pull_request(), c.log, c.fast());
  const std::string id = c.emu.put("Invoice", invoice_like_1042(c.emu, "77.00"));
  Statement q = c.ws->db().prepare(
      "INSERT INTO qbo_webhook_events(event_key, realm_id, entity_type, entity_id, operation, format, received_at) "
      "VALUES(?,?,?,?,?,'cloudevents',?)");
  q.bind(1, "ev-1").bind(2, c.emu.realm).bind(3, "Invoice").bind(4, id).bind(5, "Create").bind(6, now_ms()).run();
  q.bind(1, "ev-2").bind(2, c.emu.realm).bind(3, "Invoice").bind(4, "1043").bind(5, "Delete").bind(6, now_ms()).run();
  q.bind(1, "ev-3").bind(2, "other-realm").bind(3, "Invoice").bind(4, "1").bind(5, "Create").bind(6, now_ms()).run();
  c.emu.remove("Invoice", "1043");
  const std::size_t mark = c.emu.requests().size();
  QboPullReport report;
  ingest_qbo_api(*c.ws, pull_request(), c.log, c.fast(), &report);
  const auto made = requests_since(c.emu, mark);
  CHECK(report.webhook_changes == 2);
  CHECK(count_prefix(made, "read invoice/" + id) == 1);
  CHECK(count_prefix(made, "read invoice/1043") == 0);  // a delete is not fetched
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE source_entity_id = '" + id + "' AND event_type = 'invoice_issued'") == 1);
  CHECK(count(c, "SELECT count(*) FROM live_events WHERE source_entity_id = '1043' AND event_type LIKE 'invoice_%'") == 0);
  CHECK(count(c, "SELECT count(*) FROM qbo_webhook_events WHERE fetched_by_pull IS NOT NULL") == 2);
  CHECK(count(c, "SELECT count(*) FROM qbo_webhook_events WHERE realm_id = 'other-realm' AND fetched_by_pull IS NULL") == 1);
  CHECK(queued_qbo_changes(c.ws->db(), c.emu.realm).empty());
}

TEST_CASE("qbo push: a seeded company is created through the API, references rewritten, and pulls back the same") {
  Connected c;
  c.connect();
  c.emu.clear_company();
  seed::Options opt;
  opt.seed = 5;
  opt.days = 28;
  const seed::Result company = seed::generate(opt);
  std::vector<std::string> pages;
  for (const seed::File& f : company.files)
    if (f.path.rfind("qbo/", 0) == 0) pages.push_back(f.content);

  const QboPushReport pushed = push_qbo_pages(*c.ws, pages, "test-seed", c.log, c.fast());
  std::int64_t created = 0;
  for (const auto& [type, n] : pushed.created) created += n;
  CHECK(created == pushed.requests);
  CHECK(pushed.created.at("Invoice") == company.entities.at("Invoice"));
  CHECK(pushed.created.at("Payment") == company.entities.at("Payment"));
  // Pushing again creates nothing: every create repeats its requestid.
  const QboPushReport again = push_qbo_pages(*c.ws, pages, "test-seed", c.log, c.fast());
  CHECK(again.created == pushed.created);

  // Pulled back through the API, the financial story is the one the saved pages tell.
  QboApiIngestRequest req = pull_request();
  req.as_of = company.end_day * kDay;
  ingest_qbo_api(*c.ws, req, c.log, c.fast());
  auto reference = Workspace::open(c.dir.file("reference.sqlite"), true);
  QboObjectsBatch saved;
  for (const std::string& p : pages)
    for (QboObject& o : parse_qbo_page(p).objects) saved.objects.push_back(std::move(o));
  saved.as_of = company.end_day * kDay;
  saved.currency = "USD";
  ingest_qbo_objects(*reference, std::move(saved), c.log);
  for (const char* type : {"invoice_issued", "invoice_paid", "invoice_overdue", "payment_received", "expense_posted",
                           "expense_paid", "refund_issued", "credit_memo_issued", "purchase_order_placed"}) {
    const std::string q = std::string("SELECT count(*) || '/' || coalesce(sum(amount_minor), 0) FROM live_events WHERE event_type = '") + type + "'";
    Statement a = c.ws->db().prepare(q), b = reference->db().prepare(q);
    REQUIRE(a.step());
    REQUIRE(b.step());
    CHECK_MESSAGE(a.text(0) == b.text(0), type);
  }
}
