// Configured currency rates (cli.md §4a): exact conversion, rate selection by
// day, the rejections, and every ingest path converting the same way.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <filesystem>
#include <fmt/format.h>

#include "bre/core/event_codec.h"
#include "bre/core/exact_decimal.h"
#include "bre/core/money.h"
#include "bre/ingest/currency_conversion.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/qbo.h"
#include "bre/store/currency_rates.h"
#include "bre/store/event_store.h"
#include "test_support.h"

using namespace bre;

namespace {

ExactDecimal rate_of(std::string_view text) {
  ExactDecimalParse p = parse_rate(text);
  REQUIRE_MESSAGE(p.value, text);
  return *p.value;
}

std::int64_t convert(std::int64_t minor, const char* from, const char* rate, const char* to) {
  auto r = convert_minor(minor, *currency_minor_digits(from), rate_of(rate), *currency_minor_digits(to));
  REQUIRE(r);
  return *r;
}

CanonicalEvent fx_payment(const char* currency, std::int64_t minor, const char* time) {
  CanonicalEvent e;
  e.event_type = EventType::payment_received;
  e.event_time = *parse_iso8601(time);
  e.source = "shop";
  e.source_entity_id = e.entity_id = "p1";
  e.entity_type = EntityType::payment;
  e.amount_minor = minor;
  e.currency = currency;
  e.event_id = derive_event_id(e.source, e.source_entity_id, e.event_type, 1, time);
  return e;
}

std::string eur_line(const char* id, const char* amount, const char* day) {
  return fmt::format(
      R"({{"event_type":"payment_received","event_time":"{}T10:00:00Z","source":"shop","source_entity_id":"{}",)"
      R"("entity_type":"payment","entity_id":"{}","amount":{},"currency":"EUR"}})",
      day, id, id, amount);
}

IngestRequest canonical_request(const std::string& path) {
  IngestRequest r;
  r.source = "events";
  r.paths = {path};
  return r;
}

// Orders of a source whose records are priced in euros.
class EuroOrdersAdapter : public Adapter {
 public:
  std::string_view source() const override { return "euro_orders"; }
  int mapping_version() const override { return 1; }
  std::string classify(const std::vector<std::string>&) const override { return "orders"; }
  void map(const std::vector<SourceRecord>& records, const AdapterOptions&, MapContext& ctx) const override {
    for (std::size_t i = 0; i < records.size(); ++i) {
      CanonicalEvent e = fx_payment("EUR", std::stoll(std::string(records[i].get("cents"))), "2024-01-02T00:00:00Z");
      e.source = "euro_orders";
      e.source_entity_id = e.entity_id = std::string(records[i].get("id"));
      e.event_id = derive_event_id(e.source, e.source_entity_id, e.event_type, 1, "");
      ctx.emit(std::move(e), i);
    }
  }
};

}  // namespace

TEST_CASE("fx: conversions by hand, across minor digits, rounded half to even") {
  CHECK(convert(1234, "EUR", "1.0835", "USD") == 1337);  // 12.34 x 1.0835 = 13.37039
  CHECK(convert(1000, "JPY", "0.0067", "USD") == 670);   // 1000 yen x 0.0067 = 6.70
  CHECK(convert(1250, "USD", "150", "JPY") == 1875);     // 12.50 x 150 = 1875 yen
  // USD -> BHD (3 digits): 1.00 x 0.3765 = 0.3765 is a tie at the fils, to even 0.376;
  // 3.00 x 0.3765 = 1.1295, to even 1.130.
  CHECK(convert(100, "USD", "0.3765", "BHD") == 376);
  CHECK(convert(300, "USD", "0.3765", "BHD") == 1130);
  CHECK(convert(-100, "USD", "0.3765", "BHD") == -376);
  CHECK(convert(-300, "USD", "0.3765", "BHD") == -1130);
  CHECK(convert(1, "USD", "150", "JPY") == 2);  // 1.5 yen -> 2
  CHECK(convert(3, "USD", "150", "JPY") == 4);  // 4.5 yen -> 4
  CHECK(convert(1, "USD", "151", "JPY") == 2);  // 1.51 -> 2, not a tie
  CHECK(convert(1000, "BHD", "2.6596", "USD") == 266);  // 1.000 x 2.6596 = 2.6596
  CHECK(convert(0, "EUR", "1.0835", "USD") == 0);
  CHECK_FALSE(convert_minor(std::numeric_limits<std::int64_t>::max(), 2, rate_of("2"), 2));
  CHECK(multiply_to_minor(parse_exact_decimal("12.5").value.value(), rate_of("1.5"), 2) == 1875);
}

TEST_CASE("fx: rates are plain positive decimals of at most 12 fractional digits") {
  CHECK(format_exact_decimal(rate_of("1.0835")) == "1.0835");
  CHECK(format_exact_decimal(rate_of("1.0800")) == "1.08");
  CHECK(format_exact_decimal(rate_of("0150")) == "150");
  CHECK(format_exact_decimal(rate_of("0.000000000001")) == "0.000000000001");
  CHECK(format_exact_decimal(rate_of("2.000000000000")) == "2");
  for (const char* bad : {"", ".", "0", "0.000", "-1.08", "+1.08", "1e3", "1,08", "1.0000000000001", "abc", "1.2.3"})
    CHECK_MESSAGE(!parse_rate(bad).value, bad);
  CHECK(parse_rate("0").error == "must be greater than zero");
  CHECK(parse_rate("1.0000000000001").error == "at most 12 digits after the decimal point");
  CHECK(format_exact_decimal(parse_exact_decimal("-0.50").value.value()) == "-0.5");
  CHECK(format_exact_decimal(parse_exact_decimal("1e-2").value.value()) == "0.01");
  CHECK(format_exact_decimal(parse_exact_decimal("1.5E2").value.value()) == "150");
  CHECK_FALSE(parse_exact_decimal("1e40").value);
}

TEST_CASE("fx: the rate valid on the event's day is the last one starting on or before it") {
  HomeCurrency home("USD", {{"EUR", "2026-01-01", "1.10"}, {"EUR", "2026-03-01", "1.20"}});
  Problem p;
  CanonicalEvent before = fx_payment("EUR", 1000, "2025-12-31T23:59:59Z");
  CHECK_FALSE(home.apply(before, p));
  CHECK(p.field == "currency");
  CHECK(p.reason.find("no EUR rate is configured for 2025-12-31") != std::string::npos);
  CHECK(p.reason.find("bre config rates set EUR") != std::string::npos);
  CHECK(before.currency == "EUR");  // untouched

  CanonicalEvent first = fx_payment("EUR", 1000, "2026-02-28T23:00:00Z");
  CHECK(home.apply(first, p));
  CHECK(first.amount_minor == 1100);
  CanonicalEvent boundary = fx_payment("EUR", 1000, "2026-03-01T00:00:00Z");
  CHECK(home.apply(boundary, p));
  CHECK(boundary.amount_minor == 1200);
  CHECK(boundary.attributes.find(R"("fx_rate_from":"2026-03-01")") != std::string::npos);
  CanonicalEvent later = fx_payment("EUR", 1000, "2027-06-01T12:00:00Z");
  CHECK(home.apply(later, p));
  CHECK(later.amount_minor == 1200);
}

TEST_CASE("fx: a rate's first day starts at midnight in the business time zone") {
  // Sao Paulo is UTC-3: 2026-03-01 begins at 03:00Z.
  HomeCurrency home("USD", {{"EUR", "2026-01-01", "1.10"}, {"EUR", "2026-03-01", "1.20"}},
                    BusinessTime("America/Sao_Paulo"));
  Problem p;
  CanonicalEvent late_evening = fx_payment("EUR", 1000, "2026-03-01T02:59:59Z");  // Feb 28, 23:59:59 local
  CHECK(home.apply(late_evening, p));
  CHECK(late_evening.amount_minor == 1100);
  CanonicalEvent past_midnight = fx_payment("EUR", 1000, "2026-03-01T03:00:00Z");
  CHECK(home.apply(past_midnight, p));
  CHECK(past_midnight.amount_minor == 1200);
  CanonicalEvent too_early = fx_payment("EUR", 1000, "2026-01-01T02:00:00Z");  // Dec 31 local
  CHECK_FALSE(home.apply(too_early, p));
  CHECK(p.reason.find("for 2025-12-31") != std::string::npos);
  HomeCurrency always("USD", {{"EUR", kRateAlwaysValidFrom, "2"}}, BusinessTime("Pacific/Auckland"));
  CanonicalEvent old = fx_payment("EUR", 1000, "1900-01-01T00:00:00Z");
  CHECK(always.apply(old, p));
  CHECK(old.amount_minor == 2000);
}

TEST_CASE("fx: a converted event keeps its id and the original, and its money attributes follow") {
  HomeCurrency home("USD", {{"EUR", kRateAlwaysValidFrom, "1.5"}});
  CanonicalEvent e = fx_payment("EUR", 10000, "2026-05-01T00:00:00Z");
  e.event_type = EventType::invoice_overdue;
  e.attributes =
      R"({"balance_remaining":100.00,"balance_at_due_date":120.5,"days_overdue":5,"customer_id":"c1",)"
      R"("line_items":[{"amount":10.00,"qty":3,"unit_price":3.335}],"fx_rate":9})";
  const std::string id = e.event_id;
  Problem p;
  REQUIRE(home.apply(e, p));
  CHECK(e.event_id == id);
  CHECK(e.currency == "USD");
  CHECK(e.amount_minor == 15000);
  // 3.335 x 1.5 = 5.0025 -> 5.00; an input's own fx_rate is replaced.
  CHECK(e.attributes ==
        R"({"balance_remaining":150.00,"balance_at_due_date":180.75,"days_overdue":5,"customer_id":"c1",)"
        R"("line_items":[{"amount":15.00,"qty":3,"unit_price":5.00}],"original_amount":100.00,)"
        R"("original_currency":"EUR","fx_rate":1.5,"fx_rate_from":"0001-01-01"})");
  CHECK(e.data_quality_flags == std::vector<std::string>{"fx_converted:EUR"});
  CHECK(validate_event(e).empty());

  CanonicalEvent no_money = fx_payment("EUR", 0, "2026-05-01T00:00:00Z");
  no_money.amount_minor.reset();
  REQUIRE(home.apply(no_money, p));
  CHECK(no_money.attributes == R"({"original_currency":"EUR","fx_rate":1.5,"fx_rate_from":"0001-01-01"})");
}

TEST_CASE("fx: home-currency events pass, the first currency sets an empty home, overflow is refused") {
  HomeCurrency open("", {});
  Problem p;
  CanonicalEvent first = fx_payment("GBP", 100, "2026-01-01T00:00:00Z");
  CHECK(open.apply(first, p));
  CHECK(open.code() == "GBP");
  CHECK(first.data_quality_flags.empty());
  CanonicalEvent other = fx_payment("EUR", 100, "2026-01-01T00:00:00Z");
  CHECK_FALSE(open.apply(other, p));
  CHECK(p.reason.find("no EUR rate is configured; configure one with 'bre config rates set EUR RATE'") !=
        std::string::npos);

  HomeCurrency usd("USD", {{"JPY", kRateAlwaysValidFrom, "1000"}});
  CanonicalEvent huge = fx_payment("JPY", std::numeric_limits<std::int64_t>::max() / 10, "2026-01-01T00:00:00Z");
  CHECK_FALSE(usd.apply(huge, p));
  CHECK(p.field == "amount");
}

TEST_CASE("fx property: the converted minor units are the exact product, rounded half to even") {
  CHECK(rc::check([] {
    const std::int64_t minor = *rc::gen::inRange<std::int64_t>(-1'000'000'000'000, 1'000'000'000'000);
    const int from_digits = *rc::gen::inRange(0, 5), to_digits = *rc::gen::inRange(0, 5);
    const int rate_scale = *rc::gen::inRange(0, 13);
    const std::int64_t rate_mantissa = *rc::gen::inRange<std::int64_t>(1, 10'000'000'000'000);
    const auto got = convert_minor(minor, from_digits, {rate_mantissa, rate_scale}, to_digits);
    // exact = minor * rate * 10^to / 10^(from + scale): compare got * D with N
    // = minor * rate * 10^to, D = 10^(from + scale), all below 2^127.
    __extension__ typedef __int128 Exact;
    Exact n = static_cast<Exact>(minor) * rate_mantissa, d = 1;
    for (int i = 0; i < to_digits; ++i) n *= 10;
    for (int i = 0; i < from_digits + rate_scale; ++i) d *= 10;
    // Refused exactly when the rounded result leaves int64: above 2^63 - 1/2
    // (that tie rounds to the even 2^63), or below -2^63 - 1/2.
    const Exact two_63 = static_cast<Exact>(1) << 63;
    const bool overflows = n >= 0 ? 2 * n >= (2 * two_63 - 1) * d : -2 * n > (2 * two_63 + 1) * d;
    RC_ASSERT(got.has_value() == !overflows);
    if (!got) return;
    const Exact error = static_cast<Exact>(*got) * d - n;  // (got - exact) * D
    const Exact twice = 2 * (error < 0 ? -error : error);
    RC_ASSERT(twice <= d);                       // within half a minor unit
    if (twice == d) RC_ASSERT(*got % 2 == 0);    // ties go to even
  }));
}

TEST_CASE("fx ingest: canonical events are refused without a rate and converted with one, and again is a no-op") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  const std::string file = dir.write("eur.jsonl", eur_line("p1", "12.34", "2026-03-02") + "\n");
  try {
    ingest_files(*ws, canonical_request(file), Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].line == 1);
    CHECK(e.problems()[0].field == "currency");
    CHECK(e.problems()[0].reason.find("bre config rates set EUR") != std::string::npos);
  }
  put_currency_rate(ws->db(), {"EUR", kRateAlwaysValidFrom, "1.0835"}, 0);
  IngestResult r = ingest_files(*ws, canonical_request(file), Logger{});
  CHECK(r.events_inserted == 1);
  Database& db = ws->db();
  CHECK(db.query_int("SELECT amount_minor FROM events WHERE currency = 'USD'") == 1337);
  CHECK(db.query_int("SELECT count(*) FROM events WHERE json_extract(attributes, '$.original_currency') = 'EUR' "
                     "AND json_extract(attributes, '$.fx_rate') = 1.0835 "
                     "AND data_quality_flags LIKE '%fx_converted:EUR%'") == 1);
  bool counted = false;
  for (const QualityIssue& q : r.quality.quality_issues) counted |= q.flag == "fx_converted:EUR" && q.count == 1;
  CHECK(counted);
  // The id came from the record, not from the rate: a new rate adds nothing.
  put_currency_rate(ws->db(), {"EUR", kRateAlwaysValidFrom, "2"}, 0);
  IngestResult again = ingest_files(*ws, canonical_request(file), Logger{});
  CHECK(again.events_inserted == 0);
  CHECK(again.events_duplicate == 1);
}

TEST_CASE("fx ingest: replay converts bronze records refused earlier for want of a rate") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  {
    auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"id", "cents"});
    Transaction tx(ws->db());
    insert_batch(ws->db(), {"b0", "euro_orders", {"orders.csv"}, 1, 0, "ingest"});
    BronzeSupplementalWriter bronze(ws->db(), "b0", "euro_orders");
    bronze.insert({"orders.csv", 2, "orders", columns, {"o1", "1234"}}, 0);
    bronze.insert({"orders.csv", 3, "orders", columns, {"o2", "1000"}}, 0);
    tx.commit();
  }
  CHECK(replay_with_adapter(*ws, EuroOrdersAdapter(), {}, Logger{}).events_inserted == 0);
  put_currency_rate(ws->db(), {"EUR", "2024-01-01", "1.0835"}, 0);
  CHECK(replay_with_adapter(*ws, EuroOrdersAdapter(), {}, Logger{}).events_inserted == 2);
  CHECK(ws->db().query_int("SELECT sum(amount_minor) FROM live_events WHERE currency = 'USD'") == 1337 + 1084);
}

TEST_CASE("fx ingest: a QuickBooks purchase in EUR is refused, then converted with its line amounts") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("pages"));
  dir.write("pages/query-Purchase.json", R"({"QueryResponse":{"Purchase":[{"AccountRef":{"value":"42","name":"Visa"},
    "PaymentType":"CreditCard","EntityRef":{"value":"56","name":"Bob's Burger Joint","type":"Vendor"},"Credit":false,
    "TotalAmt":17.50,"Line":[{"Id":"1","Amount":12.25,"DetailType":"AccountBasedExpenseLineDetail",
      "AccountBasedExpenseLineDetail":{"AccountRef":{"value":"13","name":"Meals and Entertainment"}}},
     {"Id":"2","Amount":5.25,"DetailType":"AccountBasedExpenseLineDetail",
      "AccountBasedExpenseLineDetail":{"AccountRef":{"value":"7","name":"Supplies"}}}],
    "domain":"QBO","sparse":false,"Id":"252","SyncToken":"0","TxnDate":"2026-06-03","CurrencyRef":{"value":"EUR"},
    "MetaData":{"CreateTime":"2026-06-03T10:00:00-07:00","LastUpdatedTime":"2026-06-03T10:00:00-07:00"}}],
    "startPosition":1,"maxResults":1},"time":"2026-06-15T08:00:00.000-07:00"})");
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  const QboPagesRequest request{dir.file("pages"), parse_date("2026-06-15"), ""};
  try {
    ingest_qbo_pages(*ws, request, Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    REQUIRE_FALSE(e.problems().empty());
    CHECK(e.problems()[0].field == "currency");
  }
  put_currency_rate(ws->db(), {"EUR", "2026-06-01", "1.0835"}, 0);
  IngestResult r = ingest_qbo_pages(*ws, request, Logger{});
  CHECK(r.events_inserted == 2);  // expense_posted and expense_paid
  Database& db = ws->db();
  // 17.50 x 1.0835 = 18.96125 -> 18.96; lines 12.25 -> 13.272875 -> 13.27, 5.25 -> 5.688375 -> 5.69.
  CHECK(db.query_int("SELECT count(*) FROM events WHERE amount_minor = 1896 AND currency = 'USD'") == 2);
  CHECK(db.query_int("SELECT count(*) FROM events WHERE event_type = 'expense_posted' "
                     "AND json_extract(attributes, '$.line_items[0].amount') = 13.27 "
                     "AND json_extract(attributes, '$.line_items[1].amount') = 5.69 "
                     "AND json_extract(attributes, '$.original_amount') = 17.5") == 1);
  CHECK(ingest_qbo_pages(*ws, request, Logger{}).events_inserted == 0);
}

TEST_CASE("fx ingest: a source adapter's events (Olist, in BRL) into a USD workspace") {
  TempDir dir;
  const std::string orders = dir.write(
      "orders.csv",
      "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,"
      "order_delivered_customer_date,order_estimated_delivery_date\n"
      "o1,c1,delivered,2018-01-01 10:00:00,2018-01-01 10:10:00,2018-01-02 09:00:00,2018-01-10 10:00:00,"
      "2018-01-12 00:00:00\n");
  const std::string payments = dir.write(
      "payments.csv", "order_id,payment_sequential,payment_type,payment_installments,payment_value\n"
                      "o1,1,credit_card,3,100.05\n");
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  IngestRequest request;
  request.source = "olist";
  request.paths = {orders, payments};
  try {
    ingest_files(*ws, request, Logger{});
    FAIL("expected INPUT_INVALID");
  } catch (const Error& e) {
    REQUIRE_FALSE(e.problems().empty());
    CHECK(e.problems()[0].field == "currency");
    CHECK(e.problems()[0].reason.find("bre config rates set BRL") != std::string::npos);
  }
  put_currency_rate(ws->db(), {"BRL", kRateAlwaysValidFrom, "0.25"}, 0);
  IngestResult r = ingest_files(*ws, request, Logger{});
  CHECK(r.rejected == 0);
  // 100.05 BRL x 0.25 = 25.0125 -> 25.01 USD.
  CHECK(ws->db().query_int("SELECT amount_minor FROM events WHERE event_type = 'payment_received' "
                           "AND currency = 'USD'") == 2501);
  CHECK(ws->db().query_int("SELECT count(*) FROM events WHERE currency = 'BRL'") == 0);
  CHECK(ingest_files(*ws, request, Logger{}).events_inserted == 0);
}
