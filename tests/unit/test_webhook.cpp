// QuickBooks webhooks: Intuit's signature, both payload formats, the queue
// in a real workspace, and the HTTP route over loopback.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bre/connect/http.h"
#include "bre/connect/webhook.h"
#include "bre/core/error.h"
#include "bre/serve/server.h"
#include "bre/store/workspace.h"
#include "test_support.h"

using namespace bre;
using namespace bre::connect;

namespace {

const std::string kToken = "verifier-3b1f7c2e-webhook-token";

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(BRE_SOURCE_DIR) + "/../shared/fixtures/qbo/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  REQUIRE_MESSAGE(!ss.str().empty(), "missing fixture " << name);
  return ss.str();
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::map<std::string, std::string> signed_headers(const std::string& body, const std::string& token = kToken) {
  return {{"content-type", "application/json"}, {"intuit-signature", intuit_signature(token, body)}};
}

std::int64_t queued_rows(Workspace& ws) { return ws.db().query_int("SELECT count(*) FROM qbo_webhook_events"); }

Error parse_error(const std::string& body) {
  try {
    parse_qbo_webhook(body);
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected the body to be refused: " << body);
  return Error(ErrorKind::internal, "NONE", "none");
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vectors") {
  // Test case 1: a 20-byte key of 0x0b, "Hi There".
  CHECK(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the block.
  CHECK(hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  CHECK(hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(intuit_signature("key", "The quick brown fox jumps over the lazy dog") ==
        "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
}

TEST_CASE("intuit-signature verifies the exact body bytes and nothing else") {
  for (const char* name : {"webhook-legacy.json", "webhook-cloudevents.json"}) {
    CAPTURE(name);
    const std::string body = fixture(name);
    const std::string sig = intuit_signature(kToken, body);
    CHECK(sig.size() == 44);
    CHECK(verify_intuit_signature(kToken, body, sig));
    CHECK(verify_intuit_signature(kToken, body, " " + sig + " "));  // header whitespace is not content

    std::string changed = body;
    changed[changed.size() / 2] ^= 1;
    CHECK_FALSE(verify_intuit_signature(kToken, changed, sig));
    CHECK_FALSE(verify_intuit_signature(kToken, body + "\n", sig));
    CHECK_FALSE(verify_intuit_signature(kToken + "x", body, sig));
    CHECK_FALSE(verify_intuit_signature("", body, intuit_signature("", body)));
    // The same JSON, re-serialised: the signature covers bytes, not meaning.
    const auto doc = nlohmann::json::parse(body);
    CHECK_FALSE(verify_intuit_signature(kToken, doc.dump(), sig));
    CHECK_FALSE(verify_intuit_signature(kToken, doc.dump(4), sig));

    CHECK_FALSE(verify_intuit_signature(kToken, body, ""));
    CHECK_FALSE(verify_intuit_signature(kToken, body, "not base64 at all"));
    CHECK_FALSE(verify_intuit_signature(kToken, body, sig.substr(0, 43)));           // truncated
    CHECK_FALSE(verify_intuit_signature(kToken, body, "*" + sig.substr(1)));         // outside the alphabet
    CHECK_FALSE(verify_intuit_signature(kToken, body, hex(hmac_sha256(kToken, body))));  // hex, not base64
    std::string flipped = sig;
    flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
    CHECK_FALSE(verify_intuit_signature(kToken, body, flipped));
  }
}

TEST_CASE("the legacy webhook fixture parses field by field") {
  const auto n = parse_qbo_webhook(fixture("webhook-legacy.json"));
  REQUIRE(n.size() == 4);
  for (const auto& x : n) {
    CHECK(x.realm_id == "9341452718330095");
    CHECK(x.format == QboWebhookFormat::legacy);
  }
  CHECK(n[0].entity_type == "Invoice");
  CHECK(n[0].entity_id == "1042");
  CHECK(n[0].operation == "Create");
  CHECK_FALSE(n[0].deleted_id);
  CHECK(n[0].event_time == parse_iso8601("2026-06-05T16:20:41Z"));
  CHECK(n[0].event_key == "9341452718330095|Invoice|1042|Create|2026-06-05T16:20:41.000Z");
  CHECK(n[1].entity_type == "Payment");
  CHECK(n[1].entity_id == "1049");
  CHECK(n[1].operation == "Update");
  CHECK(n[2].entity_type == "Customer");
  CHECK(n[2].entity_id == "59");
  CHECK(n[2].operation == "Merge");
  CHECK(n[2].deleted_id == std::optional<std::string>("64"));
  CHECK(n[2].event_time == parse_iso8601("2026-06-14T17:42:10Z"));
  CHECK(n[3].entity_type == "Invoice");
  CHECK(n[3].entity_id == "1039");
  CHECK(n[3].operation == "Delete");
  CHECK(n[3].event_key == "9341452718330095|Invoice|1039|Delete|2026-06-14T17:44:51.000Z");
}

TEST_CASE("the CloudEvents webhook fixture parses field by field") {
  const auto n = parse_qbo_webhook(fixture("webhook-cloudevents.json"));
  REQUIRE(n.size() == 4);
  for (const auto& x : n) {
    CHECK(x.realm_id == "9341452718330095");
    CHECK(x.format == QboWebhookFormat::cloudevents);
  }
  CHECK(n[0].event_key == "3f1c2a90-6b4e-4d2f-9a77-1c0e5b8d2a41");
  CHECK(n[0].entity_type == "Invoice");
  CHECK(n[0].entity_id == "1042");
  CHECK(n[0].operation == "Create");
  CHECK(n[0].event_time == parse_iso8601("2026-06-05T16:20:41.204Z"));  // nanoseconds truncated to ms
  CHECK(n[1].event_key == "b84e0d17-2c93-4f6a-8e15-7d3a9c60f2be");
  CHECK(n[1].entity_type == "Payment");
  CHECK(n[1].operation == "Update");
  CHECK(n[1].event_time == parse_iso8601("2026-06-14T17:42:08.119Z"));
  CHECK(n[2].entity_type == "Customer");
  CHECK(n[2].entity_id == "59");
  CHECK(n[2].operation == "Merge");
  CHECK(n[2].deleted_id == std::optional<std::string>("64"));
  CHECK(n[2].event_time == parse_iso8601("2026-06-14T17:42:10Z"));
  CHECK(n[3].event_key == "e6a03b58-4f7c-4b09-a2d1-98c4e7f1b360");
  CHECK(n[3].entity_type == "Invoice");
  CHECK(n[3].entity_id == "1039");
  CHECK(n[3].operation == "Delete");
  CHECK_FALSE(n[3].deleted_id);
}

TEST_CASE("CloudEvents entity names and verbs map to the QBO spelling") {
  CHECK(qbo_entity_name("billpayment") == "BillPayment");
  CHECK(qbo_entity_name("creditmemo") == "CreditMemo");
  CHECK(qbo_entity_name("refundreceipt") == "RefundReceipt");
  CHECK(qbo_entity_name("salesreceipt") == "SalesReceipt");
  CHECK(qbo_entity_name("purchaseorder") == "PurchaseOrder");
  CHECK(qbo_entity_name("journalentry") == "JournalEntry");
  CHECK(qbo_entity_name("invoice") == "Invoice");
  CHECK(qbo_entity_name("gizmo") == "Gizmo");
  CHECK(qbo_operation_name("created") == "Create");
  CHECK(qbo_operation_name("updated") == "Update");
  CHECK(qbo_operation_name("deleted") == "Delete");
  CHECK(qbo_operation_name("merged") == "Merge");
  CHECK(qbo_operation_name("voided") == "Void");
  CHECK(qbo_operation_name("void") == "Void");
  CHECK(qbo_operation_name("emailed") == "Emailed");
  CHECK(qbo_operation_name("archived") == "Archived");

  const std::string body = R"([{"specversion":"1.0","id":"e1","type":"qbo.billpayment.voided.v2",
    "intuitentityid":"7","intuitaccountid":"r1","data":{"DeletedID":"3"}}])";
  const auto n = parse_qbo_webhook(body);
  REQUIRE(n.size() == 1);
  CHECK(n[0].entity_type == "BillPayment");
  CHECK(n[0].operation == "Void");
  CHECK(n[0].deleted_id == std::optional<std::string>("3"));  // key matched case-insensitively
  CHECK_FALSE(n[0].event_time);                               // no time: none invented
}

TEST_CASE("one webhook delivery may mix realms") {
  const auto legacy = parse_qbo_webhook(R"({"eventNotifications":[
    {"realmId":"111","dataChangeEvent":{"entities":[{"name":"Invoice","id":"1","operation":"Create"}]}},
    {"realmId":"222","dataChangeEvent":{"entities":[{"name":"Bill","id":"2","operation":"Update"},
                                                     {"name":"Bill","id":"3","operation":"Void"}]}}]})");
  REQUIRE(legacy.size() == 3);
  CHECK(legacy[0].realm_id == "111");
  CHECK(legacy[1].realm_id == "222");
  CHECK(legacy[2].realm_id == "222");
  CHECK(legacy[2].operation == "Void");
  CHECK(legacy[0].event_key == "111|Invoice|1|Create|");  // no lastUpdated: an empty last part

  const auto cloud = parse_qbo_webhook(R"([
    {"specversion":"1.0","id":"a","type":"qbo.invoice.created.v1","intuitentityid":"1","intuitaccountid":"111"},
    {"specversion":"1.0","id":"b","type":"qbo.vendor.updated.v1","intuitentityid":"9","intuitaccountid":"222"}])");
  REQUIRE(cloud.size() == 2);
  CHECK(cloud[0].realm_id == "111");
  CHECK(cloud[1].realm_id == "222");
  CHECK(cloud[1].entity_type == "Vendor");
}

TEST_CASE("webhook event times are read leniently") {
  const TimeMs t = *parse_iso8601("2026-06-14T17:42:10.657Z");
  CHECK(parse_webhook_time("2026-06-14T17:42:10.657Z") == t);
  CHECK(parse_webhook_time("2026-06-14T17:42:10.657123456Z") == t);
  CHECK(parse_webhook_time("2026-06-14T10:42:10.657-07:00") == t);
  CHECK(parse_webhook_time("2026-06-14T10:42:10.657-0700") == t);
  CHECK(parse_webhook_time("2026-06-14T19:12:10.657+0130") == t);
  CHECK(parse_webhook_time(std::to_string(t)) == t);  // epoch milliseconds
  CHECK_FALSE(parse_webhook_time(""));
  CHECK_FALSE(parse_webhook_time("yesterday"));
  CHECK_FALSE(parse_webhook_time("2026-06-14T17:42:10"));  // no zone: ambiguous

  const auto n = parse_qbo_webhook(R"({"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[
    {"name":"Invoice","id":"1","operation":"Update","lastUpdated":"2015-10-05T14:42:19-0700"},
    {"name":"Invoice","id":"2","operation":"Update","lastUpdated":1781458930657},
    {"name":"Invoice","id":"3","operation":"Update"}]}}]})");
  REQUIRE(n.size() == 3);
  CHECK(n[0].event_time == parse_iso8601("2015-10-05T21:42:19Z"));
  CHECK(n[1].event_time == TimeMs{1781458930657});
  CHECK_FALSE(n[2].event_time);
}

TEST_CASE("malformed webhook bodies are refused with a reason") {
  Error e = parse_error("not json {");
  CHECK(e.kind() == ErrorKind::data_invalid);
  CHECK(e.code() == "WEBHOOK_INVALID");
  CHECK(std::string(e.what()).find("not JSON") != std::string::npos);

  e = parse_error(R"({"something":"else"})");
  CHECK(std::string(e.what()).find("neither") != std::string::npos);

  e = parse_error(R"({"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[
    {"name":"Invoice","operation":"Create"},{"name":"Bill","id":"2"}]}}]})");
  REQUIRE(e.problems().size() == 2);  // every problem, not only the first
  CHECK(e.problems()[0].field == "eventNotifications[0].dataChangeEvent.entities[0].id");
  CHECK(e.problems()[1].field == "eventNotifications[0].dataChangeEvent.entities[1].operation");

  e = parse_error(R"([{"specversion":"1.0","id":"x","type":"invoice.created","intuitentityid":"1",
                      "intuitaccountid":"2"}])");
  REQUIRE(e.problems().size() == 1);
  CHECK(e.problems()[0].field == "[0].type");

  e = parse_error(R"([{"id":"x"}])");
  CHECK(e.problems()[0].reason.find("specversion") != std::string::npos);
  CHECK(parse_qbo_webhook("[]").empty());  // a delivery of nothing is not an error
}

TEST_CASE("a webhook delivery is queued once and repeats count as duplicates") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  const std::string body = fixture("webhook-cloudevents.json");
  const TimeMs now = *parse_iso8601("2026-06-14T18:00:00Z");

  WebhookResult r = handle_qbo_webhook(*ws, kToken, signed_headers(body), body, now, Logger());
  CHECK(r.http_status == 200);
  CHECK(r.accepted == 4);
  CHECK(r.duplicates == 0);
  const auto doc = nlohmann::json::parse(r.body);
  CHECK(doc["accepted"] == 4);
  CHECK(doc["format"] == "cloudevents");

  r = handle_qbo_webhook(*ws, kToken, signed_headers(body), body, now + 10'000, Logger(), "req-7");
  CHECK(r.http_status == 200);
  CHECK(r.accepted == 0);
  CHECK(r.duplicates == 4);
  CHECK(nlohmann::json::parse(r.body)["request_id"] == "req-7");
  CHECK(queued_rows(*ws) == 4);
  CHECK(ws->db().query_int("SELECT count(*) FROM qbo_webhook_events WHERE received_at = " + std::to_string(now)) == 4);

  const std::string legacy = fixture("webhook-legacy.json");
  r = handle_qbo_webhook(*ws, kToken, signed_headers(legacy), legacy, now, Logger());
  CHECK(r.accepted == 4);  // legacy keys differ from CloudEvents ids: queued separately, fetched once by the pull
  CHECK(queued_rows(*ws) == 8);
  CHECK(ws->db().query_int("SELECT count(*) FROM qbo_webhook_events WHERE format = 'legacy' AND "
                           "deleted_id = '64' AND operation = 'Merge' AND event_time IS NOT NULL") == 1);
}

TEST_CASE("a bad webhook signature is 401 and stores nothing") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  const std::string body = fixture("webhook-legacy.json");
  for (const auto& headers : {signed_headers(body, "another-token"), std::map<std::string, std::string>{},
                              std::map<std::string, std::string>{{"intuit-signature", "garbage"}}}) {
    const WebhookResult r = handle_qbo_webhook(*ws, kToken, headers, body, now_ms(), Logger(), "req-1");
    CHECK(r.http_status == 401);
    CHECK(r.accepted == 0);
    const auto doc = nlohmann::json::parse(r.body);
    CHECK(doc["error"]["code"] == "WEBHOOK_SIGNATURE_INVALID");
    CHECK(doc["error"]["request_id"] == "req-1");
  }
  // Signed with the right token, but over other bytes than those sent.
  std::map<std::string, std::string> stale = signed_headers(body);
  const WebhookResult r = handle_qbo_webhook(*ws, kToken, stale, body + " ", now_ms(), Logger());
  CHECK(r.http_status == 401);
  CHECK(queued_rows(*ws) == 0);
}

TEST_CASE("without a verifier token the webhook answers 503") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  const std::string body = fixture("webhook-legacy.json");
  const WebhookResult r = handle_qbo_webhook(*ws, "", signed_headers(body, ""), body, now_ms(), Logger());
  CHECK(r.http_status == 503);
  CHECK(nlohmann::json::parse(r.body)["error"]["code"] == "WEBHOOK_NOT_CONFIGURED");
  CHECK(queued_rows(*ws) == 0);
}

TEST_CASE("a signed but unreadable webhook body is acknowledged and logged, not stored") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  std::vector<std::string> lines;
  const Logger log(LogLevel::warn, "run_test", [&](const std::string& line) { lines.push_back(line); });
  const std::string body = R"({"eventNotifications":[{"realmId":"1"}]})";
  const WebhookResult r = handle_qbo_webhook(*ws, kToken, signed_headers(body), body, now_ms(), log);
  CHECK(r.http_status == 200);
  CHECK(nlohmann::json::parse(r.body)["status"] == "ignored_unreadable");
  CHECK(queued_rows(*ws) == 0);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("qbo_webhook_unreadable") != std::string::npos);
  CHECK(lines[0].find("dataChangeEvent.entities") != std::string::npos);
}

TEST_CASE("the webhook queue lists unfetched changes per realm and marks them fetched") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  const std::string first = R"([
    {"specversion":"1.0","id":"k2","type":"qbo.invoice.updated.v1","intuitentityid":"5","intuitaccountid":"A",
     "time":"2026-06-14T17:42:08Z"},
    {"specversion":"1.0","id":"k1","type":"qbo.customer.merged.v1","intuitentityid":"59","intuitaccountid":"A",
     "data":{"deletedid":"64"}},
    {"specversion":"1.0","id":"k9","type":"qbo.bill.created.v1","intuitentityid":"8","intuitaccountid":"B"}])";
  const std::string later = R"([
    {"specversion":"1.0","id":"k0","type":"qbo.payment.created.v1","intuitentityid":"3","intuitaccountid":"A"}])";
  handle_qbo_webhook(*ws, kToken, signed_headers(first), first, 1000, Logger());
  handle_qbo_webhook(*ws, kToken, signed_headers(later), later, 2000, Logger());

  auto q = queued_qbo_changes(ws->db(), "A");
  REQUIRE(q.size() == 3);
  CHECK(q[0].event_key == "k1");  // received together: by key
  CHECK(q[0].entity_type == "Customer");
  CHECK(q[0].operation == "Merge");
  CHECK(q[0].deleted_id == std::optional<std::string>("64"));
  CHECK_FALSE(q[0].event_time);
  CHECK(q[1].event_key == "k2");
  CHECK(q[1].event_time == parse_iso8601("2026-06-14T17:42:08Z"));
  CHECK(q[2].event_key == "k0");  // received later, listed later
  CHECK(queued_qbo_changes(ws->db(), "B").size() == 1);

  {  // marks made inside a transaction that rolls back are undone with it
    Transaction tx(ws->db());
    mark_qbo_changes_fetched(ws->db(), {"k1", "k2"}, "pull_rolled_back");
  }
  CHECK(queued_qbo_changes(ws->db(), "A").size() == 3);

  mark_qbo_changes_fetched(ws->db(), {"k1", "k2"}, "pull_1");
  q = queued_qbo_changes(ws->db(), "A");
  REQUIRE(q.size() == 1);
  CHECK(q[0].event_key == "k0");
  mark_qbo_changes_fetched(ws->db(), {"k1"}, "pull_2");  // already fetched: keeps its first pull
  CHECK(ws->db().query_int("SELECT count(*) FROM qbo_webhook_events WHERE fetched_by_pull = 'pull_1'") == 2);

  // A redelivery of a fetched change is a duplicate: it is not queued again.
  const WebhookResult r = handle_qbo_webhook(*ws, kToken, signed_headers(first), first, 3000, Logger());
  CHECK(r.duplicates == 3);
  CHECK(queued_qbo_changes(ws->db(), "A").size() == 1);
}

TEST_CASE("bre serve answers health and queues signed webhooks over loopback") {
  TempDir dir;
  const std::string path = dir.file("ws.sqlite");
  Workspace::open(path, true);
  serve::Server server({"127.0.0.1", 0, path, kToken}, Logger());
  const int port = server.start();
  REQUIRE(port > 0);
  CHECK(server.port() == port);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto post = [&](const std::string& body, const std::string& signature) {
    HttpRequest req;
    req.method = "POST";
    req.url = base + "/v1/webhooks/quickbooks";
    req.body = body;
    req.timeout_ms = 10'000;
    req.headers = {{"Content-Type", "application/cloudevents+json"}, {"Intuit-Signature", signature}};
    return http_send(req);
  };

  HttpRequest health;
  health.url = base + "/v1/health";
  health.headers = {{"X-Request-ID", "probe-42"}};
  HttpResponse res = http_send(health);
  CHECK(res.status == 200);
  CHECK(res.header("x-request-id") == "probe-42");
  auto doc = nlohmann::json::parse(res.body);
  CHECK(doc["status"] == "ok");
  CHECK(doc["qbo_webhook"] == "configured");

  const std::string legacy = fixture("webhook-legacy.json"), cloud = fixture("webhook-cloudevents.json");
  const auto started = std::chrono::steady_clock::now();
  res = post(legacy, intuit_signature(kToken, legacy));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(res.status == 200);
  CHECK(elapsed < std::chrono::seconds(3));  // Intuit's deadline
  CHECK(res.header("x-request-id").rfind("req_", 0) == 0);
  CHECK(nlohmann::json::parse(res.body)["accepted"] == 4);

  res = post(cloud, intuit_signature("wrong-token", cloud));
  CHECK(res.status == 401);
  doc = nlohmann::json::parse(res.body);
  CHECK(doc["error"]["code"] == "WEBHOOK_SIGNATURE_INVALID");
  CHECK(doc["error"]["request_id"] == res.header("x-request-id"));
  res = post(cloud, "");
  CHECK(res.status == 401);

  res = post(cloud, intuit_signature(kToken, cloud));
  CHECK(res.status == 200);
  res = post(cloud, intuit_signature(kToken, cloud));  // Intuit's retry
  CHECK(res.status == 200);
  CHECK(nlohmann::json::parse(res.body)["duplicates"] == 4);

  // Concurrent deliveries, each on its own connection and workspace handle.
  std::vector<std::thread> senders;
  std::vector<long> statuses(6, 0);
  for (std::size_t i = 0; i < statuses.size(); ++i)
    senders.emplace_back([&, i] {
      const std::string body = R"([{"specversion":"1.0","id":"concurrent-)" + std::to_string(i) +
                               R"(","type":"qbo.invoice.updated.v1","intuitentityid":"1","intuitaccountid":"C"}])";
      statuses[i] = post(body, intuit_signature(kToken, body)).status;
    });
  for (auto& t : senders) t.join();
  for (long s : statuses) CHECK(s == 200);

  HttpRequest missing;
  missing.url = base + "/v1/nope";
  res = http_send(missing);
  CHECK(res.status == 404);
  CHECK(nlohmann::json::parse(res.body)["error"]["code"] == "ENDPOINT_NOT_FOUND");
  server.stop();

  auto ws = Workspace::open(path, false);
  CHECK(queued_rows(*ws) == 8 + 6);
  CHECK(ws->db().query_int("SELECT count(*) FROM qbo_webhook_events WHERE realm_id = 'C'") == 6);
}
