#include "bre/state/metric_event.h"

#include <simdjson.h>

#include <charconv>

#include "bre/core/time.h"
#include "bre/state/state_accumulator.h"

namespace bre {

namespace od = simdjson::ondemand;

DayNumber day_of(TimeMs t) { return floor_day(t); }

std::string format_day(DayNumber d) { return format_date(d * kMsPerDay); }

std::uint32_t Interner::id(std::string_view s) {
  auto it = ids_.find(std::string(s));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(s);
  ids_.emplace(names_.back(), id);
  return id;
}

namespace {

std::string_view measured_attribute(EventType t) {
  switch (t) {
    case EventType::invoice_paid: return "days_to_pay";
    case EventType::invoice_overdue: return "balance_remaining";
    case EventType::order_late: return "days_late";
    case EventType::shipment_delayed: return "days_delayed";
    case EventType::support_ticket_closed: return "resolution_time_hours";
    case EventType::review_submitted: return "score";
    default: return {};
  }
}

// One parser per thread: the state builder reads events in one loop.
od::parser& parser() {
  thread_local od::parser p;
  return p;
}

// Reads `key` of a small JSON object as a number, or as text for ids.
struct ObjectReader {
  simdjson::padded_string text;
  explicit ObjectReader(std::string_view json) : text(json) {}

  std::optional<double> number(std::string_view key) {
    od::document doc;
    if (parser().iterate(text).get(doc)) return std::nullopt;
    od::object obj;
    if (doc.get_object().get(obj)) return std::nullopt;
    od::value v;
    if (obj.find_field_unordered(key).get(v)) return std::nullopt;
    double d;
    if (v.get_double().get(d)) return std::nullopt;
    return d;
  }
  std::optional<std::string> string(std::string_view key) {
    od::document doc;
    if (parser().iterate(text).get(doc)) return std::nullopt;
    od::object obj;
    if (doc.get_object().get(obj)) return std::nullopt;
    std::string_view s;
    if (obj.find_field_unordered(key).get_string().get(s)) return std::nullopt;
    return std::string(s);
  }
  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    od::document doc;
    if (parser().iterate(text).get(doc)) return out;
    od::object obj;
    if (doc.get_object().get(obj)) return out;
    od::array arr;
    if (obj.find_field_unordered(key).get_array().get(arr)) return out;
    for (auto item : arr) {
      std::string_view s;
      if (!item.get_string().get(s)) out.emplace_back(s);
    }
    return out;
  }
};

}  // namespace

StateEvent read_state_event(EventType type, TimeMs time, std::string_view entity_type, std::string_view entity_id,
                            std::string_view source, std::optional<std::int64_t> amount_minor,
                            std::string_view related_entity_ids, std::string_view attributes,
                            const BusinessTime& clock, int currency_digits, StateEventText& text) {
  StateEvent e;
  e.type = type;
  e.day = clock.local_day(time);
  e.amount_minor = amount_minor.value_or(0);
  e.entity = entity_id;
  e.source = source;
  if (entity_type == "customer") {
    e.customer = entity_id;
  } else if (related_entity_ids.size() > 2) {
    ObjectReader related(related_entity_ids);
    if (auto c = related.string("customer_id")) text.customer = std::move(*c), e.customer = text.customer;
  }
  if (auto key = measured_attribute(type); !key.empty()) {
    ObjectReader attrs(attributes);
    if (auto v = attrs.number(key)) e.value = *v;
    // The open balance is money: prefer the exact amount when the source gave one.
    if (type == EventType::invoice_overdue)
      e.value = amount_minor ? static_cast<double>(*amount_minor) : std::round(e.value * std::pow(10.0, currency_digits));
  }
  if (type == EventType::expense_paid && attributes.size() > 2) {
    ObjectReader attrs(attributes);
    text.bills = attrs.strings("bill_ids");
    e.bills.assign(text.bills.begin(), text.bills.end());
  }
  return e;
}

void add_metric_event(MetricEvents& out, EventType type, TimeMs time, std::string_view entity_type,
                      std::string_view entity_id, std::string_view source, std::optional<std::int64_t> amount_minor,
                      std::string_view related_entity_ids, std::string_view attributes) {
  StateEventText text;
  const StateEvent s = read_state_event(type, time, entity_type, entity_id, source, amount_minor, related_entity_ids,
                                        attributes, out.business_time, out.currency_digits, text);
  MetricEvent e;
  e.type = s.type;
  e.day = s.day;
  e.amount_minor = s.amount_minor;
  e.value = s.value;
  e.entity = out.ids.id(s.entity);
  e.source = out.sources.id(s.source);
  if (s.customer) e.customer = out.ids.id(*s.customer);
  e.first_link = static_cast<std::uint32_t>(out.links.size());
  for (std::string_view bill : s.bills) out.links.push_back(out.ids.id(bill));
  e.link_count = static_cast<std::uint32_t>(out.links.size()) - e.first_link;
  out.events.push_back(e);
}

}  // namespace bre
