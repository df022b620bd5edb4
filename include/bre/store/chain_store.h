// What BRE-RCA reads from and writes to the workspace: the incidents to
// explain, the data-quality weight of each metric, the events behind an
// anomalous metric (for the evidence clusters, with entity display names),
// and the stored causal chains.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/rca/bre_rca.h"
#include "bre/store/event_store.h"
#include "bre/store/sqlite.h"

namespace bre {

// Stored incidents (all, or the one id: Error not_found when unknown), oldest window first.
std::vector<RcaIncident> load_rca_incidents(Database& db, const std::optional<std::string>& incident_id);

// Per metric: the event-weighted mean of its weights over every ingest
// batch's quality report (metric_quality_weights); metrics never weighed are absent.
std::map<std::string, double> metric_quality_weights(Database& db);

// "kind:id" → display name for every reference entity.
std::map<std::string, std::string> entity_names(Database& db);

// The spec's events with day in [from, to], with their entity dimensions and measure.
std::vector<EvidenceEvent> load_evidence_events(Database& db, const EvidenceSpec& spec, DayNumber from, DayNumber to);

// What a stored chain was computed from, so that a later run can keep it
// instead of recomputing it (run_rca.cpp): a hash of every input but the
// events, the event log it read, and the last day it read (its causal
// window's end). A chain depends on no event of a later day: metrics are
// as-of-day values, and its evidence comes from days inside its window.
struct ChainBasis {
  std::string inputs;
  EventLogEnd log_end;
  DayNumber read_through = 0;
};
struct StoredChain {
  std::string payload;
  std::optional<ChainBasis> basis;  // none for chains stored without one
};

// Upserts the chain's JSON (and its basis, when given) by incident id;
// prune_chains deletes chains of incidents that no longer exist.
void store_chain(Database& db, const std::string& incident_id, const std::string& chain_json, const std::string& run_id,
                 const std::optional<ChainBasis>& basis = std::nullopt);
void prune_chains(Database& db);
std::optional<std::string> find_chain(Database& db, const std::string& incident_id);
std::optional<StoredChain> find_chain_with_basis(Database& db, const std::string& incident_id);

}  // namespace bre
