// What the state builder needs from a canonical event, and nothing more,
// as a list held in memory: tests and callers that build events by hand.
// Strings (entity, customer, source ids) are interned to dense integers.
// bre build-state itself streams the stored events (state_accumulator.h).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/core/event.h"

namespace bre {

// The UTC date of an instant: for a date parsed from text (midnight UTC)
// its DayNumber. Event times go through BusinessTime::local_day instead.
DayNumber day_of(TimeMs t);
std::string format_day(DayNumber d);  // YYYY-MM-DD

inline constexpr std::uint32_t kNoId = std::numeric_limits<std::uint32_t>::max();

struct MetricEvent {
  EventType type = EventType::order_placed;
  DayNumber day = 0;
  std::int64_t amount_minor = 0;  // 0 when the event carries no amount
  // The type's measured attribute: days_to_pay, balance_remaining (minor
  // units), days_late, days_delayed, resolution_time_hours or score; NaN
  // for types without one.
  double value = std::numeric_limits<double>::quiet_NaN();
  std::uint32_t entity = kNoId;    // entity_id (order, ticket, invoice, expense, ...)
  std::uint32_t customer = kNoId;  // related customer_id, or entity_id of a customer event
  std::uint32_t source = kNoId;
  std::uint32_t first_link = 0, link_count = 0;  // expense_paid: the bills it pays, in MetricEvents::links
};

class Interner {
 public:
  std::uint32_t id(std::string_view s);
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::string> names_;
};

struct MetricEvents {
  std::vector<MetricEvent> events;
  std::vector<std::uint32_t> links;
  Interner ids;      // entities and customers share one space
  Interner sources;
  int currency_digits = 2;  // of the workspace's home currency
  BusinessTime business_time;  // an event's day is its local date in this zone
};

// The fields of one live event as stored (attributes and related ids as
// canonical JSON text). Unknown or malformed attribute values leave `value`
// NaN; the event codec has already enforced each type's contract.
void add_metric_event(MetricEvents& out, EventType type, TimeMs time, std::string_view entity_type,
                      std::string_view entity_id, std::string_view source, std::optional<std::int64_t> amount_minor,
                      std::string_view related_entity_ids, std::string_view attributes);

}  // namespace bre
