#include "bre/compare/incident_comparison.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/core/severity.h"
#include "bre/simulate/what_if.h"  // incident_type_title: one way to name a type in a narrative

namespace bre {

namespace {

using Json = nlohmann::ordered_json;

std::string text(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

double number(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}


std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// The blast radius facts compared, and the difference b − a of the numbers.
constexpr const char* kBlastNumbers[] = {"customers_affected", "orders_affected", "invoices_affected",
                                         "vendors_involved", "estimated_revenue_exposure", "overdue_amount",
                                         "estimated_churn_exposure"};

Json blast_side(const Json& b) {
  if (!b.is_object()) return nullptr;
  Json out;
  for (const char* k : kBlastNumbers) out[k] = b.value(k, Json(0));
  out["blast_radius_severity"] = text(b, "blast_radius_severity");
  out["currency"] = text(b, "currency");
  return out;
}

// Evidence clusters of every node on a chain's paths, keyed by the metric and
// the entity (the "all" clusters are the window's totals, not an entity).
struct ClusterKey {
  std::string metric, entity_type, entity_id;
  auto operator<=>(const ClusterKey&) const = default;
};
std::map<ClusterKey, Json> clusters_of(const Json& chain) {
  std::map<ClusterKey, Json> out;
  for (const auto& p : chain.value("paths", Json::array()))
    for (const auto& n : p.value("nodes", Json::array()))
      for (const auto& c : n.value("evidence_clusters", Json::array())) {
        if (text(c, "entity_type") == "all" || !c.contains("entity_id") || !c["entity_id"].is_string()) continue;
        ClusterKey key{text(n, "metric_name"), text(c, "entity_type"), c["entity_id"].get<std::string>()};
        out.try_emplace(key, c);
      }
  return out;
}

Json cluster_brief(const ClusterKey& k, const Json& c) {
  return {{"metric", k.metric},          {"cluster_label", text(c, "cluster_label")},
          {"entity_type", k.entity_type}, {"entity_id", k.entity_id},
          {"event_count", c.value("event_count", Json(0))}, {"total_amount", c.value("total_amount", Json(0))},
          {"summary", text(c, "summary")}};
}

Json cluster_differences(const Json& chain_a, const Json& chain_b) {
  const auto a = clusters_of(chain_a), b = clusters_of(chain_b);
  Json only_a = Json::array(), only_b = Json::array(), shared = Json::array();
  for (const auto& [k, c] : a) {
    const auto other = b.find(k);
    if (other == b.end()) {
      only_a.push_back(cluster_brief(k, c));
      continue;
    }
    const double count_a = number(c, "event_count"), count_b = number(other->second, "event_count");
    const double amount_a = number(c, "total_amount"), amount_b = number(other->second, "total_amount");
    shared.push_back({{"metric", k.metric},
                      {"cluster_label", text(c, "cluster_label")},
                      {"entity_type", k.entity_type},
                      {"entity_id", k.entity_id},
                      {"event_count", {{"a", count_a}, {"b", count_b}, {"change", count_b - count_a}}},
                      {"total_amount", {{"a", amount_a}, {"b", amount_b}, {"change", amount_b - amount_a}}}});
  }
  for (const auto& [k, c] : b)
    if (!a.count(k)) only_b.push_back(cluster_brief(k, c));
  return {{"only_in_a", only_a}, {"only_in_b", only_b}, {"shared", shared}};
}

// The strongest entity behind a chain's root: its root node's first cluster
// that names an entity ("56 shipment delays from vendor 500 ...").
std::string root_evidence(const Json& chain) {
  const std::string root = text(chain, "root_cause");
  for (const auto& p : chain.value("paths", Json::array()))
    for (const auto& n : p.value("nodes", Json::array()))
      if (text(n, "metric_name") == root)
        for (const auto& c : n.value("evidence_clusters", Json::array()))
          if (text(c, "entity_type") != "all") return text(c, "summary");
  return {};
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return out;
}

// "the 2026-03-01 one was driven by supplier_delay_rate (56 shipment delays from vendor 500 ...)"
std::string side_cause(const Json& incident, const Json& chain, const char* verb) {
  std::string out = fmt::format("the {} one {}{}", text(incident, "incident_window_start"), verb, text(chain, "root_cause"));
  if (const std::string ev = root_evidence(chain); !ev.empty()) out += " (" + ev + ")";
  return out;
}

std::string blast_text(const Json& b) {
  if (!b.is_object()) return "no stored blast radius";
  return fmt::format("{} customers and {} orders affected, {} blast radius", b["customers_affected"].dump(),
                     b["orders_affected"].dump(), b["blast_radius_severity"].get<std::string>());
}

std::string narrative(const ComparedIncident& a, const ComparedIncident& b, const Json& cmp) {
  const std::string type = text(a.incident, "incident_type");
  const std::string type_words = incident_type_title(type);
  const std::string root_a = text(a.chain, "root_cause"), root_b = text(b.chain, "root_cause");
  std::string out;
  if (root_a != root_b) {
    out = fmt::format("These two {} incidents had different root causes: {}; {}.", type_words,
                      side_cause(a.incident, a.chain, "was driven by "), side_cause(b.incident, b.chain, "by "));
  } else {
    out = fmt::format("Both {} incidents ({} and {}) were rooted in {}", type_words, text(a.incident, "incident_window_start"),
                      text(b.incident, "incident_window_start"), root_a);
    const std::string ev_a = root_evidence(a.chain), ev_b = root_evidence(b.chain);
    if (!ev_a.empty() || !ev_b.empty())
      out += fmt::format(" (first: {}; second: {})", ev_a.empty() ? "no entity cluster" : ev_a,
                         ev_b.empty() ? "no entity cluster" : ev_b);
    out += ".";
  }
  const auto causes = [](const Json& list) { return list.get<std::vector<std::string>>(); };
  if (!cmp["shared_root_causes"].empty())
    out += fmt::format(" Both chains implicate {}.", list_text(causes(cmp["shared_root_causes"])));
  if (!cmp["unique_to_a"].empty())
    out += fmt::format(" Only the first implicates {}.", list_text(causes(cmp["unique_to_a"])));
  if (!cmp["unique_to_b"].empty())
    out += fmt::format(" Only the second implicates {}.", list_text(causes(cmp["unique_to_b"])));
  out += fmt::format(" Severity: {} vs {}; {} vs {}.", upper(text(a.incident, "severity")),
                     upper(text(b.incident, "severity")), blast_text(cmp["blast_radius_comparison"]["a"]),
                     blast_text(cmp["blast_radius_comparison"]["b"]));
  return out;
}

}  // namespace

std::vector<std::string> implicated_causes(const Json& chain) {
  const std::string incident_metric = text(chain, "incident_metric");
  const std::string root = text(chain, "root_cause");
  std::vector<std::string> out;
  for (const auto& p : chain.value("paths", Json::array()))
    for (const auto& n : p.value("nodes", Json::array())) {
      const std::string m = text(n, "metric_name");
      if (m == incident_metric && m != root) continue;
      if (!n.value("implicated", false) && m != root) continue;
      if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
  return out;
}

std::string comparison_id_of(const ComparedIncident& a, const ComparedIncident& b) {
  std::string key = std::string(kComparisonVersion);
  for (const ComparedIncident* side : {&a, &b}) {
    key += "|" + text(side->incident, "incident_id") + "|" + text(side->chain, "root_cause");
    for (const auto& p : side->chain.value("paths", Json::array())) key += "|" + p.value("metrics", Json::array()).dump();
  }
  return "cmp_" + sha256_hex(key).substr(0, 16);
}

Json compare_incidents(const ComparedIncident& a, const ComparedIncident& b) {
  const std::string id_a = text(a.incident, "incident_id"), id_b = text(b.incident, "incident_id");
  const std::string type = text(a.incident, "incident_type");
  if (id_a == id_b) throw Error(ErrorKind::usage, "SAME_INCIDENT", "compare two different incidents", id_a);
  if (type != text(b.incident, "incident_type"))
    throw Error(ErrorKind::usage, "INCIDENT_TYPE_MISMATCH",
                fmt::format("only incidents of one type compare: {} is {}, {} is {}", id_a, type, id_b,
                            text(b.incident, "incident_type")));
  const std::vector<std::string> causes_a = implicated_causes(a.chain), causes_b = implicated_causes(b.chain);
  std::vector<std::string> shared, only_a, only_b;
  for (const auto& m : causes_a)
    (std::find(causes_b.begin(), causes_b.end(), m) != causes_b.end() ? shared : only_a).push_back(m);
  for (const auto& m : causes_b)
    if (std::find(causes_a.begin(), causes_a.end(), m) == causes_a.end()) only_b.push_back(m);

  Json cmp;
  cmp["comparison_id"] = comparison_id_of(a, b);
  cmp["incident_a_id"] = id_a;
  cmp["incident_b_id"] = id_b;
  cmp["incident_type"] = type;
  cmp["incident_windows"] = {
      {"a", {text(a.incident, "incident_window_start"), text(a.incident, "incident_window_end")}},
      {"b", {text(b.incident, "incident_window_start"), text(b.incident, "incident_window_end")}}};
  cmp["root_cause"] = {{"a", text(a.chain, "root_cause")}, {"b", text(b.chain, "root_cause")}};
  cmp["shared_root_causes"] = shared;
  cmp["unique_to_a"] = only_a;
  cmp["unique_to_b"] = only_b;
  const std::string sev_a = text(a.incident, "severity"), sev_b = text(b.incident, "severity");
  const int rank_a = severity_rank(sev_a), rank_b = severity_rank(sev_b);
  cmp["severity_comparison"] = {{"a", sev_a}, {"b", sev_b},
                                {"more_severe", rank_a == rank_b ? "same" : rank_a > rank_b ? "a" : "b"},
                                {"primary_metric_zscore", {{"a", number(a.incident, "primary_metric_zscore")},
                                                           {"b", number(b.incident, "primary_metric_zscore")}}}};
  Json blast = {{"a", blast_side(a.blast_radius)}, {"b", blast_side(b.blast_radius)}};
  if (blast["a"].is_object() && blast["b"].is_object()) {
    Json diff;
    for (const char* k : kBlastNumbers) diff[k] = number(blast["b"], k) - number(blast["a"], k);
    blast["difference"] = diff;
  } else {
    blast["difference"] = nullptr;
  }
  cmp["blast_radius_comparison"] = blast;
  cmp["evidence_cluster_differences"] = cluster_differences(a.chain, b.chain);
  cmp["narrative"] = narrative(a, b, cmp);
  cmp["algorithm_version"] = kComparisonVersion;
  return cmp;
}

}  // namespace bre
