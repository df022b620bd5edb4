// support_tickets adapter: the real Kaggle file (counts checked independently
// with python3's csv module) and small hand-written tables for the edge cases.
#include <doctest/doctest.h>

#include "adapter_test_support.h"
#include "bre/core/hash.h"

namespace {

using namespace bre;
using namespace bre::adapter_test;

const std::string kHeader =
    "Ticket ID,Customer Name,Customer Email,Customer Age,Customer Gender,Product Purchased,Date of Purchase,"
    "Ticket Type,Ticket Subject,Ticket Description,Ticket Status,Resolution,Ticket Priority,Ticket Channel,"
    "First Response Time,Time to Resolution,Customer Satisfaction Rating\n";

const std::vector<SourceRecord>& real_records() {
  static const std::vector<SourceRecord> records = [] {
    const std::string text = shared_file("support_tickets/customer_support_tickets.csv");
    if (text.empty()) return std::vector<SourceRecord>{};
    return csv_records(*make_support_tickets_adapter(), text, "customer_support_tickets.csv");
  }();
  return records;
}

// The real file mapped once; the tests below look at different parts of it.
const Mapped& real_mapped() {
  static const Mapped m = run_map(*make_support_tickets_adapter(), real_records());
  return m;
}

Mapped map_text(const std::string& rows) {
  auto adapter = make_support_tickets_adapter();
  return run_map(*adapter, csv_records(*adapter, kHeader + rows, "t.csv"));
}

}  // namespace

TEST_CASE("support_tickets: identity and classification by the 17 real columns") {
  auto a = make_support_tickets_adapter();
  CHECK(a->source() == "support_tickets");
  CHECK(a->mapping_version() == 1);
  CHECK(a->default_currency() == "USD");
  std::vector<std::string> header = {"Ticket ID", "Customer Name", "Customer Email", "Customer Age", "Customer Gender",
                                     "Product Purchased", "Date of Purchase", "Ticket Type", "Ticket Subject",
                                     "Ticket Description", "Ticket Status", "Resolution", "Ticket Priority",
                                     "Ticket Channel", "First Response Time", "Time to Resolution",
                                     "Customer Satisfaction Rating"};
  CHECK(a->classify(header) == "tickets");
  std::reverse(header.begin(), header.end());
  CHECK(a->classify(header) == "tickets");
  header.pop_back();  // a trimmed variant is not this file
  CHECK(a->classify(header).empty());
}

TEST_CASE("support_tickets: the real file maps to the independently counted events") {
  const auto& records = real_records();
  if (records.empty()) return;
  CHECK(records.size() == 8469);
  const Mapped& m = real_mapped();
  CHECK(m.rejections.empty());
  CHECK(m.count(EventType::support_ticket_opened) == 8469);
  CHECK(m.count(EventType::support_ticket_closed) == 2769);
  CHECK(m.events.size() == 8469 + 2769);
  CHECK(m.count_flag(EventType::support_ticket_opened, "imputed:event_time") == 8469);
  CHECK(m.count_flag(EventType::support_ticket_opened, "missing:first_response_time") == 2819);  // the Open ones
  CHECK(m.count_flag(EventType::support_ticket_closed, "inconsistent:resolved_before_first_response") == 1365);
  CHECK(m.count_flag(EventType::support_ticket_closed, "missing:satisfaction_score") == 0);
  CHECK(m.count_entities("customer") == 8320);  // distinct e-mail addresses
  CHECK(m.count_entities("product") == 42);
  check_contract(m);
}

TEST_CASE("support_tickets: ticket 3 field by field") {
  const auto& records = real_records();
  if (records.empty()) return;
  const Mapped& m = real_mapped();
  const CanonicalEvent* opened = m.find(EventType::support_ticket_opened, "3");
  const CanonicalEvent* closed = m.find(EventType::support_ticket_closed, "3");
  REQUIRE(opened);
  REQUIRE(closed);
  const std::string customer = "support_tickets:customer:" + sha256_hex("gonzalestracy@example.com").substr(0, 16);
  CHECK(customer == "support_tickets:customer:4494878740217242");  // python3 hashlib, by hand
  CHECK(opened->event_id == derive_event_id("support_tickets", "3", EventType::support_ticket_opened, 1, ""));
  CHECK(opened->source == "support_tickets");
  CHECK(opened->entity_type == EntityType::ticket);
  CHECK(opened->entity_id == "support_tickets:ticket:3");
  CHECK(format_iso8601(opened->event_time) == "2023-06-01T11:14:38Z");
  CHECK(opened->related_entity_ids ==
        R"({"customer_id":")" + customer + R"(","product_ids":["support_tickets:product:dell-xps"]})");
  CHECK(opened->attributes ==
        R"({"category":"Technical issue","priority":"Low","channel":"Social media","subject":"Network problem",)"
        R"("product":"Dell XPS","status":"Closed","opened_at_basis":"first_response_time"})");
  CHECK(opened->data_quality_flags == std::vector<std::string>{"imputed:event_time"});
  CHECK_FALSE(opened->amount_minor);

  CHECK(format_iso8601(closed->event_time) == "2023-06-01T18:05:38Z");
  CHECK(closed->entity_id == opened->entity_id);
  CHECK(closed->related_entity_ids == opened->related_entity_ids);
  // 18:05:38 - 11:14:38 = 6 h 51 min = 6.85 h
  CHECK(closed->attributes ==
        R"({"resolution_time_hours":6.85,"resolution_measured_from":"first_response_time","satisfaction_score":3})");
  CHECK(closed->data_quality_flags.empty());

  const ReferenceEntity* c = m.entity("customer", customer);
  REQUIRE(c);
  CHECK(c->display_name == "Christopher Robbins");
  const ReferenceEntity* p = m.entity("product", "support_tickets:product:dell-xps");
  REQUIRE(p);
  CHECK(p->display_name == "Dell XPS");
}

TEST_CASE("support_tickets: a ticket resolved before its first response is clamped and flagged") {
  const auto& records = real_records();
  if (records.empty()) return;
  const Mapped& m = real_mapped();
  // Ticket 4: first response 2023-06-01 07:29:40, resolved 01:57:40 the same day.
  const CanonicalEvent* closed = m.find(EventType::support_ticket_closed, "4");
  REQUIRE(closed);
  CHECK(format_iso8601(closed->event_time) == "2023-06-01T07:29:40Z");
  CHECK(closed->attributes == R"({"resolution_time_hours":0,"resolution_measured_from":"first_response_time",)"
                              R"("satisfaction_score":3,"source_resolved_at":"2023-06-01T01:57:40Z"})");
  CHECK(m.has_flag(*closed, "inconsistent:resolved_before_first_response"));
}

TEST_CASE("support_tickets: an open ticket without a first response is dated by its purchase") {
  const auto& records = real_records();
  if (records.empty()) return;
  const Mapped& m = real_mapped();
  const CanonicalEvent* opened = m.find(EventType::support_ticket_opened, "6");  // Open, bought 2020-07-28
  REQUIRE(opened);
  CHECK(format_iso8601(opened->event_time) == "2020-07-28T00:00:00Z");
  CHECK(m.has_flag(*opened, "missing:first_response_time"));
  CHECK(m.has_flag(*opened, "imputed:event_time"));
  CHECK(opened->attributes.find(R"("opened_at_basis":"date_of_purchase")") != std::string::npos);
  CHECK_FALSE(m.find(EventType::support_ticket_closed, "6"));
}

TEST_CASE("support_tickets: mapping the same records twice gives identical events") {
  const auto& records = real_records();
  if (records.empty()) return;
  const Mapped& a = real_mapped();
  Mapped b = run_map(*make_support_tickets_adapter(), records);
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) CHECK(a.events[i].event == b.events[i].event);
}

TEST_CASE("support_tickets: corrupt rows are rejected with the field named, good rows still map") {
  Mapped m = map_text(
      "1,Ann,a@x.com,30,F,Phone,2021-01-01,Billing inquiry,Payment issue,d,Closed,r,Low,Email,"
      "2023-06-01 10:00:00,2023-06-01 12:30:00,5.0\n"                                                        // good
      "2,Bob,b@x.com,30,M,Phone,2021-01-01,Billing inquiry,Payment issue,d,Open,,Low,Email,31/05/2023,,\n"  // bad time
      "3,Cy,c@x.com,30,M,Phone,2021-01-01,Billing inquiry,Payment issue,d,Resolved,,Low,Email,,,\n"         // bad status
      "4,Di,d@x.com,30,F,Phone,2021-01-01,Billing inquiry,Payment issue,d,Closed,r,Low,Email,"
      "2023-06-01 10:00:00,2023-06-01 11:00:00,7\n"                                                         // rating 7
      "1,Ed,e@x.com,30,M,Phone,2021-01-01,Billing inquiry,Payment issue,d,Open,,Low,Email,,,\n"             // dup id
      ",Fy,f@x.com,30,F,Phone,2021-01-01,Billing inquiry,Payment issue,d,Open,,Low,Email,,,\n"              // no id
      "7,Gus,g@x.com,30,M,Phone,2021-01-01,Billing inquiry,Payment issue,d,Closed,r,Low,Email,,"
      "2023-06-01 11:00:00,2.0\n"                                                                           // no FRT
      "8,Hal,h@x.com,30,M,Phone,not a date,Billing inquiry,Payment issue,d,Open,,Low,Email,,,\n");          // undatable
  std::vector<std::string> fields;
  for (const auto& r : m.rejections) fields.push_back(std::to_string(r.record_index) + ":" + r.field);
  CHECK(fields == std::vector<std::string>{"1:First Response Time", "2:Ticket Status", "3:Customer Satisfaction Rating",
                                           "4:Ticket ID", "5:Ticket ID", "6:First Response Time",
                                           "7:First Response Time"});
  CHECK(m.rejections[3].reason == "duplicate ticket id '1' (first on line 2)");
  CHECK(m.count(EventType::support_ticket_opened) == 1);
  CHECK(m.count(EventType::support_ticket_closed) == 1);
  const CanonicalEvent* closed = m.find(EventType::support_ticket_closed, "1");
  REQUIRE(closed);
  CHECK(closed->attributes.find(R"("resolution_time_hours":2.5)") != std::string::npos);
  check_contract(m);
}

TEST_CASE("support_tickets: missing optional values become flags, not rejects") {
  Mapped m = map_text(
      "1,,,30,F,,2021-01-01,,,d,Closed,r,,,2023-06-01 10:00:00,,\n"                          // closed, never resolved
      "2,Bo,b@x.com,30,M,Phone,2021-01-01,Refund request,S,d,Closed,r,Low,Chat,"
      "2023-06-01 10:00:00,2023-06-01 10:00:00,\n"                                           // resolved instantly, no CSAT
      "3,Cy,c@x.com,30,M,Phone,2021-01-01,Refund request,S,d,Open,,Low,Chat,"
      "2023-06-01 10:00:00,2023-06-01 12:00:00,\n");                                         // resolved but open
  CHECK(m.rejections.empty());
  const CanonicalEvent* one = m.find(EventType::support_ticket_opened, "1");
  REQUIRE(one);
  for (const char* f : {"missing:customer_email", "missing:category", "missing:priority", "missing:channel",
                        "missing:subject", "missing:product", "missing:time_to_resolution"})
    CHECK_MESSAGE(m.has_flag(*one, f), f);
  CHECK(one->related_entity_ids == "{}");
  CHECK_FALSE(m.find(EventType::support_ticket_closed, "1"));
  const CanonicalEvent* two = m.find(EventType::support_ticket_closed, "2");
  REQUIRE(two);
  CHECK(two->attributes.find(R"("resolution_time_hours":0,)") != std::string::npos);
  CHECK(m.has_flag(*two, "missing:satisfaction_score"));
  CHECK_FALSE(m.has_flag(*two, "inconsistent:resolved_before_first_response"));
  const CanonicalEvent* three = m.find(EventType::support_ticket_opened, "3");
  REQUIRE(three);
  CHECK(m.has_flag(*three, "inconsistent:resolved_but_not_closed"));
  CHECK_FALSE(m.find(EventType::support_ticket_closed, "3"));
  CHECK(m.count_entities("customer") == 2);
  check_contract(m);
}
