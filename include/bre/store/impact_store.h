// The blast radius in the workspace: the bad events of an incident's window
// and the histories of the customers they name, read from live_events for the
// pure core (impact/blast_radius.h); results kept in the blast_radius table.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/log.h"
#include "bre/impact/blast_radius.h"
#include "bre/store/workspace.h"

namespace bre {

// The event types whose events in the window an incident type affects
// (docs/blast-radius.md); empty for an unknown type.
std::vector<std::string> affected_event_types(const std::string& incident_type);

// The invoices, orders and customer ledgers every blast radius reads from
// the event log. Loading them is the expensive part (one pass over the
// orders, invoices, payments, refunds and churn events); a caller computing
// several blast radii over the same events (bre scan) loads them once and
// passes them on. Where a function below takes no facts, it loads its own.
//
// The facts as of the last scan are kept in the workspace (a cache, table
// blast_facts_snapshot): a load resumes from them when they cover the same
// superseded events, time zone and currency, and reads only the events added
// since. `use_and_save` (bre scan) also stores what it loaded when that is
// new, in its own transaction (so not inside the caller's); `ignore`
// (bre scan --no-reuse) reads the whole log.
struct BlastFacts;
enum class BlastFactsSnapshot { use, use_and_save, ignore };
std::shared_ptr<const BlastFacts> load_blast_facts(Workspace& ws, BlastFactsSnapshot snapshot = BlastFactsSnapshot::use);

// The blast radius of one incident, or of a set of incidents (a cascade):
// the union of their affected events over the span of their windows, each
// entity and amount once. not_found for an unknown id, usage for an empty set.
BlastRadius compute_incident_blast_radius(Workspace& ws, const std::vector<std::string>& incident_ids,
                                          const BlastFacts* facts = nullptr);
// The same for several sets (every cascade of a run), reading the log once.
std::vector<BlastRadius> compute_blast_radii(Workspace& ws, const std::vector<std::vector<std::string>>& sets,
                                             const BlastFacts* facts = nullptr);

// Upserts the payload (blast_radius_json) by incident id.
void store_blast_radius(Database& db, const BlastRadius& b, const std::string& run_id);
std::optional<std::string> find_blast_radius(Database& db, const std::string& incident_id);

struct BlastRunResult {
  std::int64_t computed = 0;
  std::int64_t removed = 0;  // rows of incidents that no longer exist
};
// Every incident's blast radius, in one transaction.
BlastRunResult run_blast_radius(Workspace& ws, const std::string& run_id, const Logger& log,
                                const BlastFacts* facts = nullptr);

}  // namespace bre
