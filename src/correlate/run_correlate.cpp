#include "bre/correlate/run_correlate.h"

#include <memory>

#include "bre/core/json_text.h"
#include "bre/detect/run_detect.h"
#include "bre/store/cascade_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/runs.h"

namespace bre {

CorrelateRunResult run_correlate(Workspace& ws, const std::string& run_id, const Logger& log,
                                 const DependencyGraphs& graphs, const CascadeConfig& cfg,
                                 const BlastFacts* blast_facts) {
  validate(cfg);
  ScopedTimer timer(log, "correlate", "correlate");
  Database& db = ws.db();
  Transaction tx(db);
  std::shared_ptr<const BlastFacts> loaded;
  if (!blast_facts) blast_facts = (loaded = load_blast_facts(ws)).get();
  const CascadeInputs in = load_cascade_inputs(db, *blast_facts);
  const CorrelationResult found = correlate_incidents(in.incidents, graphs, cfg);
  store_cascades(db, found.cascades, run_id);
  // The design's total_blast_radius: one blast radius over the union of the
  // members' affected events, each entity and amount once.
  std::vector<std::vector<std::string>> members;
  for (const IncidentCascade& c : found.cascades) members.push_back(c.incident_ids);
  const std::vector<BlastRadius> totals = compute_blast_radii(ws, members, blast_facts);
  Statement set_total =
      db.prepare("UPDATE cascades SET payload = json_set(payload, '$.total_blast_radius', json(?)) WHERE cascade_id = ?");
  for (std::size_t i = 0; i < totals.size(); ++i) {
    store_blast_radius(db, totals[i], run_id);
    set_total.bind(1, blast_radius_json(totals[i])).bind(2, found.cascades[i].cascade_id).run();
  }
  tx.commit();
  CorrelateRunResult r;
  r.incidents = found.incidents;
  r.left_out = static_cast<std::int64_t>(in.left_out.size());
  r.pairs_in_window = found.pairs_in_window;
  r.links_scored = found.links_scored;
  r.links_kept = found.links_kept;
  r.cascades = static_cast<std::int64_t>(found.cascades.size());
  for (const IncidentCascade& c : found.cascades) r.incidents_in_cascades += static_cast<std::int64_t>(c.incident_ids.size());
  log.info("correlate", "cascades_found",
           {{"incidents", r.incidents}, {"links_kept", r.links_kept}, {"cascades", r.cascades}});
  return r;
}

CorrelateRunResult run_correlate_recorded(Workspace& ws, const std::string& run_id, const Logger& log,
                                          const DependencyGraphs& graphs, const CascadeConfig& cfg) {
  const TimeMs started = now_ms();
  CorrelateRunResult r = run_correlate(ws, run_id, log, graphs, cfg);
  const TimeMs finished = now_ms();
  const std::string produced = JsonObjectWriter()
                                   .integer("pairs_in_window", r.pairs_in_window)
                                   .integer("links_scored", r.links_scored)
                                   .integer("links_kept", r.links_kept)
                                   .integer("cascades", r.cascades)
                                   .integer("incidents_in_cascades", r.incidents_in_cascades)
                                   .str();
  r.manifest = JsonObjectWriter()
                   .string("run_id", run_id)
                   .string("command", "correlate")
                   .string("started_at", format_iso8601(started))
                   .string("finished_at", format_iso8601(finished))
                   .raw("versions", run_versions_json(ws.db()))
                   .string("incident_graph_version", graphs.incidents.version())
                   .raw("cascade_config", cascade_config_json(cfg))
                   .integer("incidents_read", r.incidents)
                   .integer("incidents_left_out_not_anomaly", r.left_out)
                   .raw("produced", produced)
                   .str();
  record_run(ws.db(), {run_id, "correlate", started, finished, "succeeded", r.manifest});
  return r;
}

}  // namespace bre
