// bre config show: the versioned detection configuration and its hash, and
// the metric and incident dependency graphs (the defaults or --config's).
// bre config get / set: workspace settings (cmd_config_settings.cpp).
#include <nlohmann/json.hpp>

#include "bre/core/dependency_graphs.h"
#include "bre/detect/detect_config.h"
#include "command.h"
#include "config_rates.h"
#include "config_settings.h"
#include "render.h"

namespace bre::cli {

namespace {

// For people: one table row per trigger instead of nested arrays.
std::string render_config(const nlohmann::ordered_json& shown, Format f) {
  nlohmann::ordered_json flat = {{"config_version", shown["config_version"]}, {"config_hash", shown["config_hash"]}};
  for (const auto& [section, value] : shown["config"].items()) {
    if (section == "version") continue;
    if (section != "incident_rules") {
      flat[section] = value;
      continue;
    }
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& rule : value)
      for (const auto& t : rule["triggers"])
        rows.push_back({{"type", rule["type"]}, {"metric", t["metric"]}, {"direction", t["direction"]},
                        {"z_threshold", t["z_threshold"]}});
    flat[section] = rows;
  }
  for (const char* graph : {"dependency_graph", "incident_graph"}) {
    const auto& g = shown[graph];
    flat[std::string(graph) + "_version"] = g["version"];
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& e : g["edges"])
      rows.push_back({{"from", e["from"]}, {"to", e["to"]}, {"added", e["added"]}, {"why", e["why"]}});
    flat[graph] = rows;
  }
  return render_generic(flat, f == Format::md);
}

}  // namespace

void register_config(Declarer& root) {
  root.command("config", "the detection configuration and the workspace settings", [](Declarer& g) {
    g.command(
        "show", "every detection threshold and window, with the config version and its hash, and the two causal graphs",
        [](Declarer& d) {
          d.footer("Examples:\n  bre config show\n  bre config show --format json | jq .config_hash\n"
                   "The hash is the SHA-256 of the compact JSON in 'config', as recorded in run manifests.");
        },
        [](Context& ctx) {
          const DetectConfig cfg;
          nlohmann::ordered_json j;
          j["config_version"] = kDetectConfigVersion;
          j["config_hash"] = detect_config_hash(cfg);
          j["config"] = nlohmann::ordered_json::parse(detect_config_json(cfg));
          j["dependency_graph"] = nlohmann::ordered_json::parse(metric_graph_json(ctx.graphs()));
          j["incident_graph"] = nlohmann::ordered_json::parse(incident_graph_json(ctx.graphs()));
          ctx.emit(j, [&](Format f) { return render_config(j, f); });
          return 0;
        });
    declare_config_rates(g);
    register_config_settings(g);
  }, nullptr);
}

}  // namespace bre::cli
