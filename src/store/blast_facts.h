// What every blast radius reads beyond its window's events (impact_store.h):
// orders and invoices by id, each customer's ledger, the currency. A scan at
// 10^7 events holds about 1.5 million orders and as many invoices, so they
// are kept compact: one sorted array entry each, naming customers, vendors
// and products by index into one pool of ids, instead of map nodes that own
// their strings (which made this the largest allocation of a scan).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bre/core/time.h"
#include "bre/impact/blast_radius.h"

namespace bre {

class Workspace;

struct BlastFacts {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // The latest issue of an order (by event time, then event id) names its
  // customer and vendor; its amount is the latest issue's that has one.
  struct Order {
    std::uint32_t customer = kNone, vendor = kNone;
    std::optional<std::int64_t> amount;
  };
  // The latest issue of an invoice: its amount, customer and line items.
  struct Invoice {
    std::int64_t amount = 0;
    std::uint32_t customer = kNone;
    std::uint32_t products_from = 0, products_count = 0;  // in invoice_products
  };
  // One customer's money and purchase events, by day: what their history as
  // of any incident is computed from.
  struct LedgerEntry {
    DayNumber day;
    char kind;  // p payment, r refund or credit memo, o order, c churn
    std::int64_t amount;
  };

  // Every payment's or refund's amount by day, customer or not, summed from
  // the first day on: trailing revenue over any span in two lookups.
  struct DayTotals {
    std::vector<DayNumber> days;             // ascending
    std::vector<std::int64_t> through;       // the sum over days[0..i]
    std::int64_t between(DayNumber from, DayNumber to) const;  // days from..to, both included
  };

  const Order* order(std::string_view id) const;
  const Invoice* invoice(std::string_view id) const;
  std::string name(std::uint32_t index) const;  // "" for kNone
  std::vector<std::string> products(const Invoice& i) const;

  std::vector<std::pair<std::string, Order>> orders;      // sorted by id
  std::vector<std::pair<std::string, Invoice>> invoices;  // sorted by id
  std::vector<std::uint32_t> invoice_products;
  std::vector<std::string> names;                                // customer, vendor and product ids
  std::map<std::string, std::vector<LedgerEntry>> ledgers;  // by customer id, each sorted by day
  DayTotals paid, refunded;  // payment_received; refund_issued and credit_memo_issued
  std::string currency;
  int digits = 2;
  // The blast radii computed from these facts, by their joined incident ids.
  // Facts live for one command, and incidents and cascades are stored before
  // the first radius is asked for, so a radius asked for again (an incident's
  // in rca, then in its postmortem) is the same one.
  mutable std::map<std::string, BlastRadius> radii;
};

// Reading the JSON columns of an event row, shared with impact_store.cpp.
namespace blast_json {
nlohmann::json parse_object(std::string_view text);  // {} when not an object
std::string text_field(const nlohmann::json& obj, const char* key);  // "" when absent or null
std::vector<std::string> line_item_products(const nlohmann::json& attributes);
}  // namespace blast_json

}  // namespace bre
