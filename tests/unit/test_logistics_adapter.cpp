// logistics adapter: the real USAID SCMS and DataCo files (counts checked
// independently with python3's csv, datetime and decimal modules) and
// hand-written rows for placeholders, encodings and corrupt values.
#include <doctest/doctest.h>

#include <map>

#include "adapter_test_support.h"

namespace {

using namespace bre;
using namespace bre::adapter_test;

const std::vector<std::string> kScmsColumns = {
    "ID", "Project Code", "PQ #", "PO / SO #", "ASN/DN #", "Country", "Managed By", "Fulfill Via", "Vendor INCO Term",
    "Shipment Mode", "PQ First Sent to Client Date", "PO Sent to Vendor Date", "Scheduled Delivery Date",
    "Delivered to Client Date", "Delivery Recorded Date", "Product Group", "Sub Classification", "Vendor",
    "Item Description", "Molecule/Test Type", "Brand", "Dosage", "Dosage Form", "Unit of Measure (Per Pack)",
    "Line Item Quantity", "Line Item Value", "Pack Price", "Unit Price", "Manufacturing Site",
    "First Line Designation", "Weight (Kilograms)", "Freight Cost (USD)", "Line Item Insurance (USD)"};

const std::vector<std::string> kDataCoColumns = {
    "Type", "Days for shipping (real)", "Days for shipment (scheduled)", "Benefit per order", "Sales per customer",
    "Delivery Status", "Late_delivery_risk", "Category Id", "Category Name", "Customer City", "Customer Country",
    "Customer Email", "Customer Fname", "Customer Id", "Customer Lname", "Customer Password", "Customer Segment",
    "Customer State", "Customer Street", "Customer Zipcode", "Department Id", "Department Name", "Latitude",
    "Longitude", "Market", "Order City", "Order Country", "Order Customer Id", "order date (DateOrders)", "Order Id",
    "Order Item Cardprod Id", "Order Item Discount", "Order Item Discount Rate", "Order Item Id",
    "Order Item Product Price", "Order Item Profit Ratio", "Order Item Quantity", "Sales", "Order Item Total",
    "Order Profit Per Order", "Order Region", "Order State", "Order Status", "Order Zipcode", "Product Card Id",
    "Product Category Id", "Product Description", "Product Image", "Product Name", "Product Price", "Product Status",
    "shipping date (DateOrders)", "Shipping Mode"};

using Row = std::map<std::string, std::string>;

// A CSV table with the given header; each row names only the columns a test cares about.
std::string table(const std::vector<std::string>& columns, const std::vector<Row>& rows, const Row& defaults) {
  auto quoted = [](const std::string& v) {
    return v.find_first_of(",\"") == std::string::npos ? v : "\"" + v + "\"";
  };
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + quoted(columns[i]);
  out += "\n";
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto it = row.find(columns[i]);
      auto d = defaults.find(columns[i]);
      out += (i ? "," : "") + quoted(it != row.end() ? it->second : d != defaults.end() ? d->second : "x");
    }
    out += "\n";
  }
  return out;
}

const Row kScmsDefaults = {{"ID", "1"}, {"Country", "Haiti"}, {"Fulfill Via", "Direct Drop"},
                           {"Shipment Mode", "Air"}, {"PO Sent to Vendor Date", "7/26/07"},
                           {"Scheduled Delivery Date", "13-Aug-07"}, {"Delivered to Client Date", "13-Aug-07"},
                           {"Vendor", "Orgenics, Ltd"}, {"Line Item Value", "100"},
                           {"Manufacturing Site", "Inverness Japan"}};

const Row kDataCoDefaults = {{"Type", "DEBIT"}, {"Days for shipping (real)", "2"},
                             {"Days for shipment (scheduled)", "2"}, {"Delivery Status", "Shipping on time"},
                             {"Category Id", "73"}, {"Category Name", "Sporting Goods"},
                             {"Order Customer Id", "19458"}, {"order date (DateOrders)", "1/13/2018 0:33"},
                             {"Order Id", "1"}, {"Order Item Id", "1"}, {"Order Item Total", "10.5"},
                             {"Product Card Id", "1360"}, {"Product Name", "Smart watch"},
                             {"shipping date (DateOrders)", "1/15/2018 0:33"}, {"Shipping Mode", "First Class"}};

Mapped map_table(const std::string& text) {
  auto adapter = make_logistics_adapter();
  return run_map(*adapter, csv_records(*adapter, text, "t.csv"));
}

std::vector<std::string> rejected_fields(const Mapped& m) {
  std::vector<std::string> out;
  for (const auto& r : m.rejections) out.push_back(std::to_string(r.record_index) + ":" + r.field);
  return out;
}

const std::vector<SourceRecord>& real_scms() {
  static const std::vector<SourceRecord> records = [] {
    const std::string text = shared_file("scms/SCMS_Delivery_History_Dataset.csv");
    if (text.empty()) return std::vector<SourceRecord>{};
    return csv_records(*make_logistics_adapter(), text, "SCMS_Delivery_History_Dataset.csv");
  }();
  return records;
}

const std::vector<SourceRecord>& real_dataco() {
  static const std::vector<SourceRecord> records = [] {
    const std::string text = shared_file("dataco/DataCoSupplyChainDataset_sample.csv");
    if (text.empty()) return std::vector<SourceRecord>{};
    return csv_records(*make_logistics_adapter(), text, "DataCoSupplyChainDataset_sample.csv");
  }();
  return records;
}

// Each real file mapped once; the tests look at different parts of it.
const Mapped& scms_mapped() {
  static const Mapped m = run_map(*make_logistics_adapter(), real_scms());
  return m;
}

const Mapped& dataco_mapped() {
  static const Mapped m = run_map(*make_logistics_adapter(), real_dataco());
  return m;
}

}  // namespace

TEST_CASE("logistics: identity, classification and encoding by header") {
  auto a = make_logistics_adapter();
  CHECK(a->source() == "logistics");
  CHECK(a->mapping_version() == 1);
  CHECK(a->classify(kScmsColumns) == "scms_shipments");
  CHECK(a->classify(kDataCoColumns) == "dataco_orders");
  CHECK(a->classify({"ID", "Vendor"}).empty());
  CHECK(a->encoding(kScmsColumns) == TextEncoding::utf8);
  CHECK(a->encoding(kDataCoColumns) == TextEncoding::latin1);
}

TEST_CASE("logistics: the real SCMS file maps to the independently counted events") {
  const auto& records = real_scms();
  if (records.empty()) return;
  CHECK(records.size() == 10324);  // BOM and CR-only line endings read by CsvReader
  CHECK(records.front().columns->front() == "ID");
  const Mapped& m = scms_mapped();
  CHECK(m.rejections.empty());
  CHECK(m.count(EventType::purchase_order_placed) == 4592);  // 5404 "N/A - From RDC", 328 "Date Not Captured"
  CHECK(m.count(EventType::shipment_delayed) == 1186);
  CHECK(m.events.size() == 4592 + 1186);
  // 927 RDC rows have no vendor PO (not applicable: no flag); 4 PO dates were not captured.
  CHECK(m.count_flag(EventType::shipment_delayed, "placeholder:po_sent_to_vendor_date") == 4);
  CHECK(m.count_flag(EventType::purchase_order_placed, "placeholder:shipment_mode") == 45);
  CHECK(m.count_flag(EventType::shipment_delayed, "placeholder:shipment_mode") == 4);
  CHECK(m.count_flag(EventType::purchase_order_placed, "inconsistent:po_sent_after_delivery") == 5);
  CHECK(m.count_entities("vendor") == 73);
  std::int64_t total = 0;
  for (const auto& em : m.events)
    if (em.event.amount_minor) total += *em.event.amount_minor;
  CHECK(total == 53'040'870'133);  // cents, over the 4592 purchase orders
  check_contract(m);
}

TEST_CASE("logistics: SCMS row 130 field by field") {
  if (real_scms().empty()) return;
  const Mapped& m = scms_mapped();
  const CanonicalEvent* po = m.find(EventType::purchase_order_placed, "130");
  const CanonicalEvent* late = m.find(EventType::shipment_delayed, "130");
  REQUIRE(po);
  REQUIRE(late);
  CHECK(po->event_id == derive_event_id("logistics", "130", EventType::purchase_order_placed, 1, "scms"));
  CHECK(po->entity_type == EntityType::order);
  CHECK(po->entity_id == "logistics:order:scms-130");
  CHECK(format_iso8601(po->event_time) == "2007-07-26T00:00:00Z");
  CHECK(po->amount_minor == 5'399'250);
  CHECK(po->currency == "USD");
  CHECK(po->related_entity_ids == R"({"vendor_id":"logistics:vendor:orgenics-ltd"})");
  CHECK(po->attributes == R"({"vendor":"Orgenics, Ltd","country":"Haiti","shipment_mode":"Air",)"
                          R"("scheduled_delivery":"2007-08-13","product_group":"HRDT","po_so_number":"SCMS-10080",)"
                          R"("asn_dn_number":"ASN-628","fulfill_via":"Direct Drop"})");
  CHECK(po->data_quality_flags.empty());

  CHECK(format_iso8601(late->event_time) == "2007-08-21T00:00:00Z");
  CHECK(late->entity_id == po->entity_id);
  CHECK_FALSE(late->amount_minor);
  CHECK(late->attributes == R"({"days_delayed":8,"carrier":"Air","route":"Inverness Japan -> Haiti",)"
                            R"("origin":"Inverness Japan","destination":"Haiti","vendor":"Orgenics, Ltd",)"
                            R"("scheduled_delivery":"2007-08-13","actual_delivery":"2007-08-21",)"
                            R"("product_group":"HRDT","po_so_number":"SCMS-10080"})");
  const ReferenceEntity* v = m.entity("vendor", "logistics:vendor:orgenics-ltd");
  REQUIRE(v);
  CHECK(v->display_name == "Orgenics, Ltd");

  // Row 1: PO "Date Not Captured", delivered on schedule: nothing to say, and no crash.
  CHECK_FALSE(m.find(EventType::purchase_order_placed, "1"));
  CHECK_FALSE(m.find(EventType::shipment_delayed, "1"));
  // Row 10955 came from a regional distribution centre: no PO applies, so no PO event and no flag.
  const CanonicalEvent* rdc = m.find(EventType::shipment_delayed, "10955");
  REQUIRE(rdc);
  CHECK_FALSE(m.has_flag(*rdc, "placeholder:po_sent_to_vendor_date"));
  CHECK_FALSE(m.find(EventType::purchase_order_placed, "10955"));
}

TEST_CASE("logistics: the real DataCo sample maps per order") {
  const auto& records = real_dataco();
  if (records.empty()) return;
  CHECK(records.size() == 1000);
  const Mapped& m = dataco_mapped();
  CHECK(m.rejections.empty());
  CHECK(m.count(EventType::order_placed) == 989);     // distinct Order Id
  CHECK(m.count(EventType::order_delivered) == 956);  // all but the 33 "Shipping canceled"
  CHECK(m.count(EventType::order_late) == 581);       // real > scheduled days, not cancelled
  CHECK(m.count_flag(EventType::order_placed, "inconsistent:shipping_date_vs_days_real") == 34);
  CHECK(m.count_flag(EventType::order_placed, "inconsistent:order_items_disagree") == 0);
  CHECK(m.count_flag(EventType::order_placed, "inconsistent:delivery_status_vs_days") == 0);
  CHECK(m.count_entities("product") == 72);
  CHECK(m.count_entities("category") == 43);
  CHECK(m.count_entities("customer") == 967);
  std::int64_t total = 0;
  for (const auto& em : m.events)
    if (em.event.amount_minor) total += *em.event.amount_minor;
  CHECK(total == 18'861'022);  // python: sum of Decimal(Order Item Total) rounded half-even to cents
  check_contract(m);
}

TEST_CASE("logistics: DataCo order 75905 field by field, and a two-item order") {
  if (real_dataco().empty()) return;
  const Mapped& m = dataco_mapped();
  const CanonicalEvent* placed = m.find(EventType::order_placed, "75905");
  const CanonicalEvent* delivered = m.find(EventType::order_delivered, "75905");
  const CanonicalEvent* late = m.find(EventType::order_late, "75905");
  REQUIRE(placed);
  REQUIRE(delivered);
  REQUIRE(late);
  CHECK(placed->event_id == derive_event_id("logistics", "75905", EventType::order_placed, 1, "dataco"));
  CHECK(placed->entity_id == "logistics:order:dataco-75905");
  CHECK(format_iso8601(placed->event_time) == "2018-01-13T00:33:00Z");
  CHECK(placed->amount_minor == 31'792);  // "317.9200134"
  CHECK(placed->related_entity_ids ==
        R"({"customer_id":"logistics:customer:dataco-19458","product_ids":["logistics:product:dataco-1360"]})");
  CHECK(placed->attributes ==
        R"({"order_status":"PENDING_PAYMENT","payment_type":"PAYMENT","customer_segment":"Corporate",)"
        R"("market":"Pacific Asia","order_region":"Southeast Asia","order_country":"Singapur",)"
        R"("shipping_mode":"First Class","estimated_delivery":"2018-01-14T00:33:00Z",)"
        R"("delivery_status":"Late delivery","item_count":1})");
  CHECK(format_iso8601(delivered->event_time) == "2018-01-15T00:33:00Z");
  CHECK(delivered->attributes ==
        R"({"actual_delivery":"2018-01-15T00:33:00Z","estimated_delivery":"2018-01-14T00:33:00Z","days_late":1,)"
        R"("shipping_days_real":2,"shipping_days_scheduled":1,"delivery_status":"Late delivery",)"
        R"("shipping_mode":"First Class"})");
  CHECK(late->attributes == R"({"days_late":1,"estimated_delivery":"2018-01-14T00:33:00Z",)"
                            R"("actual_delivery":"2018-01-15T00:33:00Z","shipping_mode":"First Class"})");
  const ReferenceEntity* product = m.entity("product", "logistics:product:dataco-1360");
  REQUIRE(product);
  CHECK(product->display_name == "Smart watch");  // trailing blank trimmed
  CHECK(product->category == "Sporting Goods");
  const ReferenceEntity* customer = m.entity("customer", "logistics:customer:dataco-19458");
  REQUIRE(customer);
  CHECK(customer->display_name == "Aurora Sharp");

  const CanonicalEvent* two = m.find(EventType::order_placed, "9802");  // 237.5599976 + 120.0
  REQUIRE(two);
  CHECK(two->amount_minor == 35'756);
  CHECK(two->attributes.find(R"("item_count":2)") != std::string::npos);
  CHECK(two->related_entity_ids.find(R"(["logistics:product:dataco-365","logistics:product:dataco-564"])") !=
        std::string::npos);
  // latin-1 place names arrive as UTF-8.
  const CanonicalEvent* mx = m.find(EventType::order_placed, "53225");
  REQUIRE(mx);
  CHECK(mx->attributes.find("\"order_country\":\"M\xC3\xA9xico\"") != std::string::npos);
}

TEST_CASE("logistics: mapping the same records twice gives identical events") {
  for (auto [records, mapped] : {std::pair{&real_scms(), &scms_mapped}, std::pair{&real_dataco(), &dataco_mapped}}) {
    if (records->empty()) continue;
    const Mapped& a = mapped();
    Mapped b = run_map(*make_logistics_adapter(), *records);
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) CHECK(a.events[i].event == b.events[i].event);
  }
}

TEST_CASE("logistics: SCMS placeholders and gaps become flags, never crashes") {
  Mapped m = map_table(table(
      kScmsColumns,
      {{{"ID", "1"}, {"PO Sent to Vendor Date", "Date Not Captured"}, {"Delivered to Client Date", "20-Aug-07"}},
       {{"ID", "2"}, {"Shipment Mode", "N/A"}, {"Vendor", ""}, {"Line Item Value", ""}},
       {{"ID", "3"}, {"Scheduled Delivery Date", "Date Not Captured"}, {"Delivered to Client Date", "1-Jan-08"}},
       {{"ID", "4"}, {"PO Sent to Vendor Date", "2007-07-26"}, {"Delivered to Client Date", "8/20/07"}}},
      kScmsDefaults));
  CHECK(m.rejections.empty());
  const CanonicalEvent* one = m.find(EventType::shipment_delayed, "1");
  REQUIRE(one);
  CHECK(one->attributes.find(R"("days_delayed":7,)") != std::string::npos);
  CHECK(m.has_flag(*one, "placeholder:po_sent_to_vendor_date"));
  CHECK_FALSE(m.find(EventType::purchase_order_placed, "1"));
  const CanonicalEvent* two = m.find(EventType::purchase_order_placed, "2");
  REQUIRE(two);
  CHECK_FALSE(two->amount_minor);
  CHECK(two->currency.empty());
  CHECK(two->related_entity_ids == "{}");
  for (const char* f : {"placeholder:shipment_mode", "missing:vendor", "missing:line_item_value"})
    CHECK_MESSAGE(m.has_flag(*two, f), f);
  const CanonicalEvent* three = m.find(EventType::purchase_order_placed, "3");
  REQUIRE(three);
  CHECK(m.has_flag(*three, "placeholder:scheduled_delivery_date"));
  CHECK(three->attributes.find("scheduled_delivery") == std::string::npos);
  CHECK_FALSE(m.find(EventType::shipment_delayed, "3"));
  CHECK(m.find(EventType::shipment_delayed, "4"));  // ISO and M/D/YY dates are read too
  check_contract(m);
}

TEST_CASE("logistics: corrupt SCMS rows are rejected with the field named") {
  Mapped m = map_table(table(kScmsColumns,
                             {{{"ID", "1"}},
                              {{"ID", "2"}, {"Scheduled Delivery Date", "31-Feb-07"}},
                              {{"ID", "3"}, {"PO Sent to Vendor Date", "soon"}},
                              {{"ID", "4"}, {"Line Item Value", "12.345"}},
                              {{"ID", "1"}},
                              {{"ID", ""}},
                              {{"ID", "7"}, {"Delivered to Client Date", "Aug 20 2007"}}},
                             kScmsDefaults));
  CHECK(rejected_fields(m) == std::vector<std::string>{"1:Scheduled Delivery Date", "2:PO Sent to Vendor Date",
                                                       "3:Line Item Value", "4:ID", "5:ID",
                                                       "6:Delivered to Client Date"});
  CHECK(m.rejections[1].reason ==
        "'soon' is neither a date (D-Mon-YY, M/D/YY or YYYY-MM-DD) nor a known placeholder");
  CHECK(m.count(EventType::purchase_order_placed) == 1);
}

TEST_CASE("logistics: DataCo items group into orders, and cancelled orders are neither delivered nor late") {
  Mapped m = map_table(table(
      kDataCoColumns,
      {{{"Order Id", "7.0"}, {"Order Item Id", "70"}, {"Order Item Total", "1.005"}, {"Product Card Id", "5"}},
       {{"Order Id", "7"}, {"Order Item Id", "71.0"}, {"Order Item Total", "2.015"}, {"Product Card Id", "6"}},
       {{"Order Id", "8"}, {"Order Item Id", "80"}, {"Delivery Status", "Shipping canceled"},
        {"Days for shipping (real)", "4"}},
       {{"Order Id", "9"}, {"Order Item Id", "90"}, {"Order Customer Id", ""}, {"Product Card Id", ""}}},
      kDataCoDefaults));
  CHECK(m.rejections.empty());
  const CanonicalEvent* seven = m.find(EventType::order_placed, "7");
  REQUIRE(seven);
  CHECK(seven->amount_minor == 100 + 202);  // half-to-even: 1.005 -> 1.00, 2.015 -> 2.02
  CHECK(m.find(EventType::order_delivered, "7"));
  CHECK_FALSE(m.find(EventType::order_late, "7"));
  CHECK(m.find(EventType::order_placed, "8"));
  CHECK_FALSE(m.find(EventType::order_delivered, "8"));
  CHECK_FALSE(m.find(EventType::order_late, "8"));
  const CanonicalEvent* nine = m.find(EventType::order_placed, "9");
  REQUIRE(nine);
  CHECK(nine->related_entity_ids == "{}");
  CHECK(m.has_flag(*nine, "missing:customer_id"));
  CHECK(m.has_flag(*nine, "missing:product_id"));
  check_contract(m);
}

TEST_CASE("logistics: DataCo latin-1 bytes and corrupt rows") {
  std::string text = table(kDataCoColumns,
                           {{{"Order Id", "1"}, {"Order Item Id", "1"}, {"Order Country", "Per\xFA"}},
                            {{"Order Id", "2"}, {"Order Item Id", "2"}, {"order date (DateOrders)", "13/1/2018 0:33"}},
                            {{"Order Id", "3"}, {"Order Item Id", "3"}, {"Delivery Status", "Lost"}},
                            {{"Order Id", "4"}, {"Order Item Id", "4"}, {"Days for shipping (real)", "2.5"}},
                            {{"Order Id", "5"}, {"Order Item Id", "5"}, {"Order Item Total", "abc"}},
                            {{"Order Id", "6"}, {"Order Item Id", "1"}},
                            {{"Order Id", ""}, {"Order Item Id", "7"}},
                            {{"Order Id", "8"}, {"Order Item Id", "8"}, {"shipping date (DateOrders)", "1/12/2018 0:33"}}},
                           kDataCoDefaults);
  Mapped m = map_table(text);
  CHECK(rejected_fields(m) == std::vector<std::string>{"1:order date (DateOrders)", "2:Delivery Status",
                                                       "3:Days for shipping (real)", "4:Order Item Total",
                                                       "5:Order Item Id", "6:Order Id",
                                                       "7:shipping date (DateOrders)"});
  const CanonicalEvent* one = m.find(EventType::order_placed, "1");
  REQUIRE(one);
  CHECK(one->attributes.find("\"order_country\":\"Per\xC3\xBA\"") != std::string::npos);
  CHECK(m.events.size() == 2);  // order 1: placed and delivered
  check_contract(m);
}
