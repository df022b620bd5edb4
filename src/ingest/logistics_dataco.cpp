// DataCo Smart Supply Chain: one row per order item. Events are per order
// (rows grouped by Order Id), so order counts and delay rates count orders,
// not lines; the order's amount is the sum of its items' totals.
#include <algorithm>
#include <fmt/format.h>

#include "adapter_support.h"
#include "bre/core/json_text.h"
#include "bre/ingest/dates.h"
#include "logistics_layouts.h"

namespace bre::logistics {

namespace {

using namespace adapter_support;

constexpr std::string_view kPaymentType = "Type";
constexpr std::string_view kDaysReal = "Days for shipping (real)";
constexpr std::string_view kDaysScheduled = "Days for shipment (scheduled)";
constexpr std::string_view kDeliveryStatus = "Delivery Status";
constexpr std::string_view kCategoryId = "Category Id";
constexpr std::string_view kCategoryName = "Category Name";
constexpr std::string_view kFirstName = "Customer Fname";
constexpr std::string_view kLastName = "Customer Lname";
constexpr std::string_view kSegment = "Customer Segment";
constexpr std::string_view kMarket = "Market";
constexpr std::string_view kOrderCountry = "Order Country";
constexpr std::string_view kOrderRegion = "Order Region";
constexpr std::string_view kCustomerId = "Order Customer Id";
constexpr std::string_view kOrderDate = "order date (DateOrders)";
constexpr std::string_view kOrderId = "Order Id";
constexpr std::string_view kItemId = "Order Item Id";
constexpr std::string_view kItemTotal = "Order Item Total";
constexpr std::string_view kOrderStatus = "Order Status";
constexpr std::string_view kProductId = "Product Card Id";
constexpr std::string_view kProductName = "Product Name";
constexpr std::string_view kShipDate = "shipping date (DateOrders)";
constexpr std::string_view kShippingMode = "Shipping Mode";

constexpr std::string_view kCanceled = "Shipping canceled";
constexpr std::string_view kLate = "Late delivery";
// Ten years of shipping is a typo, not a slow boat.
constexpr std::int64_t kMaxShippingDays = 3650;

struct DatacoItem {
  std::size_t index = 0;
  std::string order_id;
  TimeMs ordered = 0, shipped = 0;
  std::int64_t days_real = 0, days_scheduled = 0;
  std::string delivery_status;
  std::int64_t total_minor = 0;
  std::string customer_id, product_id;
  std::vector<std::string> flags;

  // The order-level facts every item of one order repeats.
  bool same_order_facts(const DatacoItem& o) const {
    return ordered == o.ordered && shipped == o.shipped && days_real == o.days_real &&
           days_scheduled == o.days_scheduled && delivery_status == o.delivery_status && customer_id == o.customer_id;
  }
};

std::optional<DatacoItem> check_dataco_item(const SourceRecord& r, std::size_t i, FirstSeen& item_ids, MapContext& ctx) {
  auto refuse = [&](std::string_view column, std::string reason) {
    ctx.reject(i, std::string(column), std::move(reason));
    return std::nullopt;
  };
  // Ids are compared as numbers: pandas may have written 75905 as "75905.0".
  auto id = [&](std::string_view column, bool required, std::string& out) {
    std::string_view text = trim(r.get(column));
    if (text.empty()) return !required;
    auto v = parse_integral(text);
    if (v) out = std::to_string(*v);
    return v.has_value();
  };
  DatacoItem it;
  it.index = i;
  std::string item_id;
  if (!id(kItemId, true, item_id)) return refuse(kItemId, fmt::format("'{}' is not an integer id", trim(r.get(kItemId))));
  if (auto first = item_ids.repeat_of(item_id, r.line))
    return refuse(kItemId, fmt::format("duplicate order item id '{}' (first on line {})", item_id, *first));
  if (!id(kOrderId, true, it.order_id))
    return refuse(kOrderId, fmt::format("'{}' is not an integer id", trim(r.get(kOrderId))));
  for (auto [column, out] : {std::pair{kCustomerId, &it.customer_id}, std::pair{kProductId, &it.product_id}})
    if (!id(column, false, *out)) return refuse(column, fmt::format("'{}' is not an integer id", trim(r.get(column))));
  if (it.customer_id.empty()) add_flag(it.flags, "missing:customer_id");
  if (it.product_id.empty()) add_flag(it.flags, "missing:product_id");

  auto timestamp = [&](std::string_view column, TimeMs& out) {
    auto t = parse_lenient_date_time(r.get(column));
    if (t) out = *t;
    return t.has_value();
  };
  if (!timestamp(kOrderDate, it.ordered))
    return refuse(kOrderDate, fmt::format("'{}' is not a date-time (M/D/YYYY H:MM)", r.get(kOrderDate)));
  if (!timestamp(kShipDate, it.shipped))
    return refuse(kShipDate, fmt::format("'{}' is not a date-time (M/D/YYYY H:MM)", r.get(kShipDate)));
  if (it.shipped < it.ordered) return refuse(kShipDate, "is before the order date");

  for (auto [column, out] : {std::pair{kDaysReal, &it.days_real}, std::pair{kDaysScheduled, &it.days_scheduled}}) {
    auto v = parse_integral(r.get(column));
    if (!v || *v < 0 || *v > kMaxShippingDays)
      return refuse(column, fmt::format("'{}' is not a whole number of days from 0 to {}", r.get(column), kMaxShippingDays));
    *out = *v;
  }
  it.delivery_status = std::string(trim(r.get(kDeliveryStatus)));
  if (it.delivery_status != kLate && it.delivery_status != kCanceled && it.delivery_status != "Advance shipping" &&
      it.delivery_status != "Shipping on time")
    return refuse(kDeliveryStatus, fmt::format("unknown status '{}' (expected Advance shipping, Late delivery, "
                                               "Shipping canceled or Shipping on time)", it.delivery_status));
  std::string_view total = trim(r.get(kItemTotal));
  DecimalParse p = parse_money_rounded(total, 2);
  if (!p.minor || *p.minor < 0)
    return refuse(kItemTotal, fmt::format("'{}' is not a non-negative USD amount ({})", total, p.minor ? "negative" : p.error));
  it.total_minor = *p.minor;

  // Same-day orders are written as shipped 12 hours later while their day count says 1.
  if ((it.shipped - it.ordered) / kMsPerDay != it.days_real) add_flag(it.flags, "inconsistent:shipping_date_vs_days_real");
  if (it.delivery_status != kCanceled && (it.delivery_status == kLate) != (it.days_real > it.days_scheduled))
    add_flag(it.flags, "inconsistent:delivery_status_vs_days");
  return it;
}

void add_entities(const SourceRecord& r, const DatacoItem& it, EntitySink& entities) {
  std::string_view category_name = trim(r.get(kCategoryName));
  if (!it.product_id.empty()) {
    std::string_view name = trim(r.get(kProductName));
    std::string id = entity_id("product", "dataco-" + it.product_id);
    entities.add({"product", id, name.empty() ? id : std::string(name), std::string(category_name), "{}"});
  }
  if (auto category = parse_integral(r.get(kCategoryId)); category && !category_name.empty())
    entities.add({"category", entity_id("category", fmt::format("dataco-{}", *category)), std::string(category_name),
                  "", "{}"});
  if (!it.customer_id.empty()) {
    std::string id = entity_id("customer", "dataco-" + it.customer_id);
    std::string name(trim(fmt::format("{} {}", trim(r.get(kFirstName)), trim(r.get(kLastName)))));
    entities.add({"customer", id, name.empty() ? id : name, std::string(trim(r.get(kSegment))), "{}"});
  }
}

void emit_order(const Adapter& adapter, const std::vector<SourceRecord>& records, const std::vector<DatacoItem>& items,
                MapContext& ctx) {
  const DatacoItem& head = items.front();
  const SourceRecord& r = records[head.index];
  std::vector<std::string> flags;
  std::vector<std::string> product_ids;
  std::int64_t amount = 0;
  for (const DatacoItem& it : items) {
    for (const auto& f : it.flags) add_flag(flags, f);
    if (!head.same_order_facts(it)) add_flag(flags, "inconsistent:order_items_disagree");
    amount += it.total_minor;
    if (!it.product_id.empty()) {
      std::string id = entity_id("product", "dataco-" + it.product_id);
      if (std::find(product_ids.begin(), product_ids.end(), id) == product_ids.end()) product_ids.push_back(id);
    }
  }
  JsonObjectWriter related;
  if (!head.customer_id.empty()) related.string("customer_id", entity_id("customer", "dataco-" + head.customer_id));
  if (!product_ids.empty()) related.raw("product_ids", json_string_array(product_ids));

  const std::string order_entity = entity_id("order", "dataco-" + head.order_id);
  const std::string estimated = format_iso8601(head.ordered + head.days_scheduled * kMsPerDay);
  const std::string actual = format_iso8601(head.shipped);
  const std::string_view mode = trim(r.get(kShippingMode));
  auto event = [&](EventType type, TimeMs at, JsonObjectWriter& attrs) {
    CanonicalEvent e = make_event(adapter, type, head.order_id, EntityType::order, order_entity, at, "dataco");
    e.related_entity_ids = related.str();
    e.attributes = attrs.str();
    e.data_quality_flags = flags;
    return e;
  };
  auto optional_text = [&](JsonObjectWriter& w, std::string_view key, std::string_view column) {
    if (std::string_view v = trim(r.get(column)); !v.empty()) w.string(key, v);
  };

  JsonObjectWriter placed;
  optional_text(placed, "order_status", kOrderStatus);
  optional_text(placed, "payment_type", kPaymentType);
  optional_text(placed, "customer_segment", kSegment);
  optional_text(placed, "market", kMarket);
  optional_text(placed, "order_region", kOrderRegion);
  optional_text(placed, "order_country", kOrderCountry);
  optional_text(placed, "shipping_mode", kShippingMode);
  placed.string("estimated_delivery", estimated);
  placed.string("delivery_status", head.delivery_status);
  placed.integer("item_count", static_cast<std::int64_t>(items.size()));
  CanonicalEvent e = event(EventType::order_placed, head.ordered, placed);
  e.amount_minor = amount;
  e.currency = std::string(adapter.default_currency());
  ctx.emit(std::move(e), head.index);

  // A cancelled shipment was never delivered, so it can be neither delivered nor late.
  if (head.delivery_status == kCanceled) return;
  const std::int64_t days_late = std::max<std::int64_t>(0, head.days_real - head.days_scheduled);
  JsonObjectWriter delivered;
  delivered.string("actual_delivery", actual);
  delivered.string("estimated_delivery", estimated);
  delivered.integer("days_late", days_late);
  delivered.integer("shipping_days_real", head.days_real);
  delivered.integer("shipping_days_scheduled", head.days_scheduled);
  delivered.string("delivery_status", head.delivery_status);
  if (!mode.empty()) delivered.string("shipping_mode", mode);
  ctx.emit(event(EventType::order_delivered, head.shipped, delivered), head.index);

  if (days_late == 0) return;
  JsonObjectWriter late;
  late.integer("days_late", days_late);
  late.string("estimated_delivery", estimated);
  late.string("actual_delivery", actual);
  if (!mode.empty()) late.string("shipping_mode", mode);
  ctx.emit(event(EventType::order_late, head.shipped, late), head.index);
}

}  // namespace

bool is_dataco_header(const std::vector<std::string>& header) {
  return has_columns(
      header, {kPaymentType, kDaysReal, kDaysScheduled, "Benefit per order", "Sales per customer", kDeliveryStatus,
               "Late_delivery_risk", kCategoryId, kCategoryName, "Customer City", "Customer Country", "Customer Email",
               kFirstName, "Customer Id", kLastName, "Customer Password", kSegment, "Customer State",
               "Customer Street", "Customer Zipcode", "Department Id", "Department Name", "Latitude", "Longitude",
               kMarket, "Order City", kOrderCountry, kCustomerId, kOrderDate, kOrderId, "Order Item Cardprod Id",
               "Order Item Discount", "Order Item Discount Rate", kItemId, "Order Item Product Price",
               "Order Item Profit Ratio", "Order Item Quantity", "Sales", kItemTotal, "Order Profit Per Order",
               kOrderRegion, "Order State", kOrderStatus, "Order Zipcode", kProductId, "Product Category Id",
               "Product Description", "Product Image", kProductName, "Product Price", "Product Status", kShipDate,
               kShippingMode});
}

void map_dataco(const Adapter& adapter, const std::vector<SourceRecord>& records,
                const std::vector<std::size_t>& indices, MapContext& ctx) {
  FirstSeen item_ids;
  EntitySink entities(ctx);
  // Orders in order of first appearance, so output order follows the file.
  std::vector<std::vector<DatacoItem>> orders;
  std::unordered_map<std::string, std::size_t> order_slot;
  for (std::size_t i : indices) {
    auto it = check_dataco_item(records[i], i, item_ids, ctx);
    if (!it) continue;
    add_entities(records[i], *it, entities);
    auto [slot, inserted] = order_slot.emplace(it->order_id, orders.size());
    if (inserted) orders.emplace_back();
    orders[slot->second].push_back(std::move(*it));
  }
  for (const auto& items : orders) emit_order(adapter, records, items, ctx);
}

}  // namespace bre::logistics
