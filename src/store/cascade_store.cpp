#include "bre/store/cascade_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/json_text.h"
#include "bre/store/impact_store.h"
#include "bre/store/incident_store.h"
#include "bre/store/workspace.h"
#include "blast_facts.h"

namespace bre {

namespace {

// "customer_id" -> "customer", "invoice_ids" -> "invoice", "item_id" -> "product"; "" for other keys.
std::string kind_of_related(const std::string& key) {
  std::string kind;
  if (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0) kind = key.substr(0, key.size() - 3);
  else if (key.size() > 4 && key.compare(key.size() - 4, 4, "_ids") == 0) kind = key.substr(0, key.size() - 4);
  return kind == "item" ? "product" : kind;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return {};
}

// The body of a single-quoted SQL string literal holding `text`.
std::string sql_quoted_body(const std::string& text) {
  std::string out;
  for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out;
}

DayNumber day_column(const Statement& s, int col, const std::string& id) {
  const auto t = parse_date(s.text_view(col));
  if (!t) throw_internal("incident " + id + " has a malformed window");
  return day_of(*t);
}

}  // namespace

std::vector<std::string> event_entity_keys(const std::string& entity_type, const std::string& entity_id,
                                           const std::string& related_entity_ids_json) {
  std::vector<std::string> keys{entity_type + ":" + entity_id};
  const nlohmann::json related = nlohmann::json::parse(related_entity_ids_json, nullptr, false);
  if (!related.is_object()) return keys;
  for (const auto& [key, value] : related.items()) {
    const std::string kind = kind_of_related(key);
    if (kind.empty()) continue;
    if (value.is_array()) {
      for (const auto& v : value)
        if (const std::string id = text_of(v); !id.empty()) keys.push_back(kind + ":" + id);
    } else if (const std::string id = text_of(value); !id.empty()) {
      keys.push_back(kind + ":" + id);
    }
  }
  return keys;
}

std::vector<std::string> party_keys(const std::vector<std::string>& raw_keys,
                                    const std::map<std::string, std::string>& customer_of) {
  std::set<std::string> out;
  for (const std::string& k : raw_keys) {
    if (k.rfind("customer:", 0) == 0 || k.rfind("vendor:", 0) == 0) out.insert(k);
    else if (const auto it = customer_of.find(k); it != customer_of.end()) out.insert(it->second);
  }
  return {out.begin(), out.end()};
}

CascadeInputs load_cascade_inputs(Database& db, const BlastFacts& facts) {
  std::set<std::string> false_alarms;
  CascadeInputs in;
  const BusinessTime clock = business_time(db);
  for (const LabelledWindow& w : windows_labelled_normal(db))
    if (w.label == "not_anomaly") false_alarms.insert(w.incident_id);
  Statement s = db.prepare(
      "SELECT incident_id, incident_type, severity, window_start, window_end, detected_at, "
      "json_extract(payload, '$.primary_metric') FROM incidents ORDER BY window_start, incident_id");
  std::vector<std::vector<std::string>> raw;
  std::set<std::string> to_map;  // order, invoice and payment keys seen
  while (s.step()) {
    const std::string id = s.text(0);
    if (false_alarms.count(id)) {
      in.left_out.push_back(id);
      continue;
    }
    CascadeIncident inc{id, s.text(1), s.text(2), day_column(s, 3, id), day_column(s, 4, id), s.int64(5), {},
                        s.is_null(6) ? std::string() : s.text(6)};
    // The parties of its affected events (the bad ones: late orders, delayed
    // shipments, overdue invoices; docs/blast-radius.md), not of all the
    // events behind its metric: a late-delivery incident's metric reads every
    // delivery, but the customers it hurt are those whose orders were late.
    std::vector<std::string> keys;
    std::string types;
    for (const std::string& t : affected_event_types(inc.incident_type))
      types += (types.empty() ? "" : ",") + json_string(t);
    if (!types.empty()) {
      std::string where = "event_type IN (" + types + ") AND event_time >= ? AND event_time < ?";
      if (inc.incident_type == "customer_satisfaction_regression") where += " AND json_extract(attributes, '$.score') <= 2";
      Statement ev = db.prepare("SELECT entity_type, entity_id, related_entity_ids FROM live_events WHERE " + where);
      const auto range = clock.days(inc.window_start, inc.window_end);
      ev.bind(1, range.from).bind(2, range.until);
      while (ev.step())
        for (std::string& k : event_entity_keys(ev.text(0), ev.text(1), ev.text(2))) {
          if (k.rfind("order:", 0) == 0 || k.rfind("invoice:", 0) == 0 || k.rfind("payment:", 0) == 0) to_map.insert(k);
          keys.push_back(std::move(k));
        }
    }
    raw.push_back(std::move(keys));
    in.incidents.push_back(std::move(inc));
  }
  // An order or invoice with an issue event (order_placed, invoice_issued)
  // belongs to the customer its latest issue names, as the blast radius reads
  // it (none if that issue names none). Any other key (a payment, an order
  // the data never shows placed) belongs to the customer named by its first
  // event that names one: that lookup reads the whole table, so only those
  // keys go to it, as SQL literals.
  std::map<std::string, std::string> customer_of;
  std::string unresolved;
  for (const std::string& key : to_map) {
    const std::size_t colon = key.find(':');
    const std::string_view kind(key.data(), colon), id(key.data() + colon + 1, key.size() - colon - 1);
    std::optional<std::uint32_t> customer;
    if (kind == "order") {
      if (const BlastFacts::Order* o = facts.order(id)) customer = o->customer;
    } else if (kind == "invoice") {
      if (const BlastFacts::Invoice* i = facts.invoice(id)) customer = i->customer;
    }
    if (!customer) unresolved += (unresolved.empty() ? "'" : ",'") + sql_quoted_body(key) + "'";
    else if (*customer != BlastFacts::kNone) customer_of.emplace(key, "customer:" + facts.name(*customer));
  }
  if (!unresolved.empty()) {
    Statement c = db.prepare(
        "SELECT entity_type || ':' || entity_id, event_time, event_id, json_extract(related_entity_ids, '$.customer_id') "
        "FROM live_events WHERE entity_type IN ('order', 'invoice', 'payment') AND entity_type || ':' || entity_id IN (" +
        unresolved + ") AND json_extract(related_entity_ids, '$.customer_id') IS NOT NULL");
    std::map<std::string, std::pair<std::int64_t, std::string>> first;  // the key's first such event: (time, id)
    while (c.step()) {
      std::pair<std::int64_t, std::string> at{c.int64(1), c.text(2)};
      auto [it, fresh] = first.try_emplace(c.text(0), at);
      if (!fresh && at >= it->second) continue;
      it->second = std::move(at);
      customer_of[it->first] = "customer:" + c.text(3);
    }
  }
  for (std::size_t i = 0; i < raw.size(); ++i) in.incidents[i].entities = party_keys(raw[i], customer_of);
  return in;
}

void store_cascades(Database& db, const std::vector<IncidentCascade>& cascades, const std::string& run_id) {
  db.exec("DELETE FROM cascades");
  db.exec("UPDATE incidents SET payload = json_set(payload, '$.cascade_id', json('null')) "
          "WHERE json_extract(payload, '$.cascade_id') IS NOT NULL");
  Statement ins = db.prepare("INSERT INTO cascades(cascade_id, root_incident_id, payload, run_id) VALUES(?,?,?,?)");
  Statement member = db.prepare("UPDATE incidents SET payload = json_set(payload, '$.cascade_id', ?) WHERE incident_id = ?");
  for (const IncidentCascade& c : cascades) {
    ins.bind(1, c.cascade_id).bind(2, c.root_incident_id).bind(3, cascade_json(c)).bind(4, run_id).run();
    for (const std::string& id : c.incident_ids) member.bind(1, c.cascade_id).bind(2, id).run();
  }
}

std::vector<std::string> list_cascades(Database& db, const CascadeFilter& f) {
  Statement s = db.prepare(
      "SELECT payload FROM cascades WHERE (?1 = '' OR json_extract(payload, '$.window_end') >= ?1) "
      "AND (?2 = '' OR json_extract(payload, '$.window_start') <= ?2) "
      "AND (?3 = '' OR EXISTS (SELECT 1 FROM json_each(payload, '$.cascade_path') p WHERE p.value = ?3)) "
      "ORDER BY json_extract(payload, '$.window_start'), cascade_id");
  s.bind(1, f.from).bind(2, f.to).bind(3, f.type);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::string find_cascade(Database& db, const std::string& cascade_id) {
  Statement s = db.prepare("SELECT payload FROM cascades WHERE cascade_id = ?");
  s.bind(1, cascade_id);
  if (!s.step()) throw Error(ErrorKind::not_found, "CASCADE_NOT_FOUND", "no such cascade", cascade_id);
  return s.text(0);
}

}  // namespace bre
