// The canonical event (canonical_v1): the one record every source is mapped
// to. Everything downstream (metrics, incidents, chains) is derived from these.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/time.h"

namespace bre {

inline constexpr std::string_view kCanonicalSchemaVersion = "canonical_v1";

enum class EventType : std::uint8_t {
  invoice_issued, invoice_paid, invoice_overdue, payment_received, expense_posted, expense_paid,
  refund_issued, credit_memo_issued,
  order_placed, order_delivered, order_late, purchase_order_placed, inventory_low, shipment_delayed,
  customer_created, customer_updated, support_ticket_opened, support_ticket_closed, review_submitted,
  customer_churned,
};
inline constexpr int kEventTypeCount = 20;

enum class EntityType : std::uint8_t { customer, order, invoice, ticket, product, vendor, payment, expense };
inline constexpr int kEntityTypeCount = 8;

enum class Domain : std::uint8_t { financial, operational, customer };

std::string_view to_string(EventType t);
std::string_view to_string(EntityType t);
std::string_view to_string(Domain d);
std::optional<EventType> parse_event_type(std::string_view s);
std::optional<EntityType> parse_entity_type(std::string_view s);

// What a record of each type must carry; checked for every source.
enum class AttrKind : std::uint8_t {
  nonneg_number,  // a JSON number >= 0
  score_1_to_5,   // an integer 1..5
  date,           // "YYYY-MM-DD" or an ISO-8601 timestamp
  text,           // a JSON string
};
struct RequiredAttr {
  std::string_view name;
  AttrKind kind;
};
struct EventContract {
  EventType type;
  Domain domain;
  bool amount_required;  // money events must say how much
  std::span<const RequiredAttr> required;
};
const EventContract& contract(EventType t);

struct CanonicalEvent {
  std::string event_id;
  EventType event_type = EventType::order_placed;
  TimeMs event_time = 0;
  TimeMs ingested_at = 0;
  std::string source;
  std::string source_entity_id;
  EntityType entity_type = EntityType::order;
  std::string entity_id;
  std::string related_entity_ids = "{}";  // canonical JSON object text
  std::optional<std::int64_t> amount_minor;  // in currency's minor units
  std::string currency;                      // ISO 4217; empty when no amount
  std::string attributes = "{}";             // canonical JSON object text
  std::vector<std::string> data_quality_flags;
  int mapping_version = 1;

  bool operator==(const CanonicalEvent&) const = default;
};

// Content-derived id (cli.md §4): the same source record mapped by the same
// mapping version always gets the same id, so re-ingesting is a no-op.
// `discriminator` separates several events of one type from one entity
// (e.g. the due date of an invoice_overdue, a SyncToken, an event time).
std::string derive_event_id(std::string_view source, std::string_view source_entity_id, EventType type,
                            int mapping_version, std::string_view discriminator);

}  // namespace bre
