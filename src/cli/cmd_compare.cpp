// bre compare INCIDENT_A INCIDENT_B, bre compare show|list: two incidents of
// one type side by side, from their stored chains (docs/simulate.md).
#include <fmt/format.h>

#include "bre/compare/incident_comparison.h"
#include "bre/core/error.h"
#include "bre/core/markdown_text.h"
#include "bre/store/chain_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/incident_store.h"
#include "bre/store/saved_analyses.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

using Json = nlohmann::ordered_json;

// The chain is read, not computed: comparing must not rewrite what bre rca
// stored, and a missing chain means the incident was never explained.
ComparedIncident load_side(Database& db, const std::string& id) {
  const auto incident = find_incident(db, id);
  if (!incident) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", id);
  const auto chain = find_chain(db, id);
  if (!chain)
    throw Error(ErrorKind::not_found, "CHAIN_NOT_FOUND",
                "incident " + id + " has no causal chain yet: run bre rca " + id + " (or bre scan) first", id);
  const auto blast = find_blast_radius(db, id);
  return {Json::parse(*incident), Json::parse(*chain), blast ? Json::parse(*blast) : Json()};
}

std::string joined(const Json& list) {
  std::string out;
  for (const auto& m : list) out += (out.empty() ? "" : ", ") + m.get<std::string>();
  return out.empty() ? "-" : out;
}

std::string render_comparison(const Json& c, bool md) {
  std::string out = fmt::format("{}comparison {} ({})\n\n{}\n\n", md ? "## " : "", c["comparison_id"].get<std::string>(),
                                c["incident_type"].get<std::string>(),
                                md ? markdown_text(c["narrative"].get<std::string>())  // names clusters from data
                                   : c["narrative"].get<std::string>());
  Json rows = Json::array();
  const auto row = [&](const std::string& what, const std::string& a, const std::string& b) {
    rows.push_back({{"", what}, {"a", a}, {"b", b}});
  };
  row("incident", c["incident_a_id"].get<std::string>(), c["incident_b_id"].get<std::string>());
  row("window", c["incident_windows"]["a"][0].get<std::string>() + " .. " + c["incident_windows"]["a"][1].get<std::string>(),
      c["incident_windows"]["b"][0].get<std::string>() + " .. " + c["incident_windows"]["b"][1].get<std::string>());
  row("root cause", c["root_cause"]["a"].get<std::string>(), c["root_cause"]["b"].get<std::string>());
  row("severity", c["severity_comparison"]["a"].get<std::string>(), c["severity_comparison"]["b"].get<std::string>());
  row("own causes", joined(c["unique_to_a"]), joined(c["unique_to_b"]));
  const Json& br = c["blast_radius_comparison"];
  if (br["a"].is_object() && br["b"].is_object())
    for (const char* k : {"customers_affected", "orders_affected", "estimated_revenue_exposure", "blast_radius_severity"})
      row(k, scalar_text(br["a"][k]), scalar_text(br["b"][k]));
  out += render_table(rows, {"", "a", "b"}, md);
  out += fmt::format("\n{}shared causes: {}\n", md ? "- " : "", joined(c["shared_root_causes"]));
  const Json& ev = c["evidence_cluster_differences"];
  out += md ? "\n### Evidence clusters\n\n" : "\nevidence clusters\n";
  Json clusters = Json::array();
  for (const auto& [side, key] : {std::pair{"a only", "only_in_a"}, std::pair{"b only", "only_in_b"}})
    for (const auto& cl : ev[key])
      clusters.push_back({{"side", side}, {"metric", cl["metric"]}, {"cluster", cl["cluster_label"]},
                          {"events", scalar_text(cl["event_count"])}});
  for (const auto& cl : ev["shared"])
    clusters.push_back({{"side", "both"}, {"metric", cl["metric"]}, {"cluster", cl["cluster_label"]},
                        {"events", fmt::format("{} -> {}", cl["event_count"]["a"].get<double>(),
                                               cl["event_count"]["b"].get<double>())}});
  return out + render_table(clusters, {"side", "metric", "cluster", "events"}, md);
}

}  // namespace

void register_compare(Declarer& root) {
  static std::vector<std::string> ids;
  static bool save = false;
  static std::string comparison_id;
  root.command(
      "compare", "two incidents of one type side by side: shared and own causes, severity, blast radius, evidence",
      [](Declarer& d) {
        d.positionals("incidents", &ids, "INCIDENT_A INCIDENT_B (bre incidents list shows ids)", false);
        d.flag("--save", &save, "keep the comparison in the workspace (bre compare show ID)");
        d.footer("Examples:\n  bre compare inc_4875807a2e20ed7e inc_0b1c9d2e3f405162\n  bre compare list\n"
                 "Both incidents need their causal chains: run bre rca --all (or bre scan) first.\n"
                 "Incidents of different types are a usage error (exit 2). docs/simulate.md.");
        d.command(
            "show", "one saved comparison",
            [](Declarer& s) { s.positional("comparison_id", &comparison_id, "the comparison (bre compare list)", true); },
            [](Context& ctx) {
              const Json c = Json::parse(find_comparison(ctx.workspace().db(), comparison_id));
              ctx.emit(c, [&](Format f) { return render_comparison(c, f == Format::md); });
              return 0;
            });
        d.command("list", "saved comparisons, newest first", nullptr, [](Context& ctx) {
          Json all = Json::array();
          for (const std::string& p : list_comparisons(ctx.workspace().db())) all.push_back(Json::parse(p));
          ctx.emit(all, [&](Format f) {
            Json rows = Json::array();
            for (const auto& c : all)
              rows.push_back({{"comparison_id", c["comparison_id"]}, {"type", c["incident_type"]},
                              {"a", c["incident_a_id"]}, {"b", c["incident_b_id"]},
                              {"root a", c["root_cause"]["a"]}, {"root b", c["root_cause"]["b"]}});
            return render_table(rows, {"comparison_id", "type", "a", "b", "root a", "root b"}, f == Format::md);
          });
          return 0;
        });
      },
      [](Context& ctx) {
        if (ids.size() != 2) throw_usage("give two incident ids: bre compare INCIDENT_A INCIDENT_B");
        Database& db = ctx.workspace().db();
        const Json c = compare_incidents(load_side(db, ids[0]), load_side(db, ids[1]));
        if (save) save_comparison(db, c["comparison_id"].get<std::string>(), c.dump(), now_ms());
        Json out = c;
        out["saved"] = save;
        ctx.emit(out, [&](Format f) { return render_comparison(out, f == Format::md); });
        return 0;
      });
}

}  // namespace bre::cli
