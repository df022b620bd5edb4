#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "bre/core/event_codec.h"

using namespace bre;

namespace {

const DecodeDefaults kDefaults{"USD", 1700000000000};

std::string fields_of(const DecodeResult& r) {
  std::string out;
  for (const Problem& p : r.problems) out += p.field + "=" + p.reason + ";";
  return out;
}

bool has_problem(const DecodeResult& r, const std::string& field, const std::string& reason_part) {
  return std::any_of(r.problems.begin(), r.problems.end(), [&](const Problem& p) {
    return p.field == field && p.reason.find(reason_part) != std::string::npos;
  });
}

const char* kValid =
    R"({"event_type":"order_late","event_time":"2024-03-05T09:30:00Z","source":"shop","source_entity_id":"o-1",)"
    R"("entity_type":"order","entity_id":"o-1","related_entity_ids":{"customer_id":"c-9","product_ids":["p1","p2"]},)"
    R"("attributes":{"days_late":2.5,"note":"caf\u00e9 \"late\""}})";

}  // namespace

TEST_CASE("codec: a valid record decodes with every field") {
  EventDecoder d;
  DecodeResult r = d.decode(kValid, kDefaults);
  REQUIRE_MESSAGE(r.event, fields_of(r));
  const CanonicalEvent& e = *r.event;
  CHECK(e.event_type == EventType::order_late);
  CHECK(e.event_time == 1709631000000);
  CHECK(e.ingested_at == kDefaults.ingested_at);
  CHECK(e.entity_type == EntityType::order);
  CHECK(e.related_entity_ids == R"({"customer_id":"c-9","product_ids":["p1","p2"]})");
  CHECK(e.attributes == R"({"days_late":2.5,"note":"café \"late\""})");
  CHECK_FALSE(e.amount_minor);
  CHECK(e.event_id == derive_event_id("shop", "o-1", EventType::order_late, 1, "2024-03-05T09:30:00Z"));
}

TEST_CASE("codec: encode is canonical and round trips byte for byte") {
  EventDecoder d;
  DecodeResult r = d.decode(kValid, kDefaults);
  REQUIRE(r.event);
  const std::string once = encode_event(*r.event);
  DecodeResult again = d.decode(once, kDefaults);
  REQUIRE_MESSAGE(again.event, fields_of(again));
  CHECK(*again.event == *r.event);
  CHECK(encode_event(*again.event) == once);
  CHECK(once.find(R"("amount":null,"currency":null)") != std::string::npos);
  CHECK(once.find(R"("schema_version":"canonical_v1","mapping_version":1})") != std::string::npos);
}

TEST_CASE("codec: amounts are exact decimals in the currency's minor units") {
  EventDecoder d;
  auto money = [&](const std::string& amount, const std::string& currency) {
    std::string line = R"({"event_type":"payment_received","event_time":"2024-03-05T09:30:00Z","source":"s",)"
                       R"("source_entity_id":"p","entity_type":"payment","entity_id":"p","amount":)" +
                       amount + (currency.empty() ? "" : R"(,"currency":")" + currency + "\"") + "}";
    return d.decode(line, kDefaults);
  };
  CHECK(money("107.78", "USD").event->amount_minor == 10778);
  CHECK(money("0.1", "").event->currency == "USD");  // the workspace currency fills in
  CHECK(money("1500", "JPY").event->amount_minor == 1500);
  CHECK(encode_event(*money("12.5", "USD").event).find(R"("amount":12.50,)") != std::string::npos);
  CHECK(has_problem(money("12.345", "USD"), "amount", "more decimal places"));
  CHECK(has_problem(money("-3.00", "USD"), "amount", "must not be negative"));
  CHECK(has_problem(money("\"3.00\"", "USD"), "amount", "must be a JSON number"));
  CHECK(has_problem(money("3", "ZZZ"), "currency", "unknown ISO 4217"));
}

TEST_CASE("codec: every problem of a record is reported with its field") {
  EventDecoder d;
  DecodeResult r = d.decode(
      R"({"event_type":"order_teleported","event_time":"yesterday","source":5,"entity_type":"spaceship","extra":1})",
      kDefaults);
  CHECK_FALSE(r.event);
  CHECK(has_problem(r, "event_type", "unknown event type 'order_teleported'"));
  CHECK(has_problem(r, "event_time", "not an ISO-8601 timestamp"));
  CHECK(has_problem(r, "source", "must be a string"));
  CHECK(has_problem(r, "entity_type", "unknown entity type"));
  CHECK(has_problem(r, "extra", "unknown field"));
  CHECK(has_problem(r, "source_entity_id", "missing"));
  CHECK(has_problem(r, "entity_id", "missing"));
}

TEST_CASE("codec: per-type required attributes are checked") {
  EventDecoder d;
  auto with = [&](const std::string& type, const std::string& attributes, const std::string& amount = "") {
    return d.decode(R"({"event_type":")" + type +
                        R"(","event_time":"2024-03-05T09:30:00Z","source":"s","source_entity_id":"x",)"
                        R"("entity_type":"order","entity_id":"x","attributes":)" +
                        attributes + (amount.empty() ? "" : R"(,"amount":)" + amount) + "}",
                    kDefaults);
  };
  CHECK(has_problem(with("order_late", "{}"), "attributes.days_late", "required for order_late"));
  CHECK(has_problem(with("order_late", R"({"days_late":"2"})"), "attributes.days_late", "must be a number"));
  CHECK(has_problem(with("order_late", R"({"days_late":-1})"), "attributes.days_late", "must not be negative"));
  CHECK(with("order_late", R"({"days_late":0})").event);
  CHECK(has_problem(with("invoice_overdue", R"({"days_overdue":3})"), "attributes.balance_remaining", "required"));
  CHECK(has_problem(with("review_submitted", R"({"score":6})"), "attributes.score", "1 to 5"));
  CHECK(has_problem(with("review_submitted", R"({"score":4.5})"), "attributes.score", "1 to 5"));
  CHECK(with("review_submitted", R"({"score":4})").event);
  CHECK(has_problem(with("invoice_issued", R"({"due_date":"2024-02-30"})", "10"), "attributes.due_date", "date"));
  CHECK(has_problem(with("invoice_issued", R"({"due_date":"2024-03-30"})"), "amount", "required for invoice_issued"));
  CHECK(with("invoice_issued", R"({"due_date":"2024-03-30"})", "10").event);
}

TEST_CASE("codec: malformed JSON, duplicates and trailing junk are refused") {
  EventDecoder d;
  CHECK(has_problem(d.decode("{\"event_type\":", kDefaults), "", "JSON"));
  CHECK(has_problem(d.decode("[1,2]", kDefaults), "", "not a JSON object"));
  CHECK(has_problem(d.decode("", kDefaults), "", "malformed JSON"));
  CHECK(has_problem(d.decode("\"text\"", kDefaults), "", "not a JSON object"));
  CHECK(has_problem(d.decode(std::string(kValid) + " {}", kDefaults), "", "trailing content"));
  CHECK(has_problem(d.decode("{\"source\":\"a\",\"source\":\"b\"}", kDefaults), "source", "appears twice"));
  CHECK(has_problem(d.decode("{\"source\":\"\xff\"}", kDefaults), "", "UTF-8"));
  std::string dup_attr = kValid;
  dup_attr.replace(dup_attr.find("\"note\""), 6, "\"days_late\"");
  CHECK(has_problem(d.decode(dup_attr, kDefaults), "attributes", "duplicate key"));
}

TEST_CASE("codec: derived ids depend on content key and mapping version only") {
  auto a = derive_event_id("olist", "o1", EventType::order_placed, 1, "");
  CHECK(a == derive_event_id("olist", "o1", EventType::order_placed, 1, ""));
  CHECK(a != derive_event_id("olist", "o1", EventType::order_placed, 2, ""));
  CHECK(a != derive_event_id("olist", "o1", EventType::order_delivered, 1, ""));
  CHECK(a != derive_event_id("olist", "o2", EventType::order_placed, 1, ""));
  // The separator keeps ("ab","c") and ("a","bc") apart.
  CHECK(derive_event_id("ab", "c", EventType::order_placed, 1, "") !=
        derive_event_id("a", "bc", EventType::order_placed, 1, ""));
  CHECK(a.size() == 35);
}

TEST_CASE("codec: canonical JSON objects keep order and number text") {
  std::string error;
  CHECK(canonical_json_object(R"( { "b" : 1.50 , "a" : [ true , null , "x" ] } )", &error) ==
        R"({"b":1.50,"a":[true,null,"x"]})");
  CHECK_FALSE(canonical_json_object(R"({"a":1,"a":2})", &error));
  CHECK(error.find("duplicate") != std::string::npos);
  CHECK_FALSE(canonical_json_object("[1]", &error));
  std::string deep(40, '[');
  CHECK_FALSE(canonical_json_object("{\"a\":" + deep + std::string(40, ']') + "}", &error));
}

TEST_CASE("codec: every field is known by its whole name, and a repeat of any is refused") {
  // The decoder tells fields apart by length and a letter first: each name
  // must still match in full, and a near miss of the same length is unknown.
  EventDecoder d;
  const char* fields[] = {"event_id",     "event_type",     "event_time",      "ingested_at",
                          "source",       "source_entity_id", "entity_type",   "entity_id",
                          "related_entity_ids", "attributes", "amount",        "currency",
                          "data_quality_flags", "schema_version", "mapping_version"};
  for (const std::string f : fields) {
    CAPTURE(f);
    const std::string twice = "{\"" + f + "\":null,\"" + f + "\":null}";
    CHECK(has_problem(d.decode(twice, kDefaults), f, "appears twice"));
    CHECK_FALSE(has_problem(d.decode(twice, kDefaults), f, "unknown field"));
    std::string near = f;
    near.back() = near.back() == 'x' ? 'y' : 'x';
    CHECK(has_problem(d.decode("{\"" + near + "\":1}", kDefaults), near, "unknown field"));
    near = f;
    near.front() = 'x';
    CHECK(has_problem(d.decode("{\"" + near + "\":1}", kDefaults), near, "unknown field"));
  }
  // An unknown field is reported once as unknown, then as a repeat.
  const DecodeResult r = d.decode(R"({"colour":1,"colour":2})", kDefaults);
  CHECK(has_problem(r, "colour", "unknown field"));
  CHECK(has_problem(r, "colour", "appears twice"));
  // Missing fields are still found with the known ones tracked by bit.
  CHECK(has_problem(d.decode(R"({"event_time":"2024-03-05T09:30:00Z"})", kDefaults), "event_type", "missing"));
  CHECK_FALSE(has_problem(d.decode(R"({"event_time":"2024-03-05T09:30:00Z"})", kDefaults), "event_time", "missing"));
}

TEST_CASE("codec: duplicate keys are per object, at every depth") {
  // The keys of all open objects share one stack: an object's keys must be
  // compared with its own only, and dropped when it closes.
  std::string error;
  CHECK(canonical_json_object(R"({"a":{"a":1,"b":{"a":2}},"b":[{"a":3},{"a":4}],"c":{"b":5}})", &error) ==
        R"({"a":{"a":1,"b":{"a":2}},"b":[{"a":3},{"a":4}],"c":{"b":5}})");
  CHECK_FALSE(canonical_json_object(R"({"a":{"x":1},"b":{"y":1,"z":{"q":1},"y":2}})", &error));
  CHECK(error == "duplicate key 'y'");
  CHECK_FALSE(canonical_json_object(R"({"a":{"x":1},"a":2})", &error));
  CHECK(error == "duplicate key 'a'");
  // A refused object leaves nothing behind for the next one.
  CHECK_FALSE(canonical_json_object(R"({"p":{"k":1,"k":2}})", &error));
  CHECK(canonical_json_object(R"({"k":{"p":1}})", &error) == R"({"k":{"p":1}})");

  EventDecoder d;
  std::string dup_attr = kValid;
  dup_attr.replace(dup_attr.find("\"note\""), 6, "\"days_late\"");
  CHECK(has_problem(d.decode(dup_attr, kDefaults), "attributes", "duplicate key"));
  CHECK(d.decode(kValid, kDefaults).event);  // the same decoder, after a refused record
  CHECK(has_problem(d.decode("{\"source\":\"a\",\"source\":\"b\"}", kDefaults), "source", "appears twice"));
  CHECK(d.decode(kValid, kDefaults).event);
}
