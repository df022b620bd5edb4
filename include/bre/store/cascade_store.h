// What the cascade correlator reads and writes in the workspace: each
// incident's parties (from its affected events in live_events — the late
// orders, delayed shipments, overdue invoices of its window, as the blast
// radius counts them — mapped to the customers and vendors behind them), and the cascades of the
// latest correlation run, with each member incident's payload cascade_id.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/correlate/cascades.h"
#include "bre/store/sqlite.h"

namespace bre {

// The entity keys an event names: its own "entity_type:entity_id" and one per
// related id ("customer_id": "1034" -> "customer:1034"; arrays such as
// "invoice_ids" give one key each; item_id is a product). Pure.
std::vector<std::string> event_entity_keys(const std::string& entity_type, const std::string& entity_id,
                                           const std::string& related_entity_ids_json);

// The parties behind entity keys: customer and vendor keys as they are; an
// order, invoice or payment becomes its customer as `customer_of` maps it
// (an order or invoice with an issue event: the customer its latest issue
// names; any other: the related customer_id of its first event that has one);
// anything else (tickets, products, expenses, shipments) is dropped. Sorted,
// without duplicates. Pure.
std::vector<std::string> party_keys(const std::vector<std::string>& raw_keys,
                                    const std::map<std::string, std::string>& customer_of);

struct CascadeInputs {
  std::vector<CascadeIncident> incidents;  // entities: party keys of the affected events
  std::vector<std::string> left_out;       // incidents labelled not_anomaly (false alarms)
};
struct BlastFacts;  // store/impact_store.h: the documents' customers
// Every stored incident except those whose latest label is not_anomaly.
CascadeInputs load_cascade_inputs(Database& db, const BlastFacts& facts);

// Replaces the stored cascades in the caller's transaction and sets each
// incident's payload cascade_id (null for incidents in none).
void store_cascades(Database& db, const std::vector<IncidentCascade>& cascades, const std::string& run_id);

struct CascadeFilter {
  std::string from, to;  // YYYY-MM-DD: cascades whose span (first start .. last end) touches [from, to]
  std::string type;      // an incident type among the members
};
// Stored payloads, earliest root window first.
std::vector<std::string> list_cascades(Database& db, const CascadeFilter& filter);
// not_found (CASCADE_NOT_FOUND) for an unknown id.
std::string find_cascade(Database& db, const std::string& cascade_id);

}  // namespace bre
