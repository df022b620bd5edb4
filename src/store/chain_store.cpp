#include "bre/store/chain_store.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/json_text.h"
#include "bre/core/time.h"
#include "bre/store/workspace.h"

namespace bre {

std::vector<RcaIncident> load_rca_incidents(Database& db, const std::optional<std::string>& incident_id) {
  std::string sql =
      "SELECT incident_id, incident_type, json_extract(payload, '$.primary_metric'), window_start, window_end "
      "FROM incidents";
  if (incident_id) sql += " WHERE incident_id = ?";
  Statement s = db.prepare(sql + " ORDER BY window_start, incident_id");
  if (incident_id) s.bind(1, *incident_id);
  std::vector<RcaIncident> out;
  while (s.step()) {
    RcaIncident inc;
    inc.incident_id = s.text(0);
    inc.incident_type = s.text(1);
    inc.metric = s.is_null(2) ? "" : s.text(2);
    inc.window_start = parse_date(s.text(3)).value_or(0) / kMsPerDay;
    inc.window_end = parse_date(s.text(4)).value_or(0) / kMsPerDay;
    out.push_back(std::move(inc));
  }
  if (incident_id && out.empty())
    throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no incident " + *incident_id);
  return out;
}

std::map<std::string, double> metric_quality_weights(Database& db) {
  Statement s = db.prepare(
      "SELECT metric, SUM(weight * events) / SUM(events) FROM metric_quality_weights WHERE events > 0 "
      "GROUP BY metric");
  std::map<std::string, double> out;
  while (s.step()) out[s.text(0)] = s.real(1);
  return out;
}

std::map<std::string, std::string> entity_names(Database& db) {
  Statement s = db.prepare("SELECT kind, entity_id, display_name FROM entities");
  std::map<std::string, std::string> out;
  while (s.step()) out[s.text(0) + ":" + s.text(1)] = s.text(2);
  return out;
}

std::vector<EvidenceEvent> load_evidence_events(Database& db, const EvidenceSpec& spec, DayNumber from, DayNumber to) {
  std::string types;
  for (EventType t : spec.event_types) types += (types.empty() ? "" : ",") + json_string(to_string(t));
  Statement s = db.prepare(fmt::format(
      "SELECT event_id, event_time, COALESCE(amount_minor, 0), entity_type, entity_id, "
      "json_extract(related_entity_ids, '$.customer_id'), json_extract(related_entity_ids, '$.vendor_id'), "
      "json_extract(related_entity_ids, '$.seller_id'), "
      "COALESCE(json_extract(related_entity_ids, '$.product_id'), "
      "json_extract(related_entity_ids, '$.product_ids[0]'), "
      "json_extract(attributes, '$.line_items[0].item_id')), "
      "json_extract(attributes, '$.category'), json_extract(attributes, '$.reason'), "
      "json_extract(attributes, '$.carrier'), json_extract(attributes, ?), json_extract(attributes, '$.score'), "
      "json_extract(related_entity_ids, '$.seller_ids') "
      "FROM live_events WHERE event_type IN ({}) AND event_time >= ? AND event_time < ? ORDER BY event_time, event_id",
      types));
  const BusinessTime clock = business_time(db);
  const auto range = clock.days(from, to);
  s.bind(1, "$." + (spec.measure.empty() ? std::string("__none") : spec.measure))
      .bind(2, range.from)
      .bind(3, range.until);
  std::vector<EvidenceEvent> out;
  while (s.step()) {
    if (spec.max_score > 0 && (s.is_null(13) || s.real(13) > spec.max_score)) continue;
    EvidenceEvent e;
    e.event_id = s.text(0);
    e.day = clock.local_day(s.int64(1));
    e.amount_minor = s.int64(2);
    const std::string entity_type = s.text(3);
    if (entity_type == "customer" || entity_type == "vendor" || entity_type == "product")
      e.entities.push_back({entity_type, s.text(4)});
    static const char* const dims[] = {"customer", "vendor", "seller", "product", "category", "reason", "carrier"};
    for (int i = 0; i < 7; ++i) {
      if (s.is_null(5 + i)) continue;
      std::pair<std::string, std::string> key{dims[i], s.text(5 + i)};
      if (std::find(e.entities.begin(), e.entities.end(), key) == e.entities.end()) e.entities.push_back(key);
    }
    // An order from a marketplace names every seller of its items
    // (seller_ids, Olist): it belongs to each seller's group.
    if (!s.is_null(14))
      if (const auto sellers = nlohmann::json::parse(s.text(14), nullptr, false); sellers.is_array())
        for (const auto& seller : sellers)
          if (seller.is_string()) {
            std::pair<std::string, std::string> key{"seller", seller.get<std::string>()};
            if (std::find(e.entities.begin(), e.entities.end(), key) == e.entities.end()) e.entities.push_back(key);
          }
    if (!s.is_null(12)) e.measure = s.real(12);
    out.push_back(std::move(e));
  }
  return out;
}

void store_chain(Database& db, const std::string& incident_id, const std::string& chain_json, const std::string& run_id,
                 const std::optional<ChainBasis>& basis) {
  Statement s = db.prepare(
      "INSERT INTO causal_chains(incident_id, payload, run_id, basis) VALUES(?,?,?,?) "
      "ON CONFLICT(incident_id) DO UPDATE SET payload = excluded.payload, run_id = excluded.run_id, "
      "basis = excluded.basis");
  s.bind(1, incident_id).bind(2, chain_json).bind(3, run_id);
  if (basis)  // "<inputs> <events rowid> <superseded rowid> <read-through day>"
    s.bind(4, fmt::format("{} {} {} {}", basis->inputs, basis->log_end.events, basis->log_end.superseded,
                          basis->read_through));
  s.run();
}

void prune_chains(Database& db) {
  db.exec("DELETE FROM causal_chains WHERE incident_id NOT IN (SELECT incident_id FROM incidents)");
}

std::optional<StoredChain> find_chain_with_basis(Database& db, const std::string& incident_id) {
  Statement s = db.prepare("SELECT payload, basis FROM causal_chains WHERE incident_id = ?");
  s.bind(1, incident_id);
  if (!s.step()) return std::nullopt;
  StoredChain out{s.text(0), std::nullopt};
  if (!s.is_null(1)) {
    std::istringstream in(s.text(1));
    ChainBasis b;
    if (in >> b.inputs >> b.log_end.events >> b.log_end.superseded >> b.read_through) out.basis = std::move(b);
  }
  return out;
}

std::optional<std::string> find_chain(Database& db, const std::string& incident_id) {
  Statement s = db.prepare("SELECT payload FROM causal_chains WHERE incident_id = ?");
  s.bind(1, incident_id);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

}  // namespace bre
