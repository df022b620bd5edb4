// bre seed (include/bre/ingest/seed.h): determinism, sizes, the QBO page
// shape, and that every scenario visibly changes its window against a
// baseline run with the same seed.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bre/core/time.h"
#include "bre/ingest/qbo.h"
#include "bre/ingest/seed.h"

using namespace bre;

namespace {

std::string day_text(std::int64_t day) { return format_date(day * 86400000LL); }

const seed::File& file(const seed::Result& r, const std::string& path) {
  for (const auto& f : r.files)
    if (f.path == path) return f;
  FAIL("no file " << path);
  throw 0;
}

// Operational events of `type` (and vendor, when given) per day.
std::map<std::string, int> ops_days(const seed::Result& r, const std::string& type, const std::string& vendor = "") {
  std::istringstream in(file(r, "supplemental/operations.jsonl").content);
  std::string line;
  std::map<std::string, int> out;
  const std::string needle = "\"event_type\":\"" + type + "\"";
  while (std::getline(in, line)) {
    if (line.find(needle) == std::string::npos) continue;
    auto j = nlohmann::json::parse(line);
    if (!vendor.empty() && j["related_entity_ids"].value("vendor_id", "") != vendor) continue;
    ++out[j["event_time"].get<std::string>().substr(0, 10)];
  }
  return out;
}

// The same, dated first..last inclusive.
int ops_count(const seed::Result& r, const std::string& type, std::int64_t first, std::int64_t last,
              const std::string& vendor = "") {
  int n = 0;
  for (const auto& [d, k] : ops_days(r, type, vendor))
    if (d >= day_text(first) && d <= day_text(last)) n += k;
  return n;
}

// Every QBO object of the run, parsed by the ingest page parser.
std::vector<QboObject> qbo_objects(const seed::Result& r, const std::vector<std::string>& types = {}) {
  std::vector<QboObject> out;
  for (const auto& f : r.files) {
    if (f.path.rfind("qbo/", 0) != 0) continue;
    bool wanted = types.empty();
    for (const auto& t : types) wanted = wanted || f.path.rfind("qbo/query-" + t + "-", 0) == 0;
    if (!wanted) continue;
    QboPage page = parse_qbo_page(f.content);
    CHECK(page.objects.size() <= 1000);
    CHECK(page.time.has_value());
    for (auto& o : page.objects) out.push_back(std::move(o));
  }
  return out;
}

int qbo_count(const seed::Result& r, const std::vector<std::string>& types, const std::string& field,
              std::int64_t first, std::int64_t last, bool open_only = false) {
  int n = 0;
  for (const QboObject& o : qbo_objects(r, types)) {
    if (std::find(types.begin(), types.end(), o.entity_type) == types.end()) continue;
    auto j = nlohmann::json::parse(o.payload);
    if (!j.contains(field)) continue;
    const std::string d = j[field];
    if (d < day_text(first) || d > day_text(last)) continue;
    if (open_only && j["Balance"].get<double>() <= 0) continue;
    ++n;
  }
  return n;
}

seed::Options with(seed::ScenarioKind k) {
  seed::Options o;
  o.seed = 3;
  seed::Scenario s;
  s.kind = k;
  o.scenarios.push_back(s);
  return o;
}

}  // namespace

TEST_CASE("seed: the same seed gives identical bytes, another seed different ones") {
  seed::Options o;
  o.seed = 1;
  o.days = 60;
  const auto a = seed::generate(o), b = seed::generate(o);
  REQUIRE(a.files.size() == b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    CHECK(a.files[i].path == b.files[i].path);
    CHECK(a.files[i].content == b.files[i].content);
  }
  o.seed = 2;
  const auto c = seed::generate(o);
  CHECK(file(a, "qbo/query-Invoice-0001.json").content != file(c, "qbo/query-Invoice-0001.json").content);
  CHECK(file(a, "supplemental/operations.jsonl").content != file(c, "supplemental/operations.jsonl").content);
}

TEST_CASE("seed: a default run has the design's sizes and parses as QBO pages") {
  const auto r = seed::generate(seed::Options{});
  CHECK(r.entities.at("Customer") == 500);
  CHECK(r.entities.at("Vendor") == 50);
  CHECK(r.entities.at("Invoice") >= 1700);
  CHECK(r.entities.at("Invoice") <= 2300);
  CHECK(r.entities.at("Payment") >= r.entities.at("Invoice") * 7 / 10);
  CHECK(r.entities.at("Payment") < r.entities.at("Invoice"));
  CHECK(r.entities.at("Bill") >= 650);
  CHECK(r.entities.at("Bill") <= 950);
  CHECK(r.entities.at("BillPayment") >= 500);
  const auto refunds = r.entities.at("RefundReceipt") + r.entities.at("CreditMemo");
  CHECK(refunds >= 60);
  CHECK(refunds <= 150);
  CHECK(r.entities.at("PurchaseOrder") >= 50);
  CHECK(r.events.at("order_placed") >= 2000);
  CHECK(r.events.at("order_late") >= 1);
  CHECK(r.events.at("order_late") < r.events.at("order_placed") / 10);
  for (const char* t : {"order_delivered", "shipment_delayed", "support_ticket_opened", "support_ticket_closed",
                        "review_submitted", "customer_churned"})
    CHECK_MESSAGE(r.events.count(t) == 1, t);
  std::int64_t total = 0;
  for (const auto& [type, n] : r.entities) total += n;
  CHECK(qbo_objects(r).size() == static_cast<std::size_t>(total));
  CHECK(file(r, "qbo/query-Invoice-0001.json").content.find("\"TotalAmt\":") != std::string::npos);
  // Weekdays are busier than weekends.
  int weekday = 0, weekend = 0;
  const auto per_day = ops_days(r, "order_placed");
  for (std::int64_t d = r.start_day; d <= r.end_day; ++d) {
    const int w = static_cast<int>(((d % 7) + 10) % 7);
    auto it = per_day.find(day_text(d));
    (w >= 5 ? weekend : weekday) += it == per_day.end() ? 0 : it->second;
  }
  CHECK(weekday / 5.0 > 2 * weekend / 2.0);
}

TEST_CASE("seed: scenario names, dates and magnitudes") {
  auto s = seed::parse_scenario("refund_spike@2026-04-02:2.5");
  CHECK(s.kind == seed::ScenarioKind::refund_spike);
  CHECK(day_text(*s.day) == "2026-04-02");
  CHECK(s.magnitude == 2.5);
  CHECK_FALSE(seed::parse_scenario("ar_aging").day.has_value());
  CHECK_THROWS(seed::parse_scenario("meteor_strike"));
  CHECK_THROWS(seed::parse_scenario("ar_aging@2026-13-01"));
  CHECK_THROWS(seed::parse_scenario("ar_aging:-1"));
  seed::Options o;
  o.scenarios.push_back(seed::parse_scenario("ar_aging@2027-01-01"));
  CHECK_THROWS(seed::generate(o));
}

TEST_CASE("seed: every scenario changes its window against the baseline") {
  seed::Options base_options;
  base_options.seed = 3;
  const auto base = seed::generate(base_options);
  const std::int64_t day = base.start_day + 182 * 2 / 3;

  SUBCASE("refund_spike") {
    const auto r = seed::generate(with(seed::ScenarioKind::refund_spike));
    REQUIRE(r.scenarios.size() == 1);
    CHECK(r.scenarios[0].day == day);
    const std::vector<std::string> types = {"RefundReceipt", "CreditMemo"};
    CHECK(qbo_count(r, types, "TxnDate", day, day + 4) >= qbo_count(base, types, "TxnDate", day, day + 4) + 4);
    CHECK(qbo_count(r, types, "TxnDate", day + 5, day + 30) == qbo_count(base, types, "TxnDate", day + 5, day + 30));
  }
  SUBCASE("ar_aging") {
    const auto r = seed::generate(with(seed::ScenarioKind::ar_aging));
    CHECK(qbo_count(r, {"Invoice"}, "DueDate", day - 1, day - 1, true) >=
          qbo_count(base, {"Invoice"}, "DueDate", day - 1, day - 1, true) + 20);
  }
  SUBCASE("supplier_delay") {
    const auto r = seed::generate(with(seed::ScenarioKind::supplier_delay));
    const std::string v = r.scenarios[0].target;
    CHECK(!v.empty());
    CHECK(ops_count(r, "shipment_delayed", day, day + 6, v) >= ops_count(base, "shipment_delayed", day, day + 6, v) + 14);
    CHECK(ops_count(r, "order_late", day + 2, day + 14) > ops_count(base, "order_late", day + 2, day + 14) + 5);
  }
  SUBCASE("order_surge") {
    const auto r = seed::generate(with(seed::ScenarioKind::order_surge));
    CHECK(ops_count(r, "order_placed", day, day + 2) > ops_count(base, "order_placed", day, day + 2) * 3 / 2);
    CHECK(ops_count(r, "order_late", day, day + 14) > ops_count(base, "order_late", day, day + 14) + 10);
    CHECK(ops_count(r, "support_ticket_opened", day + 3, day + 17) >
          ops_count(base, "support_ticket_opened", day + 3, day + 17));
  }
  SUBCASE("support_failure") {
    const auto r = seed::generate(with(seed::ScenarioKind::support_failure));
    CHECK(ops_count(r, "support_ticket_opened", day, day + 13) > ops_count(base, "support_ticket_opened", day, day + 13));
    CHECK(ops_count(r, "customer_churned", day + 7, day + 23) >= ops_count(base, "customer_churned", day + 7, day + 23) + 5);
  }
}

TEST_CASE("seed: expense_drift compounds the expenses to +40 % x M over 21 days and changes nothing else") {
  seed::Options base_options;
  base_options.seed = 3;
  const auto base = seed::generate(base_options);
  const std::int64_t day = base.start_day + 182 * 2 / 3;
  struct Bill {
    std::string date, vendor;
    double total;
  };
  auto bills = [](const seed::Result& r) {
    std::vector<Bill> out;
    for (const QboObject& o : qbo_objects(r, {"Bill"})) {
      auto j = nlohmann::json::parse(o.payload);
      out.push_back({j["TxnDate"], j["VendorRef"]["value"], j["TotalAmt"].get<double>()});
    }
    return out;
  };
  auto total = [](const std::vector<Bill>& list, std::int64_t first, std::int64_t last) {
    double t = 0;
    for (const Bill& b : list)
      if (b.date >= day_text(first) && b.date <= day_text(last)) t += b.total;
    return t;
  };
  // The normal level: the 28 days before the window per weekday in them (20).
  const auto base_bills = bills(base);
  const double weekday_level = total(base_bills, day - 28, day - 1) / 20;
  // Design: costs at (1 + 0.4 M) ^ ((t + 1) / 21) times normal on day t of the window.
  auto intended = [&](double magnitude, std::int64_t first_t, std::int64_t last_t) {
    double extra = 0;
    for (std::int64_t t = first_t; t <= last_t; ++t)
      if (((day + t) % 7 + 10) % 7 < 5) extra += weekday_level * (std::pow(1 + 0.4 * magnitude, (t + 1) / 21.0) - 1);
    return extra;
  };

  std::map<double, double> last_week_share;
  for (const double magnitude : {1.0, 0.5}) {
    CAPTURE(magnitude);
    auto o = with(seed::ScenarioKind::expense_drift);
    o.scenarios[0].magnitude = magnitude;
    const auto r = seed::generate(o);
    REQUIRE(r.scenarios.size() == 1);
    CHECK(r.scenarios[0].day == day);
    CHECK(r.scenarios[0].window_end == day + 20);
    const std::string target = r.scenarios[0].target;
    CHECK(std::stoi(target) >= 512);  // a service vendor

    // Every object of the baseline run is still there, byte for byte, in the same order;
    // what is new is the target's bills in the window and their payments. Operations are unchanged.
    // (The text of a page's last object runs to the page's closing bracket: compare it trimmed.)
    auto text = [](const QboObject& o) {
      const auto last = o.payload.find_last_not_of(" \n\r\t");
      return o.entity_type + " " + o.payload.substr(0, last == std::string::npos ? 0 : last + 1);
    };
    std::vector<std::string> before;
    for (const QboObject& o : qbo_objects(base)) before.push_back(text(o));
    std::size_t k = 0, added_bills = 0;
    for (const QboObject& o : qbo_objects(r)) {
      if (k < before.size() && text(o) == before[k]) {
        ++k;
        continue;
      }
      auto j = nlohmann::json::parse(o.payload);
      CHECK(j["VendorRef"]["value"] == target);
      if (o.entity_type == "Bill") {
        ++added_bills;
        CHECK(j["TxnDate"] >= day_text(day));
        CHECK(j["TxnDate"] <= day_text(day + 20));
      } else {
        CHECK(o.entity_type == "BillPayment");
        CHECK(j["TxnDate"] > day_text(day));
      }
    }
    CHECK(k == before.size());
    CHECK(added_bills == 15);  // one a weekday
    CHECK(file(r, "supplemental/operations.jsonl").content == file(base, "supplemental/operations.jsonl").content);
    const auto drift_bills = bills(r);
    CHECK(total(drift_bills, base.start_day, day - 1) == total(base_bills, base.start_day, day - 1));
    CHECK(total(drift_bills, day + 21, base.end_day) == total(base_bills, day + 21, base.end_day));

    // The window's extra expenses are what the design asks for (the bills carry ±10 % noise).
    const double extra = total(drift_bills, day, day + 20) - total(base_bills, day, day + 20);
    CHECK(extra == doctest::Approx(intended(magnitude, 0, 20)).epsilon(0.08));
    const double last_week = total(drift_bills, day + 14, day + 20) - total(base_bills, day + 14, day + 20);
    CHECK(last_week == doctest::Approx(intended(magnitude, 14, 20)).epsilon(0.1));
    // A normal week is 5 weekday levels: the last week runs about 30-40 % (M = 1) above it.
    last_week_share[magnitude] = last_week / (5 * weekday_level);
  }
  CHECK(last_week_share[1.0] > 0.28);
  CHECK(last_week_share[1.0] < 0.42);
  CHECK(last_week_share[0.5] == doctest::Approx(last_week_share[1.0] / 2).epsilon(0.2));
  CHECK(seed::parse_scenario("expense_drift@2026-04-02:0.5").kind == seed::ScenarioKind::expense_drift);
}
