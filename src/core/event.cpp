#include "bre/core/event.h"

#include <array>
#include <charconv>

#include "bre/core/hash.h"

namespace bre {

namespace {

constexpr std::array<std::string_view, kEventTypeCount> kEventNames = {
    "invoice_issued", "invoice_paid", "invoice_overdue", "payment_received", "expense_posted", "expense_paid",
    "refund_issued", "credit_memo_issued", "order_placed", "order_delivered", "order_late",
    "purchase_order_placed", "inventory_low", "shipment_delayed", "customer_created", "customer_updated",
    "support_ticket_opened", "support_ticket_closed", "review_submitted", "customer_churned",
};
constexpr std::array<std::string_view, kEntityTypeCount> kEntityNames = {
    "customer", "order", "invoice", "ticket", "product", "vendor", "payment", "expense",
};

constexpr RequiredAttr kInvoiceIssued[] = {{"due_date", AttrKind::date}};
constexpr RequiredAttr kInvoicePaid[] = {{"days_to_pay", AttrKind::nonneg_number}};
constexpr RequiredAttr kInvoiceOverdue[] = {{"balance_remaining", AttrKind::nonneg_number},
                                            {"days_overdue", AttrKind::nonneg_number}};
constexpr RequiredAttr kOrderLate[] = {{"days_late", AttrKind::nonneg_number}};
constexpr RequiredAttr kShipmentDelayed[] = {{"days_delayed", AttrKind::nonneg_number}};
constexpr RequiredAttr kTicketClosed[] = {{"resolution_time_hours", AttrKind::nonneg_number}};
constexpr RequiredAttr kReview[] = {{"score", AttrKind::score_1_to_5}};

using D = Domain;
using E = EventType;
const std::array<EventContract, kEventTypeCount> kContracts = {{
    {E::invoice_issued, D::financial, true, kInvoiceIssued},
    {E::invoice_paid, D::financial, true, kInvoicePaid},
    {E::invoice_overdue, D::financial, false, kInvoiceOverdue},
    {E::payment_received, D::financial, true, {}},
    {E::expense_posted, D::financial, true, {}},
    {E::expense_paid, D::financial, true, {}},
    {E::refund_issued, D::financial, true, {}},
    {E::credit_memo_issued, D::financial, true, {}},
    {E::order_placed, D::operational, false, {}},
    {E::order_delivered, D::operational, false, {}},
    {E::order_late, D::operational, false, kOrderLate},
    {E::purchase_order_placed, D::operational, false, {}},
    {E::inventory_low, D::operational, false, {}},
    {E::shipment_delayed, D::operational, false, kShipmentDelayed},
    {E::customer_created, D::customer, false, {}},
    {E::customer_updated, D::customer, false, {}},
    {E::support_ticket_opened, D::customer, false, {}},
    {E::support_ticket_closed, D::customer, false, kTicketClosed},
    {E::review_submitted, D::customer, false, kReview},
    {E::customer_churned, D::customer, false, {}},
}};

}  // namespace

std::string_view to_string(EventType t) { return kEventNames[static_cast<std::size_t>(t)]; }
std::string_view to_string(EntityType t) { return kEntityNames[static_cast<std::size_t>(t)]; }
std::string_view to_string(Domain d) {
  switch (d) {
    case Domain::financial: return "financial";
    case Domain::operational: return "operational";
    case Domain::customer: return "customer";
  }
  return "financial";
}

std::optional<EventType> parse_event_type(std::string_view s) {
  for (std::size_t i = 0; i < kEventNames.size(); ++i)
    if (kEventNames[i] == s) return static_cast<EventType>(i);
  return std::nullopt;
}

std::optional<EntityType> parse_entity_type(std::string_view s) {
  for (std::size_t i = 0; i < kEntityNames.size(); ++i)
    if (kEntityNames[i] == s) return static_cast<EntityType>(i);
  return std::nullopt;
}

const EventContract& contract(EventType t) { return kContracts[static_cast<std::size_t>(t)]; }

std::string derive_event_id(std::string_view source, std::string_view source_entity_id, EventType type,
                            int mapping_version, std::string_view discriminator) {
  // Called once per ingested event: one reused key buffer, and the id written
  // straight from the digest ("ev_" + the first 32 hex digits of the SHA-256).
  thread_local std::string key;
  key.clear();
  key.append(source).push_back('\x1f');
  key.append(source_entity_id).push_back('\x1f');
  key.append(to_string(type)).push_back('\x1f');
  char version[16];
  key.append(version, static_cast<std::size_t>(std::to_chars(version, version + sizeof version, mapping_version).ptr - version));
  key.push_back('\x1f');
  key.append(discriminator);
  unsigned char digest[32];
  sha256(key, digest);
  std::string id;
  id.reserve(35);
  id.append("ev_");
  append_hex(id, digest, 16);
  return id;
}

}  // namespace bre
