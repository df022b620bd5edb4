// Property tests (RapidCheck inside doctest): rc::check runs a property on
// generated cases, shrinks a failure to a small counterexample and prints it;
// CHECK turns its verdict into a doctest result.
//  (a) every valid canonical event survives encode -> decode -> encode;
//  (b) ingest is order-independent: the same events in different orders and
//      batches (some ingested twice) store the same events (cli.md §4);
//  (c) format_minor and parse_decimal_minor are inverse for every int64.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bre/core/event_codec.h"
#include "bre/core/json_text.h"
#include "bre/core/log.h"
#include "bre/core/money.h"
#include "bre/ingest/ingest.h"
#include "bre/store/workspace.h"
#include "test_support.h"

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
