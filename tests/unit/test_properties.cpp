// Property tests (RapidCheck inside doctest): rc::check runs a property on
// generated cases, shrinks a failure to a small counterexample and prints it;
// CHECK turns its verdict into a doctest result.
//  (a) every valid canonical event survives encode -> decode -> encode;
//  (b) ingest is order-independent: the same events in different orders and
//      batches (some ingested twice) store the same events (cli.md §4);
//  (c) format_minor and parse_decimal_minor are inverse for every int64;
//  (d)-(f) metrics and incidents over business event streams (below).
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bre/core/event_codec.h"
#include "bre/core/json_text.h"
#include "bre/core/log.h"
#include "bre/core/money.h"
#include "bre/detect/incidents.h"
#include "bre/correlate/run_correlate.h"
#include "bre/detect/run_detect.h"
#include "bre/rca/run_rca.h"
#include "bre/ingest/ingest.h"
#include "bre/state/build_state.h"
#include "bre/state/daily_metrics.h"
#include "bre/store/workspace.h"
#include "test_support.h"
#include "property_support.h"

namespace bre {
// How RapidCheck prints a counterexample: its canonical encoding.
inline void showValue(const CanonicalEvent& e, std::ostream& os) { os << encode_event(e); }
}  // namespace bre

namespace {

using bre::CanonicalEvent;
using bre::TimeMs;

constexpr TimeMs kYear1900 = -2208988800000LL;  // validate_event's plausible range
constexpr TimeMs kYear2200 = 7258118400000LL;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A Unicode scalar value, weighted towards what breaks JSON text: quotes,
// backslashes and control characters (escaped), multi-byte sequences of every
// length, U+2028/U+FEFF; never a surrogate. NUL only when asked for.
rc::Gen<std::uint32_t> code_point(bool allow_nul) {
  return rc::gen::weightedOneOf<std::uint32_t>({
      {8, rc::gen::inRange<std::uint32_t>(0x20, 0x7F)},
      {2, rc::gen::elementOf(std::vector<std::uint32_t>{'"', '\\', '/', '\n', '\r', '\t', 0x7F, 0x2028, 0xFEFF})},
      {1, rc::gen::inRange<std::uint32_t>(allow_nul ? 0x00 : 0x01, 0x20)},
      {2, rc::gen::inRange<std::uint32_t>(0x80, 0x800)},
      {2, rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(0x800, 0xD800), rc::gen::inRange<std::uint32_t>(0xE000, 0x10000))},
      {1, rc::gen::inRange<std::uint32_t>(0x10000, 0x110000)},
  });
}

rc::Gen<std::string> unicode(std::size_t min_len, std::size_t max_len, bool allow_nul) {
  return rc::gen::exec([=] {
    const std::size_t n = *rc::gen::inRange(min_len, max_len + 1);
    std::string s;
    for (std::size_t i = 0; i < n; ++i) append_utf8(s, *code_point(allow_nul));
    return s;
  });
}

rc::Gen<TimeMs> plausible_time() {
  return rc::gen::exec([] {
    TimeMs t = *rc::gen::inRange(kYear1900, kYear2200);
    if (*rc::gen::arbitrary<bool>()) t -= ((t % 1000) + 1000) % 1000;  // whole seconds: no ".mmm"
    return t;
  });
}

// A non-negative JSON number as the adapters write them: integer or decimal.
void nonneg_number(bre::JsonObjectWriter& w, std::string_view key) {
  switch (*rc::gen::inRange(0, 3)) {
    case 0: w.integer(key, *rc::gen::inRange<std::int64_t>(0, 1'000'000'000'000)); break;
    case 1: w.number(key, static_cast<double>(*rc::gen::inRange<std::int64_t>(0, 100'000'000)) / 100.0); break;
    default: w.number(key, static_cast<double>(*rc::gen::inRange<std::int64_t>(0, kInt64Max)) * 1e3); break;
  }
}

// Any JSON value, nested at most `depth` levels, as canonical text.
std::string json_value(int depth, bool allow_nul) {
  const int kinds = depth > 0 ? 8 : 6;
  switch (*rc::gen::inRange(0, kinds)) {
    case 0: return bre::json_string(*unicode(0, 8, allow_nul));
    case 1: return std::to_string(*rc::gen::arbitrary<std::int64_t>());
    case 2: return bre::json_number(*rc::gen::arbitrary<double>());
    case 3: return *rc::gen::arbitrary<bool>() ? "true" : "false";
    case 4: return "null";
    case 5: return std::to_string(*rc::gen::inRange(kInt64Min, kInt64Max));
    case 6: {
      std::string out = "[";
      const int n = *rc::gen::inRange(0, 3);
      for (int i = 0; i < n; ++i) out += (i ? "," : "") + json_value(depth - 1, allow_nul);
      return out + "]";
    }
    default: {
      bre::JsonObjectWriter w;
      const int n = *rc::gen::inRange(0, 3);
      for (int i = 0; i < n; ++i) w.raw(std::to_string(i) + *unicode(0, 4, allow_nul), json_value(depth - 1, allow_nul));
      return w.str();
    }
  }
}

struct EventShape {
  std::vector<std::string> currencies;  // amounts use one of these
  bool allow_nul = true;                // NUL in text (fine for the codec; SQLite text stops at it)
};

const EventShape kCodecShape{{"USD", "EUR", "JPY", "BHD", "CLF", "BRL"}, true};

// A valid canonical_v1 event: any of the 20 types with the attributes its
// contract requires (plus extras in any order), an amount in minor units when
// the type needs one (sometimes otherwise), Unicode in every text field.
rc::Gen<CanonicalEvent> valid_event(EventShape shape) {
  return rc::gen::exec([shape] {
    CanonicalEvent e;
    e.event_type = static_cast<bre::EventType>(*rc::gen::inRange(0, bre::kEventTypeCount));
    e.entity_type = static_cast<bre::EntityType>(*rc::gen::inRange(0, bre::kEntityTypeCount));
    e.event_id = "ev_" + *unicode(0, 12, shape.allow_nul);
    e.event_time = *plausible_time();
    e.ingested_at = *plausible_time();
    e.source = *unicode(1, 10, shape.allow_nul);
    e.source_entity_id = *unicode(1, 16, shape.allow_nul);
    e.entity_id = *unicode(1, 16, shape.allow_nul);
    {
      bre::JsonObjectWriter related;
      const int n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) {
        const std::string key = *rc::gen::elementOf(std::vector<std::string>{"customer_id", "order_id", "invoice_id", "product_ids"}) +
                                std::to_string(i);
        if (*rc::gen::arbitrary<bool>()) {
          related.string(key, *unicode(1, 10, shape.allow_nul));
        } else {
          std::string ids = "[";
          const int m = *rc::gen::inRange(0, 3);
          for (int k = 0; k < m; ++k) ids += (k ? "," : "") + bre::json_string(*unicode(1, 6, shape.allow_nul));
          related.raw(key, ids + "]");
        }
      }
      e.related_entity_ids = related.str();
    }
    const bre::EventContract& c = bre::contract(e.event_type);
    const std::string currency = *rc::gen::elementOf(shape.currencies);
    if (c.amount_required || *rc::gen::arbitrary<bool>()) {
      e.amount_minor = *rc::gen::oneOf(rc::gen::inRange<std::int64_t>(0, 10'000'000), rc::gen::inRange<std::int64_t>(0, kInt64Max),
                                       rc::gen::elementOf(std::vector<std::int64_t>{0, 1, kInt64Max}));
      e.currency = currency;
    } else if (*rc::gen::inRange(0, 4) == 0) {
      e.currency = currency;  // a currency without an amount is allowed
    }
    {
      // Required attributes at random places among 0..3 extras.
      const int extras = *rc::gen::inRange(0, 4);
      const std::size_t total = c.required.size() + static_cast<std::size_t>(extras);
      std::vector<int> slots(total);
      std::iota(slots.begin(), slots.end(), 0);  // < required.size(): a required one; otherwise an extra
      for (std::size_t i = total; i > 1; --i) std::swap(slots[i - 1], slots[*rc::gen::inRange<std::size_t>(0, i)]);
      bre::JsonObjectWriter attrs;
      for (int slot : slots) {
        if (static_cast<std::size_t>(slot) >= c.required.size()) {
          attrs.raw("x" + std::to_string(slot) + "_" + *unicode(0, 6, shape.allow_nul), json_value(2, shape.allow_nul));
          continue;
        }
        const bre::RequiredAttr& r = c.required[static_cast<std::size_t>(slot)];
        switch (r.kind) {
          case bre::AttrKind::nonneg_number: nonneg_number(attrs, r.name); break;
          case bre::AttrKind::score_1_to_5: attrs.integer(r.name, *rc::gen::inRange(1, 6)); break;
          case bre::AttrKind::date: {
            const TimeMs t = *plausible_time();
            attrs.string(r.name, *rc::gen::arbitrary<bool>() ? bre::format_date(t) : bre::format_iso8601(t));
            break;
          }
          case bre::AttrKind::text: attrs.string(r.name, *unicode(0, 12, shape.allow_nul)); break;
        }
      }
      e.attributes = attrs.str();
    }
    const int flags = *rc::gen::inRange(0, 3);
    for (int i = 0; i < flags; ++i)
      e.data_quality_flags.push_back(*rc::gen::elementOf(std::vector<std::string>{"missing:", "imputed:", "placeholder:", ""}) +
                                     *unicode(0, 8, shape.allow_nul));
    e.mapping_version = *rc::gen::oneOf(rc::gen::inRange(1, 4), rc::gen::inRange(1, 1'000'001));
    return e;
  });
}

std::string problems_text(const std::vector<bre::Problem>& problems) {
  std::string out;
  for (const bre::Problem& p : problems) out += p.field + ": " + p.reason + "; ";
  return out;
}

// The stored events, minus what differs by design between two ingests of the
// same events (ingested_at here comes from the records; batch_id is per run).
using StoredRows = std::vector<std::vector<std::optional<std::string>>>;
StoredRows stored_events(bre::Workspace& ws) {
  bre::Statement s = ws.db().prepare(
      "SELECT event_id, event_type, event_time, source, source_entity_id, entity_type, entity_id, related_entity_ids, "
      "amount_minor, currency, attributes, data_quality_flags, mapping_version FROM events ORDER BY event_id");
  StoredRows rows;
  while (s.step()) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < 13; ++c) row.push_back(s.is_null(c) ? std::nullopt : std::optional<std::string>(s.text(c)));
  }
  return rows;
}

// A random order of 0..n-1 cut into 1..3 non-empty batches.
std::vector<std::vector<std::size_t>> random_batches(std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[*rc::gen::inRange<std::size_t>(0, i)]);
  std::vector<std::size_t> cuts;
  if (n > 1) {
    const int extra = *rc::gen::inRange(0, 3);
    for (int k = 0; k < extra; ++k) cuts.push_back(*rc::gen::inRange<std::size_t>(1, n));
  }
  cuts.push_back(n);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<std::vector<std::size_t>> batches;
  std::size_t from = 0;
  for (std::size_t to : cuts) {
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(from), order.begin() + static_cast<std::ptrdiff_t>(to));
    from = to;
  }
  return batches;
}

void ingest_batches(bre::Workspace& ws, const bre::TempDir& dir, const std::string& tag,
                    const std::vector<CanonicalEvent>& events, const std::vector<std::vector<std::size_t>>& batches,
                    const std::string& currency) {
  for (std::size_t b = 0; b < batches.size(); ++b) {
    std::string jsonl;
    for (std::size_t i : batches[b]) jsonl += bre::encode_event(events[i]) + "\n";
    bre::IngestRequest req;
    req.source = "events";
    req.paths = {dir.write(tag + "_" + std::to_string(b) + ".jsonl", jsonl)};
    req.currency = currency;
    bre::ingest_files(ws, req, bre::Logger{});
  }
}

}  // namespace

namespace rc {
template <>
struct Arbitrary<bre::CanonicalEvent> {
  static Gen<bre::CanonicalEvent> arbitrary() { return valid_event(kCodecShape); }
};
}  // namespace rc

TEST_CASE("properties: every valid event survives encode -> decode -> encode byte for byte") {
  CHECK(rc::check("valid event: decode(encode(e)) == e, encode is a fixed point", [](const CanonicalEvent& e) {
    const std::vector<bre::Problem> problems = bre::validate_event(e);
    RC_LOG() << "validate_event: " << problems_text(problems) << "\n";
    RC_ASSERT(problems.empty());
    bre::EventDecoder decoder;
    const std::string once = bre::encode_event(e);
    bre::DecodeResult r = decoder.decode(once, bre::DecodeDefaults{});
    RC_LOG() << "decode: " << problems_text(r.problems) << "\n";
    RC_ASSERT(r.event.has_value());
    RC_ASSERT(*r.event == e);
    RC_ASSERT(bre::encode_event(*r.event) == once);
  }));
}

TEST_CASE("properties: ingest stores the same events whatever the order and batching") {
  CHECK(rc::check("two orders, random batches, some events twice: same stored events", [] {
    const std::string currency = *rc::gen::elementOf(std::vector<std::string>{"USD", "EUR", "JPY", "BHD"});
    const EventShape shape{{currency}, false};
    auto events = *rc::gen::resize(8, rc::gen::container<std::vector<CanonicalEvent>>(valid_event(shape)));
    // Ids are unique: one id with two contents is a conflict by design, not an order effect.
    for (std::size_t i = 0; i < events.size(); ++i) events[i].event_id = "ev_" + std::to_string(i) + events[i].event_id;

    bre::TempDir dir;
    auto a = bre::Workspace::open(dir.file("a.sqlite"), true);
    auto b = bre::Workspace::open(dir.file("b.sqlite"), true);
    // Throwaway files: skip fsync so 200 workspaces stay fast (content is unaffected).
    a->db().exec("PRAGMA synchronous=OFF");
    b->db().exec("PRAGMA synchronous=OFF");
    ingest_batches(*a, dir, "a", events, random_batches(events.size()), currency);
    auto b_batches = random_batches(events.size());
    if (!events.empty() && *rc::gen::arbitrary<bool>()) {  // re-ingesting adds nothing (cli.md §4)
      std::vector<std::size_t> again;
      for (std::size_t i = 0; i < events.size(); ++i)
        if (*rc::gen::arbitrary<bool>()) again.push_back(i);
      b_batches.insert(b_batches.begin() + *rc::gen::inRange<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(b_batches.size()) + 1),
                       again);
    }
    ingest_batches(*b, dir, "b", events, b_batches, currency);
    const StoredRows rows_a = stored_events(*a), rows_b = stored_events(*b);
    RC_ASSERT(rows_a.size() == events.size());
    RC_ASSERT(rows_a == rows_b);
  }));
}

TEST_CASE("properties: parse_decimal_minor inverts format_minor for every int64") {
  CHECK(rc::check("parse_decimal_minor(format_minor(x, d), d) == x", [] {
    const std::int64_t x = *rc::gen::oneOf(rc::gen::arbitrary<std::int64_t>(), rc::gen::inRange(kInt64Min, kInt64Max),
                                           rc::gen::elementOf(std::vector<std::int64_t>{kInt64Min, kInt64Max, 0, -1, 1}));
    const int d = *rc::gen::element(0, 2, 3, 4);
    const std::string text = bre::format_minor(x, d);
    const bre::DecimalParse p = bre::parse_decimal_minor(text, d);
    RC_LOG() << text << " -> " << p.error << "\n";
    RC_ASSERT(p.minor == std::optional<std::int64_t>(x));
  }));
}

// ---------------------------------------------------------------------------
// Metrics and incidents over a small business's event streams.
//  (d) daily metrics are never outside what is possible: counts, amounts and
//      backlogs >= 0 (counts whole), rates and shares in [0, 1], review
//      averages in [1, 5], margin <= 1, backlogs within their orders/tickets;
//  (e) identical inputs give identical incidents (ids, windows, severity,
//      confidence, readings) with all three layers on;
//  (f) the order events are ingested in changes nothing: two real workspaces
//      fed the same events in two random orders and batchings build the same
//      metric rows and detect the same incidents, bit for bit.

namespace {

const bre::DayNumber kStreamDay0 = bre::day_of(*bre::parse_date("2026-03-02"));  // a Monday

// What a stream looks like: its length, volume, and one optional episode in
// which one family of events runs at a multiple of its rate (so detection
// has something to find). The events themselves come from `seed`.
struct StreamShape {
  int days = 60;
  double volume = 1.0;
  int spike_family = -1;  // -1: none; else an index into kFamilies below
  int spike_start = 0, spike_length = 0;
  double spike_factor = 1.0;
  bool fractional = false;  // hours and days with decimals (sums then depend on order in floating point)
  std::uint64_t seed = 0;
};

enum Family { revenue, invoices, expenses, refunds, orders, tickets, reviews, shipments, churn, kFamilies };

rc::Gen<StreamShape> stream_shape(int min_days, int max_days) {
  return rc::gen::exec([=] {
    StreamShape s;
    s.days = *rc::gen::inRange(min_days, max_days + 1);
    s.volume = *rc::gen::element(0.3, 1.0, 2.5);
    s.spike_family = *rc::gen::inRange(-1, static_cast<int>(kFamilies));
    s.spike_start = *rc::gen::inRange(0, s.days);
    s.spike_length = *rc::gen::inRange(1, 10);
    s.spike_factor = *rc::gen::element(3.0, 6.0);
    s.fractional = *rc::gen::arbitrary<bool>();
    s.seed = *rc::gen::arbitrary<std::uint64_t>();
    return s;
  });
}

// An internally consistent stream, as real sources give them: deliveries and
// closes follow their orders and tickets, a late order is late on its
// delivery day, payments of bills follow the bills, invoices are paid or go
// overdue on their due date, each customer churns at most once. Like a real
// business, one customer's events come from several sources: the shop
// (orders, reviews, churn), the books (invoices, payments, refunds), the help
// desk, the shipper; a third of the customers are created in the books, which
// report no churn. Which event of a customer is stored first then varies with
// the order of ingestion, while its churn must not.
class StreamBuilder {
 public:
  explicit StreamBuilder(const StreamShape& shape) : s_(shape), rng_(shape.seed) {}

  std::vector<CanonicalEvent> build() {
    for (int c = 0; c < kCustomers; ++c)
      add(bre::EventType::customer_created, bre::EntityType::customer, customer(c), -10, 9 * 3600, "{}");
    for (int d = 0; d < s_.days; ++d) {
      for (int f = 0; f < kFamilies; ++f) {
        const int n = count(static_cast<Family>(f), d);
        for (int k = 0; k < n; ++k) one(static_cast<Family>(f), d);
      }
    }
    return std::move(out_);
  }

 private:
  static constexpr int kCustomers = 40;
  static constexpr double kRates[kFamilies] = {6, 3, 3, 0.6, 8, 2, 2, 1, 0.15};  // per weekday at volume 1

  int count(Family f, int d) {
    double rate = kRates[f] * s_.volume * (d % 7 < 5 ? 1.0 : 0.35);
    if (f == s_.spike_family && d >= s_.spike_start && d < s_.spike_start + s_.spike_length) rate *= s_.spike_factor;
    return static_cast<int>(std::poisson_distribution<int>(rate)(rng_));
  }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  // lo..hi, in tenths when the shape is fractional, else whole.
  double amount(double lo, double hi) {
    const int scale = s_.fractional ? 10 : 1;
    return pick(static_cast<int>(lo * scale), static_cast<int>(hi * scale)) / static_cast<double>(scale);
  }
  bool in_spike(int d) const { return d >= s_.spike_start && d < s_.spike_start + s_.spike_length; }
  static std::string customer(int c) { return "c" + std::to_string(c); }
  static const char* home_source(int c) { return c % 3 == 0 ? "quickbooks" : "shopify"; }
  static const char* source_of(bre::EventType t, const std::string& entity) {
    using bre::EventType;
    switch (t) {
      case EventType::customer_created:
      case EventType::customer_churned: return home_source(std::stoi(entity.substr(1)));
      case EventType::order_placed:
      case EventType::order_late:
      case EventType::order_delivered:
      case EventType::review_submitted: return "shopify";
      case EventType::support_ticket_opened:
      case EventType::support_ticket_closed: return "zendesk";
      case EventType::purchase_order_placed:
      case EventType::shipment_delayed: return "shipbob";
      default: return "quickbooks";  // invoices, payments, refunds, expenses
    }
  }
  std::string id(const char* prefix) { return prefix + std::to_string(next_entity_++); }
  static std::string related(const std::string& customer_id) {
    return bre::JsonObjectWriter().string("customer_id", customer_id).str();
  }

  void add(bre::EventType t, bre::EntityType et, const std::string& entity, int day, int second, std::string related_ids,
           std::optional<std::int64_t> minor = std::nullopt, std::string attrs = "{}") {
    CanonicalEvent e;
    e.event_id = "ev_" + std::to_string(out_.size());
    e.event_type = t;
    e.entity_type = et;
    e.entity_id = e.source_entity_id = entity;
    e.source = source_of(t, entity);
    e.event_time = (kStreamDay0 + day) * bre::kMsPerDay + second * 1000LL;
    e.ingested_at = kStreamDay0 * bre::kMsPerDay;
    e.related_entity_ids = std::move(related_ids);
    if (minor) {
      e.amount_minor = minor;
      e.currency = "USD";
    }
    e.attributes = std::move(attrs);
    out_.push_back(std::move(e));
  }

  void one(Family f, int d) {
    using bre::EntityType;
    using bre::EventType;
    using bre::JsonObjectWriter;
    const int sec = pick(7 * 3600, 20 * 3600);
    const std::string cu = customer(pick(0, kCustomers - 1));
    switch (f) {
      case revenue:
        add(EventType::payment_received, EntityType::payment, id("p"), d, sec, related(cu), pick(2'000, 80'000));
        break;
      case invoices: {
        const std::string inv = id("i");
        const std::int64_t minor = pick(5'000, 100'000);
        add(EventType::invoice_issued, EntityType::invoice, inv, d, sec, related(cu), minor,
            JsonObjectWriter().string("due_date", bre::format_day(kStreamDay0 + d + 30)).str());
        const int k = pick(0, 45);
        if (chance(0.75) && d + k < s_.days) {
          if (k > 30 && d + 30 < s_.days) overdue(inv, cu, d + 30, minor);
          add(EventType::invoice_paid, EntityType::invoice, inv, d + k, sec + 60, related(cu), minor,
              JsonObjectWriter().number("days_to_pay", k).str());
        } else if (d + 30 < s_.days) {
          overdue(inv, cu, d + 30, minor);
        }
        break;
      }
      case expenses: {
        const std::string bill = id("b");
        const std::int64_t minor = pick(3'000, 150'000);
        add(EventType::expense_posted, EntityType::expense, bill, d, sec, "{}", minor);
        const int k = pick(1, 30);
        if (chance(0.8) && d + k < s_.days)
          add(EventType::expense_paid, EntityType::payment, id("bp"), d + k, sec, "{}", minor,
              JsonObjectWriter().raw("bill_ids", "[" + bre::json_string(bill) + "]").str());
        break;
      }
      case refunds:
        add(chance(0.6) ? EventType::refund_issued : EventType::credit_memo_issued, EntityType::payment, id("r"), d, sec,
            related(cu), pick(500, 20'000));
        break;
      case orders: {
        const std::string order = id("o");
        add(EventType::order_placed, EntityType::order, order, d, sec, related(cu));
        const int delay = pick(1, in_spike(d) && s_.spike_family == orders ? 9 : 6);
        if (chance(0.97) && d + delay < s_.days) {
          if (delay > 4)
            add(EventType::order_late, EntityType::order, order, d + delay, sec, related(cu), std::nullopt,
                JsonObjectWriter().number("days_late", delay - 4 + (s_.fractional ? amount(0, 0.9) : 0)).str());
          add(EventType::order_delivered, EntityType::order, order, d + delay, sec + 1, related(cu));
        }
        break;
      }
      case tickets: {
        const std::string ticket = id("t");
        add(EventType::support_ticket_opened, EntityType::ticket, ticket, d, sec, related(cu));
        const double hours = amount(0.5, 120);
        const int closed = sec + static_cast<int>(hours * 3600);
        if (chance(0.95) && d + closed / 86400 < s_.days)
          add(EventType::support_ticket_closed, EntityType::ticket, ticket, d + closed / 86400, closed % 86400,
              related(cu), std::nullopt, JsonObjectWriter().number("resolution_time_hours", hours).str());
        break;
      }
      case reviews: {
        const int score = in_spike(d) && s_.spike_family == reviews ? pick(1, 2) : pick(1, 5);
        add(EventType::review_submitted, EntityType::order, id("rv"), d, sec, related(cu), std::nullopt,
            JsonObjectWriter().integer("score", score).str());
        break;
      }
      case shipments: {
        add(EventType::purchase_order_placed, EntityType::order, id("po"), d, sec, "{}");
        if (chance(in_spike(d) && s_.spike_family == shipments ? 0.9 : 0.2))
          add(EventType::shipment_delayed, EntityType::order, id("sh"), d, sec + 60, "{}", std::nullopt,
              JsonObjectWriter().number("days_delayed", amount(1, 6)).str());
        break;
      }
      case churn: {
        int c = pick(0, kCustomers - 1);
        if (home_source(c) != std::string_view("shopify")) c = c + 1 < kCustomers ? c + 1 : c - 1;  // only the shop reports churn
        if (churned_.insert(c).second)
          add(EventType::customer_churned, EntityType::customer, customer(c), d, sec, "{}");
        break;
      }
      case kFamilies: break;
    }
  }

  void overdue(const std::string& inv, const std::string& cu, int day, std::int64_t minor) {
    add(bre::EventType::invoice_overdue, bre::EntityType::invoice, inv, day, 6 * 3600, related(cu), minor,
        bre::JsonObjectWriter()
            .number("balance_remaining", static_cast<double>(minor) / 100)
            .integer("days_overdue", 0)
            .str());
  }

  StreamShape s_;
  std::mt19937_64 rng_;
  std::vector<CanonicalEvent> out_;
  std::set<int> churned_;
  int next_entity_ = 0;
};

bre::MetricEvents metric_events(const std::vector<CanonicalEvent>& events) {
  bre::MetricEvents in;
  for (const CanonicalEvent& e : events)
    bre::add_metric_event(in, e.event_type, e.event_time, bre::to_string(e.entity_type), e.entity_id, e.source,
                          e.amount_minor, e.related_entity_ids, e.attributes);
  return in;
}

// Everything detection says about an incident, doubles in hex (exact).
std::string incident_text(const bre::DetectedIncident& i) {
  auto reading = [](const bre::MetricReading& r) {
    return fmt::format("{}={:a}/{:a}/z{:a}/{}/{}", r.metric, r.value, r.baseline, r.z, r.method, r.seasonal);
  };
  std::string s = fmt::format("{} {} {}..{} first {} {} {} {} state {}", i.incident_id, i.incident_type, i.window_start,
                              i.window_end, i.detected_day, i.severity, i.confidence, reading(i.primary), i.state);
  for (const std::string& m : i.detection_methods) s += " method " + m;
  for (const bre::MetricReading& r : i.supporting) s += " + " + reading(r);
  for (const std::string& n : i.notes) s += " | " + n;
  return s;
}

std::vector<std::string> incidents_text(const std::vector<bre::DetectedIncident>& v) {
  std::vector<std::string> out;
  for (const auto& i : v) out.push_back(incident_text(i));
  return out;
}


// Every row build-state and detect wrote, values in hex (exact).
std::vector<std::string> workspace_results(bre::Workspace& ws) {
  std::vector<std::string> out;
  for (const char* table : {"metrics_daily", "metrics_weekly"}) {
    const std::string day = std::string(table) == "metrics_daily" ? "day" : "week_start";
    bre::Statement s =
        ws.db().prepare(fmt::format("SELECT metric, {0}, value FROM {1} ORDER BY metric, {0}", day, table));
    while (s.step())
      out.push_back(fmt::format("{} {} {} {}", table, s.text(0), s.text(1),
                                s.is_null(2) ? "null" : fmt::format("{:a}", s.real(2))));
  }
  for (const char* table : {"incidents", "causal_chains", "blast_radius"}) {
    bre::Statement s = ws.db().prepare(fmt::format("SELECT incident_id, payload FROM {} ORDER BY incident_id", table));
    while (s.step()) out.push_back(fmt::format("{} {} {}", table, s.text(0), s.text(1)));
  }
  bre::Statement s = ws.db().prepare("SELECT cascade_id, payload FROM cascades ORDER BY cascade_id");
  while (s.step()) out.push_back("cascades " + s.text(0) + " " + s.text(1));
  return out;
}

}  // namespace

TEST_CASE("properties: daily metrics stay within what is possible") {
  CHECK(bre_test::check_cases("counts, amounts, backlogs >= 0; rates and shares in [0, 1]; reviews in [1, 5]", 60, [] {
    const StreamShape shape = *stream_shape(20, 90);
    const bre::DailyMetrics m = bre::compute_daily_metrics(metric_events(StreamBuilder(shape).build()));
    struct Bound {
      double lo, hi;
      bool whole;
    };
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::map<std::string_view, Bound> bounds = {
        {"daily_revenue", {0, inf, false}},         {"daily_expenses", {0, inf, false}},
        {"daily_refunds", {0, inf, false}},         {"refund_rate", {0, inf, false}},  // refunds may exceed revenue
        {"net_cash_proxy", {-inf, inf, false}},     {"expense_ratio", {0, inf, false}},
        {"margin_proxy", {-inf, 1, false}},         {"dso_proxy", {0, inf, false}},
        {"ar_aging_amount", {0, inf, false}},       {"ar_overdue_count", {0, inf, true}},
        {"dpo_proxy", {0, inf, false}},             {"order_volume", {0, inf, true}},
        {"delivery_count", {0, inf, true}},         {"late_delivery_count", {0, inf, true}},
        {"delivery_delay_rate", {0, 1, false}},     {"fulfillment_backlog", {0, inf, true}},
        {"avg_delivery_delay_days", {0, inf, false}}, {"supplier_delay_rate", {0, inf, false}},  // several delays per PO
        {"supplier_delay_severity", {0, inf, false}}, {"ticket_volume", {0, inf, true}},
        {"ticket_close_volume", {0, inf, true}},    {"ticket_backlog", {0, inf, true}},
        {"avg_resolution_time", {0, inf, false}},   {"review_score_avg", {1, 5, false}},
        {"review_score_trend", {-inf, inf, false}}, {"churn_proxy", {0, 1, false}},
        {"customer_concentration", {0, 1, false}},
    };
    RC_ASSERT(m.names.size() == bounds.size());
    for (std::size_t k = 0; k < m.names.size(); ++k) {
      const auto it = bounds.find(m.names[k]);
      RC_ASSERT(it != bounds.end());  // a new metric needs its bounds here
      for (std::size_t i = 0; i < m.days; ++i) {
        const auto& v = m.values[k][i];
        if (!v) continue;
        const Bound& b = it->second;
        if (!std::isfinite(*v) || *v < b.lo || *v > b.hi || (b.whole && *v != std::floor(*v)))
          RC_FAIL(fmt::format("{} on {} is {}", m.names[k], bre::format_day(m.day(i)), *v));
      }
    }
    // Backlogs are orders/tickets of their 14 days not yet done; a late delivery is a delivery.
    auto sum14 = [&](std::string_view metric, std::size_t i) {
      double s = 0;
      for (std::size_t j = i >= 13 ? i - 13 : 0; j <= i; ++j) s += m.find(metric)->at(j).value_or(0);
      return s;
    };
    for (std::size_t i = 0; i < m.days; ++i) {
      RC_ASSERT(m.find("fulfillment_backlog")->at(i).value_or(0) <= sum14("order_volume", i));
      RC_ASSERT(m.find("ticket_backlog")->at(i).value_or(0) <= sum14("ticket_volume", i));
      RC_ASSERT(m.find("late_delivery_count")->at(i).value_or(0) <= m.find("delivery_count")->at(i).value_or(0));
    }
  }));
}

TEST_CASE("properties: identical inputs give identical incidents") {
  int with_incidents = 0;
  CHECK(bre_test::check_cases("detect twice, and on metrics computed twice: same incidents", 25, [&] {
    const StreamShape shape = *stream_shape(45, 90);
    const std::vector<CanonicalEvent> events = StreamBuilder(shape).build();
    const bre::DailyMetrics m = bre::compute_daily_metrics(metric_events(events));
    const auto first = incidents_text(bre::detect_incidents(m));
    const auto again = incidents_text(bre::detect_incidents(m));
    const auto recomputed = incidents_text(bre::detect_incidents(bre::compute_daily_metrics(metric_events(events))));
    RC_TAG(first.empty() ? "no incident" : "incidents");
    with_incidents += first.empty() ? 0 : 1;
    RC_ASSERT(first == again);
    RC_ASSERT(first == recomputed);
  }));
  CHECK(with_incidents > 0);  // the property was not vacuous
}

TEST_CASE("properties: the order of ingestion changes no metric row, incident, cascade, chain or blast radius") {
  int with_incidents = 0;
  CHECK(bre_test::check_cases("two workspaces, two random orders and batchings: same rows, incidents, chains", 12, [&] {
    const StreamShape shape = *stream_shape(45, 75);
    const std::vector<CanonicalEvent> events = StreamBuilder(shape).build();
    bre::TempDir dir;
    std::vector<std::vector<std::string>> results;
    for (const char* tag : {"a", "b"}) {
      auto ws = bre::Workspace::open(dir.file(std::string(tag) + ".sqlite"), true);
      ws->db().exec("PRAGMA synchronous=OFF");
      ingest_batches(*ws, dir, tag, events, random_batches(events.size()), "USD");
      bre::build_state(*ws, "run-1", false, bre::Logger{});
      bre::run_detect(*ws, "run-1", bre::Logger{});
      bre::run_correlate(*ws, "run-1", bre::Logger{}, bre::default_dependency_graphs());
      bre::run_rca(*ws, bre::RcaRunOptions{}, "run-1", bre::Logger{}, bre::default_dependency_graphs());
      results.push_back(workspace_results(*ws));
    }
    const bool found = std::any_of(results[0].begin(), results[0].end(),
                                   [](const std::string& r) { return r.rfind("causal_chains inc_", 0) == 0; });
    RC_TAG(found ? "incidents" : "no incident");
    with_incidents += found ? 1 : 0;
    RC_ASSERT(!results[0].empty());
    const auto [a, b] = std::mismatch(results[0].begin(), results[0].end(), results[1].begin(), results[1].end());
    if (a != results[0].end() || b != results[1].end())
      RC_FAIL(fmt::format("first difference:\n  {}\n  {}", a == results[0].end() ? "(end)" : *a,
                          b == results[1].end() ? "(end)" : *b));
  }));
  CHECK(with_incidents > 0);
}
