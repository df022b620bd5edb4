// Gold metrics, formula by formula, on small hand-built event sets whose
// expected values are worked out in the comments; then the invariants as
// properties: no look-ahead, input order irrelevant, no impossible negatives.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <random>

#include "bre/state/daily_metrics.h"
#include "bre/state/state_accumulator.h"

using namespace bre;

namespace {

// Day 0 of every test is 2026-03-02 (a Monday).
const DayNumber kDay0 = day_of(*parse_date("2026-03-02"));

struct Builder {
  MetricEvents in;
  Builder& add(EventType t, int day, std::string entity, std::optional<std::int64_t> minor = std::nullopt,
               std::string related = "{}", std::string attrs = "{}") {
    const std::string_view et = t == EventType::customer_churned || t == EventType::customer_created ? "customer" : "order";
    add_metric_event(in, t, (kDay0 + day) * kMsPerDay + 3'600'000, et, entity, "test", minor, related, attrs);
    return *this;
  }
  DailyMetrics run(std::optional<int> last = std::nullopt) const {
    return compute_daily_metrics(in, {}, last ? std::optional<DayNumber>(kDay0 + *last) : std::nullopt);
  }
};

std::optional<double> at(const DailyMetrics& m, std::string_view metric, int day) {
  const MetricValues* v = m.find(metric);
  REQUIRE(v);
  const auto i = static_cast<std::size_t>(kDay0 + day - m.first_day);
  REQUIRE(i < v->size());
  return (*v)[i];
}

std::string customer(const std::string& id) { return R"({"customer_id":")" + id + R"("})"; }

}  // namespace

TEST_CASE("state: revenue, expenses and refunds, and the 7-day ratios of their sums") {
  Builder b;
  b.add(EventType::payment_received, 0, "p1", 100000)   // $1000.00
      .add(EventType::payment_received, 6, "p2", 50000)  // $500.00
      .add(EventType::invoice_paid, 6, "i1", 50000, "{}", R"({"days_to_pay":12})")  // never revenue
      .add(EventType::expense_posted, 3, "e1", 30000)
      .add(EventType::refund_issued, 6, "r1", 4500)
      .add(EventType::credit_memo_issued, 7, "c1", 1500)
      .add(EventType::payment_received, 40, "p3", 10000);
  const DailyMetrics m = b.run();
  CHECK(at(m, "daily_revenue", 0) == 1000.0);
  CHECK(at(m, "daily_revenue", 6) == 500.0);   // invoice_paid is not added: each dollar once
  CHECK(at(m, "daily_revenue", 1) == 0.0);     // an empty day is 0, not null
  CHECK(at(m, "daily_expenses", 3) == 300.0);
  CHECK(at(m, "daily_refunds", 6) == 45.0);
  CHECK(at(m, "daily_refunds", 7) == 15.0);
  // Day 6: 7-day sums revenue 1500, expenses 300, refunds 45.
  CHECK(at(m, "refund_rate", 6) == doctest::Approx(45.0 / 1500));
  CHECK(at(m, "expense_ratio", 6) == doctest::Approx(300.0 / 1500));
  CHECK(at(m, "margin_proxy", 6) == doctest::Approx((1500.0 - 300 - 45) / 1500));
  // Day 7: day 0 left the window; revenue 500, refunds 45 + 15.
  CHECK(at(m, "refund_rate", 7) == doctest::Approx(60.0 / 500));
  // Days 13..39 have no revenue in their 7-day window: the ratios are undefined (null), not 0.
  CHECK_FALSE(at(m, "refund_rate", 20));
  CHECK_FALSE(at(m, "margin_proxy", 20));
  // net_cash_proxy: 30-day trailing sum of revenue - expenses - refunds.
  CHECK(at(m, "net_cash_proxy", 7) == doctest::Approx(1500.0 - 300 - 60));
  CHECK(at(m, "net_cash_proxy", 30) == doctest::Approx(500.0 - 300 - 60));  // day 0 left the 30-day window
  CHECK(at(m, "net_cash_proxy", 40) == doctest::Approx(100.0));
  // dso_proxy: mean days_to_pay of invoices paid in the 7-day window.
  CHECK(at(m, "dso_proxy", 6) == 12.0);
  CHECK(at(m, "dso_proxy", 12) == 12.0);
  CHECK_FALSE(at(m, "dso_proxy", 13));
}

TEST_CASE("state: receivables overdue as of each day, and days payable from bill links") {
  Builder b;
  b.add(EventType::invoice_issued, 0, "inv1", 40000)
      .add(EventType::invoice_overdue, 10, "inv1", 40000, "{}", R"({"balance_remaining":400.00,"days_overdue":1})")
      .add(EventType::invoice_overdue, 12, "inv2", std::nullopt, "{}", R"({"balance_remaining":25.50,"days_overdue":1})")
      .add(EventType::invoice_paid, 15, "inv1", 40000, "{}", R"({"days_to_pay":15})")
      .add(EventType::expense_posted, 1, "bill1", 1000)
      .add(EventType::expense_posted, 5, "bill2", 1000)
      .add(EventType::expense_paid, 11, "bp1", 2000, "{}", R"({"bill_ids":["bill1","bill2"]})")
      .add(EventType::expense_paid, 11, "card", 700, "{}", R"({"bill_ids":[]})");
  const DailyMetrics m = b.run(20);
  CHECK(at(m, "ar_aging_amount", 9) == 0.0);
  CHECK(at(m, "ar_aging_amount", 10) == 400.0);
  CHECK(at(m, "ar_overdue_count", 12) == 2.0);
  CHECK(at(m, "ar_aging_amount", 12) == doctest::Approx(425.5));  // no amount given: from balance_remaining
  CHECK(at(m, "ar_aging_amount", 15) == doctest::Approx(25.5));   // paid at the end of day 15
  CHECK(at(m, "ar_overdue_count", 20) == 1.0);
  // Bills posted days 1 and 5, paid day 11: (10 + 6) / 2; the card expense links no bill.
  CHECK(at(m, "dpo_proxy", 11) == 8.0);
  CHECK(at(m, "dpo_proxy", 17) == 8.0);
  CHECK_FALSE(at(m, "dpo_proxy", 18));
  CHECK_FALSE(at(m, "dpo_proxy", 10));
}

TEST_CASE("state: orders, deliveries, lateness and the 14-day fulfillment backlog") {
  Builder b;
  b.add(EventType::order_placed, 0, "o1").add(EventType::order_delivered, 3, "o1");
  b.add(EventType::order_placed, 0, "o2");  // never delivered
  b.add(EventType::order_placed, 2, "o3").add(EventType::order_delivered, 6, "o3");
  b.add(EventType::order_late, 6, "o3", std::nullopt, "{}", R"({"days_late":2})");
  b.add(EventType::order_late, 6, "o9", std::nullopt, "{}", R"({"days_late":5})");
  const DailyMetrics m = b.run(20);
  CHECK(at(m, "order_volume", 0) == 2.0);
  CHECK(at(m, "delivery_count", 3) == 1.0);
  CHECK(at(m, "late_delivery_count", 6) == 2.0);
  CHECK(at(m, "avg_delivery_delay_days", 6) == 3.5);
  CHECK_FALSE(at(m, "avg_delivery_delay_days", 5));  // no late orders that day: undefined
  CHECK(at(m, "delivery_delay_rate", 6) == 1.0);     // 2 late / 2 delivered in the 7-day window
  CHECK(at(m, "delivery_delay_rate", 9) == 1.0);     // days 3..9: still 2 late / 2 delivered
  CHECK(at(m, "delivery_delay_rate", 10) == 2.0);    // day 3's delivery left the window, both late ones remain
  CHECK_FALSE(at(m, "delivery_delay_rate", 13));
  // Backlog: o1 open days 0-2, o2 days 0-13 (placed in the trailing 14 days), o3 days 2-5.
  CHECK(at(m, "fulfillment_backlog", 0) == 2.0);
  CHECK(at(m, "fulfillment_backlog", 2) == 3.0);
  CHECK(at(m, "fulfillment_backlog", 3) == 2.0);  // delivered on day 3: not open at its end
  CHECK(at(m, "fulfillment_backlog", 6) == 1.0);
  CHECK(at(m, "fulfillment_backlog", 13) == 1.0);
  CHECK(at(m, "fulfillment_backlog", 14) == 0.0);  // o2 was placed more than 14 days ago
}

TEST_CASE("state: supplier delay rate and severity") {
  Builder b;
  for (int d = 0; d < 4; ++d) b.add(EventType::purchase_order_placed, d, "po" + std::to_string(d));
  b.add(EventType::shipment_delayed, 3, "s1", std::nullopt, "{}", R"({"days_delayed":4})");
  b.add(EventType::shipment_delayed, 3, "s2", std::nullopt, "{}", R"({"days_delayed":10})");
  const DailyMetrics m = b.run(12);
  CHECK(at(m, "supplier_delay_rate", 3) == 0.5);  // 2 delays / 4 POs
  CHECK(at(m, "supplier_delay_rate", 7) == doctest::Approx(2.0 / 3));  // day 0's PO left the window
  CHECK(at(m, "supplier_delay_severity", 3) == 7.0);
  CHECK_FALSE(at(m, "supplier_delay_severity", 4));
  CHECK_FALSE(at(m, "supplier_delay_rate", 10));  // no POs in the window
}

TEST_CASE("state: tickets opened, closed, backlog and resolution time") {
  Builder b;
  b.add(EventType::support_ticket_opened, 0, "t1").add(EventType::support_ticket_opened, 0, "t2");
  b.add(EventType::support_ticket_opened, 1, "t3");
  b.add(EventType::support_ticket_closed, 1, "t1", std::nullopt, "{}", R"({"resolution_time_hours":20})");
  b.add(EventType::support_ticket_closed, 1, "t3", std::nullopt, "{}", R"({"resolution_time_hours":4})");
  const DailyMetrics m = b.run(15);
  CHECK(at(m, "ticket_volume", 0) == 2.0);
  CHECK(at(m, "ticket_close_volume", 1) == 2.0);
  CHECK(at(m, "avg_resolution_time", 1) == 12.0);
  CHECK(at(m, "ticket_backlog", 0) == 2.0);
  CHECK(at(m, "ticket_backlog", 1) == 1.0);  // t2 only
  CHECK(at(m, "ticket_backlog", 13) == 1.0);
  CHECK(at(m, "ticket_backlog", 14) == 0.0);
}

TEST_CASE("state: review average over 7 days and its 14-day slope") {
  Builder b;
  // One review a day; scores 5,5,5,5,5,5,5 then 1 from day 7 on.
  for (int d = 0; d < 28; ++d)
    b.add(EventType::review_submitted, d, "rv" + std::to_string(d), std::nullopt, "{}",
          d < 7 ? R"({"score":5})" : R"({"score":1})");
  const DailyMetrics m = b.run();
  CHECK(at(m, "review_score_avg", 6) == 5.0);
  CHECK(at(m, "review_score_avg", 7) == doctest::Approx((6 * 5.0 + 1) / 7));
  CHECK(at(m, "review_score_avg", 13) == 1.0);
  CHECK_FALSE(at(m, "review_score_trend", 1));  // fewer than 3 points
  // Days 0..2: averages 5,5,5 → slope 0.
  CHECK(at(m, "review_score_trend", 2) == doctest::Approx(0.0));
  // Days 7..13 fall by 4/7 a day; over days 0..13 the OLS slope of (5×7, then 5-4k/7 for k=1..7):
  // y = 5 - (4/7)·max(0, x-6), x̄ = 6.5: Σ(x-x̄)y = -(4/7)·Σ_{j=1..7}(j-0.5)·j = -(4/7)·126 = -72,
  // Σ(x-x̄)² = 227.5, slope = -72 / 227.5 ≈ -0.3165.
  CHECK(at(m, "review_score_trend", 13) == doctest::Approx(-72.0 / 227.5).epsilon(1e-9));
  CHECK(at(m, "review_score_trend", 27) == doctest::Approx(0.0));  // days 14..27: flat at 1
}

TEST_CASE("state: churn proxy from churn events, else from purchase gaps") {
  SUBCASE("explicit churn events") {
    Builder b;
    for (int c = 0; c < 10; ++c) b.add(EventType::customer_created, 0, "c" + std::to_string(c));
    b.add(EventType::customer_churned, 5, "c0").add(EventType::customer_churned, 8, "c1");
    const DailyMetrics m = b.run(200);
    CHECK(m.first_day == kDay0 + 5);  // back-dated customer records do not start the history
    CHECK(at(m, "churn_proxy", 5) == doctest::Approx(1.0 / 10));
    CHECK(at(m, "churn_proxy", 8) == doctest::Approx(2.0 / 10));
    CHECK(at(m, "churn_proxy", 35) == doctest::Approx(1.0 / 10));  // day 5's churn left the 30-day window
    CHECK(at(m, "churn_proxy", 38) == 0.0);
    // A churned customer stays in the 90-day active base until 90 days after churning.
    CHECK(at(m, "churn_proxy", 96) == 0.0);
  }
  SUBCASE("purchase gaps") {
    Builder b;
    // c1 buys on days 0, 10, 20 and then stops: median gap 10, limit max(2×10, 60) = 60,
    // so the gap is crossed on day 20 + 61 = 81. c2 buys every 5 days throughout.
    for (int d : {0, 10, 20}) b.add(EventType::order_placed, d, "o1-" + std::to_string(d), std::nullopt, customer("c1"));
    for (int d = 0; d <= 120; d += 5) b.add(EventType::order_placed, d, "o2-" + std::to_string(d), std::nullopt, customer("c2"));
    const DailyMetrics m = b.run();
    CHECK(at(m, "churn_proxy", 80) == 0.0);
    CHECK(at(m, "churn_proxy", 81) == doctest::Approx(1.0 / 2));
    // c1's last purchase (day 20) keeps it in the 90-day base through day 109, its churn
    // through day 110, the last day the churn is in the 30-day numerator window.
    CHECK(at(m, "churn_proxy", 110) == doctest::Approx(1.0 / 2));
    CHECK(at(m, "churn_proxy", 111) == 0.0);
  }
}

TEST_CASE("state: a customer's churn is read from churn events when any of its sources reports churn") {
  // c1 is created in the books (QuickBooks) on day 0, buys in the shop on
  // days 0, 10 and 20 and the shop reports its churn on day 50. The shop
  // reports churn, and c1 is one of its customers: c1 churned on day 50
  // (numerator days 50..79), whichever of its events is stored first or is
  // earliest. c2 is only in the books (created, paid on days 0, 10, 20): the
  // books report no churn, so c2's is the purchase gap's: gaps 10, 10, limit
  // max(2 × 10, 60) = 60, churned on day 81. Both stay active all along.
  // Read by the first stored event (the old rule), c1 would be a books
  // customer too, and churn on day 81 by its gap.
  struct Row {
    EventType type;
    int day;
    const char* entity_type;
    const char* entity;
    const char* customer_id;
    const char* source;
  };
  const std::vector<Row> rows = {
      {EventType::customer_created, 0, "customer", "c1", "c1", "quickbooks"},
      {EventType::order_placed, 0, "order", "o0", "c1", "shopify"},
      {EventType::order_placed, 10, "order", "o10", "c1", "shopify"},
      {EventType::order_placed, 20, "order", "o20", "c1", "shopify"},
      {EventType::customer_churned, 50, "customer", "c1", "c1", "shopify"},
      {EventType::customer_created, 0, "customer", "c2", "c2", "quickbooks"},
      {EventType::payment_received, 0, "payment", "p0", "c2", "quickbooks"},
      {EventType::payment_received, 10, "payment", "p10", "c2", "quickbooks"},
      {EventType::payment_received, 20, "payment", "p20", "c2", "quickbooks"},
  };
  for (bool reversed : {false, true}) {
    CAPTURE(reversed);
    MetricEvents in;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const Row& r = rows[reversed ? rows.size() - 1 - k : k];
      const bool own = std::string_view(r.entity_type) == "customer";
      add_metric_event(in, r.type, (kDay0 + r.day) * kMsPerDay + 3'600'000, r.entity_type, r.entity, r.source,
                       r.type == EventType::payment_received ? std::optional<std::int64_t>(1000) : std::nullopt,
                       own ? "{}" : customer(r.customer_id), "{}");
    }
    const DailyMetrics m = compute_daily_metrics(in, {}, kDay0 + 120);
    CHECK(at(m, "churn_proxy", 49) == 0.0);
    CHECK(at(m, "churn_proxy", 50) == 0.5);  // c1 of 2 active
    CHECK(at(m, "churn_proxy", 79) == 0.5);
    CHECK(at(m, "churn_proxy", 80) == 0.0);
    CHECK(at(m, "churn_proxy", 81) == 0.5);  // c2 by its gap; c1 has none
    CHECK(at(m, "churn_proxy", 110) == 0.5);
    CHECK(at(m, "churn_proxy", 111) == 0.0);
  }
}

TEST_CASE("state: customer concentration is the top tenth's share of attributed revenue") {
  Builder b;
  // Ten customers paying $1..$10 on day 0; the top 10 % (1 customer) paid $10 of $55.
  for (int c = 1; c <= 10; ++c)
    b.add(EventType::payment_received, 0, "p" + std::to_string(c), c * 100, customer("c" + std::to_string(c)));
  b.add(EventType::payment_received, 0, "anon", 100000);  // unattributed: not in the share
  // Eleven customers on day 40: the top 10 % rounds up to 2.
  for (int c = 1; c <= 11; ++c)
    b.add(EventType::payment_received, 40, "q" + std::to_string(c), 100, customer("d" + std::to_string(c)));
  const DailyMetrics m = b.run();
  CHECK(at(m, "customer_concentration", 0) == doctest::Approx(10.0 / 55));
  CHECK(at(m, "customer_concentration", 29) == doctest::Approx(10.0 / 55));
  CHECK_FALSE(at(m, "customer_concentration", 30));  // the window is empty
  CHECK(at(m, "customer_concentration", 40) == doctest::Approx(2.0 / 11));
}

TEST_CASE("state: weekly rollups sum flows and take the week's last value otherwise") {
  Builder b;
  b.add(EventType::payment_received, 0, "p1", 1000).add(EventType::payment_received, 6, "p2", 2000);
  b.add(EventType::refund_issued, 6, "r1", 300).add(EventType::payment_received, 7, "p3", 500);
  const DailyMetrics m = b.run();
  const auto weeks = weekly_rollup(m);
  auto week = [&](std::string_view metric, int day) -> std::optional<double> {
    for (const WeeklyValue& w : weeks)
      if (w.metric == metric && w.week_start == kDay0 + day) return w.value;
    FAIL("no such week");
    return std::nullopt;
  };
  CHECK(week("daily_revenue", 0) == 30.0);
  CHECK(week("daily_revenue", 7) == 5.0);
  CHECK(week("refund_rate", 0) == doctest::Approx(3.0 / 30));  // Sunday's 7-day ratio
}

TEST_CASE("state: evidence names the event types and days behind a value") {
  const MetricEvidence e = metric_evidence("refund_rate", kDay0 + 10, kDay0);
  CHECK(e.from == kDay0 + 4);
  CHECK(e.to == kDay0 + 10);
  CHECK(std::find(e.event_types.begin(), e.event_types.end(), EventType::refund_issued) != e.event_types.end());
  CHECK(metric_evidence("ar_aging_amount", kDay0 + 10, kDay0).from == kDay0);  // a stock: all history
  CHECK(metric_evidence("order_volume", kDay0 + 10, kDay0).from == kDay0 + 10);
}

namespace {

// Random small businesses: every event type, a few dozen entities, 60 days.
MetricEvents random_events(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  Builder b;
  for (int k = 0; k < count; ++k) {
    const auto type = static_cast<EventType>(pick(kEventTypeCount));
    const int day = pick(60);
    const std::string entity = "e" + std::to_string(pick(40));
    const std::string attrs = R"({"days_to_pay":)" + std::to_string(pick(30)) + R"(,"balance_remaining":)" +
                              std::to_string(pick(500)) + R"(,"days_late":)" + std::to_string(pick(9)) +
                              R"(,"days_delayed":)" + std::to_string(pick(9)) + R"(,"resolution_time_hours":)" +
                              std::to_string(pick(90)) + R"(,"score":)" + std::to_string(1 + pick(5)) +
                              R"(,"bill_ids":["e)" + std::to_string(pick(40)) + R"("]})";
    b.add(type, day, entity, pick(3) ? std::optional<std::int64_t>(pick(100000)) : std::nullopt,
          customer("c" + std::to_string(pick(12))), attrs);
  }
  return b.in;
}

bool same(const MetricValues& a, const MetricValues& b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i].has_value() != b[i].has_value()) return false;
    if (a[i] && std::abs(*a[i] - *b[i]) > 1e-9 * std::max(1.0, std::abs(*a[i]))) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("state properties: shuffled input, no look-ahead, no impossible negatives") {
  CHECK(rc::check("the order of the events changes nothing", [](std::uint64_t seed) {
    MetricEvents in = random_events(seed, 300);
    const DailyMetrics a = compute_daily_metrics(in);
    std::shuffle(in.events.begin(), in.events.end(), std::mt19937_64(seed ^ 0x9e37));
    const DailyMetrics b = compute_daily_metrics(in);
    RC_ASSERT(a.first_day == b.first_day);
    for (std::size_t k = 0; k < a.names.size(); ++k) RC_ASSERT(same(a.values[k], b.values[k], a.days));
  }));
  CHECK(rc::check("a day's values use only events up to that day", [](std::uint64_t seed) {
    const MetricEvents all = random_events(seed, 300);
    const DailyMetrics full = compute_daily_metrics(all);
    const DayNumber cut = full.first_day + static_cast<DayNumber>(*rc::gen::inRange<int>(0, static_cast<int>(full.days)));
    MetricEvents past = all;
    past.events.clear();
    for (const MetricEvent& e : all.events)
      if (e.day <= cut) past.events.push_back(e);
    const DailyMetrics then = compute_daily_metrics(past, {}, cut);
    RC_PRE(then.first_day == full.first_day);
    for (std::size_t k = 0; k < full.names.size(); ++k)
      RC_ASSERT(same(full.values[k], then.values[k], then.days));
  }));
  CHECK(rc::check("counts, sums, backlogs, averages and rates are never negative", [](std::uint64_t seed) {
    const DailyMetrics m = compute_daily_metrics(random_events(seed, 300));
    for (std::size_t k = 0; k < m.names.size(); ++k) {
      const std::string_view name = m.names[k];
      if (name == "net_cash_proxy" || name == "margin_proxy" || name == "review_score_trend") continue;  // may be negative
      for (const auto& v : m.values[k]) RC_ASSERT(!v || *v >= 0);
    }
  }));
}

TEST_CASE("state totals: orders and tickets kept sorted by id in the snapshot go on exactly as in memory") {
  // Orders placed and delivered in any order of ids, saved, loaded, then more
  // events for old and new ids: the backlog equals one accumulator that
  // never stopped.
  const DayNumber d0 = *parse_date("2026-03-02") / kMsPerDay;
  auto event = [&](EventType type, int day, const std::string& id) {
    StateEvent e;
    e.type = type;
    e.day = d0 + day;
    e.entity = id;
    e.source = "shop";
    return e;
  };
  const std::vector<std::string> ids = {"SO-9", "SO-10", "SO-1", "SO-100", "T-3", "T-20"};
  StateAccumulator straight, first;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const EventType opened = ids[k][0] == 'T' ? EventType::support_ticket_opened : EventType::order_placed;
    for (StateAccumulator* acc : {&straight, &first}) acc->add(event(opened, static_cast<int>(k), ids[k]));
  }
  StateAccumulator resumed = StateAccumulator::load(first.save());
  const std::vector<std::pair<EventType, std::string>> later = {{EventType::order_delivered, "SO-10"},
                                                                 {EventType::order_placed, "SO-2"},
                                                                 {EventType::order_delivered, "SO-2"},
                                                                 {EventType::support_ticket_closed, "T-3"},
                                                                 {EventType::order_placed, "SO-1"}};  // again: the first day stays
  for (const auto& [type, id] : later)
    for (StateAccumulator* acc : {&straight, &resumed}) acc->add(event(type, 8, id));
  const DailyMetrics a = straight.finish(), b = resumed.finish();
  CHECK(*a.find("fulfillment_backlog") == *b.find("fulfillment_backlog"));
  CHECK(*a.find("ticket_backlog") == *b.find("ticket_backlog"));
  CHECK((*b.find("fulfillment_backlog"))[8] == 3.0);  // SO-9, SO-1, SO-100 open; SO-10 and SO-2 delivered
  CHECK((*b.find("ticket_backlog"))[8] == 1.0);       // T-20 open
  // Saved again (old ids and new merged), the bytes are those of the accumulator that never stopped.
  CHECK(resumed.save() == straight.save());
}
