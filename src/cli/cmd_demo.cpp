// bre demo: the whole product in one command — a seeded company with a
// supplier failure that cascades, a support failure and the supplier failure
// again months later; ingested through the QuickBooks mapping, scanned, its
// postmortems written as Markdown and PDF, and the design's summary block
// printed, with the monitor alerts that came before a detection.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/qbo.h"
#include "bre/ingest/seed.h"
#include "bre/monitor/early_warnings.h"
#include "bre/postmortem/postmortem_pdf.h"
#include "bre/postmortem/render_postmortem.h"
#include "bre/scan/scan.h"
#include "bre/store/chart_store.h"
#include "bre/store/incident_store.h"
#include "bre/store/monitor_store.h"
#include "command.h"

namespace bre::cli {

namespace {

namespace fs = std::filesystem;

// The story: a supplier failure in February (it cascades into late
// deliveries and a ticket surge), a support failure in April, and the same
// supplier failing again in June, when the monitors born in February watch.
const char* const kScenarios[] = {"supplier_delay@2026-02-09", "support_failure@2026-04-06",
                                  "supplier_delay@2026-06-01"};

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw_io("cannot write", path.string());
}

std::vector<DetectedAt> detected_incidents(Database& db) {
  std::vector<DetectedAt> out;
  const BusinessTime clock = business_time(db);
  for (const std::string& payload : list_incidents(db, {})) {
    const auto j = nlohmann::json::parse(payload);
    const auto start = parse_date(j.at("incident_window_start").get<std::string>());
    const auto detected = parse_iso8601(j.at("detected_at").get<std::string>());
    if (!start || !detected) continue;
    out.push_back({j.at("incident_id").get<std::string>(), j.at("incident_type").get<std::string>(),
                   day_of(*start), clock.local_day(*detected)});
  }
  return out;
}

std::string summary_text(const nlohmann::ordered_json& j) {
  std::string s;
  auto line = [&](const std::string& text) { s += "✅ " + text + "\n"; };
  line(fmt::format("Seeded a {}-day company (seed {}): {}", j["days"].get<int>(), j["seed"].get<int>(),
                   j["scenarios"].dump()));
  line(fmt::format("Ingested {} events", j["events_ingested"].get<std::int64_t>()));
  line(fmt::format("Computed {} days of business state", j["days_of_state"].get<std::int64_t>()));
  line(fmt::format("Detected {} incidents ({} cascades)", j["incidents"].get<std::int64_t>(),
                   j["cascades"].get<std::int64_t>()));
  line(fmt::format("Generated {} postmortems with {} monitors", j["postmortems"].get<std::int64_t>(),
                   j["monitors"].get<std::int64_t>()));
  line(fmt::format("Monitors raised {} alerts; {} came before the detection of an incident of their kind",
                   j["monitor_alerts"].get<std::int64_t>(), j["early_warnings"].size()));
  for (const auto& w : j["early_warnings"])
    s += fmt::format("   {} alerted on {}, {} day(s) before {} ({}) was detected\n", w["metric"].get<std::string>(),
                     w["alert_day"].get<std::string>(), w["days_earlier"].get<int>(),
                     w["incident_id"].get<std::string>(), w["incident_type"].get<std::string>());
  s += fmt::format("\nPostmortems (Markdown and PDF): {}\nWorkspace: {}\nNext: bre --workspace {} incidents list\n",
                   j["postmortem_dir"].get<std::string>(), j["workspace"].get<std::string>(),
                   j["workspace"].get<std::string>());
  return s;
}

}  // namespace

void register_demo(Declarer& root) {
  static std::string out_dir = "bre-demo";
  static int seed_value = 2;
  root.command(
      "demo", "the one-command demo: seed a company, ingest it, scan, write postmortems, print the summary",
      [](Declarer& d) {
        d.option("--out", &out_dir, "folder for the company's files, the workspace and the postmortems (default bre-demo)");
        d.option("--seed", &seed_value, "seed of the synthetic company (default 2)");
        d.formats({Format::table, Format::json});
        d.footer("Example:\n  bre demo --out /tmp/demo && ls /tmp/demo/postmortems\n"
                 "The workspace is OUT/workspace.sqlite (made afresh each time; --workspace is not used).");
      },
      [](Context& ctx) {
        if (seed_value < 0) throw_usage("--seed must be >= 0");
        const fs::path out = out_dir;
        const fs::path company = out / "company", postmortems = out / "postmortems";
        const fs::path workspace_path = out / "workspace.sqlite";
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(workspace_path.string() + suffix, ec);
        fs::remove_all(postmortems, ec);
        fs::create_directories(postmortems, ec);
        if (ec) throw_io("cannot create the demo folder", postmortems.string());

        seed::Options options;
        options.seed = static_cast<std::uint64_t>(seed_value);
        nlohmann::ordered_json scenarios = nlohmann::ordered_json::array();
        for (const char* s : kScenarios) {
          options.scenarios.push_back(seed::parse_scenario(s));
          scenarios.push_back(s);
        }
        ctx.progress("Seeding the company into " + company.string());
        seed::write_files(seed::generate(options), company.string());

        auto ws = Workspace::open(workspace_path.string(), /*create=*/true);
        ctx.progress("Ingesting the QuickBooks pages and the operational events");
        const IngestResult qbo = ingest_qbo_pages(*ws, {(company / "qbo").string(), std::nullopt, ""}, ctx.log());
        IngestRequest ops;
        ops.source = "events";
        ops.paths = {(company / "supplemental" / "operations.jsonl").string()};
        const IngestResult operations = ingest_files(*ws, ops, ctx.log());

        ctx.progress("Scanning: state, detection, cascades, BRE-RCA, blast radius, postmortems, monitors");
        ScanOptions fresh;  // the demo renders the postmortems the scan builds
        fresh.reuse = false;
        const ScanResult scan = run_scan(*ws, ctx.log().run_id(), DetectConfig{}, ctx.log(), ctx.graphs(), fresh);

        Database& db = ws->db();
        for (const Postmortem& pm : scan.postmortems) {
          const std::string name = pm.cascade_id.value_or(pm.incident_id);
          write_file(postmortems / (name + ".md"), postmortem_markdown(pm));
          write_file(postmortems / (name + ".pdf"), render_postmortem_pdf(pm, postmortem_charts(db, pm)));
        }

        const auto alerts = list_alerts(db, {});
        nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
        for (const EarlyWarning& w : early_warnings(alerts, list_monitors(db), detected_incidents(db)))
          warnings.push_back({{"alert_id", w.alert_id},
                              {"monitor_id", w.monitor_id},
                              {"metric", w.metric_name},
                              {"alert_day", format_day(w.alert_day)},
                              {"incident_id", w.incident_id},
                              {"incident_type", w.incident_type},
                              {"detected_day", format_day(w.detected_day)},
                              {"days_earlier", w.days_earlier}});

        nlohmann::ordered_json j;
        j["seed"] = seed_value;
        j["days"] = options.days;
        j["scenarios"] = scenarios;
        j["events_ingested"] = qbo.events_inserted + operations.events_inserted;
        j["days_of_state"] = scan.summary.days;
        j["incidents"] = scan.summary.incidents;
        j["cascades"] = scan.summary.cascades;
        j["postmortems"] = scan.postmortems.size();
        j["monitors"] = scan.summary.monitors;
        j["monitor_alerts"] = alerts.size();
        j["early_warnings"] = warnings;
        j["postmortem_dir"] = postmortems.string();
        j["workspace"] = workspace_path.string();
        j["run_id"] = scan.run_id;
        ctx.emit(j, [&](Format) { return summary_text(j); });
        return 0;
      });
}

}  // namespace bre::cli
