// Olist adapter: the real Kaggle sample (counts checked independently with
// python3's csv module) and small hand-written tables for the edge cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bre/core/event_codec.h"
#include "bre/ingest/adapter.h"
#include "bre/ingest/csv.h"

namespace {

using namespace bre;

// Reads one CSV text into SourceRecords, the way the ingest driver does.
void add_csv(const Adapter& adapter, std::string_view text, const std::string& file, std::vector<SourceRecord>& out) {
  CsvReader reader(text, file);
  CsvRow header;
  Problem problem;
  REQUIRE(reader.next(header, &problem));
  auto columns = std::make_shared<const std::vector<std::string>>(header.fields);
  const std::string kind = adapter.classify(header.fields);
  REQUIRE_MESSAGE(!kind.empty(), file);
  CsvRow row;
  std::size_t malformed = 0;
  while (reader.next(row, &problem)) {
    if (!problem.reason.empty() || row.fields.size() != columns->size()) {
      ++malformed;
      continue;
    }
    out.push_back({file, row.line, kind, columns, row.fields});
  }
  CHECK_MESSAGE(malformed == 0, file);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path olist_dir() {
  const char* env = std::getenv("BRE_SHARED_DATA");
  return std::filesystem::path(env && *env ? env : BRE_SOURCE_DIR "/../shared/data") / "olist";
}

const char* const kOlistFiles[] = {
    "olist_orders_dataset.csv",        "olist_order_items_dataset.csv",         "olist_order_payments_dataset.csv",
    "olist_order_reviews_dataset.csv", "olist_customers_dataset.csv",           "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",       "product_category_name_translation.csv",
};

// The real sample, read once; empty when the data set is not on this machine.
const std::vector<SourceRecord>& real_records() {
  static const std::vector<SourceRecord> records = [] {
    std::vector<SourceRecord> out;
    if (!std::filesystem::exists(olist_dir() / kOlistFiles[0])) return out;
    auto adapter = make_olist_adapter();
    for (const char* f : kOlistFiles) add_csv(*adapter, read_file(olist_dir() / f), f, out);
    return out;
  }();
  return records;
}

struct OlistMapped {
  std::vector<MapContext::Emitted> events;
  std::vector<ReferenceEntity> entities;
  std::vector<MapContext::Rejection> rejections;
};

OlistMapped map_records(const std::vector<SourceRecord>& records) {
  auto adapter = make_olist_adapter();
  MapContext ctx(1'700'000'000'000, "BRL");
  adapter->map(records, {}, ctx);
  return {ctx.events(), ctx.entities(), ctx.rejections()};
}

const OlistMapped& real_mapped() {
  static const OlistMapped m = map_records(real_records());
  return m;
}

OlistMapped map_tables(const std::map<std::string, std::string>& files) {
  auto adapter = make_olist_adapter();
  std::vector<SourceRecord> records;
  for (const auto& [name, text] : files) add_csv(*adapter, text, name, records);
  return map_records(records);
}

std::vector<const CanonicalEvent*> of_type(const OlistMapped& m, EventType t) {
  std::vector<const CanonicalEvent*> out;
  for (const auto& e : m.events)
    if (e.event.event_type == t) out.push_back(&e.event);
  return out;
}

std::size_t count_type(const OlistMapped& m, EventType t) { return of_type(m, t).size(); }

const CanonicalEvent* find_event(const OlistMapped& m, EventType t, std::string_view entity_id) {
  for (const auto& e : m.events)
    if (e.event.event_type == t && e.event.entity_id == entity_id) return &e.event;
  return nullptr;
}

bool has_flag(const CanonicalEvent& e, std::string_view flag) {
  return std::find(e.data_quality_flags.begin(), e.data_quality_flags.end(), flag) != e.data_quality_flags.end();
}

std::size_t count_flag(const OlistMapped& m, EventType t, std::string_view flag) {
  auto events = of_type(m, t);
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [&](auto* e) { return has_flag(*e, flag); }));
}

std::size_t count_kind(const OlistMapped& m, std::string_view kind) {
  return static_cast<std::size_t>(
      std::count_if(m.entities.begin(), m.entities.end(), [&](const ReferenceEntity& e) { return e.kind == kind; }));
}

const std::string kOrdersHeader =
    "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,"
    "order_delivered_customer_date,order_estimated_delivery_date\n";
const std::string kItemsHeader =
    "order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value\n";
const std::string kPaymentsHeader = "order_id,payment_sequential,payment_type,payment_installments,payment_value\n";
const std::string kReviewsHeader =
    "review_id,order_id,review_score,review_comment_title,review_comment_message,review_creation_date,"
    "review_answer_timestamp\n";

}  // namespace

TEST_CASE("olist: identity and table classification") {
  auto a = make_olist_adapter();
  CHECK(a->source() == "olist");
  CHECK(a->mapping_version() == 1);
  CHECK(a->default_currency() == "BRL");
  auto split = [](std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      if (c == ',')
        out.push_back(std::exchange(cur, {}));
      else if (c != '\n')
        cur.push_back(c);
    }
    out.push_back(cur);
    return out;
  };
  CHECK(a->classify(split(kOrdersHeader)) == "orders");
  CHECK(a->classify(split(kItemsHeader)) == "order_items");
  CHECK(a->classify(split(kPaymentsHeader)) == "payments");
  CHECK(a->classify(split(kReviewsHeader)) == "reviews");
  CHECK(a->classify(split("customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state")) ==
        "customers");
  CHECK(a->classify(split(
            "product_id,product_category_name,product_name_lenght,product_description_lenght,"
            "product_photos_qty,product_weight_g,product_length_cm,product_height_cm,product_width_cm")) == "products");
  CHECK(a->classify(split("seller_id,seller_zip_code_prefix,seller_city,seller_state")) == "sellers");
  CHECK(a->classify(split("product_category_name,product_category_name_english")) == "category_translation");
  CHECK(a->classify(split("Ticket ID,Customer Name")).empty());
  CHECK(a->classify({}).empty());
}

TEST_CASE("olist: real sample maps to the independently counted events") {
  const auto& records = real_records();
  if (records.empty()) {
    MESSAGE("Olist sample not found under " << olist_dir() << "; skipped");
    return;
  }
  // 15000 orders + 17071 items + 15733 payments + 14944 reviews + 15000 customers
  // + 32951 products + 3095 sellers + 71 translations.
  CHECK(records.size() == 113865);
  const OlistMapped& m = real_mapped();
  CHECK(m.rejections.empty());
  CHECK(count_type(m, EventType::order_placed) == 15000);
  CHECK(count_type(m, EventType::order_delivered) == 14552);  // every 'delivered' order has its date
  CHECK(count_type(m, EventType::order_late) == 957);         // delivered on a later calendar day than estimated
  CHECK(count_type(m, EventType::payment_received) == 15733);
  CHECK(count_type(m, EventType::review_submitted) == 14944);
  CHECK(m.events.size() == 15000 + 14552 + 957 + 15733 + 14944);

  CHECK(count_kind(m, "customer") == 14904);  // distinct customer_unique_id
  CHECK(count_kind(m, "product") == 32951);
  CHECK(count_kind(m, "seller") == 3095);
  CHECK(count_kind(m, "category") == 73);  // 71 translated + pc_gamer + portateis_cozinha_...

  // Money to the cent: sums computed with Python's Decimal.
  std::int64_t revenue = 0, ordered = 0;
  std::size_t orders_without_amount = 0;
  for (auto* e : of_type(m, EventType::payment_received)) revenue += *e->amount_minor;
  for (auto* e : of_type(m, EventType::order_placed)) {
    if (e->amount_minor)
      ordered += *e->amount_minor;
    else
      ++orders_without_amount;
  }
  CHECK(revenue == 239790456);          // 2,397,904.56 BRL
  CHECK(ordered == 237056361);          // 2,370,563.61 BRL of price + freight
  CHECK(orders_without_amount == 115);  // 87 unavailable, 27 canceled, 1 invoiced order have no items

  // Quality flags, each rule counted in Python over the raw rows.
  CHECK(count_flag(m, EventType::order_placed, "inconsistent:shipped_before_approved") == 206);
  CHECK(count_flag(m, EventType::order_placed, "inconsistent:shipped_before_placed") == 31);
  CHECK(count_flag(m, EventType::order_placed, "inconsistent:delivered_before_approved") == 9);
  CHECK(count_flag(m, EventType::order_placed, "inconsistent:delivered_before_shipped") == 2);
  CHECK(count_flag(m, EventType::order_placed, "inconsistent:delivered_before_placed") == 0);
  CHECK(count_flag(m, EventType::order_placed, "missing:approved_at") == 7);
  CHECK(count_flag(m, EventType::order_placed, "missing:items") == 1);
  CHECK(count_flag(m, EventType::order_placed, "missing:payments") == 1);
  CHECK(count_flag(m, EventType::order_placed, "missing:actual_delivery") == 0);
  CHECK(count_flag(m, EventType::order_placed, "missing:customer_unique_id") == 0);
  // Delivery events carry only the flags about the dates they report.
  CHECK(count_flag(m, EventType::order_delivered, "inconsistent:delivered_before_approved") == 9);
  CHECK(count_flag(m, EventType::order_delivered, "inconsistent:shipped_before_approved") == 0);
  CHECK(count_flag(m, EventType::order_delivered, "missing:approved_at") == 0);
  CHECK(count_flag(m, EventType::payment_received, "missing:approved_at") == 31);
  CHECK(count_flag(m, EventType::payment_received, "inconsistent:zero_installments") == 1);
  CHECK(count_flag(m, EventType::review_submitted, "inconsistent:reviewed_before_placed") == 11);

  std::size_t invalid = 0;
  for (const auto& e : m.events) {
    auto problems = validate_event(e.event);
    if (!problems.empty() && ++invalid <= 3) FAIL_CHECK(e.event.event_id << ": " << problems[0].to_string());
  }
  CHECK(invalid == 0);

  // Ids are unique and deterministic.
  std::vector<std::string> ids;
  for (const auto& e : m.events) ids.push_back(e.event.event_id);
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  const OlistMapped again = map_records(records);
  REQUIRE(again.events.size() == m.events.size());
  bool identical = true;
  for (std::size_t i = 0; i < ids.size(); ++i) identical = identical && again.events[i].event == m.events[i].event;
  CHECK(identical);
}

TEST_CASE("olist: one real late order, field by field") {
  const auto& records = real_records();
  if (records.empty()) return;
  const OlistMapped& m = real_mapped();
  const std::string id = "9f0663bf008ccdbfbd96ac9a31ba7442";

  const CanonicalEvent* placed = find_event(m, EventType::order_placed, id);
  REQUIRE(placed);
  CHECK(placed->event_id == derive_event_id("olist", id, EventType::order_placed, 1, ""));
  CHECK(format_iso8601(placed->event_time) == "2017-11-24T10:56:16Z");
  CHECK(placed->source == "olist");
  CHECK(placed->source_entity_id == id);
  CHECK(placed->entity_type == EntityType::order);
  CHECK(placed->amount_minor == 18069);  // 89.9 + 2.26 + 54.55 + 33.98
  CHECK(placed->currency == "BRL");
  CHECK(placed->related_entity_ids ==
        R"({"customer_id":"1606270b200b79a68015ee518faeec87",)"
        R"("product_ids":["99a4788cb24856965c36a24e339b6058","ebf7d9b8166c02eb72e573eebd630458"],)"
        R"("seller_ids":["4a3ca9315b744ce9f8e9374361493884","cca3071e3e9bb7d12640c9fbe2301306"]})");
  CHECK(placed->attributes == R"({"order_status":"delivered","estimated_delivery":"2017-12-19","item_count":2})");
  CHECK(placed->data_quality_flags.empty());
  CHECK(placed->mapping_version == 1);

  const CanonicalEvent* delivered = find_event(m, EventType::order_delivered, id);
  REQUIRE(delivered);
  CHECK(format_iso8601(delivered->event_time) == "2017-12-22T20:49:27Z");
  CHECK(delivered->attributes ==
        R"({"actual_delivery":"2017-12-22T20:49:27Z","estimated_delivery":"2017-12-19","days_late":3})");
  CHECK(!delivered->amount_minor);
  const CanonicalEvent* late = find_event(m, EventType::order_late, id);
  REQUIRE(late);
  CHECK(late->event_time == delivered->event_time);
  CHECK(late->attributes == delivered->attributes);
  CHECK(late->event_id != delivered->event_id);

  const CanonicalEvent* paid = find_event(m, EventType::payment_received, id + "/1");
  REQUIRE(paid);
  CHECK(paid->entity_type == EntityType::payment);
  CHECK(paid->amount_minor == 18069);
  CHECK(format_iso8601(paid->event_time) == "2017-11-24T12:52:22Z");  // order_approved_at
  CHECK(
      paid->attributes ==
      R"({"payment_type":"credit_card","installments":4,"order_id":"9f0663bf008ccdbfbd96ac9a31ba7442","order_status":"delivered"})");
  CHECK(paid->related_entity_ids ==
        R"({"customer_id":"1606270b200b79a68015ee518faeec87","order_id":"9f0663bf008ccdbfbd96ac9a31ba7442"})");

  const CanonicalEvent* review = find_event(m, EventType::review_submitted, id);
  REQUIRE(review);
  CHECK(review->source_entity_id == "942197d1c84410c7970b68f3c5a608c5");
  CHECK(format_iso8601(review->event_time) == "2017-12-20T00:00:00Z");
  CHECK(review->attributes.find(R"("score":1,"order_id":"9f0663bf008ccdbfbd96ac9a31ba7442")") != std::string::npos);
  CHECK(review->attributes.find(R"("comment_text":"Empresa não cumpriu com a data de entrega.)") != std::string::npos);
  CHECK(review->attributes.find("comment_title") == std::string::npos);

  auto entity = [&](std::string_view kind, std::string_view eid) -> const ReferenceEntity* {
    for (const auto& e : m.entities)
      if (e.kind == kind && e.entity_id == eid) return &e;
    return nullptr;
  };
  const ReferenceEntity* customer = entity("customer", "259dac757896d24d7702b9acbbff3f3c");
  REQUIRE(customer);
  CHECK(customer->display_name == "customer 259dac75 (mogi das cruzes, SP)");
  CHECK(customer->attributes == R"({"zip_code_prefix":"8775","city":"mogi das cruzes","state":"SP"})");
  const ReferenceEntity* seller = entity("seller", "3442f8959a84dea7ee197c632cb2df15");
  REQUIRE(seller);
  CHECK(seller->display_name == "seller 3442f895 (campinas/SP)");
  const ReferenceEntity* product = entity("product", "1e9e8ef04dbcff4541ed26657ea517e5");
  REQUIRE(product);
  CHECK(product->category == "perfumery");
  CHECK(product->display_name == "product 1e9e8ef0 (perfumery)");
  const ReferenceEntity* category = entity("category", "health_beauty");
  REQUIRE(category);
  CHECK(category->display_name == "health beauty");
  CHECK(category->attributes == R"({"name_pt":"beleza_saude"})");
  const ReferenceEntity* untranslated = entity("category", "pc_gamer");
  REQUIRE(untranslated);
}

TEST_CASE("olist: corrupt real records are rejected by field, the rest still map") {
  const auto& real = real_records();
  if (real.empty()) return;
  std::vector<SourceRecord> records = real;
  auto set = [&](std::string_view kind, std::string_view order_id, std::string_view column, std::string value) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      SourceRecord& r = records[i];
      if (r.kind != kind || r.get("order_id") != order_id) continue;
      auto col = std::find(r.columns->begin(), r.columns->end(), column) - r.columns->begin();
      r.values[static_cast<std::size_t>(col)] = std::move(value);
      return i;
    }
    FAIL("no such record");
    return std::size_t{0};
  };
  const std::size_t bad_price = set("order_items", "9f0663bf008ccdbfbd96ac9a31ba7442", "price", "89,90");
  const std::size_t bad_score = set("reviews", "f849f319243bc7755c4fa9ccdb35eea7", "review_score", "7");
  const std::size_t bad_time =
      set("orders", "2591fdd6cc7718bac11436b57abd8163", "order_purchase_timestamp", "2018-02-30 14:01:37");
  const OlistMapped m = map_records(records);

  std::map<std::size_t, std::string> fields;
  for (const auto& r : m.rejections) fields[r.record_index] = r.field;
  CHECK(fields[bad_price] == "price");
  CHECK(fields[bad_score] == "review_score");
  CHECK(fields[bad_time] == "order_purchase_timestamp");
  // The rejected order takes its items and payment with it (they cannot be placed or dated).
  CHECK(m.rejections.size() == 3 + 2 + 1);
  for (const auto& r : m.rejections)
    if (r.record_index != bad_price && r.record_index != bad_score && r.record_index != bad_time) {
      CHECK(r.field == "order_id");
      CHECK(r.reason.find("was rejected (olist_orders_dataset.csv:") != std::string::npos);
    }
  CHECK(std::none_of(m.events.begin(), m.events.end(), [&](const auto& e) { return e.record_index == bad_score; }));
  CHECK(!find_event(m, EventType::order_placed, "2591fdd6cc7718bac11436b57abd8163"));
  CHECK(count_type(m, EventType::review_submitted) == 14943);
  // An order with a rejected item keeps its events but not a partial amount.
  const CanonicalEvent* placed = find_event(m, EventType::order_placed, "9f0663bf008ccdbfbd96ac9a31ba7442");
  REQUIRE(placed);
  CHECK(!placed->amount_minor);
  CHECK(has_flag(*placed, "missing:amount"));
}

TEST_CASE("olist: hand-written orders cover lateness, cancellation and bad values") {
  const std::string orders =
      kOrdersHeader +
      // on time: delivered on the estimated day itself
      "o1,c1,delivered,2018-01-01 10:00:00,2018-01-01 10:10:00,2018-01-02 09:00:00,2018-01-10 23:59:59,2018-01-10 "
      "00:00:00\n"
      // one day late
      "o2,c2,delivered,2018-01-01 10:00:00,2018-01-01 10:10:00,2018-01-02 09:00:00,2018-01-11 00:00:01,2018-01-10 "
      "00:00:00\n"
      // delivered status without a delivery date
      "o3,c1,delivered,2018-01-02 10:00:00,2018-01-02 10:10:00,2018-01-03 09:00:00,,2018-01-20 00:00:00\n"
      // delivered before it was placed
      "o4,c3,delivered,2018-01-05 10:00:00,,,2018-01-04 10:00:00,2018-01-20 00:00:00\n"
      // canceled but carries a delivery date: no delivered event
      "o5,c3,canceled,2018-01-05 10:00:00,,,2018-01-06 10:00:00,2018-01-20 00:00:00\n"
      // unusable values
      "o6,c3,delivered,yesterday,,,,2018-01-20 00:00:00\n"
      "o7,c3,lost,2018-01-05 10:00:00,,,,2018-01-20 00:00:00\n"
      "o8,c3,shipped,2018-01-05 10:00:00,2018-13-01 00:00:00,,,2018-01-20 00:00:00\n"
      "o1,c9,delivered,2018-01-01 10:00:00,,,,2018-01-10 00:00:00\n";
  const std::string items = kItemsHeader +
                            "o1,1,p1,s1,2018-01-03 00:00:00,199.0,17.87\n"
                            "o1,2,p2,s2,2018-01-03 00:00:00,10,0.13\n"
                            "o2,1,p1,s1,2018-01-03 00:00:00,1e1,0\n"
                            "o4,1,p1,s1,2018-01-03 00:00:00,12.345,1\n"
                            "o9,1,p1,s1,2018-01-03 00:00:00,5,1\n";
  const std::string payments = kPaymentsHeader +
                               "o1,1,credit_card,3,200.00\n"
                               "o1,2,voucher,1,27.0\n"
                               "o3,1,not_defined,0,0.0\n"
                               "o4,1,boleto,1,13.35\n"
                               "o5,1,boleto,1,-5\n"
                               "o9,1,boleto,1,5\n"
                               "o1,1,credit_card,3,200.00\n";
  const std::string reviews = kReviewsHeader +
                              "r1,o1,5,\"Ótimo\",\"chegou, bem\nembalado\",2018-01-11 00:00:00,2018-01-12 10:00:00\n"
                              "r2,o2,0,,,2018-01-12 00:00:00,\n"
                              "r3,o2,4.0,,,2017-12-31 00:00:00,\n"
                              "r1,o9,3,,,2018-01-12 00:00:00,\n";
  const std::string customers =
      "customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state\n"
      "c1,u1,8775,mogi das cruzes,SP\nc2,u1,8775,mogi das cruzes,SP\n";
  const OlistMapped m = map_tables({{"orders.csv", orders},
                               {"items.csv", items},
                               {"payments.csv", payments},
                               {"reviews.csv", reviews},
                               {"customers.csv", customers}});

  auto reject_fields = [&] {
    std::vector<std::string> f;
    for (const auto& r : m.rejections) f.push_back(r.field);
    std::sort(f.begin(), f.end());
    return f;
  }();
  // o6 bad purchase time, o7 unknown status, o8 impossible month, o1 duplicate;
  // o4's item has sub-cent precision, o9's item and payment have no order;
  // o5's payment is negative, o1/1 payment repeats; r2 score 0, r1/o9 is fine (missing order flagged).
  CHECK(reject_fields == std::vector<std::string>{"order_approved_at", "order_id", "order_id", "order_id",
                                                  "order_purchase_timestamp", "order_status", "payment_sequential",
                                                  "payment_value", "price", "review_score"});

  for (const auto& r : m.rejections)
    if (r.field == "order_id" && r.reason.find("'o9'") != std::string::npos)
      CHECK(r.reason.find("is not in this batch") != std::string::npos);
  const CanonicalEvent* o1 = find_event(m, EventType::order_placed, "o1");
  REQUIRE(o1);
  CHECK(o1->amount_minor == 22700);  // 199.0 + 17.87 + 10 + 0.13
  CHECK(o1->related_entity_ids == R"({"customer_id":"u1","product_ids":["p1","p2"],"seller_ids":["s1","s2"]})");
  CHECK(o1->data_quality_flags.empty());
  const CanonicalEvent* d1 = find_event(m, EventType::order_delivered, "o1");
  REQUIRE(d1);
  CHECK(d1->attributes.find(R"("days_late":0)") != std::string::npos);
  CHECK(!find_event(m, EventType::order_late, "o1"));

  const CanonicalEvent* late = find_event(m, EventType::order_late, "o2");
  REQUIRE(late);
  CHECK(late->attributes.find(R"("days_late":1)") != std::string::npos);
  CHECK(find_event(m, EventType::order_placed, "o2")->amount_minor == 1000);
  CHECK(find_event(m, EventType::order_placed, "o2")->related_entity_ids.find(R"("customer_id":"u1")") !=
        std::string::npos);

  const CanonicalEvent* o3 = find_event(m, EventType::order_placed, "o3");
  REQUIRE(o3);
  CHECK(has_flag(*o3, "missing:actual_delivery"));
  CHECK(has_flag(*o3, "missing:items"));
  CHECK(!find_event(m, EventType::order_delivered, "o3"));

  const CanonicalEvent* o4 = find_event(m, EventType::order_placed, "o4");
  REQUIRE(o4);
  CHECK(has_flag(*o4, "inconsistent:delivered_before_placed"));
  CHECK(has_flag(*o4, "missing:approved_at"));
  CHECK(has_flag(*o4, "missing:amount"));
  CHECK(has_flag(*o4, "missing:customer_unique_id"));  // c3 is not in the customers file
  CHECK(!o4->amount_minor);
  const CanonicalEvent* d4 = find_event(m, EventType::order_delivered, "o4");
  REQUIRE(d4);
  CHECK(d4->data_quality_flags ==
        std::vector<std::string>{"missing:customer_unique_id", "inconsistent:delivered_before_placed"});

  const CanonicalEvent* o5 = find_event(m, EventType::order_placed, "o5");
  REQUIRE(o5);
  CHECK(has_flag(*o5, "inconsistent:canceled_with_delivery"));
  CHECK(o5->attributes.find(R"("order_status":"canceled")") != std::string::npos);
  CHECK(!find_event(m, EventType::order_delivered, "o5"));
  CHECK(!has_flag(*o5, "missing:items"));  // a canceled order without items is normal

  for (const char* gone : {"o6", "o7", "o8"}) CHECK(!find_event(m, EventType::order_placed, gone));
  CHECK(count_type(m, EventType::order_placed) == 5);

  const CanonicalEvent* p3 = find_event(m, EventType::payment_received, "o3/1");
  REQUIRE(p3);
  CHECK(p3->amount_minor == 0);
  CHECK(has_flag(*p3, "placeholder:payment_type"));
  CHECK(has_flag(*p3, "inconsistent:zero_installments"));
  const CanonicalEvent* p4 = find_event(m, EventType::payment_received, "o4/1");
  REQUIRE(p4);
  CHECK(format_iso8601(p4->event_time) == "2018-01-05T10:00:00Z");  // no approval: purchase time
  CHECK(has_flag(*p4, "missing:approved_at"));
  CHECK(find_event(m, EventType::payment_received, "o1/2")->amount_minor == 2700);
  CHECK(count_type(m, EventType::payment_received) == 4);

  auto reviews_of = of_type(m, EventType::review_submitted);
  REQUIRE(reviews_of.size() == 3);
  const CanonicalEvent* r1 = find_event(m, EventType::review_submitted, "o1");
  REQUIRE(r1);
  CHECK(
      r1->attributes ==
      R"({"score":5,"order_id":"o1","review_id":"r1","comment_title":"Ótimo","comment_text":"chegou, bem\nembalado"})");
  CHECK(r1->related_entity_ids == R"({"order_id":"o1","customer_id":"u1"})");
  const CanonicalEvent* r3 = find_event(m, EventType::review_submitted, "o2");
  REQUIRE(r3);
  CHECK(r3->attributes.find(R"("score":4)") != std::string::npos);
  CHECK(has_flag(*r3, "inconsistent:reviewed_before_placed"));
  const CanonicalEvent* r9 = find_event(m, EventType::review_submitted, "o9");
  REQUIRE(r9);
  CHECK(has_flag(*r9, "missing:order"));
  CHECK(r9->event_id != r1->event_id);  // same review_id, another order

  for (const auto& e : m.events) CHECK_MESSAGE(validate_event(e.event).empty(), e.event.event_id);
}

TEST_CASE("olist: reference tables alone, with BOM and CRLF, and no orders") {
  const OlistMapped m = map_tables({
      {"product_category_name_translation.csv",
       "\xEF\xBB\xBFproduct_category_name,product_category_name_english\r\nbeleza_saude,health_beauty\r\n"},
      {"olist_products_dataset.csv",
       "\"product_id\",\"product_category_name\",\"product_name_lenght\",\"product_description_lenght\","
       "\"product_photos_qty\",\"product_weight_g\",\"product_length_cm\",\"product_height_cm\",\"product_width_cm\"\n"
       "\"aaaaaaaa11\",beleza_saude,40,287,1,225,16,10,14\n"
       "\"bbbbbbbb22\",pc_gamer,40,287,1,225,16,10,14\n"
       "\"cccccccc33\",,,,,,,,\n"},
      {"olist_sellers_dataset.csv",
       "\"seller_id\",\"seller_zip_code_prefix\",\"seller_city\",\"seller_state\"\n\"s1234567890\",\"01023\",sao "
       "paulo,SP\n"},
  });
  CHECK(m.rejections.empty());
  CHECK(m.events.empty());
  REQUIRE(m.entities.size() == 2 + 3 + 1);
  std::map<std::string, const ReferenceEntity*> by_id;
  for (const auto& e : m.entities) by_id[e.kind + ":" + e.entity_id] = &e;
  REQUIRE(by_id.count("category:health_beauty"));
  REQUIRE(by_id.count("category:pc_gamer"));
  CHECK(by_id["product:aaaaaaaa11"]->category == "health_beauty");
  CHECK(by_id["product:bbbbbbbb22"]->category == "pc_gamer");  // no translation: Portuguese name
  CHECK(by_id["product:cccccccc33"]->category.empty());
  CHECK(by_id["product:cccccccc33"]->display_name == "product cccccccc");
  CHECK(by_id["seller:s1234567890"]->display_name == "seller s1234567 (sao paulo/SP)");
  CHECK(by_id["seller:s1234567890"]->attributes.find(R"("zip_code_prefix":"01023")") != std::string::npos);
}
