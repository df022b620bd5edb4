// bre detect, bre incidents list|show|status|label: incidents from the gold metrics.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/detect/detect_config.h"
#include "bre/detect/run_detect.h"
#include "bre/scan/scan.h"
#include "bre/store/chain_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/incident_store.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

// The columns a person reads first; the JSON has every field.
nlohmann::ordered_json summary(const nlohmann::ordered_json& inc) {
  return {{"incident_id", inc["incident_id"]},
          {"type", inc["incident_type"]},
          {"severity", inc["severity"]},
          {"confidence", inc["confidence"]},
          {"start", inc["incident_window_start"]},
          {"end", inc["incident_window_end"]},
          {"metric", inc["primary_metric"]},
          {"z", inc["primary_metric_zscore"]},
          {"state", inc["state"]},
          {"status", inc["status"]},
          {"label", inc["label"]}};
}

}  // namespace

namespace {

DetectConfig config_for(const std::string& methods) {
  DetectConfig cfg;
  cfg.isolation_forest = cfg.changepoints = false;
  std::string rest = methods;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string m = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    if (m == "iforest") cfg.isolation_forest = true;
    else if (m == "changepoint") cfg.changepoints = true;
    else if (m != "mad") throw_usage("--methods takes mad, iforest and changepoint, not '" + m + "'");
  }
  return cfg;
}

}  // namespace

void register_detect(Declarer& root) {
  static std::string methods = "mad,iforest,changepoint";
  static std::string run_id;
  static bool no_reuse = false;
  root.command(
      "scan", "one reliability scan: build-state, detect, correlate, rca and blast radius, postmortems, monitors; records the run manifest",
      [](Declarer& d) {
        d.option("--methods", &methods, "detection layers, as for bre detect (default: all three)");
        d.flag("--no-reuse", &no_reuse,
               "recompute every stage even when nothing it reads changed since the last scan");
        d.footer("Examples:\n  bre scan\n  bre scan --no-reuse\n  bre manifest $(bre --format json scan | jq -r .run_id)\n"
                 "  0 6 * * * cd /srv/bre && bre ingest qbo && bre scan     (cron, daily at 06:00)");
      },
      [](Context& ctx) {
        ScanOptions options;
        options.reuse = !no_reuse;
        const ScanResult r =
            run_scan(ctx.workspace(), ctx.log().run_id(), config_for(methods), ctx.log(), ctx.graphs(), options);
        ctx.emit(nlohmann::ordered_json::parse(r.manifest));
        return 0;
      });
  root.command(
      "manifest", "the manifest of a run: inputs, versions, parameters, outputs",
      [](Declarer& d) {
        d.positional("run_id", &run_id, "the run (bre scan prints it)", true);
        d.footer("Example:\n  bre manifest run_20261127T031500Z_1a2b3c4d --format json");
      },
      [](Context& ctx) {
        ctx.emit(nlohmann::ordered_json::parse(read_manifest(ctx.workspace().db(), run_id)));
        return 0;
      });
  root.command(
      "detect", "detect incidents in the gold metrics (run bre build-state first)",
      [](Declarer& d) {
        d.option("--methods", &methods,
                 "layers to run, comma-separated: mad (always), iforest, changepoint (default: all three)");
        d.footer("Examples:\n  bre build-state && bre detect\n  bre detect --format json\n"
                 "Layer 1 (seasonal robust z-scores, Poisson for small counts) per incident type, with a\n"
                 "change-point check for confidence; docs/detection.md.");
      },
      [](Context& ctx) {
        const DetectConfig cfg = config_for(methods);
        const DetectRunResult r = run_detect_recorded(ctx.workspace(), ctx.log().run_id(), ctx.log(), cfg);
        nlohmann::ordered_json j;
        j["run_id"] = ctx.log().run_id();
        j["config_version"] = kDetectConfigVersion;
        j["config_hash"] = detect_config_hash(cfg);
        j["methods"] = methods;
        j["labelled_windows_excluded"] = r.excluded_windows;
        j["days"] = r.days;
        j["incidents"] = r.incidents;
        j["withdrawn"] = r.withdrawn;
        j["by_type"] = r.by_type;
        ctx.emit(j);
        return 0;
      });

  static IncidentFilter filter;
  static std::string incident_id, status, label, note;
  root.command("incidents", "list, show and triage incidents", [](Declarer& g) {
    g.command(
        "list", "incidents, oldest window first",
        [](Declarer& d) {
          d.option("--type", &filter.type, "incident type", {"refund_spike", "fulfillment_sla_degradation", "support_load_surge",
                                                             "churn_acceleration", "margin_compression",
                                                             "liquidity_crunch_risk", "supplier_dependency_failure", "customer_satisfaction_regression"});
          d.option("--severity", &filter.severity, "severity", {"low", "medium", "high", "critical"});
          d.option("--state", &filter.state, "computed state", {"active", "ended"});
          d.option("--status", &filter.status, "triage status", {"open", "acknowledged", "resolved"});
          d.option("--from", &filter.from, "windows ending on or after this day, YYYY-MM-DD");
          d.option("--to", &filter.to, "windows starting on or before this day, YYYY-MM-DD");
          d.option("--label", &filter.label, "feedback label (none: unlabelled)",
                   {"anomaly", "expected", "not_anomaly", "none"});
          d.option("--min-confidence", &filter.min_confidence, "fused confidence at least",
                   {"low", "medium", "high", "very_high"});
          d.footer("Example:\n  bre incidents list --severity high --status open --min-confidence medium");
        },
        [](Context& ctx) {
          nlohmann::ordered_json all = nlohmann::ordered_json::array();
          for (const std::string& p : list_incidents(ctx.workspace().db(), filter))
            all.push_back(nlohmann::ordered_json::parse(p));
          ctx.emit(all, [&](Format f) {
            nlohmann::ordered_json rows = nlohmann::ordered_json::array();
            for (const auto& inc : all) rows.push_back(summary(inc));
            return render_table(rows, {"incident_id", "type", "severity", "confidence", "start", "end", "metric", "z",
                                       "state", "status", "label"},
                                f == Format::md);
          });
          return 0;
        });
    g.command(
        "show", "one incident with its evidence, explanation, root cause and blast radius",
        [](Declarer& d) {
          d.positional("incident_id", &incident_id, "the incident", true);
          d.footer("Example:\n  bre incidents show inc_3f2a... --format json");
        },
        [](Context& ctx) {
          Database& db = ctx.workspace().db();
          auto p = find_incident(db, incident_id);
          if (!p) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", incident_id);
          nlohmann::ordered_json j = nlohmann::ordered_json::parse(*p);
          // What bre rca (or bre scan) found for it, when it ran: the root and
          // path 1, and the blast radius in one sentence.
          if (auto chain = find_chain(db, incident_id)) {
            const auto c = nlohmann::ordered_json::parse(*chain);
            j["root_cause"] = c["root_cause"];
            if (!c["paths"].empty()) j["causal_path"] = c["paths"][0]["metrics"];
          }
          if (auto blast = find_blast_radius(db, incident_id))
            j["blast_radius_narrative"] = nlohmann::ordered_json::parse(*blast)["narrative"];
          ctx.emit(j);
          return 0;
        });
    g.command(
        "status", "set an incident's triage status",
        [](Declarer& d) {
          d.positional("incident_id", &incident_id, "the incident", true);
          d.positional("status", &status, "open, acknowledged or resolved", true);
          d.footer("Example:\n  bre incidents status inc_3f2a... acknowledged");
        },
        [](Context& ctx) {
          set_incident_status(ctx.workspace().db(), incident_id, status);
          ctx.emit({{"incident_id", incident_id}, {"status", status}});
          return 0;
        });
    g.command(
        "label", "record whether an incident was a real anomaly (feedback for later baselines)",
        [](Declarer& d) {
          d.positional("incident_id", &incident_id, "the incident", true);
          d.positional("label", &label, "anomaly, expected or not_anomaly", true);
          d.option("--note", &note, "why, in a few words (kept with the label)");
          d.footer("Examples:\n  bre incidents label inc_3f2a... expected --note \"Black Friday promotion\"\n"
                   "  bre incidents label inc_3f2a... anomaly\n"
                   "The latest label counts. The window of an expected or not_anomaly incident is left out of\n"
                   "the baselines of its trigger metrics from the next bre detect or bre scan on.");
        },
        [](Context& ctx) {
          const TimeMs at = now_ms();
          label_incident(ctx.workspace().db(), incident_id, label, note, at);
          ctx.emit({{"incident_id", incident_id},
                    {"label", label},
                    {"label_note", note.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(note)},
                    {"labelled_at", format_iso8601(at)}});
          return 0;
        });
  }, nullptr);
}

}  // namespace bre::cli
