// USAID SCMS delivery history: one row per shipped line item of a purchase
// order (or of a release from a regional distribution centre, RDC). A row
// yields a purchase_order_placed when the PO date is known and a
// shipment_delayed when it reached the client after its scheduled date.
#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>

#include "adapter_support.h"
#include "bre/core/json_text.h"
#include "bre/ingest/dates.h"
#include "logistics_layouts.h"

namespace bre::logistics {

namespace {

using namespace adapter_support;

constexpr std::string_view kId = "ID";
constexpr std::string_view kPoNumber = "PO / SO #";
constexpr std::string_view kAsnNumber = "ASN/DN #";
constexpr std::string_view kCountry = "Country";
constexpr std::string_view kFulfillVia = "Fulfill Via";
constexpr std::string_view kShipmentMode = "Shipment Mode";
constexpr std::string_view kPoSent = "PO Sent to Vendor Date";
constexpr std::string_view kScheduled = "Scheduled Delivery Date";
constexpr std::string_view kDelivered = "Delivered to Client Date";
constexpr std::string_view kProductGroup = "Product Group";
constexpr std::string_view kVendor = "Vendor";
constexpr std::string_view kSite = "Manufacturing Site";
constexpr std::string_view kValue = "Line Item Value";

// Text the SCMS export writes where a value was never recorded or does not apply.
bool is_placeholder(std::string_view text) {
  static constexpr std::array<std::string_view, 4> kMarkers = {"Date Not Captured", "N/A - From RDC", "Pre-PQ Process",
                                                               "N/A"};
  return std::any_of(kMarkers.begin(), kMarkers.end(), [&](std::string_view m) {
    return m.size() == text.size() && std::equal(m.begin(), m.end(), text.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

struct ScmsRow {
  std::string id;
  std::optional<TimeMs> po_sent, scheduled, delivered;
  std::optional<std::int64_t> value_minor;
  std::vector<std::string> flags;  // apply to every event the row yields
};

// A date column: empty -> "missing:<key>", a known marker -> "placeholder:<key>",
// anything else that is not a date rejects the record.
bool read_date(const SourceRecord& r, std::size_t i, std::string_view column, std::string_view key, ScmsRow& row,
               std::optional<TimeMs>& out, MapContext& ctx) {
  std::string_view text = trim(r.get(column));
  if (text.empty()) {
    add_flag(row.flags, fmt::format("missing:{}", key));
    return true;
  }
  // Shipments from a regional warehouse (RDC) have no vendor PO at all: the
  // field does not apply, so nothing is missing and no flag is raised.
  if (text == "N/A - From RDC") return true;
  if (is_placeholder(text)) {
    add_flag(row.flags, fmt::format("placeholder:{}", key));
    return true;
  }
  out = parse_lenient_date_time(text);
  if (!out)
    ctx.reject(i, std::string(column),
               fmt::format("'{}' is neither a date (D-Mon-YY, M/D/YY or YYYY-MM-DD) nor a known placeholder", text));
  return out.has_value();
}

std::optional<ScmsRow> check_scms_row(const SourceRecord& r, std::size_t i, FirstSeen& ids, MapContext& ctx) {
  ScmsRow row;
  row.id = std::string(trim(r.get(kId)));
  if (row.id.empty()) {
    ctx.reject(i, std::string(kId), "missing");
    return std::nullopt;
  }
  if (auto first = ids.repeat_of(row.id, r.line)) {
    ctx.reject(i, std::string(kId), fmt::format("duplicate shipment id '{}' (first on line {})", row.id, *first));
    return std::nullopt;
  }
  if (!read_date(r, i, kPoSent, "po_sent_to_vendor_date", row, row.po_sent, ctx) ||
      !read_date(r, i, kScheduled, "scheduled_delivery_date", row, row.scheduled, ctx) ||
      !read_date(r, i, kDelivered, "delivered_to_client_date", row, row.delivered, ctx))
    return std::nullopt;
  std::string_view value = trim(r.get(kValue));
  if (value.empty()) {
    add_flag(row.flags, "missing:line_item_value");
  } else {
    DecimalParse p = parse_decimal_minor(value, 2);
    if (!p.minor || *p.minor < 0) {
      ctx.reject(i, std::string(kValue),
                 fmt::format("'{}' is not a non-negative USD amount ({})", value, p.minor ? "negative" : p.error));
      return std::nullopt;
    }
    row.value_minor = p.minor;
  }
  return row;
}

void emit(const Adapter& adapter, const SourceRecord& r, std::size_t i, ScmsRow& row, EntitySink& entities,
          MapContext& ctx) {
  std::string_view vendor = trim(r.get(kVendor));
  std::string vendor_id;
  if (vendor.empty()) {
    add_flag(row.flags, "missing:vendor");
  } else {
    vendor_id = entity_id("vendor", slug(vendor));
    entities.add({"vendor", vendor_id, std::string(vendor), "", "{}"});
  }
  std::string_view mode = trim(r.get(kShipmentMode));
  if (mode.empty()) add_flag(row.flags, "missing:shipment_mode");
  else if (is_placeholder(mode)) add_flag(row.flags, "placeholder:shipment_mode");
  const bool have_mode = !mode.empty() && !is_placeholder(mode);
  std::string_view country = trim(r.get(kCountry));
  if (country.empty()) add_flag(row.flags, "missing:country");

  JsonObjectWriter related;
  if (!vendor_id.empty()) related.string("vendor_id", vendor_id);
  const std::string order_id = entity_id("order", "scms-" + row.id);
  auto optional_text = [](JsonObjectWriter& w, std::string_view key, std::string_view value) {
    if (!value.empty()) w.string(key, value);
  };

  if (row.po_sent) {
    CanonicalEvent e = make_event(adapter, EventType::purchase_order_placed, row.id, EntityType::order, order_id,
                                  *row.po_sent, "scms");
    e.related_entity_ids = related.str();
    if (row.value_minor) {
      e.amount_minor = row.value_minor;
      e.currency = std::string(adapter.default_currency());
    }
    JsonObjectWriter a;
    optional_text(a, "vendor", vendor);
    optional_text(a, "country", country);
    if (have_mode) a.string("shipment_mode", mode);
    if (row.scheduled) a.string("scheduled_delivery", format_date(*row.scheduled));
    optional_text(a, "product_group", trim(r.get(kProductGroup)));
    optional_text(a, "po_so_number", trim(r.get(kPoNumber)));
    optional_text(a, "asn_dn_number", trim(r.get(kAsnNumber)));
    optional_text(a, "fulfill_via", trim(r.get(kFulfillVia)));
    e.attributes = a.str();
    e.data_quality_flags = row.flags;
    if (row.delivered && *row.po_sent > *row.delivered)
      add_flag(e.data_quality_flags, "inconsistent:po_sent_after_delivery");
    ctx.emit(std::move(e), i);
  }

  if (row.scheduled && row.delivered && *row.delivered > *row.scheduled) {
    CanonicalEvent e = make_event(adapter, EventType::shipment_delayed, row.id, EntityType::order, order_id,
                                  *row.delivered, "scms");
    e.related_entity_ids = related.str();
    JsonObjectWriter a;
    a.number("days_delayed", static_cast<double>(*row.delivered - *row.scheduled) / static_cast<double>(kMsPerDay));
    if (have_mode) a.string("carrier", mode);
    // SCMS records no ship-from place; the manufacturing site is the nearest thing to an origin.
    std::string_view site = trim(r.get(kSite));
    if (!site.empty() && !country.empty()) a.string("route", fmt::format("{} -> {}", site, country));
    optional_text(a, "origin", site);
    optional_text(a, "destination", country);
    optional_text(a, "vendor", vendor);
    a.string("scheduled_delivery", format_date(*row.scheduled));
    a.string("actual_delivery", format_date(*row.delivered));
    optional_text(a, "product_group", trim(r.get(kProductGroup)));
    optional_text(a, "po_so_number", trim(r.get(kPoNumber)));
    e.attributes = a.str();
    e.data_quality_flags = row.flags;
    ctx.emit(std::move(e), i);
  }
}

}  // namespace

bool is_scms_header(const std::vector<std::string>& header) {
  return has_columns(header, {kId, "Project Code", "PQ #", kPoNumber, kAsnNumber, kCountry, "Managed By", kFulfillVia,
                              "Vendor INCO Term", kShipmentMode, "PQ First Sent to Client Date", kPoSent, kScheduled,
                              kDelivered, "Delivery Recorded Date", kProductGroup, "Sub Classification", kVendor,
                              "Item Description", "Molecule/Test Type", "Brand", "Dosage", "Dosage Form",
                              "Unit of Measure (Per Pack)", "Line Item Quantity", kValue, "Pack Price", "Unit Price",
                              kSite, "First Line Designation", "Weight (Kilograms)", "Freight Cost (USD)",
                              "Line Item Insurance (USD)"});
}

void map_scms(const Adapter& adapter, const std::vector<SourceRecord>& records, const std::vector<std::size_t>& indices,
              MapContext& ctx) {
  FirstSeen ids;
  EntitySink entities(ctx);
  for (std::size_t i : indices)
    if (auto row = check_scms_row(records[i], i, ids, ctx)) emit(adapter, records[i], i, *row, entities, ctx);
}

}  // namespace bre::logistics
