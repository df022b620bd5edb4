// bre postmortem INCIDENT_ID|--cascade CASCADE_ID|--all: the design's
// postmortem (docs/postmortem.md) as JSON, Markdown or PDF, built from what
// the scan stored and kept in the workspace.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/postmortem/postmortem_pdf.h"
#include "bre/postmortem/render_postmortem.h"
#include "bre/postmortem/run_postmortem.h"
#include "bre/store/chart_store.h"
#include "bre/store/postmortem_store.h"
#include "command.h"

namespace bre::cli {

namespace {

namespace fs = std::filesystem;

// One postmortem in the chosen format. Markdown reads well in a terminal, so
// `table` is the Markdown too.
// `bre postmortem` as JSON, Markdown or PDF. A PDF draws the incident
// metrics' charts from the workspace's gold metrics.
std::string rendered(Database& db, const Postmortem& pm, Format f) {
  switch (f) {
    case Format::md:
    case Format::table: return postmortem_markdown(pm);
    case Format::pdf: return render_postmortem_pdf(pm, postmortem_charts(db, pm));
    default: return nlohmann::ordered_json::parse(postmortem_json(pm)).dump(2) + "\n";
  }
}

const char* extension(Format f) {
  return f == Format::md || f == Format::table ? ".md" : f == Format::pdf ? ".pdf" : ".json";
}

void write_file(const fs::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw_io("cannot write the postmortem", path.string());
}

}  // namespace

void register_postmortem(Declarer& root) {
  static std::string incident_id, cascade_id, output, out_dir;
  static bool all = false;
  root.command(
      "postmortem", "the postmortem of an incident or a cascade: summary, timeline, root cause, blast radius, monitors",
      [](Declarer& d) {
        d.positional("incident_id", &incident_id, "the incident (bre incidents list shows ids)", false);
        d.option("--cascade", &cascade_id, "a cascade instead (bre cascades list shows ids): one postmortem for all its incidents");
        d.flag("--all", &all, "every cascade, and every incident in no cascade (false alarms aside)");
        d.option("-o,--output", &output, "write the postmortem to FILE instead of stdout");
        d.option("--out-dir", &out_dir, "with --all: one file per postmortem in DIR, named after its incident or cascade");
        d.formats({Format::table, Format::json, Format::md, Format::pdf});
        d.footer("Examples:\n  bre postmortem inc_4875807a2e20ed7e --format md\n"
                 "  bre postmortem --cascade cas_8ede8a686b63ba33 --format json -o cascade.json\n"
                 "  bre postmortem --all --format md --out-dir postmortems/\n"
                 "  bre postmortem inc_4875807a2e20ed7e --format pdf -o incident.pdf   (A4, for printing)\n"
                 "Sections and how each is derived: docs/postmortem.md. Run bre scan (or detect, correlate, rca) "
                 "first.\nExit codes: 0 ok, 2 usage, 66 unknown incident or cascade, 74 a file cannot be written.");
      },
      [](Context& ctx) {
        const int chosen = !incident_id.empty() + !cascade_id.empty() + all;
        if (chosen != 1) throw_usage("give one INCIDENT_ID, --cascade CASCADE_ID or --all");
        if (!out_dir.empty() && !all) throw_usage("--out-dir goes with --all (use -o FILE for one postmortem)");
        if (!output.empty() && all) throw_usage("-o writes one postmortem; with --all use --out-dir DIR");
        Workspace& ws = ctx.workspace();
        std::vector<PostmortemSubject> subjects;
        if (all) subjects = all_postmortem_subjects(ws.db());
        else if (!cascade_id.empty()) subjects = {{cascade_id, true}};
        else subjects = {{incident_id, false}};
        const std::vector<Postmortem> pms = run_postmortems(ws, subjects, ctx.graphs(), ctx.log().run_id(), ctx.log());
        if (all) prune_postmortems(ws.db());  // those of incidents and cascades that are gone
        const Format f = ctx.format();

        if (!out_dir.empty()) {
          nlohmann::ordered_json written = nlohmann::ordered_json::array();
          for (const Postmortem& pm : pms) {
            const fs::path file = fs::path(out_dir) / (pm.cascade_id.value_or(pm.incident_id) + extension(f));
            write_file(file, rendered(ws.db(), pm, f));
            written.push_back({{"postmortem_id", pm.postmortem_id},
                               {"incident_id", pm.incident_id},
                               {"cascade_id", pm.cascade_id ? nlohmann::ordered_json(*pm.cascade_id) : nullptr},
                               {"title", pm.title},
                               {"monitors", pm.monitors.size()},
                               {"file", file.string()}});
          }
          ctx.progress("Wrote " + std::to_string(pms.size()) + " postmortem(s) to " + out_dir);
          // The list of files is the output: JSON for scripts, one line per file for people.
          std::string lines;
          for (const auto& w : written) lines += w["file"].get<std::string>() + "\t" + w["title"].get<std::string>() + "\n";
          if (f == Format::json) std::fputs((written.dump(2) + "\n").c_str(), stdout);
          else std::fputs(lines.c_str(), stdout);
          return 0;
        }
        // A PDF is one document per file: never several concatenated, never to a terminal.
        if (f == Format::pdf && (all || output.empty()))
          throw_usage("--format pdf writes a file: give -o FILE (or --all --out-dir DIR)");
        std::string text;
        if (all && f == Format::json) {
          nlohmann::ordered_json list = nlohmann::ordered_json::array();
          for (const Postmortem& pm : pms) list.push_back(nlohmann::ordered_json::parse(postmortem_json(pm)));
          text = list.dump(2) + "\n";
        } else {
          for (const Postmortem& pm : pms) text += (text.empty() ? "" : "\n---\n\n") + rendered(ws.db(), pm, f);
        }
        if (!output.empty()) write_file(output, text);
        else std::fwrite(text.data(), 1, text.size(), stdout);
        return 0;
      });
}

}  // namespace bre::cli
