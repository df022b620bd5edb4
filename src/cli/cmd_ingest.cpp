// bre ingest file | replay: supplemental and canonical files into the
// workspace, and re-derivation of events from bronze.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/connect/qbo_pull.h"
#include "bre/core/time.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/qbo.h"
#include "bre/store/runs.h"
#include "command.h"
#include "quality_render.h"
#include "render.h"

namespace bre::cli {

namespace {

std::optional<TimeMs> parse_as_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto t = parse_date(text);
  if (!t) t = parse_iso8601(text);
  if (!t) throw Error(ErrorKind::usage, "BAD_DATE", "--as-of wants YYYY-MM-DD, got '" + text + "'");
  return t;
}

nlohmann::ordered_json to_json(const IngestResult& r) {
  nlohmann::ordered_json j;
  j["batch_id"] = r.batch_id;
  j["source"] = r.source;
  j["records"] = r.records;
  j["events_inserted"] = r.events_inserted;
  j["events_duplicate"] = r.events_duplicate;
  j["rejected_records"] = r.rejected;
  j["bronze_records_inserted"] = r.bronze_inserted;
  j["reference_entities"] = r.entities;
  j["events_superseded"] = r.events_superseded;
  j["quality"] = nlohmann::ordered_json::parse(bre::to_json(r.quality));
  return j;
}

nlohmann::ordered_json to_json(const connect::QboPullReport& p) {
  nlohmann::ordered_json j;
  j["pull_id"] = p.pull_id;
  j["resumed"] = p.resumed;
  j["full"] = p.full_entities;
  j["cdc"] = p.cdc_entities;
  j["changed_since"] = p.changed_since ? nlohmann::ordered_json(format_iso8601(*p.changed_since)) : nlohmann::ordered_json();
  j["requests"] = p.requests_made;
  j["responses_reused"] = p.responses_reused;
  j["webhook_changes"] = p.webhook_changes;
  j["deletes_inferred"] = p.deletes_inferred;
  return j;
}

}  // namespace

void register_ingest(Declarer& root) {
  static IngestRequest request;
  static std::string as_of;
  static std::string replay_source_name;
  static QboPagesRequest qbo_request;
  static bool qbo_full = false;
  root.command("ingest", "bring data into the workspace", [](Declarer& ingest) {
    ingest.command(
        "file", "ingest supplemental CSV/JSON/JSONL files or canonical events",
        [](Declarer& d) {
          d.positionals("paths", &request.paths, "input files; '-' reads standard input", true);
          d.option("--source", &request.source, "what the files hold",
                   {"events", "olist", "support_tickets", "telco_churn", "logistics"});
          d.flag("--skip-invalid", &request.skip_invalid,
                 "keep valid records, record the invalid ones in rejected_records (default: refuse the whole batch)");
          d.option("--as-of", &as_of, "snapshot date for sources without dates (telco_churn), YYYY-MM-DD");
          d.option("--currency", &request.currency, "home currency if the workspace has none yet (ISO 4217)");
          d.footer(
              "Examples:\n"
              "  bre ingest file events.jsonl --source events\n"
              "  gzip -dc events.jsonl.gz | bre ingest file - --source events\n"
              "  bre ingest file data/olist/*.csv --source olist\n"
              "  bre ingest file WA_Fn-UseC_-Telco-Customer-Churn.csv --source telco_churn --as-of 2024-01-31\n"
              "A batch is one transaction: with an invalid record nothing is written and the exit code is 65,\n"
              "each problem reported as FILE:LINE: field 'F': reason. Re-ingesting the same input adds nothing.");
        },
        [](Context& ctx) {
          if (request.source.empty()) throw_usage("--source is required (events, olist, support_tickets, telco_churn, logistics)");
          request.options.as_of = parse_as_of(as_of);
          if (request.currency.empty()) request.currency = ctx.config_string("currency");
          Workspace& ws = ctx.workspace();
          const TimeMs started = now_ms();
          IngestResult r = ingest_files(ws, request, ctx.log());
          nlohmann::ordered_json out = to_json(r);
          record_run(ws.db(), {ctx.log().run_id(), "ingest file", started, now_ms(), "succeeded",
                               nlohmann::ordered_json{{"source", r.source}, {"inputs", request.paths},
                                                      {"batch_id", r.batch_id}, {"events_inserted", r.events_inserted},
                                                      {"events_duplicate", r.events_duplicate},
                                                      {"rejected_records", r.rejected}}
                                   .dump()});
          ctx.emit(out, [&](Format f) {
            const bool md = f == Format::md;
            std::string text = fmt::format(
                "{} {} records from {}: {} new events, {} already present, {} rejected.\n\n", md ? "Ingested" : "Ingested",
                r.records, r.source, r.events_inserted, r.events_duplicate, r.rejected);
            return text + render_quality_report(out["quality"], md);
          });
          return 0;
        });
    ingest.command(
        "qbo", "ingest QuickBooks Online API responses (saved query, read and CDC pages)",
        [](Declarer& d) {
          d.option("--from-dir", &qbo_request.dir,
                   "directory of saved API response bodies (*.json, read by name); without it, pull from the "
                   "connected company (bre connect quickbooks)");
          d.option("--as-of", &as_of, "date the overdue state is computed at (default: the newest response time)");
          d.option("--currency", &qbo_request.currency, "home currency if the workspace has none yet (ISO 4217)");
          d.flag("--full", &qbo_full,
                 "pull every entity type in full instead of the changes since the last pull (API pulls only)");
          d.footer(
              "Examples:\n"
              "  bre ingest qbo --from-dir pages/ --as-of 2026-06-15\n"
              "  bre ingest qbo            (first run: everything; later runs: changes via CDC since the last pull)\n"
              "  bre ingest qbo --full     (everything again; ids no longer returned are recorded as deleted)\n"
              "Each object version lands once in bronze_qbo_raw; all QBO bronze is then mapped to events\n"
              "(docs/mappings/qbo.md). A pull that fails midway keeps what it fetched and the next run resumes\n"
              "it (docs/qbo-sync.md). Running it twice adds nothing.");
        },
        [](Context& ctx) {
          qbo_request.as_of = parse_as_of(as_of);
          if (qbo_request.currency.empty()) qbo_request.currency = ctx.config_string("currency");
          Workspace& ws = ctx.workspace();
          const TimeMs started = now_ms();
          const bool pull = qbo_request.dir.empty();
          if (!pull && qbo_full) throw_usage("--full applies to API pulls, not --from-dir");
          connect::QboPullReport report;
          IngestResult r = pull ? connect::ingest_qbo_api(ws, {{}, qbo_request.as_of, qbo_request.currency, qbo_full},
                                                          ctx.log(), {}, &report)
                                : ingest_qbo_pages(ws, qbo_request, ctx.log());
          nlohmann::ordered_json out = to_json(r);
          if (pull) out["pull"] = to_json(report);
          record_run(ws.db(), {ctx.log().run_id(), "ingest qbo", started, now_ms(), "succeeded",
                               nlohmann::ordered_json{{"source", "qbo"}, {"inputs", pull ? std::string("quickbooks api") : qbo_request.dir},
                                                      {"batch_id", r.batch_id}, {"events_inserted", r.events_inserted},
                                                      {"events_duplicate", r.events_duplicate}}
                                   .dump()});
          ctx.emit(out, [&](Format f) {
            std::string text = fmt::format("Ingested {} QBO objects ({} new in bronze): {} new events, {} already present",
                                           r.records, r.bronze_inserted, r.events_inserted, r.events_duplicate);
            if (r.events_superseded) text += fmt::format(", {} withdrawn (deleted or voided in QuickBooks)", r.events_superseded);
            text += ".\n";
            if (pull)
              text += fmt::format("Pull {}{}: {} in full, {} by CDC; {} requests, {} reused; {} webhook changes; {} deletes "
                                  "inferred.\n",
                                  report.pull_id, report.resumed ? " (resumed)" : "", report.full_entities.size(),
                                  report.cdc_entities.size(), report.requests_made, report.responses_reused,
                                  report.webhook_changes, report.deletes_inferred);
            text += "\n";
            return text + render_quality_report(out["quality"], f == Format::md);
          });
          return 0;
        });
    ingest.command(
        "replay", "re-derive silver events from bronze under the current mapping version",
        [](Declarer& d) {
          d.option("--source", &replay_source_name, "source to replay",
                   {"events", "olist", "support_tickets", "telco_churn", "logistics", "qbo"});
          d.option("--as-of", &as_of, "snapshot date for telco_churn; overdue cut-off for qbo, YYYY-MM-DD");
          d.footer("Older-version events stay in the log, marked superseded; downstream stages read live_events.");
        },
        [](Context& ctx) {
          if (replay_source_name.empty()) throw_usage("--source is required");
          AdapterOptions options;
          options.as_of = parse_as_of(as_of);
          const TimeMs started = now_ms();
          ReplayResult r = replay_source(ctx.workspace(), replay_source_name, options, ctx.log());
          record_run(ctx.workspace().db(),
                     {ctx.log().run_id(), "ingest replay", started, now_ms(), "succeeded",
                      nlohmann::ordered_json{{"source", r.source}, {"batch_id", r.batch_id},
                                             {"mapping_version", r.mapping_version},
                                             {"events_inserted", r.events_inserted},
                                             {"events_superseded", r.events_superseded}}
                          .dump()});
          nlohmann::ordered_json out;
          out["source"] = r.source;
          out["batch_id"] = r.batch_id;
          out["mapping_version"] = r.mapping_version;
          out["bronze_records"] = r.records;
          out["events_inserted"] = r.events_inserted;
          out["events_superseded"] = r.events_superseded;
          if (!r.note.empty()) out["note"] = r.note;
          ctx.emit(out);
          return 0;
        });
  }, nullptr);
}

}  // namespace bre::cli
