// telco_churn adapter: IBM's real file (counts checked independently with
// python3's csv module, dates with python's datetime) and hand-written rows.
#include <doctest/doctest.h>

#include "adapter_test_support.h"

namespace {

using namespace bre;
using namespace bre::adapter_test;

const std::string kTelcoHeader =
    "customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,"
    "OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,"
    "PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn\n";

// The row of a customer with the values a test cares about; the rest are fixed.
std::string row(const std::string& id, const std::string& tenure, const std::string& monthly, const std::string& total,
                const std::string& churn) {
  return id + ",Female,0,Yes,No," + tenure + ",Yes,No,DSL,No,No,No,No,No,No,Month-to-month,Yes,Electronic check," +
         monthly + "," + total + "," + churn + "\n";
}

AdapterOptions as_of(const char* date) {
  AdapterOptions o;
  o.as_of = parse_date(date);
  return o;
}

const std::vector<SourceRecord>& real_telco_records() {
  static const std::vector<SourceRecord> records = [] {
    const std::string text = shared_file("telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
    if (text.empty()) return std::vector<SourceRecord>{};
    return csv_records(*make_telco_churn_adapter(), text, "WA_Fn-UseC_-Telco-Customer-Churn.csv");
  }();
  return records;
}

// The real file mapped once at a fixed snapshot day; the tests look at different parts of it.
const Mapped& real_telco_mapped() {
  static const Mapped m = run_map(*make_telco_churn_adapter(), real_telco_records(), as_of("2018-02-01"));
  return m;
}

Mapped map_telco_text(const std::string& rows, const char* date = "2018-02-01") {
  auto adapter = make_telco_churn_adapter();
  return run_map(*adapter, csv_records(*adapter, kTelcoHeader + rows, "t.csv"), as_of(date));
}

}  // namespace

TEST_CASE("telco_churn: identity and classification") {
  auto a = make_telco_churn_adapter();
  CHECK(a->source() == "telco_churn");
  CHECK(a->mapping_version() == 1);
  CHECK(a->default_currency() == "USD");
  auto records = csv_records(*a, kTelcoHeader + row("1-A", "1", "10", "10", "No"), "t.csv");
  CHECK(records.at(0).kind == "customers");
  CHECK(a->classify({"customerID", "tenure", "Churn"}).empty());
}

TEST_CASE("telco_churn: without --as-of map() is a usage error, not bad data") {
  auto a = make_telco_churn_adapter();
  auto records = csv_records(*a, kTelcoHeader + row("1-A", "1", "10", "10", "No"), "t.csv");
  MapContext ctx(kIngestedAt, "USD");
  try {
    a->map(records, {}, ctx);
    FAIL("expected a usage error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(e.code() == "AS_OF_REQUIRED");
    CHECK(std::string(e.what()).find("--as-of") != std::string::npos);
  }
}

TEST_CASE("telco_churn: the real file maps to the independently counted events") {
  const auto& records = real_telco_records();
  if (records.empty()) return;
  CHECK(records.size() == 7043);
  const Mapped& m = real_telco_mapped();
  CHECK(m.rejections.empty());
  CHECK(m.count(EventType::customer_created) == 7043);
  CHECK(m.count(EventType::customer_churned) == 1869);
  CHECK(m.count_flag(EventType::customer_created, "imputed:event_time") == 7043);
  CHECK(m.count_flag(EventType::customer_churned, "imputed:event_time") == 1869);
  CHECK(m.count_flag(EventType::customer_created, "imputed:total_charges") == 11);  // TotalCharges " ", tenure 0
  CHECK(m.count_flag(EventType::customer_churned, "inconsistent:churned_before_created") == 0);
  CHECK(m.count_entities("customer") == 7043);
  // Every churn falls on one of the 30 days ending on the snapshot day.
  const TimeMs snapshot = *parse_date("2018-02-01");
  for (const auto& em : m.events)
    if (em.event.event_type == EventType::customer_churned)
      CHECK((em.event.event_time <= snapshot && em.event.event_time > snapshot - 30 * kMsPerDay));
  check_contract(m);
}

TEST_CASE("telco_churn: customer 3668-QPYBK field by field") {
  const auto& records = real_telco_records();
  if (records.empty()) return;
  const Mapped& m = real_telco_mapped();
  const CanonicalEvent* created = m.find(EventType::customer_created, "3668-QPYBK");
  const CanonicalEvent* churned = m.find(EventType::customer_churned, "3668-QPYBK");
  REQUIRE(created);
  REQUIRE(churned);
  CHECK(created->event_id == derive_event_id("telco_churn", "3668-QPYBK", EventType::customer_created, 1, ""));
  CHECK(created->entity_type == EntityType::customer);
  CHECK(created->entity_id == "telco_churn:customer:3668-QPYBK");
  CHECK(format_iso8601(created->event_time) == "2017-12-01T00:00:00Z");  // tenure 2 months
  // int(sha256("3668-QPYBK")[:16], 16) % 30 == 26 (python3), so 26 days before the snapshot.
  CHECK(format_iso8601(churned->event_time) == "2018-01-06T00:00:00Z");
  const std::string attrs =
      R"({"tenure":2,"contract_type":"Month-to-month","monthly_charges":53.85,"total_charges":108.15,)"
      R"("churn_label":"Yes","payment_method":"Mailed check","internet_service":"DSL","snapshot_as_of":"2018-02-01"})";
  CHECK(created->attributes == attrs);
  CHECK(churned->attributes == attrs);
  CHECK(created->data_quality_flags == std::vector<std::string>{"imputed:event_time"});
  CHECK(churned->data_quality_flags == std::vector<std::string>{"imputed:event_time"});
  CHECK_FALSE(created->amount_minor);
  const ReferenceEntity* e = m.entity("customer", "telco_churn:customer:3668-QPYBK");
  REQUIRE(e);
  CHECK(e->display_name == "3668-QPYBK");
  CHECK(e->category == "Month-to-month");
}

TEST_CASE("telco_churn: a blank TotalCharges at tenure 0 is imputed as zero and flagged") {
  const auto& records = real_telco_records();
  if (records.empty()) return;
  const Mapped& m = real_telco_mapped();
  const CanonicalEvent* created = m.find(EventType::customer_created, "4472-LVYGI");
  REQUIRE(created);
  CHECK(format_iso8601(created->event_time) == "2018-02-01T00:00:00Z");
  CHECK(created->attributes.find(R"("total_charges":0.00,)") != std::string::npos);
  CHECK(m.has_flag(*created, "imputed:total_charges"));
  CHECK_FALSE(m.find(EventType::customer_churned, "4472-LVYGI"));
}

TEST_CASE("telco_churn: same records and snapshot give identical events") {
  const auto& records = real_telco_records();
  if (records.empty()) return;
  const Mapped& a = real_telco_mapped();
  Mapped b = run_map(*make_telco_churn_adapter(), records, as_of("2018-02-01"));
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) CHECK(a.events[i].event == b.events[i].event);
}

TEST_CASE("telco_churn: calendar months, clamped month ends and short tenures") {
  Mapped m = map_telco_text(row("1-A", "1", "10", "10", "No") + row("2-B", "13", "10.5", "136.5", "No") +
                          row("3-C", "0", "20", "", "Yes") + row("4-D", "5", "20", "", "No"),
                      "2024-03-31");
  CHECK(m.rejections.empty());
  CHECK(format_date(m.find(EventType::customer_created, "1-A")->event_time) == "2024-02-29");
  CHECK(format_date(m.find(EventType::customer_created, "2-B")->event_time) == "2023-02-28");
  // Tenure 0 and churned: joined on the snapshot day. Its hash puts the churn 17 days
  // earlier (python3), which is before it joined, so it is moved to the join day.
  const CanonicalEvent* churned = m.find(EventType::customer_churned, "3-C");
  REQUIRE(churned);
  CHECK(format_date(churned->event_time) == "2024-03-31");
  CHECK(m.has_flag(*churned, "inconsistent:churned_before_created"));
  CHECK_FALSE(m.has_flag(*m.find(EventType::customer_created, "3-C"), "inconsistent:churned_before_created"));
  // A blank total with months of tenure is missing, not zero.
  const CanonicalEvent* d = m.find(EventType::customer_created, "4-D");
  REQUIRE(d);
  CHECK(m.has_flag(*d, "missing:total_charges"));
  CHECK(d->attributes.find("total_charges") == std::string::npos);
  check_contract(m);
}

TEST_CASE("telco_churn: corrupt rows are rejected with the field named") {
  Mapped m = map_telco_text(row("1-A", "1", "10", "10", "No") + row("2-B", "one", "10", "10", "No") +
                      row("3-C", "-2", "10", "10", "No") + row("4-D", "1", "10.999", "10", "No") +
                      row("5-E", "1", "10", "ten", "No") + row("6-F", "1", "10", "10", "Maybe") +
                      row("1-A", "1", "10", "10", "No") + row("", "1", "10", "10", "No") +
                      row("9-I", "2", "-5", "10", "No"));
  std::vector<std::string> fields;
  for (const auto& r : m.rejections) fields.push_back(std::to_string(r.record_index) + ":" + r.field);
  CHECK(fields == std::vector<std::string>{"1:tenure", "2:tenure", "3:MonthlyCharges", "4:TotalCharges", "5:Churn",
                                           "6:customerID", "7:customerID", "8:MonthlyCharges"});
  CHECK(m.rejections[2].reason == "'10.999' is not a non-negative amount (more decimal places than the currency allows)");
  CHECK(m.rejections[5].reason == "duplicate customer id '1-A' (first on line 2)");
  CHECK(m.events.size() == 1);
  check_contract(m);
}
