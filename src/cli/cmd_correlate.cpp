// bre correlate, bre cascades list|show: incidents grouped into cascades.
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/correlate/run_correlate.h"
#include "bre/store/cascade_store.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

// A decimal option; "" keeps the default.
void parse_number(const std::string& text, const char* option, double& target) {
  if (text.empty()) return;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') throw_usage(fmt::format("{} takes a number, not '{}'", option, text));
  target = v;
}

std::string fixed(const nlohmann::ordered_json& v, int digits = 3) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : scalar_text(v);
}

// A person's view: the path, the members and every link's score inputs.
std::string render_cascade(const nlohmann::ordered_json& c, bool md) {
  std::string path;
  for (const auto& t : c["cascade_path"]) path += (path.empty() ? "" : " -> ") + t.get<std::string>();
  std::string out = md ? fmt::format("## Cascade {}\n\n", c["cascade_id"].get<std::string>())
                       : fmt::format("cascade   {}\n", c["cascade_id"].get<std::string>());
  const auto line = [&](const char* k, const std::string& v) {
    out += md ? fmt::format("- **{}**: {}\n", k, v) : fmt::format("{:<9} {}\n", k, v);
  };
  line("path", path);
  line("score", fixed(c["cascade_score"]) + " (mean of the link scores)");
  line("root", c["root_incident_id"].get<std::string>());
  line("detected", c["detected_at"].get<std::string>());
  line("span", c["window_start"].get<std::string>() + " .. " + c["window_end"].get<std::string>());
  out += md ? "\n### Incidents\n\n" : "\nincidents\n";
  nlohmann::ordered_json members = nlohmann::ordered_json::array();
  for (const auto& m : c["members"])
    members.push_back({{"incident_id", m["incident_id"]}, {"type", m["incident_type"]}, {"severity", m["severity"]},
                       {"start", m["incident_window_start"]}, {"end", m["incident_window_end"]},
                       {"detected_at", m["detected_at"]}, {"entities", m["evidence_entities"]}});
  out += render_table(members, {"incident_id", "type", "severity", "start", "end", "detected_at", "entities"}, md);
  out += md ? "\n### Links: score = exp(-days/decay) x max(floor, shared/union) x plausible\n\n"
            : "\nlinks     score = exp(-days/decay) x max(floor, shared/union) x plausible\n";
  nlohmann::ordered_json links = nlohmann::ordered_json::array();
  for (const auto& l : c["links"])
    links.push_back({{"from", l["from_type"]}, {"to", l["to_type"]}, {"days", l["days_between"]},
                     {"temporal", fixed(l["temporal_weight"])},
                     {"shared/union", fmt::format("{}/{}", l["shared_entities"].get<std::int64_t>(),
                                                  l["union_entities"].get<std::int64_t>())},
                     {"jaccard", fixed(l["jaccard"])}, {"overlap", fixed(l["entity_overlap"])},
                     {"plausible", l["plausibility"]}, {"score", fixed(l["score"])}});
  return out + render_table(links, {"from", "to", "days", "temporal", "shared/union", "jaccard", "overlap",
                                    "plausible", "score"}, md);
}

}  // namespace

void register_correlate(Declarer& root) {
  static int window_days = CascadeConfig{}.correlation_window_days;
  static std::string decay, threshold, floor;
  root.command(
      "correlate", "group the stored incidents into cascades (run bre detect first)",
      [](Declarer& d) {
        d.option("--window-days", &window_days, "pairs whose window starts are at most this many days apart (default 7)");
        d.option("--decay-days", &decay, "decay constant of the temporal weight exp(-days/decay) (default 3)");
        d.option("--threshold", &threshold, "a link is kept when its score is above this (default 0.15)");
        d.option("--overlap-floor", &floor, "entity overlap is at least this, whatever the Jaccard (default 0.5)");
        d.footer("Examples:\n  bre detect && bre correlate\n  bre cascades list\n"
                 "Each pair of incidents is scored exp(-days/3) x max(0.5, Jaccard of their customers and\n"
                 "vendors) x (1 if the incident graph leads from the first type to the second); linked incidents\n"
                 "form a cascade. docs/cascades.md.");
      },
      [](Context& ctx) {
        CascadeConfig cfg;
        cfg.correlation_window_days = window_days;
        parse_number(decay, "--decay-days", cfg.decay_days);
        parse_number(threshold, "--threshold", cfg.threshold);
        parse_number(floor, "--overlap-floor", cfg.entity_overlap_floor);
        validate(cfg);
        const CorrelateRunResult r =
            run_correlate_recorded(ctx.workspace(), ctx.log().run_id(), ctx.log(), ctx.graphs(), cfg);
        nlohmann::ordered_json j;
        j["run_id"] = ctx.log().run_id();
        j["config"] = nlohmann::ordered_json::parse(cascade_config_json(cfg));
        j["incident_graph_version"] = ctx.graphs().incidents.version();
        j["incidents"] = r.incidents;
        j["left_out_not_anomaly"] = r.left_out;
        j["pairs_in_window"] = r.pairs_in_window;
        j["links_scored"] = r.links_scored;
        j["links_kept"] = r.links_kept;
        j["cascades"] = r.cascades;
        j["incidents_in_cascades"] = r.incidents_in_cascades;
        ctx.emit(j);
        return 0;
      });

  static CascadeFilter filter;
  static std::string cascade_id;
  root.command("cascades", "list and show the cascades bre correlate found", [](Declarer& g) {
    g.command(
        "list", "cascades, earliest first",
        [](Declarer& d) {
          d.option("--from", &filter.from, "cascades ending on or after this day, YYYY-MM-DD");
          d.option("--to", &filter.to, "cascades starting on or before this day, YYYY-MM-DD");
          d.option("--type", &filter.type, "cascades with a member of this incident type",
                   default_dependency_graphs().incidents.nodes());
          d.footer("Example:\n  bre cascades list --from 2026-03-01 --type fulfillment_sla_degradation");
        },
        [](Context& ctx) {
          for (const std::string* day : {&filter.from, &filter.to})
            if (!day->empty() && !parse_date(*day))
              throw Error(ErrorKind::usage, "BAD_DATE", "dates are YYYY-MM-DD, not '" + *day + "'");
          nlohmann::ordered_json all = nlohmann::ordered_json::array();
          for (const std::string& p : list_cascades(ctx.workspace().db(), filter))
            all.push_back(nlohmann::ordered_json::parse(p));
          ctx.emit(all, [&](Format f) {
            nlohmann::ordered_json rows = nlohmann::ordered_json::array();
            for (const auto& c : all) {
              std::string path;
              for (const auto& t : c["cascade_path"]) path += (path.empty() ? "" : " -> ") + t.get<std::string>();
              rows.push_back({{"cascade_id", c["cascade_id"]}, {"start", c["window_start"]}, {"end", c["window_end"]},
                              {"incidents", c["incident_ids"].size()}, {"score", fixed(c["cascade_score"])},
                              {"path", path}});
            }
            return render_table(rows, {"cascade_id", "start", "end", "incidents", "score", "path"}, f == Format::md);
          });
          return 0;
        });
    g.command(
        "show", "one cascade: its path, members and every link's score inputs",
        [](Declarer& d) {
          d.positional("cascade_id", &cascade_id, "the cascade", true);
          d.footer("Example:\n  bre cascades show cas_0123456789abcdef --format json");
        },
        [](Context& ctx) {
          const auto c = nlohmann::ordered_json::parse(find_cascade(ctx.workspace().db(), cascade_id));
          ctx.emit(c, [&](Format f) { return render_cascade(c, f == Format::md); });
          return 0;
        });
  }, nullptr);
}

}  // namespace bre::cli
