// The blast radius core (impact/blast_radius.h) on hand-computed cases:
// distinct entities, each document's amount once, refund and churn exposure,
// the severity bands, the narrative; and a property over random event sets.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <random>
#include <set>

#include "bre/impact/blast_radius.h"

using namespace bre;

namespace {

AffectedEvent ev(const char* id, const char* type, DayNumber day, const char* customer, const char* order = "",
                 const char* invoice = "", const char* vendor = "", std::vector<std::string> products = {}) {
  AffectedEvent e;
  e.event_id = id;
  e.event_type = type;
  e.day = day;
  e.customer_id = customer;
  e.order_id = order;
  e.invoice_id = invoice;
  e.vendor_id = vendor;
  e.product_ids = std::move(products);
  return e;
}

AffectedEvent overdue(const char* id, DayNumber day, const char* customer, const char* invoice, std::int64_t open,
                      std::int64_t at_due, std::vector<std::string> products) {
  AffectedEvent e = ev(id, "invoice_overdue", day, customer, "", invoice, "", std::move(products));
  e.amount_minor = open;
  e.overdue_minor = at_due;
  return e;
}

// Three customers, two invoices, two orders (one priced), two vendors; one
// event twice and one invoice overdue twice.
BlastInput worked_case() {
  BlastInput in;
  in.incident_id = "inc_a";
  in.incident_ids = {"inc_a"};
  in.window_start = 10;
  in.window_end = 20;
  const AffectedEvent first = overdue("e1", 10, "C1", "I1", 50000, 50000, {"P1", "P2"});
  in.events = {first,
               overdue("e2", 12, "C1", "I1", 20000, 20000, {"P1", "P2"}),  // a later due date replaces e1
               overdue("e3", 11, "C2", "I2", 0, 30000, {"P2"}),           // paid later: nothing open
               ev("e4", "order_late", 14, "C1", "O1", "", "V1"),
               ev("e5", "shipment_delayed", 13, "C1", "O1", "", "V1"),
               ev("e6", "shipment_delayed", 13, "C3", "O2", "", "V2"),
               first};
  in.invoice_amounts = {{"I1", 50000}, {"I2", 30000}};
  in.order_amounts = {{"O2", 10000}};
  in.customers["C1"] = {100000, 5000, {0, 5, 10}, false};  // refund rate 5 %; gap 5, recency 10
  in.customers["C3"] = {20000, 0, {18, 19, 25}, false};    // rate 0; gap 1, recency 1 (day 25 is after the window)
  in.customers["C2"].churned = true;                       // no payments: the business rate
  in.trailing_revenue_minor = 1'000'000;
  in.trailing_refunds_minor = 2000;
  in.trailing_paid_minor = 100000;  // business refund rate 2 %
  in.downstream_incidents = {"inc_b"};
  return in;
}

}  // namespace

TEST_CASE("blast radius: distinct entities, each invoice and order amount once") {
  const BlastRadius b = compute_blast_radius(worked_case());
  CHECK(b.events_affected == 6);  // e1 twice counts once
  CHECK(b.customers_affected == 3);
  CHECK(b.orders_affected == 2);
  CHECK(b.invoices_affected == 2);
  CHECK(b.products_affected == 2);
  CHECK(b.vendors_involved == 2);
  CHECK(b.orders_without_amount == 1);  // O1 has no amount
  CHECK(b.invoice_exposure_minor == 80000);
  CHECK(b.order_exposure_minor == 10000);
  CHECK(b.estimated_revenue_exposure_minor == 90000);
  CHECK(b.overdue_amount_minor == 50000);       // I1 at its latest due date (200.00) + I2 (300.00)
  CHECK(b.overdue_open_amount_minor == 20000);  // I2 was paid
  CHECK(b.events_by_type.at("shipment_delayed") == 2);
  CHECK(b.downstream_incidents_triggered == std::vector<std::string>{"inc_b"});
}

TEST_CASE("blast radius: refund exposure is each customer's own rate, else the business's, times their exposure") {
  const BlastRadius b = compute_blast_radius(worked_case());
  CHECK(b.business_refund_rate == doctest::Approx(0.02));
  // C1 5 % of 500.00, C2 (no payments) 2 % of 300.00, C3 0 % of 100.00: 25.00 + 6.00.
  CHECK(b.estimated_refund_exposure_minor == 3100);
  REQUIRE(b.customers.size() == 3);
  CHECK(b.customers[0].customer_id == "C1");
  CHECK(b.customers[0].exposure_minor == 50000);
  CHECK(b.customers[0].own_refund_rate);
  CHECK_FALSE(b.customers[1].own_refund_rate);
  CHECK(b.customers[1].refund_rate == doctest::Approx(0.02));
}

TEST_CASE("blast radius: churn risk is recency over recency plus the usual gap, churned is 1") {
  const BlastRadius b = compute_blast_radius(worked_case());
  CHECK(b.customers[0].churn_risk == doctest::Approx(10.0 / 15));  // counted
  CHECK(b.customers[1].churn_risk == 1.0);                         // churned: counted
  CHECK(b.customers[2].churn_risk == doctest::Approx(0.5));        // exactly 0.5: not counted
  CHECK(b.customers[2].recency_days == 1);
  CHECK(b.customers[2].expected_gap_days.value() == doctest::Approx(1.0));
  CHECK(b.estimated_churn_exposure == 2);

  CustomerHistory once{0, 0, {4}, false};  // one purchase: the business-wide gap
  CHECK(churn_risk(once, 10, 12) == doctest::Approx(6.0 / 18));
  CHECK(churn_risk(CustomerHistory{}, 10, 12) == 0.5);  // no purchases: unknown
  CHECK(median_gap_days({1, 3, 9, 10}).value() == doctest::Approx(2.0));  // gaps 2, 6, 1
  CHECK_FALSE(median_gap_days({1, 1}).has_value());
}

TEST_CASE("blast radius: severity bands against trailing 30-day revenue") {
  CHECK(blast_severity(99, 10000) == "contained");
  CHECK(blast_severity(100, 10000) == "significant");  // 1 %
  CHECK(blast_severity(499, 10000) == "significant");
  CHECK(blast_severity(500, 10000) == "severe");  // 5 %
  CHECK(blast_severity(1500, 10000) == "severe");  // 15 %
  CHECK(blast_severity(1501, 10000) == "catastrophic");
  CHECK(blast_severity(0, 0) == "contained");
  CHECK(blast_severity(1, 0) == "catastrophic");  // any exposure against no revenue
  const BlastRadius b = compute_blast_radius(worked_case());
  CHECK(b.exposure_ratio == doctest::Approx(0.09));
  CHECK(b.blast_radius_severity == "severe");
}

TEST_CASE("blast radius: the narrative is built from the numbers") {
  CHECK(format_money_rounded(1'840'000, "USD", 2) == "$18,400");
  CHECK(format_money_rounded(150, "USD", 2) == "$2");
  CHECK(format_money_rounded(123'456'789, "EUR", 2) == "1,234,568 EUR");
  CHECK(format_money_rounded(1500, "JPY", 0) == "1,500 JPY");
  const BlastRadius b = compute_blast_radius(worked_case());
  CHECK(b.narrative ==
        "This incident affected 2 orders and 2 invoices across 3 customers and 2 vendors, with estimated revenue "
        "exposure of $900 (1 of the 2 orders carries no amount in the data), $500 of invoices fell overdue and "
        "potential churn risk for 2 customers.");

  BlastInput churn;
  churn.incident_ids = {"inc_x", "inc_y"};
  churn.events = {ev("c1", "customer_churned", 3, "C9")};
  churn.customers["C9"].churned = true;
  CHECK(compute_blast_radius(churn).narrative ==
        "This cascade of 2 incidents affected 1 customer, with estimated revenue exposure of $0 and potential churn "
        "risk for 1 customer.");
}

TEST_CASE("blast radius: a refund counts as revenue exposure once, an expense apart") {
  BlastInput in;
  AffectedEvent r = ev("r1", "refund_issued", 1, "C1", "", "", "", {"P9"});
  r.amount_minor = 4500;
  AffectedEvent x = ev("x1", "expense_posted", 1, "", "", "", "V1");
  x.amount_minor = 12000;
  in.events = {r, x, r};
  in.trailing_revenue_minor = 100000;
  const BlastRadius b = compute_blast_radius(in);
  CHECK(b.refunded_minor == 4500);
  CHECK(b.estimated_revenue_exposure_minor == 4500);
  CHECK(b.expense_amount_minor == 12000);
  CHECK(b.estimated_refund_exposure_minor == 0);  // already refunded: not exposure to more refunds
  CHECK(b.blast_radius_severity == "significant");
}

TEST_CASE("blast radius: property: bounded counts, non-negative money, order does not matter") {
  CHECK(rc::check("counts <= events, exposures >= 0, shuffled events give the same result", [] {
    const auto id = [](const char* prefix, int n) { return n == 0 ? std::string() : prefix + std::to_string(n); };
    const int n = *rc::gen::inRange(0, 30);
    BlastInput in;
    in.incident_ids = {"inc"};
    in.window_start = 0;
    in.window_end = 40;
    in.trailing_revenue_minor = *rc::gen::inRange<std::int64_t>(0, 10'000'000);
    in.trailing_paid_minor = *rc::gen::inRange<std::int64_t>(0, 10'000'000);
    in.trailing_refunds_minor = *rc::gen::inRange<std::int64_t>(0, 1'000'000);
    static const std::vector<std::string> types = {"invoice_overdue", "order_late", "refund_issued", "expense_posted",
                                                   "shipment_delayed", "customer_churned"};
    std::vector<AffectedEvent> pool;  // an event id names one content (ids are content-derived)
    for (int i = 0; i < n; ++i) {
      AffectedEvent e;
      e.event_id = "e" + std::to_string(i);
      e.event_type = *rc::gen::elementOf(types);
      e.day = *rc::gen::inRange(0, 41);
      e.customer_id = id("C", *rc::gen::inRange(0, 6));
      e.order_id = id("O", *rc::gen::inRange(0, 6));
      e.invoice_id = id("I", *rc::gen::inRange(0, 6));
      e.vendor_id = id("V", *rc::gen::inRange(0, 4));
      if (const std::string p = id("P", *rc::gen::inRange(0, 5)); !p.empty()) e.product_ids.push_back(p);
      e.amount_minor = *rc::gen::inRange<std::int64_t>(0, 100000);
      e.overdue_minor = *rc::gen::inRange<std::int64_t>(0, 100000);
      pool.push_back(e);
      in.invoice_amounts[id("I", 1 + i % 5)] = *rc::gen::inRange<std::int64_t>(0, 100000);
      if (*rc::gen::arbitrary<bool>()) in.order_amounts[id("O", 1 + i % 5)] = *rc::gen::inRange<std::int64_t>(0, 100000);
      CustomerHistory& h = in.customers[id("C", 1 + i % 5)];
      h.paid_minor = *rc::gen::inRange<std::int64_t>(0, 100000);
      h.refunded_minor = *rc::gen::inRange<std::int64_t>(0, 200000);
      h.purchase_days.push_back(*rc::gen::inRange(0, 60));
      h.churned = *rc::gen::arbitrary<bool>();
    }
    for (int i = 0; i < n; ++i) in.events.push_back(pool[*rc::gen::inRange<std::size_t>(0, pool.size())]);  // repeats
    const BlastRadius b = compute_blast_radius(in);
    const auto events = b.events_affected;
    RC_ASSERT(events <= n);
    for (std::int64_t count : {b.customers_affected, b.orders_affected, b.vendors_involved, b.invoices_affected,
                               b.estimated_churn_exposure})
      RC_ASSERT(count >= 0 && count <= events);
    std::set<std::string> product_ids;  // an event may name several products (line items)
    for (const AffectedEvent& e : in.events) product_ids.insert(e.product_ids.begin(), e.product_ids.end());
    RC_ASSERT(b.products_affected == static_cast<std::int64_t>(product_ids.size()));
    RC_ASSERT(b.estimated_churn_exposure <= b.customers_affected);
    for (std::int64_t money : {b.estimated_revenue_exposure_minor, b.estimated_refund_exposure_minor,
                               b.overdue_amount_minor, b.overdue_open_amount_minor, b.expense_amount_minor})
      RC_ASSERT(money >= 0);
    // A refund rate is at most 1: refund exposure never exceeds the sales documents' exposure.
    RC_ASSERT(b.estimated_refund_exposure_minor <= b.invoice_exposure_minor + b.order_exposure_minor);

    std::mt19937 rng(*rc::gen::arbitrary<unsigned>());
    BlastInput shuffled = in;
    std::shuffle(shuffled.events.begin(), shuffled.events.end(), rng);
    RC_ASSERT(blast_radius_json(compute_blast_radius(shuffled)) == blast_radius_json(b));
  }));
}
