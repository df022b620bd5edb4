// QBO response parsing and mapping, checked field by field against the
// fixtures in ../shared/fixtures/qbo with hand-computed values.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bre/core/event_codec.h"
#include "bre/ingest/qbo.h"
#include "bre/store/event_store.h"
#include "test_support.h"

using namespace bre;

namespace {

const std::string kFixtures = std::string(BRE_SOURCE_DIR) + "/../shared/fixtures/qbo";

bool have_fixtures() {
  if (std::filesystem::exists(kFixtures + "/query-Invoice.json")) return true;
  MESSAGE("QBO fixtures not found at " << kFixtures << "; skipped");
  return false;
}

std::string fixture(const std::string& name) {
  std::ifstream in(kFixtures + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const kQueryPages[] = {"query-Bill.json",     "query-BillPayment.json", "query-CreditMemo.json",
                                   "query-Customer.json", "query-Estimate.json",    "query-Invoice.json",
                                   "query-Item.json",     "query-Payment.json",     "query-PurchaseOrder.json",
                                   "query-RefundReceipt.json", "query-Vendor.json"};

std::vector<QboObject> all_query_objects() {
  std::vector<QboObject> out;
  for (const char* f : kQueryPages)
    for (QboObject& o : parse_qbo_page(fixture(f)).objects) out.push_back(std::move(o));
  return out;
}

const TimeMs kAsOf = *parse_date("2026-06-15");

struct QboMapped {
  std::vector<CanonicalEvent> events;
  std::vector<ReferenceEntity> entities;
  std::vector<std::string> retracted;
  std::size_t rejections = 0;
  const CanonicalEvent* find(EventType t, const std::string& id) const {
    for (const CanonicalEvent& e : events)
      if (e.event_type == t && e.entity_id == id) return &e;
    return nullptr;
  }
  std::size_t count(EventType t) const {
    return std::count_if(events.begin(), events.end(), [&](const CanonicalEvent& e) { return e.event_type == t; });
  }
};

QboMapped map_all(const std::vector<QboObject>& objects, TimeMs as_of = kAsOf) {
  MapContext ctx(0, "USD");
  map_qbo_objects(objects, as_of, ctx);
  QboMapped m;
  for (auto& em : ctx.events()) m.events.push_back(em.event);
  m.retracted = ctx.retracted();
  m.entities = ctx.entities();
  m.rejections = ctx.rejections().size();
  return m;
}

nlohmann::json attrs(const CanonicalEvent* e) { return nlohmann::json::parse(e->attributes); }

// A fixture object's payload with some members replaced (for versions the fixtures lack).
QboObject edited(const QboObject& o, const std::string& sync_token, const nlohmann::ordered_json& patch) {
  auto j = nlohmann::ordered_json::parse(o.payload);
  for (auto& [k, v] : patch.items()) j[k] = v;
  j["SyncToken"] = sync_token;
  return qbo_object_from_bronze(o.entity_type, sync_token, "Update", j.dump());
}

}  // namespace

TEST_CASE("qbo pages: empty query, count, single read, CDC with a delete stub, faults") {
  if (!have_fixtures()) return;
  QboPage empty = parse_qbo_page(fixture("query-empty.json"));
  CHECK(empty.objects.empty());
  CHECK(!empty.start_position);
  CHECK(!empty.max_results);
  CHECK(empty.time == parse_iso8601("2026-06-15T08:04:20.655-07:00"));
  CHECK(parse_qbo_page(fixture("query-count.json")).total_count == 3);
  CHECK(parse_qbo_page(fixture("cdc-empty.json")).objects.empty());

  QboPage read = parse_qbo_page(fixture("read-Invoice.json"));
  REQUIRE(read.objects.size() == 1);
  CHECK(read.objects[0].entity_type == "Invoice");
  CHECK(read.objects[0].id == "1042");
  CHECK(read.objects[0].sync_token == "0");
  CHECK(read.objects[0].operation == QboOperation::Create);
  CHECK(read.objects[0].last_updated == *parse_iso8601("2026-06-05T09:20:41-07:00"));
  // The payload is the object's own bytes: amounts exactly as QBO wrote them.
  CHECK(read.objects[0].payload.find("\"UnitPrice\": 18.75") != std::string::npos);
  CHECK(read.objects[0].payload.front() == '{');
  CHECK(read.objects[0].payload.back() == '}');

  QboPage inv = parse_qbo_page(fixture("query-Invoice.json"));
  CHECK(inv.objects.size() == 3);
  CHECK(inv.start_position == 1);
  CHECK(inv.max_results == 3);
  CHECK(inv.total_count == 3);
  CHECK(!parse_qbo_page(fixture("query-Payment.json")).total_count);  // not required
  CHECK(inv.objects[0].operation == QboOperation::Update);             // SyncToken 3

  QboPage cdc = parse_qbo_page(fixture("cdc-response.json"));
  REQUIRE(cdc.objects.size() == 3);
  CHECK(cdc.objects[0].entity_type == "Customer");
  CHECK(cdc.objects[1].entity_type == "Invoice");
  CHECK(cdc.objects[1].sync_token == "1");
  CHECK(cdc.objects[2].id == "1039");
  CHECK(cdc.objects[2].operation == QboOperation::Delete);
  CHECK(cdc.objects[2].sync_token.empty());
  CHECK(cdc.objects[2].last_updated == *parse_iso8601("2026-06-14T10:44:51-07:00"));

  CHECK_THROWS_AS(parse_qbo_page(fixture("error-400-validation.json")), Error);
  CHECK_THROWS_AS(parse_qbo_page(fixture("error-401.json")), Error);
  CHECK_THROWS_AS(parse_qbo_page("{\"QueryResponse\":{\"Invoice\":[{\"SyncToken\":\"0\"}]}}"), Error);  // no Id
  CHECK_THROWS_AS(parse_qbo_page("{\"QueryResponse\":"), Error);
}

TEST_CASE("qbo mapping: every entity type of the fixtures, field by field") {
  if (!have_fixtures()) return;
  const QboMapped m = map_all(all_query_objects());
  CHECK(m.rejections == 0);
  CHECK(m.events.size() == 18);
  for (const CanonicalEvent& e : m.events) {
    CHECK(validate_event(e).empty());
    CHECK(e.source == "qbo");
    CHECK(e.mapping_version == kQboMappingVersion);
    if (e.amount_minor) CHECK(e.currency == "USD");
  }
  CHECK(m.count(EventType::invoice_issued) == 3);
  CHECK(m.count(EventType::invoice_paid) == 1);
  CHECK(m.count(EventType::invoice_overdue) == 1);
  CHECK(m.count(EventType::payment_received) == 2);
  CHECK(m.count(EventType::expense_posted) == 2);
  CHECK(m.count(EventType::expense_paid) == 2);
  CHECK(m.count(EventType::credit_memo_issued) == 1);
  CHECK(m.count(EventType::refund_issued) == 1);
  CHECK(m.count(EventType::customer_created) == 3);
  CHECK(m.count(EventType::purchase_order_placed) == 2);
  CHECK(m.count(EventType::customer_updated) == 0);  // one version of each customer only
  CHECK(m.count(EventType::inventory_low) == 0);     // no ReorderPoint in the fixtures

  SUBCASE("invoices") {
    const CanonicalEvent* i41 = m.find(EventType::invoice_issued, "1041");
    REQUIRE(i41);
    CHECK(i41->amount_minor == 41000);
    CHECK(i41->event_time == *parse_date("2026-04-02"));
    CHECK(i41->entity_type == EntityType::invoice);
    CHECK(i41->related_entity_ids == R"({"customer_id":"58"})");
    auto a = attrs(i41);
    CHECK(a["due_date"] == "2026-05-02");
    CHECK(a["customer_id"] == "58");
    REQUIRE(a["line_items"].size() == 2);  // the subtotal line is not an item
    CHECK(a["line_items"][0]["item_id"] == "12");
    CHECK(a["line_items"][0]["qty"] == 2);
    CHECK(a["line_items"][1]["amount"] == 240.0);
    CHECK(m.find(EventType::invoice_issued, "1042")->amount_minor == 33000);
    CHECK(m.find(EventType::invoice_issued, "1043")->amount_minor == 32500);

    // 1041: paid by payment 1047 on 2026-04-28, 26 days after its 2026-04-02 date.
    const CanonicalEvent* paid = m.find(EventType::invoice_paid, "1041");
    REQUIRE(paid);
    CHECK(paid->amount_minor == 41000);
    CHECK(paid->event_time == *parse_date("2026-04-28"));
    auto pa = attrs(paid);
    CHECK(pa["days_to_pay"] == 26);
    CHECK(pa["original_due_date"] == "2026-05-02");
    CHECK(pa["payment_method"] == "Check");
    CHECK(!m.find(EventType::invoice_paid, "1043"));
    CHECK(!m.find(EventType::invoice_overdue, "1041"));  // paid before its due date
    CHECK(!m.find(EventType::invoice_overdue, "1042"));  // due 2026-07-05

    // 1043: due 2026-05-10, 100.00 paid on 2026-05-22 (after the due date): overdue from
    // 2026-05-11 with 325.00 open then, 225.00 still open on 2026-06-15, 36 days late.
    const CanonicalEvent* od = m.find(EventType::invoice_overdue, "1043");
    REQUIRE(od);
    CHECK(od->event_time == *parse_date("2026-05-11"));
    CHECK(od->amount_minor == 22500);
    auto oa = attrs(od);
    CHECK(oa["balance_remaining"] == 225.0);
    CHECK(oa["balance_at_due_date"] == 325.0);
    CHECK(oa["days_overdue"] == 36);
    CHECK(oa["due_date"] == "2026-05-10");
    CHECK(od->event_id == derive_event_id("qbo", "1043", EventType::invoice_overdue, kQboMappingVersion, "2026-05-10"));
    // Before the day after the due date it is not overdue yet.
    CHECK(!map_all(all_query_objects(), *parse_date("2026-05-10")).find(EventType::invoice_overdue, "1043"));
  }

  SUBCASE("payments, bills, bill payments, credit memo, refund, purchase orders") {
    const CanonicalEvent* p47 = m.find(EventType::payment_received, "1047");
    REQUIRE(p47);
    CHECK(p47->amount_minor == 41000);
    CHECK(p47->event_time == *parse_date("2026-04-28"));
    auto pa = attrs(p47);
    CHECK(pa["customer_id"] == "58");
    CHECK(pa["payment_method"] == "Check");
    REQUIRE(pa["applied_to_invoices"].size() == 1);
    CHECK(pa["applied_to_invoices"][0]["invoice_id"] == "1041");
    CHECK(pa["applied_to_invoices"][0]["amount"] == 410.0);
    auto p49 = attrs(m.find(EventType::payment_received, "1049"));
    CHECK(m.find(EventType::payment_received, "1049")->amount_minor == 10000);
    CHECK(p49["applied_to_invoices"][0]["invoice_id"] == "1043");
    CHECK(p49["payment_method"] == "Cash");

    const CanonicalEvent* b36 = m.find(EventType::expense_posted, "1036");
    REQUIRE(b36);
    CHECK(b36->amount_minor == 42700);
    CHECK(b36->event_time == *parse_date("2026-04-20"));
    CHECK(b36->related_entity_ids == R"({"vendor_id":"72"})");
    auto ba = attrs(b36);
    CHECK(ba["due_date"] == "2026-05-20");
    CHECK(ba["category"] == "Cost of Goods Sold");  // item 19's expense account, the larger line
    CHECK(ba["line_items"][1]["category"] == "Shipping and Delivery");
    CHECK(ba["line_items"][1]["amount"] == 35.0);
    const CanonicalEvent* b54 = m.find(EventType::expense_posted, "1054");
    CHECK(b54->amount_minor == 61240);  // 612.4 → 612.40 exactly
    CHECK(attrs(b54)["category"] == "Vehicle Repairs");

    auto bp52 = attrs(m.find(EventType::expense_paid, "1052"));
    CHECK(m.find(EventType::expense_paid, "1052")->amount_minor == 42700);
    CHECK(bp52["bill_ids"] == nlohmann::json::array({"1036"}));
    CHECK(bp52["payment_method"] == "Check");
    CHECK(bp52["vendor_id"] == "72");
    CHECK(m.find(EventType::expense_paid, "1056")->amount_minor == 30000);
    CHECK(attrs(m.find(EventType::expense_paid, "1056"))["payment_method"] == "CreditCard");

    const CanonicalEvent* cm = m.find(EventType::credit_memo_issued, "1058");
    REQUIRE(cm);
    CHECK(cm->amount_minor == 8500);
    CHECK(attrs(cm)["customer_id"] == "61");
    CHECK(attrs(cm)["remaining_credit"] == 85.0);
    const CanonicalEvent* rr = m.find(EventType::refund_issued, "1060");
    REQUIRE(rr);
    CHECK(rr->amount_minor == 4250);
    CHECK(rr->event_time == *parse_date("2026-06-10"));
    CHECK(attrs(rr)["refund_method"] == "Check");
    CHECK(attrs(rr)["customer_id"] == "59");

    const CanonicalEvent* po = m.find(EventType::purchase_order_placed, "1062");
    REQUIRE(po);
    CHECK(po->amount_minor == 58800);
    CHECK(attrs(po)["vendor_id"] == "72");
    CHECK(attrs(po)["line_items"][0]["qty"] == 60);
    CHECK(!m.find(EventType::invoice_issued, "1038"));  // estimates map to nothing
  }

  SUBCASE("customers and reference entities") {
    const CanonicalEvent* c58 = m.find(EventType::customer_created, "58");
    REQUIRE(c58);
    CHECK(c58->event_time == *parse_iso8601("2026-03-11T10:02:55-07:00"));
    CHECK(attrs(c58)["display_name"] == "Harbor Lights Bakery");
    CHECK(attrs(c58)["email"] == "accounts@harborlights-bakery.example");
    CHECK(m.entities.size() == 9);  // 3 customers, 2 vendors, 4 items
    auto entity = [&](const std::string& kind, const std::string& id) {
      for (const ReferenceEntity& e : m.entities)
        if (e.kind == kind && e.entity_id == id) return e;
      FAIL("no entity " << kind << " " << id);
      return ReferenceEntity{};
    };
    CHECK(entity("customer", "59").display_name == "Tobias Wren");
    CHECK(entity("vendor", "74").display_name == "Northgate Fleet Services");
    CHECK(entity("product", "19").display_name == "Drip Emitter Kit");
    CHECK(entity("product", "19").category == "Inventory");
    CHECK(entity("product", "12").category == "Service");
  }
}

TEST_CASE("qbo mapping: CDC versions, delete stubs, later versions and determinism") {
  if (!have_fixtures()) return;
  std::vector<QboObject> objects = all_query_objects();
  for (QboObject& o : parse_qbo_page(fixture("cdc-response.json")).objects) objects.push_back(std::move(o));
  const QboMapped m = map_all(objects);
  CHECK(m.rejections == 0);
  CHECK(m.events.size() == 18);               // invoice 1042 v1 changes no event; customer 59 is the same version
  CHECK(!m.find(EventType::invoice_issued, "1039"));  // the delete stub maps to nothing

  // The same bronze mapped twice (in any order) gives identical ids.
  std::vector<QboObject> reversed(objects.rbegin(), objects.rend());
  const QboMapped again = map_all(reversed);
  std::vector<std::string> a, b;
  for (const auto& e : m.events) a.push_back(e.event_id);
  for (const auto& e : again.events) b.push_back(e.event_id);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);

  // A later Customer version: customer_updated with what changed.
  const QboObject* c59 = nullptr;
  for (const QboObject& o : objects)
    if (o.entity_type == "Customer" && o.id == "59") c59 = &o;
  REQUIRE(c59);
  objects.push_back(edited(*c59, "7", {{"Balance", 0}, {"BalanceWithJobs", 0}}));
  const QboMapped updated = map_all(objects);
  const CanonicalEvent* u = updated.find(EventType::customer_updated, "59");
  REQUIRE(u);
  CHECK(attrs(u)["changed_fields"] == nlohmann::json::array({"Balance", "BalanceWithJobs"}));
  CHECK(attrs(u)["new_balance"] == 0);
  CHECK(u->event_id == derive_event_id("qbo", "59", EventType::customer_updated, kQboMappingVersion, "7"));
  CHECK(updated.count(EventType::customer_created) == 3);  // still once per customer

  // An inventory item at its reorder point: inventory_low.
  const QboObject* item19 = nullptr;
  for (const QboObject& o : objects)
    if (o.entity_type == "Item" && o.id == "19") item19 = &o;
  REQUIRE(item19);
  objects.push_back(edited(*item19, "6", {{"QtyOnHand", 12}, {"ReorderPoint", 12}}));
  const QboMapped with_low = map_all(objects);
  const CanonicalEvent* low = with_low.find(EventType::inventory_low, "19");
  REQUIRE(low);
  CHECK(attrs(low)["qty_on_hand"] == 12);
  CHECK(validate_event(*low).empty());
}

TEST_CASE("qbo ingest: bronze, events and entities in one batch, a second run adds nothing, replay") {
  if (!have_fixtures()) return;
  TempDir dir;
  std::filesystem::create_directories(dir.file("pages"));
  for (const char* f : kQueryPages) dir.write(std::string("pages/") + f, fixture(f));
  dir.write("pages/query-empty.json", fixture("query-empty.json"));
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  QboPagesRequest req{dir.file("pages"), kAsOf, ""};
  IngestResult first = ingest_qbo_pages(*ws, req, Logger{});
  CHECK(first.bronze_inserted == 24);
  CHECK(first.events_inserted == 18);
  CHECK(first.entities == 9);
  CHECK(home_currency(*ws) == "USD");
  CHECK(ws->db().query_int("SELECT sum(amount_minor) FROM events WHERE event_type = 'payment_received'") == 51000);
  IngestResult second = ingest_qbo_pages(*ws, req, Logger{});
  CHECK(second.bronze_inserted == 0);
  CHECK(second.events_inserted == 0);
  CHECK(second.events_duplicate == 18);
  ReplayResult replay = replay_source(*ws, "qbo", {kAsOf}, Logger{});
  CHECK(replay.records == 24);
  CHECK(replay.events_inserted == 0);
  CHECK(count_events(ws->db()) == 18);

  // A page that is not a QBO response refuses the batch, naming the file.
  dir.write("pages/zz-fault.json", fixture("error-400-validation.json"));
  CHECK_THROWS_AS(ingest_qbo_pages(*ws, req, Logger{}), Error);
  CHECK(count_events(ws->db()) == 18);
}

// Purchase and SalesReceipt are not among Intuit's fixture pages: these follow
// the documented object shapes (Purchase: AccountRef, PaymentType, EntityRef,
// AccountBasedExpenseLineDetail lines; SalesReceipt: CustomerRef,
// PaymentMethodRef, SalesItemLineDetail lines).
TEST_CASE("qbo mapping: Purchase gives expense_posted and expense_paid, SalesReceipt gives payment_received") {
  const std::string purchase = R"({"Purchase":{"AccountRef":{"value":"42","name":"Visa"},"PaymentType":"CreditCard",
    "EntityRef":{"value":"56","name":"Bob's Burger Joint","type":"Vendor"},"Credit":false,"TotalAmt":17.50,
    "Line":[{"Id":"1","Amount":12.25,"DetailType":"AccountBasedExpenseLineDetail",
             "AccountBasedExpenseLineDetail":{"AccountRef":{"value":"13","name":"Meals and Entertainment"}}},
            {"Id":"2","Amount":5.25,"DetailType":"AccountBasedExpenseLineDetail",
             "AccountBasedExpenseLineDetail":{"AccountRef":{"value":"7","name":"Supplies"}}}],
    "domain":"QBO","sparse":false,"Id":"252","SyncToken":"0","TxnDate":"2026-06-03",
    "CurrencyRef":{"value":"USD"},"MetaData":{"CreateTime":"2026-06-03T10:00:00-07:00","LastUpdatedTime":"2026-06-03T10:00:00-07:00"}},
    "time":"2026-06-15T08:00:00.000-07:00"})";
  const std::string receipt = R"({"SalesReceipt":{"CustomerRef":{"value":"58","name":"Amy's Bird Sanctuary"},
    "PaymentMethodRef":{"value":"2","name":"Check"},"TotalAmt":337.5,"Balance":0,
    "Line":[{"Id":"1","LineNum":1,"Amount":337.5,"DetailType":"SalesItemLineDetail",
             "SalesItemLineDetail":{"ItemRef":{"value":"11","name":"Pump"},"UnitPrice":22.5,"Qty":15}},
            {"Amount":337.5,"DetailType":"SubTotalLineDetail","SubTotalLineDetail":{}}],
    "domain":"QBO","sparse":false,"Id":"252","SyncToken":"0","TxnDate":"2026-06-04",
    "MetaData":{"CreateTime":"2026-06-04T09:00:00-07:00","LastUpdatedTime":"2026-06-04T09:00:00-07:00"}},
    "time":"2026-06-15T08:00:00.000-07:00"})";
  std::vector<QboObject> objects;
  for (const std::string& page : {purchase, receipt})
    for (QboObject& o : parse_qbo_page(page).objects) objects.push_back(std::move(o));
  const QboMapped m = map_all(objects);
  CHECK(m.rejections == 0);
  REQUIRE(m.events.size() == 3);
  for (const CanonicalEvent& e : m.events) CHECK(validate_event(e).empty());

  const CanonicalEvent* posted = m.find(EventType::expense_posted, "252");
  REQUIRE(posted);
  CHECK(posted->amount_minor == 1750);
  CHECK(posted->currency == "USD");
  CHECK(posted->event_time == *parse_date("2026-06-03"));
  CHECK(attrs(posted)["vendor_id"] == "56");
  CHECK(attrs(posted)["category"] == "Meals and Entertainment");  // the largest line's account
  CHECK(attrs(posted)["line_items"].size() == 2);
  CHECK(attrs(posted)["line_items"][1]["account_name"] == "Supplies");
  CHECK(attrs(posted)["line_items"][1]["amount"] == 5.25);
  CHECK(attrs(posted)["qbo_type"] == "Purchase");
  const CanonicalEvent* paid = m.find(EventType::expense_paid, "252");
  REQUIRE(paid);
  CHECK(paid->amount_minor == 1750);
  CHECK(attrs(paid)["payment_method"] == "CreditCard");
  CHECK(attrs(paid)["paid_from_account"] == "Visa");
  CHECK(attrs(paid)["bill_ids"].empty());

  // Same Id as the Purchase, different list: a different event id.
  const CanonicalEvent* sale = m.find(EventType::payment_received, "252");
  REQUIRE(sale);
  CHECK(sale->amount_minor == 33750);
  CHECK(sale->event_id == derive_event_id("qbo", "252", EventType::payment_received, kQboMappingVersion, "SalesReceipt"));
  CHECK(attrs(sale)["customer_id"] == "58");
  CHECK(attrs(sale)["payment_method"] == "Check");
  CHECK(attrs(sale)["line_items"].size() == 1);  // the subtotal line is not an item
  CHECK(attrs(sale)["line_items"][0]["item_id"] == "11");
  CHECK(attrs(sale)["line_items"][0]["qty"] == 15);
  CHECK(attrs(sale)["qbo_type"] == "SalesReceipt");
}

TEST_CASE("qbo mapping: a delete stub or a void retracts what the entity had produced") {
  if (!have_fixtures()) return;
  std::vector<QboObject> objects = all_query_objects();
  const QboMapped before = map_all(objects);
  const CanonicalEvent* issued = before.find(EventType::invoice_issued, "1042");
  const CanonicalEvent* payment = before.find(EventType::payment_received, "1049");
  REQUIRE(issued);
  REQUIRE(payment);
  CHECK(before.retracted.empty());

  objects.push_back(qbo_delete_stub("Invoice", "1042", kAsOf));
  for (const QboObject& o : std::vector<QboObject>(objects))
    if (o.entity_type == "Payment" && o.id == "1049")
      objects.push_back(edited(o, "2", {{"TotalAmt", 0}, {"PrivateNote", "Voided - entered twice"},
                                        {"Line", nlohmann::ordered_json::array()}}));
  const QboMapped after = map_all(objects);
  CHECK(!after.find(EventType::invoice_issued, "1042"));
  CHECK(!after.find(EventType::payment_received, "1049"));
  auto retracted = [&](const std::string& id) {
    return std::find(after.retracted.begin(), after.retracted.end(), id) != after.retracted.end();
  };
  CHECK(retracted(issued->event_id));
  CHECK(retracted(payment->event_id));
  CHECK(after.events.size() + after.retracted.size() >= before.events.size());
  // Nothing else is touched: every event not retracted is still produced.
  for (const CanonicalEvent& e : before.events)
    if (!retracted(e.event_id))
      CHECK_MESSAGE(std::any_of(after.events.begin(), after.events.end(),
                                [&](const CanonicalEvent& x) { return x.event_id == e.event_id; }),
                    "lost " << e.event_id);
}
