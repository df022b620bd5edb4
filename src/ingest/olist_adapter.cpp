// Olist (Brazilian e-commerce, Kaggle olistbr/brazilian-ecommerce) adapter.
// The mapping, column by column, and every decision below is documented in
// docs/mappings/olist.md; bump kMappingVersion whenever it changes.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "adapter_support.h"
#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "bre/core/time.h"
#include "bre/ingest/adapter.h"
#include "bre/ingest/dates.h"

namespace bre {
namespace {

using adapter_support::EntitySink;
using adapter_support::FirstSeen;
using adapter_support::has_columns;
using adapter_support::parse_integral;
using adapter_support::trim;

constexpr int kMappingVersion = 1;
constexpr std::string_view kCurrency = "BRL";
constexpr int kCurrencyDigits = 2;

constexpr std::array<std::string_view, 8> kStatuses = {"created", "approved",  "invoiced", "processing",
                                                       "shipped", "delivered", "canceled", "unavailable"};
constexpr std::array<std::string_view, 8> kKinds = {"orders",    "order_items", "payments", "reviews",
                                                    "customers", "products",    "sellers",  "category_translation"};

// A header is recognised when it holds every column of the Kaggle file.
std::string classify_header(const std::vector<std::string>& h) {
  if (has_columns(h,
                  {"order_id", "customer_id", "order_status", "order_purchase_timestamp", "order_approved_at",
                   "order_delivered_carrier_date", "order_delivered_customer_date", "order_estimated_delivery_date"}))
    return "orders";
  if (has_columns(
          h, {"order_id", "order_item_id", "product_id", "seller_id", "shipping_limit_date", "price", "freight_value"}))
    return "order_items";
  if (has_columns(h, {"order_id", "payment_sequential", "payment_type", "payment_installments", "payment_value"}))
    return "payments";
  if (has_columns(h, {"review_id", "order_id", "review_score", "review_comment_title", "review_comment_message",
                      "review_creation_date", "review_answer_timestamp"}))
    return "reviews";
  if (has_columns(h,
                  {"customer_id", "customer_unique_id", "customer_zip_code_prefix", "customer_city", "customer_state"}))
    return "customers";
  if (has_columns(h, {"product_id", "product_category_name", "product_name_lenght", "product_weight_g"}))
    return "products";
  if (has_columns(h, {"seller_id", "seller_zip_code_prefix", "seller_city", "seller_state"})) return "sellers";
  if (has_columns(h, {"product_category_name", "product_category_name_english"})) return "category_translation";
  return {};
}

// Olist timestamps are naive local times ("2017-10-02 10:56:33"); the mapping
// reads them as UTC (see the mapping doc). Zoned ISO-8601 is accepted too, so a
// re-export that added zones still maps.
std::optional<TimeMs> parse_time(std::string_view s) {
  s = trim(s);
  std::optional<TimeMs> t = parse_iso8601(s);
  if (!t) t = parse_naive_date_time(s);
  // The window validate_event accepts (years 1900..2199), so a typo is a rejection here.
  if (t && (*t < -2208988800000LL || *t >= 7258118400000LL)) return std::nullopt;
  return t;
}

std::string bad_time(std::string_view v) { return fmt::format("'{}' is not a timestamp (YYYY-MM-DD HH:MM:SS)", v); }

// Calendar day (UTC) of an instant; floors for instants before 1970 too.
std::int64_t day_of(TimeMs t) { return t >= 0 ? t / kMsPerDay : -((-t + kMsPerDay - 1) / kMsPerDay); }

std::optional<std::int64_t> parse_brl(std::string_view v, std::string& why) {
  DecimalParse p = parse_decimal_minor(trim(v), kCurrencyDigits);
  if (p.minor && *p.minor >= 0) return p.minor;
  why = fmt::format("'{}' is not a non-negative BRL amount{}", v, p.error.empty() ? "" : " (" + p.error + ")");
  return std::nullopt;
}

std::string short_id(std::string_view id) { return std::string(id.substr(0, 8)); }

std::string json_array(const std::set<std::string_view>& values) {
  return adapter_support::json_string_array(std::vector<std::string>(values.begin(), values.end()));
}

using Tables = std::unordered_map<std::string_view, std::vector<std::size_t>>;  // kind -> record indices

// Rejects the second record with the same key of one table; true when the key is new.
bool first_time(FirstSeen& seen, const SourceRecord& r, std::size_t i, const std::string& key, const char* field,
                MapContext& ctx) {
  auto first_line = seen.repeat_of(key, r.line);
  if (first_line) ctx.reject(i, field, fmt::format("duplicate {} '{}' (first on line {})", field, key, *first_line));
  return !first_line;
}

struct Item {
  std::int64_t total_minor = 0;  // price + freight_value
  std::string_view product_id, seller_id;
};
struct OrderItems {
  std::vector<Item> items;
  bool any_rejected = false;
};

struct Order {
  std::size_t rec = 0;
  std::string_view id, status, customer_id;  // customer_id: the customer_unique_id when known
  TimeMs purchase = 0;
  std::optional<TimeMs> approved, carrier, delivered, estimated;
  std::vector<std::string> flags;           // on order_placed: everything wrong with the row
  std::vector<std::string> delivery_flags;  // on order_delivered / order_late: what affects their dates
  bool dead() const { return status == "canceled" || status == "unavailable"; }
};

class OlistAdapter final : public Adapter {
 public:
  std::string_view source() const override { return "olist"; }
  int mapping_version() const override { return kMappingVersion; }
  std::string default_currency() const override { return std::string(kCurrency); }
  std::string classify(const std::vector<std::string>& header) const override { return classify_header(header); }
  void map(const std::vector<SourceRecord>& records, const AdapterOptions& options, MapContext& ctx) const override;
};

Tables by_table(const std::vector<SourceRecord>& records, MapContext& ctx) {
  Tables out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const SourceRecord& r = records[i];
    std::string kind = r.kind.empty() && r.columns ? classify_header(*r.columns) : r.kind;
    auto known = std::find(kKinds.begin(), kKinds.end(), kind);
    if (known == kKinds.end())
      ctx.reject(i, "", fmt::format("not a record of an Olist table (kind '{}')", kind));
    else
      out[*known].push_back(i);
  }
  return out;
}

// What the per-table steps share: the batch, and the orders that mapped.
struct Batch {
  const Adapter& adapter;
  const std::vector<SourceRecord>& records;
  MapContext& ctx;
  Tables tables;
  std::unordered_map<std::string_view, Order> orders;
  std::vector<std::string_view> order_sequence;  // input order, so output order follows it
  std::unordered_map<std::string_view, OrderItems> items;
  std::unordered_map<std::string_view, std::size_t> rejected_orders;  // order_id -> its record

  Batch(const Adapter& a, const std::vector<SourceRecord>& r, MapContext& c)
      : adapter(a), records(r), ctx(c), tables(by_table(r, c)) {}
  bool present(std::string_view kind) const { return tables.count(kind) > 0; }
  const std::vector<std::size_t>& rows(std::string_view kind) const {
    static const std::vector<std::size_t> kNone;
    auto it = tables.find(kind);
    return it == tables.end() ? kNone : it->second;
  }
  CanonicalEvent event(EventType type, std::string_view source_entity_id, TimeMs when, EntityType entity_type,
                       std::string_view entity_id, std::string_view discriminator = {}) const {
    return adapter_support::make_event(adapter, type, source_entity_id, entity_type, std::string(entity_id), when,
                                       discriminator);
  }
  void no_order(std::size_t i, std::string_view id, const char* why) {
    auto bad = rejected_orders.find(id);
    if (bad != rejected_orders.end())
      ctx.reject(
          i, "order_id",
          fmt::format("order '{}' was rejected ({}:{})", id, records[bad->second].file, records[bad->second].line));
    else
      ctx.reject(i, "order_id",
                 fmt::format("order '{}' is not in this batch; {} (ingest all Olist files together)", id, why));
  }
};

// {"zip_code_prefix","city","state"} of a customers or sellers row; the zip
// prefix stays text because pandas dropped its leading zeros.
std::string place(const SourceRecord& r, std::string_view prefix) {
  return JsonObjectWriter()
      .string("zip_code_prefix", r.get(fmt::format("{}_zip_code_prefix", prefix)))
      .string("city", r.get(fmt::format("{}_city", prefix)))
      .string("state", r.get(fmt::format("{}_state", prefix)))
      .str();
}

// Customers, categories, products and sellers; returns customer_id -> customer_unique_id.
std::unordered_map<std::string_view, std::string_view> map_reference_entities(Batch& b) {
  const std::vector<SourceRecord>& records = b.records;
  MapContext& ctx = b.ctx;
  auto rows = [&](std::string_view kind) -> const std::vector<std::size_t>& { return b.rows(kind); };
  EntitySink sink(ctx);
  auto need = [&](std::size_t i, std::initializer_list<const char*> columns) {
    for (const char* c : columns)
      if (trim(records[i].get(c)).empty()) {
        ctx.reject(i, c, "must not be empty");
        return false;
      }
    return true;
  };

  std::unordered_map<std::string_view, std::string_view> unique_ids;
  FirstSeen seen_customers;
  for (std::size_t i : rows("customers")) {
    const SourceRecord& r = records[i];
    std::string_view id = r.get("customer_id"), uid = r.get("customer_unique_id");
    if (!need(i, {"customer_id", "customer_unique_id"}) ||
        !first_time(seen_customers, r, i, std::string(id), "customer_id", ctx))
      continue;
    unique_ids.emplace(id, uid);
    // Olist gives a person a new customer_id per order; the entity is the person.
    std::string_view city = r.get("customer_city"), state = r.get("customer_state");
    sink.add({"customer", std::string(uid), fmt::format("customer {} ({}, {})", short_id(uid), city, state), "",
              place(r, "customer")});
  }

  std::unordered_map<std::string_view, std::string_view> english;  // Portuguese category -> English
  auto category_entity = [&](std::string_view pt, std::string_view name) {
    std::string display(name);
    std::replace(display.begin(), display.end(), '_', ' ');
    sink.add({"category", std::string(name), display, "", JsonObjectWriter().string("name_pt", pt).str()});
  };
  for (std::size_t i : rows("category_translation")) {
    if (!need(i, {"product_category_name", "product_category_name_english"})) continue;
    std::string_view pt = records[i].get("product_category_name"), en = records[i].get("product_category_name_english");
    english.emplace(pt, en);
    category_entity(pt, en);
  }

  FirstSeen seen_products;
  for (std::size_t i : rows("products")) {
    const SourceRecord& r = records[i];
    std::string_view id = r.get("product_id"), pt = r.get("product_category_name");
    if (!need(i, {"product_id"}) || !first_time(seen_products, r, i, std::string(id), "product_id", ctx)) continue;
    auto en = english.find(pt);
    std::string_view category = en != english.end() ? en->second : pt;  // two categories have no translation
    JsonObjectWriter attrs;
    if (!pt.empty()) {
      category_entity(pt, category);
      attrs.string("category_pt", pt);
    }
    sink.add({"product", std::string(id),
              category.empty() ? fmt::format("product {}", short_id(id))
                               : fmt::format("product {} ({})", short_id(id), category),
              std::string(category), attrs.str()});
  }

  FirstSeen seen_sellers;
  for (std::size_t i : rows("sellers")) {
    const SourceRecord& r = records[i];
    std::string_view id = r.get("seller_id"), city = r.get("seller_city"), state = r.get("seller_state");
    if (!need(i, {"seller_id"}) || !first_time(seen_sellers, r, i, std::string(id), "seller_id", ctx)) continue;
    sink.add({"seller", std::string(id), fmt::format("seller {} ({}/{})", short_id(id), city, state), "",
              place(r, "seller")});
  }
  return unique_ids;
}

// One orders row; nullopt (after a rejection) when a value is unusable.
std::optional<Order> parse_order(const SourceRecord& r, std::size_t i, MapContext& ctx) {
  Order o;
  o.rec = i;
  o.id = r.get("order_id");
  o.status = r.get("order_status");
  o.customer_id = r.get("customer_id");
  if (trim(o.id).empty() || trim(o.customer_id).empty()) {
    ctx.reject(i, trim(o.id).empty() ? "order_id" : "customer_id", "must not be empty");
    return std::nullopt;
  }
  if (std::find(kStatuses.begin(), kStatuses.end(), o.status) == kStatuses.end()) {
    ctx.reject(i, "order_status", fmt::format("unknown order status '{}'", o.status));
    return std::nullopt;
  }
  auto purchase = parse_time(r.get("order_purchase_timestamp"));
  if (!purchase) {
    ctx.reject(i, "order_purchase_timestamp", bad_time(r.get("order_purchase_timestamp")));
    return std::nullopt;
  }
  o.purchase = *purchase;
  // Optional dates: empty means "has not happened", anything unreadable is a corrupt record.
  const std::pair<const char*, std::optional<TimeMs>*> optional_dates[] = {
      {"order_approved_at", &o.approved},
      {"order_delivered_carrier_date", &o.carrier},
      {"order_delivered_customer_date", &o.delivered},
      {"order_estimated_delivery_date", &o.estimated}};
  for (auto [column, out] : optional_dates) {
    std::string_view v = r.get(column);
    if (trim(v).empty()) continue;
    *out = parse_time(v);
    if (!*out) {
      ctx.reject(i, column, bad_time(v));
      return std::nullopt;
    }
  }
  return o;
}

// order_placed carries every flag of the row; the delivery events carry only
// those about the values they report, so a delivery metric is not marked weak
// by, say, a missing payment row. items / paid_orders are null when that file
// is not in the batch.
void add_order_flags(Order& o, const std::unordered_map<std::string_view, OrderItems>* items,
                     const std::unordered_set<std::string_view>* paid_orders, bool customer_known) {
  enum Scope { placed, delivery };
  auto flag = [&](bool cond, const char* f, Scope scope = placed) {
    if (!cond) return;
    o.flags.emplace_back(f);
    if (scope == delivery) o.delivery_flags.emplace_back(f);
  };
  auto before = [](const std::optional<TimeMs>& a, std::optional<TimeMs> b) { return a && b && *a < *b; };
  flag(o.status == "delivered" && !o.delivered, "missing:actual_delivery");
  flag(!o.approved && !o.dead() && o.status != "created", "missing:approved_at");
  flag(!o.estimated, "missing:estimated_delivery", delivery);
  flag(!customer_known, "missing:customer_unique_id", delivery);
  if (items) {
    auto it = items->find(o.id);
    const bool rejected = it != items->end() && it->second.any_rejected;
    flag(rejected, "missing:amount");
    flag(!rejected && !o.dead() && (it == items->end() || it->second.items.empty()), "missing:items");
  }
  flag(paid_orders && !o.dead() && !paid_orders->count(o.id), "missing:payments");
  flag(before(o.approved, o.purchase), "inconsistent:approved_before_placed");
  flag(before(o.carrier, o.purchase), "inconsistent:shipped_before_placed");
  flag(before(o.carrier, o.approved), "inconsistent:shipped_before_approved");
  flag(before(o.delivered, o.purchase), "inconsistent:delivered_before_placed", delivery);
  flag(before(o.delivered, o.approved), "inconsistent:delivered_before_approved", delivery);
  flag(before(o.delivered, o.carrier), "inconsistent:delivered_before_shipped", delivery);
  flag(o.estimated && day_of(*o.estimated) < day_of(o.purchase), "inconsistent:estimate_before_placed", delivery);
  flag(o.delivered && o.dead(), "inconsistent:canceled_with_delivery");
  flag(o.delivered && !o.dead() && o.status != "delivered", "inconsistent:status_not_delivered", delivery);
}

void read_orders(Batch& b) {
  FirstSeen seen;
  for (std::size_t i : b.rows("orders")) {
    auto o = parse_order(b.records[i], i, b.ctx);
    if (!o) b.rejected_orders.emplace(b.records[i].get("order_id"), i);
    if (!o || !first_time(seen, b.records[i], i, std::string(o->id), "order_id", b.ctx)) continue;
    b.order_sequence.push_back(o->id);
    b.orders.emplace(o->id, std::move(*o));
  }
}

void read_items(Batch& b) {
  FirstSeen seen;
  for (std::size_t i : b.rows("order_items")) {
    const SourceRecord& r = b.records[i];
    std::string_view order_id = r.get("order_id");
    if (!b.orders.count(order_id)) {
      b.no_order(i, order_id, "an item is part of its order");
      continue;
    }
    OrderItems& of_order = b.items[order_id];
    auto item_no = parse_integral(r.get("order_item_id"));
    if (!item_no) {
      b.ctx.reject(i, "order_item_id", fmt::format("'{}' is not an integer", r.get("order_item_id")));
      of_order.any_rejected = true;
      continue;
    }
    if (!first_time(seen, r, i, fmt::format("{}/{}", order_id, *item_no), "order_item_id", b.ctx)) continue;
    Item item{0, r.get("product_id"), r.get("seller_id")};
    std::string why;
    const char* bad = nullptr;
    for (const char* column : {"price", "freight_value"}) {
      auto v = parse_brl(r.get(column), why);
      if (!v || __builtin_add_overflow(item.total_minor, *v, &item.total_minor)) {
        bad = column;
        if (why.empty()) why = "amount out of range";
        break;
      }
    }
    if (!bad && (trim(item.product_id).empty() || trim(item.seller_id).empty())) {
      bad = trim(item.product_id).empty() ? "product_id" : "seller_id";
      why = "must not be empty";
    }
    if (bad) {
      b.ctx.reject(i, bad, why);
      of_order.any_rejected = true;
    } else {
      of_order.items.push_back(item);
    }
  }
}

void emit_order_events(Batch& b, const Order& o) {
  std::set<std::string_view> product_ids, seller_ids;  // sorted, so independent of row order
  std::optional<std::int64_t> amount;
  std::int64_t item_count = 0;
  if (auto it = b.items.find(o.id); it != b.items.end() && !it->second.items.empty()) {
    amount = 0;
    for (const Item& item : it->second.items) {
      product_ids.insert(item.product_id);
      seller_ids.insert(item.seller_id);
      if (amount && __builtin_add_overflow(*amount, item.total_minor, &*amount)) amount.reset();
    }
    item_count = static_cast<std::int64_t>(it->second.items.size());
    if (it->second.any_rejected) amount.reset();  // a partial sum would be a wrong amount
  }
  const std::string related = JsonObjectWriter()
                                  .string("customer_id", o.customer_id)
                                  .raw("product_ids", json_array(product_ids))
                                  .raw("seller_ids", json_array(seller_ids))
                                  .str();
  auto order_event = [&](EventType type, TimeMs when, std::string attributes) {
    CanonicalEvent e = b.event(type, o.id, when, EntityType::order, o.id);
    e.related_entity_ids = related;
    e.attributes = std::move(attributes);
    e.data_quality_flags = type == EventType::order_placed ? o.flags : o.delivery_flags;
    return e;
  };

  JsonObjectWriter placed;
  placed.string("order_status", o.status);
  if (o.estimated) placed.string("estimated_delivery", format_date(*o.estimated));
  placed.integer("item_count", item_count);
  CanonicalEvent e = order_event(EventType::order_placed, o.purchase, placed.str());
  if (amount) {
    e.amount_minor = amount;
    e.currency = std::string(kCurrency);
  }
  b.ctx.emit(std::move(e), o.rec);

  // A canceled or unavailable order was never fulfilled, whatever date it carries.
  if (!o.delivered || o.dead()) return;
  JsonObjectWriter delivered;
  delivered.string("actual_delivery", format_iso8601(*o.delivered));
  std::int64_t days_late = 0;
  if (o.estimated) {
    days_late = std::max<std::int64_t>(0, day_of(*o.delivered) - day_of(*o.estimated));
    delivered.string("estimated_delivery", format_date(*o.estimated)).integer("days_late", days_late);
  }
  b.ctx.emit(order_event(EventType::order_delivered, *o.delivered, delivered.str()), o.rec);
  // Dated at delivery: only then is days_late known (no look-ahead).
  if (days_late > 0) b.ctx.emit(order_event(EventType::order_late, *o.delivered, delivered.str()), o.rec);
}

void map_payments(Batch& b) {
  FirstSeen seen_payments;
  for (std::size_t i : b.rows("payments")) {
    const SourceRecord& r = b.records[i];
    std::string_view order_id = r.get("order_id");
    auto o = b.orders.find(order_id);
    if (o == b.orders.end()) {
      b.no_order(i, order_id, "Olist payments are dated by their order");
      continue;
    }
    auto seq = parse_integral(r.get("payment_sequential"));
    if (!seq || *seq < 1) {
      b.ctx.reject(i, "payment_sequential", fmt::format("'{}' is not a positive integer", r.get("payment_sequential")));
      continue;
    }
    auto installments = parse_integral(r.get("payment_installments"));
    if (!installments || *installments < 0) {
      b.ctx.reject(i, "payment_installments",
                   fmt::format("'{}' is not a non-negative integer", r.get("payment_installments")));
      continue;
    }
    std::string why;
    auto value = parse_brl(r.get("payment_value"), why);
    if (!value) {
      b.ctx.reject(i, "payment_value", why);
      continue;
    }
    const std::string id = fmt::format("{}/{}", order_id, *seq);
    if (!first_time(seen_payments, r, i, id, "payment_sequential", b.ctx)) continue;
    const Order& order = o->second;
    std::string_view type = r.get("payment_type");
    CanonicalEvent e =
        b.event(EventType::payment_received, id, order.approved.value_or(order.purchase), EntityType::payment, id);
    e.related_entity_ids =
        JsonObjectWriter().string("customer_id", order.customer_id).string("order_id", order_id).str();
    e.attributes = JsonObjectWriter()
                       .string("payment_type", type)
                       .integer("installments", *installments)
                       .string("order_id", order_id)
                       .string("order_status", order.status)
                       .str();
    e.amount_minor = value;
    e.currency = std::string(kCurrency);
    if (!order.approved) e.data_quality_flags.emplace_back("missing:approved_at");
    if (order.approved && *order.approved < order.purchase)
      e.data_quality_flags.emplace_back("inconsistent:approved_before_placed");
    if (trim(type).empty() || type == "not_defined") e.data_quality_flags.emplace_back("placeholder:payment_type");
    if (*installments == 0) e.data_quality_flags.emplace_back("inconsistent:zero_installments");
    b.ctx.emit(std::move(e), i);
  }
}

void map_reviews(Batch& b) {
  FirstSeen seen_reviews;
  for (std::size_t i : b.rows("reviews")) {
    const SourceRecord& r = b.records[i];
    std::string_view review_id = r.get("review_id"), order_id = r.get("order_id");
    if (trim(review_id).empty() || trim(order_id).empty()) {
      b.ctx.reject(i, trim(review_id).empty() ? "review_id" : "order_id", "must not be empty");
      continue;
    }
    auto score = parse_integral(r.get("review_score"));
    if (!score || *score < 1 || *score > 5) {
      b.ctx.reject(i, "review_score", fmt::format("'{}' is not an integer from 1 to 5", r.get("review_score")));
      continue;
    }
    auto created = parse_time(r.get("review_creation_date"));
    if (!created) {
      b.ctx.reject(i, "review_creation_date", bad_time(r.get("review_creation_date")));
      continue;
    }
    // Olist reuses a review_id across orders, so the key is the pair.
    if (!first_time(seen_reviews, r, i, fmt::format("{}/{}", review_id, order_id), "review_id", b.ctx)) continue;
    CanonicalEvent e = b.event(EventType::review_submitted, review_id, *created, EntityType::order, order_id, order_id);
    JsonObjectWriter related;
    related.string("order_id", order_id);
    if (auto o = b.orders.find(order_id); o != b.orders.end()) {
      related.string("customer_id", o->second.customer_id);
      if (day_of(*created) < day_of(o->second.purchase))
        e.data_quality_flags.emplace_back("inconsistent:reviewed_before_placed");
    } else if (b.present("orders")) {
      e.data_quality_flags.emplace_back("missing:order");
    }
    e.related_entity_ids = related.str();
    JsonObjectWriter attrs;
    attrs.integer("score", *score).string("order_id", order_id).string("review_id", review_id);
    if (auto t = r.get("review_comment_title"); !trim(t).empty()) attrs.string("comment_title", t);
    if (auto t = r.get("review_comment_message"); !trim(t).empty()) attrs.string("comment_text", t);
    e.attributes = attrs.str();
    b.ctx.emit(std::move(e), i);
  }
}

void OlistAdapter::map(const std::vector<SourceRecord>& records, const AdapterOptions& /*options*/,
                       MapContext& ctx) const {
  Batch b(*this, records, ctx);
  const auto unique_ids = map_reference_entities(b);
  // Orders first: items and payments are only accepted for orders that mapped.
  read_orders(b);
  read_items(b);
  std::unordered_set<std::string_view> paid_orders;
  for (std::size_t i : b.rows("payments")) paid_orders.insert(records[i].get("order_id"));
  for (auto& [id, o] : b.orders) {
    auto c = unique_ids.find(o.customer_id);
    if (c != unique_ids.end()) o.customer_id = c->second;
    add_order_flags(o, b.present("order_items") ? &b.items : nullptr, b.present("payments") ? &paid_orders : nullptr,
                    c != unique_ids.end() || !b.present("customers"));
  }
  for (std::string_view id : b.order_sequence) emit_order_events(b, b.orders.at(id));
  map_payments(b);
  map_reviews(b);
}

}  // namespace

std::unique_ptr<Adapter> make_olist_adapter() { return std::make_unique<OlistAdapter>(); }

}  // namespace bre
