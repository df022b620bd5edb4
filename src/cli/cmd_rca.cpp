// bre rca INCIDENT_ID|--all: BRE-RCA causal chains (docs/bre-rca.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/markdown_text.h"
#include "bre/rca/run_rca.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

std::string node_line(const nlohmann::ordered_json& n, bool incident_node) {
  return fmt::format("{} (z {:.1f} on {}, {})", n["metric_name"].get<std::string>(),
                     n["metric_zscore"].get<double>(), n["peak_day"].get<std::string>(),
                     incident_node ? "incident metric"
                                   : fmt::format("contribution {:.3f}", n["contribution_score"].get<double>()));
}

// For people: the root, each path as an arrow chain with its evidence, and
// the score inputs of every candidate in a table.
std::string render_chain(const nlohmann::ordered_json& c, bool md) {
  // Narratives and cluster summaries name entities from the data.
  auto data_text = [md](const nlohmann::ordered_json& v) {
    const std::string s = v.get<std::string>();
    return md ? markdown_text(s) : s;
  };
  std::string out = fmt::format("{}incident {} ({}), metric {}, causal window {} .. {}\n", md ? "### " : "",
                                c["incident_id"].get<std::string>(), c["incident_type"].get<std::string>(),
                                c["incident_metric"].get<std::string>(), c["causal_window"][0].get<std::string>(),
                                c["causal_window"][1].get<std::string>());
  out += fmt::format("root cause: {}\n", c["root_cause"].get<std::string>());
  if (c.contains("blast_radius")) out += fmt::format("blast radius: {}\n", data_text(c["blast_radius"]["narrative"]));
  for (const auto& p : c["paths"]) {
    out += fmt::format("{}path {} (score {:.3f}{}):\n", md ? "\n" : "", p["rank"].get<int>(),
                       p["overall_score"].get<double>(), p["root_unexplained"].get<bool>() ? ", root" : "");
    const auto& nodes = p["nodes"];
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      out += fmt::format("{}  {}{}\n", md ? "-" : " ", i ? "-> " : "", node_line(nodes[i], i + 1 == nodes.size()));
      for (const auto& cl : nodes[i]["evidence_clusters"])
        out += fmt::format("{}      evidence: {}\n", md ? "  -" : "", data_text(cl["summary"]));
    }
  }
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& n : c["candidates"])
    rows.push_back({{"metric", n["metric_name"]},
                    {"contribution", n["contribution_score"]},
                    {"magnitude", n["anomaly_magnitude"]},
                    {"precedence", n["temporal_precedence"]},
                    {"lag", n["temporal_precedence_inputs"]["optimal_lag_days"]},
                    {"corr", n["temporal_precedence_inputs"]["cross_correlation"]},
                    {"after", n["temporal_precedence_inputs"]["moved_after_incident_metric"]},
                    {"proximity", n["graph_proximity"]},
                    {"quality", n["data_quality_weight"]},
                    {"onset", n["onset_day"]},
                    {"implicated", n["implicated"]}});
  out += "\n" + render_table(rows, {"metric", "contribution", "magnitude", "precedence", "lag", "corr", "after",
                                    "proximity", "quality", "onset", "implicated"},
                             md);
  return out;
}

}  // namespace

void register_rca(Declarer& root) {
  static std::string incident_id;
  static bool all = false;
  static int delay_days = 0;
  root.command(
      "rca", "BRE-RCA: the ranked causal chain of an incident, with evidence clusters and blast radius",
      [](Declarer& d) {
        d.positional("incident_id", &incident_id, "the incident (bre incidents list shows ids)", false);
        d.flag("--all", &all, "every incident in the workspace");
        d.option("--delay-days", &delay_days,
                 "analyse as if each incident had been detected N days later (evaluation; prints, stores nothing)");
        d.formats({Format::table, Format::json, Format::jsonl, Format::md});
        d.footer("Examples:\n  bre rca inc_4875807a2e20ed7e\n  bre rca --all --format json | jq '.[].root_cause'\n"
                 "Scores and their inputs: docs/bre-rca.md. Run bre detect first.");
      },
      [](Context& ctx) {
        if (all == !incident_id.empty()) throw_usage("give one INCIDENT_ID or --all");
        if (delay_days < 0) throw_usage("--delay-days must be 0 or more");
        RcaRunOptions options;
        if (!all) options.incident_id = incident_id;
        options.delay_days = delay_days;
        const RcaRunResult r = run_rca_recorded(ctx.workspace(), options, ctx.log().run_id(), ctx.log(), ctx.graphs());
        nlohmann::ordered_json chains = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < r.json.size(); ++i) {
          chains.push_back(nlohmann::ordered_json::parse(r.json[i]));
          if (i < r.blast_radius.size()) chains.back()["blast_radius"] = nlohmann::ordered_json::parse(r.blast_radius[i]);
        }
        const nlohmann::ordered_json out = all ? chains : chains.at(0);
        ctx.emit(out, [&](Format f) {
          std::string text;
          for (const auto& c : chains) text += (text.empty() ? "" : "\n") + render_chain(c, f == Format::md);
          return text;
        });
        return 0;
      });
}

}  // namespace bre::cli
