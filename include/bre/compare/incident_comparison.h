// The incident comparator (design component L, IncidentComparison): two
// incidents of one type side by side, from what bre rca stored for each —
// which causes they share and which are their own, how severe and how wide
// each was, and which evidence clusters (vendors, customers, products)
// differ. Pure: the stored JSON documents in, the comparison out; every fact
// in the narrative is one of the comparison's fields (docs/simulate.md).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bre {

inline constexpr const char* kComparisonVersion = "incident_comparison_v1";

// One side: the stored incident payload, its causal chain (causal_chain_json)
// and its blast radius (blast_radius_json; null when none was stored).
struct ComparedIncident {
  nlohmann::ordered_json incident;
  nlohmann::ordered_json chain;
  nlohmann::ordered_json blast_radius;
};

// The metrics a chain blames: every implicated node on its ranked paths,
// path 1 first, root to incident metric, each once. The incident metric
// itself is a cause only when it is the chain's root (nothing upstream moved).
std::vector<std::string> implicated_causes(const nlohmann::ordered_json& chain);

// "cmp_" + 16 hex of SHA-256 of both incident ids (in order) and each
// chain's root and ranked path metrics: the same chains give the same id.
std::string comparison_id_of(const ComparedIncident& a, const ComparedIncident& b);

// Usage error INCIDENT_TYPE_MISMATCH when the types differ, SAME_INCIDENT
// when both are one incident. Fields: comparison_id, incident_a_id,
// incident_b_id, incident_type, shared_root_causes, unique_to_a, unique_to_b,
// root_cause {a, b}, severity_comparison {a, b, more_severe},
// blast_radius_comparison {a, b, difference (b − a)},
// evidence_cluster_differences {only_in_a, only_in_b, shared}, narrative.
nlohmann::ordered_json compare_incidents(const ComparedIncident& a, const ComparedIncident& b);

}  // namespace bre
