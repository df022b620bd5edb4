#include "bre/scan/scan_reuse.h"

#include "bre/core/hash.h"
#include "bre/detect/detect_config.h"
#include "bre/detect/forest_verdicts.h"
#include "bre/detect/run_detect.h"
#include "bre/impact/blast_radius.h"
#include "bre/monitor/monitor_rules.h"
#include "bre/postmortem/postmortem.h"
#include "bre/store/event_store.h"
#include "bre/store/runs.h"

namespace bre {

namespace {

// "<fingerprint> <producing run id>"; the migration's settings triggers
// ignore this key, so recording it is not itself a change of inputs.
constexpr const char* kReuseSetting = "scan_reuse_inputs";

}  // namespace

std::string scan_inputs_fingerprint(Workspace& ws, const DetectConfig& detect, const CascadeConfig& cascades,
                                    const RcaConfig& rca, const DependencyGraphs& graphs) {
  Database& db = ws.db();
  const EventLogEnd end = event_log_end(db);
  std::string in = "scan_inputs_v1\n";
  for (const std::string& part :
       {run_versions_json(db), std::string(kRcaAlgorithmVersion), std::string(kForestVerdictVersion),
        std::string(kBlastRadiusVersion), std::string(kMonitorModelVersion), std::string(kPostmortemVersion),
        detect_config_json(detect), detect_config_hash(detect), cascade_config_json(cascades), rca_config_json(rca),
        metric_graph_json(graphs), incident_graph_json(graphs), ws.business_time().zone(),
        std::to_string(end.events), std::to_string(end.superseded),
        std::to_string(db.query_int("SELECT writes FROM scan_input_changes"))})
    in += part + "\n";
  return "sha256:" + sha256_hex(in);
}

std::optional<std::string> scan_run_for_inputs(Workspace& ws, const std::string& fingerprint) {
  const auto kept = ws.setting(kReuseSetting);
  if (!kept || !kept->starts_with(fingerprint + " ")) return std::nullopt;
  std::string run_id = kept->substr(fingerprint.size() + 1);
  // The run's manifest describes the results; without it there is nothing to report.
  Statement s = ws.db().prepare("SELECT 1 FROM runs WHERE run_id = ? AND command = 'scan' AND status = 'succeeded'");
  s.bind(1, run_id);
  if (!s.step()) return std::nullopt;
  return run_id;
}

void remember_scan_inputs(Workspace& ws, const std::string& fingerprint, const std::string& producing_run) {
  ws.set_setting(kReuseSetting, fingerprint + " " + producing_run);
}

}  // namespace bre
