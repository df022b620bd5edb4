// `bre rca`: BRE-RCA over the stored incidents — the gold metrics, the
// metric graph, the quality weights and the evidence events in; one causal
// chain per incident stored in causal_chains.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/core/log.h"
#include "bre/rca/bre_rca.h"
#include "bre/store/workspace.h"

namespace bre {

struct BlastFacts;  // store/impact_store.h

struct RcaRunResult {
  std::vector<CausalChain> chains;   // in incident order
  std::vector<std::string> json;     // causal_chain_json of each, as stored
  std::vector<std::string> blast_radius;  // blast_radius_json of each incident (empty with delay_days)
  std::int64_t chains_kept = 0;           // stored chains kept as they were (RcaRunOptions::reuse)
};

struct RcaRunOptions {
  std::optional<std::string> incident_id;  // nullopt: every incident
  // Analyse as if each incident had been detected this many days later
  // (an evaluation what-if: the chains are printed, not stored).
  int delay_days = 0;
  // The blast radius facts already loaded (bre scan shares one load); null: load them.
  const BlastFacts* blast_facts = nullptr;
  // The stored gold metrics already read (bre scan reads them once); null: read them.
  const DailyMetrics* metrics = nullptr;
  // Keep a stored chain whose inputs did not change since it was computed
  // (chain_store.h ChainBasis) instead of recomputing it; false recomputes
  // (bre scan --no-reuse). The kept chain is the one a recomputation gives.
  bool reuse = true;
};

// In one transaction: each incident's chain and its blast radius
// (impact/blast_radius.h), both stored. Labelled windows are left out of the
// baselines as in bre detect.
RcaRunResult run_rca(Workspace& ws, const RcaRunOptions& options, const std::string& run_id, const Logger& log,
                     const DependencyGraphs& graphs, const DetectConfig& detect = {}, const RcaConfig& cfg = {});

// run_rca, recorded in `runs` with a manifest (versions, the graph version,
// the RCA config, what was explained and each root cause) — unless
// delay_days is set, which stores nothing.
RcaRunResult run_rca_recorded(Workspace& ws, const RcaRunOptions& options, const std::string& run_id,
                              const Logger& log, const DependencyGraphs& graphs, const DetectConfig& detect = {},
                              const RcaConfig& cfg = {});

// Step 6 for one chain: evidence clusters for every node on its paths.
void attach_evidence(Database& db, CausalChain& chain, const std::map<std::string, std::string>& names, int digits);

}  // namespace bre
