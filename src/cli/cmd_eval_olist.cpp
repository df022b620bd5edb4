// bre eval olist DIR: bre on the real Olist orders against the episodes a
// person labelled in the raw data (docs/eval-olist.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/eval/olist_eval.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

std::string olist_report_text(const nlohmann::ordered_json& j, bool markdown) {
  const auto& c = j["counts"];
  std::string s = fmt::format("Olist: {} events, {} days, {} incidents, {} cascades (workspace {})\n\n",
                              j["events"].get<std::int64_t>(), j["days"].get<std::int64_t>(),
                              c["incidents"].get<std::int64_t>(), j["cascades"].get<std::int64_t>(),
                              j["workspace"].get<std::string>());
  s += render_table(j["episodes"], {"episode", "start", "end", "found", "detected", "lag_days", "incident_id",
                                    "incident_type", "root_cause"},
                    markdown);
  s += "\n" + render_table(j["incidents"], {"incident_id", "type", "severity", "start", "end", "detected",
                                            "root_cause", "verdict", "episodes"},
                           markdown);
  s += fmt::format("\nfound {} of {} episodes (recall {:.2f}); {} incidents matched, {} invented, {} at a data edge "
                   "(window slack ±{} days)\n",
                   c["found"].get<int>(), c["episodes"].get<int>(), c["recall"].get<double>(),
                   c["matched"].get<int>(), c["invented"].get<int>(), c["data_edge"].get<int>(),
                   j["slack_days"].get<int>());
  return s;
}

}  // namespace

void declare_eval_olist(Declarer& group) {
  static OlistEvalRequest request{"", "docs/eval/olist_episodes.json", 3};
  group.command(
      "olist", "ingest and scan the Olist orders, then match bre's incidents to the labelled episodes",
      [](Declarer& d) {
        d.positional("DIR", &request.data_dir, "folder with the eight Olist CSV files", true);
        d.option("--labels", &request.labels_path,
                 "episode file (default docs/eval/olist_episodes.json, relative to the current folder)");
        d.option("--slack-days", &request.slack_days,
                 "days an incident window may miss an episode by and still match (default 3)");
        d.formats({Format::table, Format::json, Format::md});
        d.footer(
            "Example (from the repository root):\n"
            "  bre --workspace /tmp/olist.sqlite eval olist ../shared/data/olist\n"
            "The workspace must hold no other source's events; re-running on it ingests nothing new and scans again.\n"
            "An incident matches an episode when its type is one of the episode's and its window overlaps the\n"
            "episode's days ± slack; one matching none is 'data-edge' inside a data_edge episode, else 'invented'.\n"
            "docs/eval-olist.md: the labels, the rule and the results.");
      },
      [](Context& ctx) {
        // Bad arguments are refused before a workspace is created for them.
        const OlistEvalInputs inputs = read_olist_eval_inputs(request);
        const auto report = run_olist_eval(ctx.workspace(/*create=*/true), request, inputs, ctx.log(), ctx.graphs());
        ctx.emit(report, [&](Format f) { return olist_report_text(report, f == Format::md); });
        return 0;
      });
}

}  // namespace bre::cli
