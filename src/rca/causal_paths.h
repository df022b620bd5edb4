// Internal to src/rca: step 7 of BRE-RCA, run by analyse_incident once
// every node of the chain has its score inputs.
#pragma once
#include <string>

#include "bre/rca/bre_rca.h"

namespace bre::detail {

// Finds the roots and fills chain.paths (ranked) and chain.root_cause.
void localise_roots(CausalChain& chain, const std::string& incident_metric, const DependencyGraphs& graphs,
                    const RcaConfig& cfg);

}  // namespace bre::detail
