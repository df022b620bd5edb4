// bre build-state, bre metrics current, bre metrics history: the gold layer.
#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/metric_catalog.h"
#include "bre/postmortem/chart.h"
#include "bre/state/build_state.h"
#include "bre/store/chart_store.h"
#include "bre/store/metric_store.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

std::vector<std::string> metrics;
std::string from, to, output;

nlohmann::ordered_json day_or_null(const std::optional<DayNumber>& d) {
  return d ? nlohmann::ordered_json(format_day(*d)) : nlohmann::ordered_json();
}

nlohmann::ordered_json to_json(const MetricRow& r, bool with_evidence) {
  const MetricInfo* info = find_metric(r.metric);
  nlohmann::ordered_json j;
  j["metric"] = r.metric;
  j["day"] = r.day;
  j["value"] = r.value ? nlohmann::ordered_json(*r.value) : nlohmann::ordered_json();
  j["unit"] = info ? std::string(info->unit) : "";
  j["domain"] = info ? std::string(to_string(info->domain)) : "";
  j["metric_schema_version"] = r.schema_version;
  if (with_evidence) j["evidence"] = nlohmann::ordered_json::parse(r.evidence);
  return j;
}

void check_day(const std::string& text, const char* option) {
  if (!text.empty() && !parse_date(text))
    throw Error(ErrorKind::usage, "BAD_DATE", fmt::format("{} wants YYYY-MM-DD, got '{}'", option, text));
}

std::optional<DayNumber> day_option(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return *parse_date(text) / kMsPerDay;
}

// --format svg: the stacked chart of every --metric, to -o or stdout.
int write_history_svg(Context& ctx) {
  const std::vector<MetricChart> charts =
      workspace_metric_charts(ctx.workspace().db(), metrics, day_option(from), day_option(to));
  std::string title;
  for (const std::string& m : metrics) title += (title.empty() ? "" : ", ") + m;
  const std::string svg = chart_svg(layout_charts(charts), "bre metrics history: " + title);
  if (output.empty()) {
    std::fwrite(svg.data(), 1, svg.size(), stdout);
    return 0;
  }
  std::ofstream file(output, std::ios::binary);
  file << svg;
  file.close();
  if (!file) throw Error(ErrorKind::io, "WRITE_FAILED", fmt::format("cannot write '{}'", output));
  ctx.progress(fmt::format("wrote {} ({} bytes)", output, svg.size()));
  return 0;
}

}  // namespace

void register_state(Declarer& root) {
  static bool full = false;
  root.command(
      "build-state", "compute the daily and weekly gold metrics from the live events",
      [](Declarer& d) {
        d.flag("--full", &full, "recompute and rewrite every day (default: only days touched since the last build)");
        d.footer("Examples:\n  bre build-state\n  bre build-state --full --format json\n"
                 "27 metrics a day (docs/metrics.md); weekly rollups in metrics_weekly.");
      },
      [](Context& ctx) {
        const StateBuildResult r = build_state(ctx.workspace(), ctx.log().run_id(), full, ctx.log());
        nlohmann::ordered_json j;
        j["run_id"] = ctx.log().run_id();
        j["events"] = r.events;
        j["mode"] = r.up_to_date ? "up_to_date" : r.full ? "full" : "incremental";
        j["first_day"] = day_or_null(r.first_day);
        j["last_day"] = day_or_null(r.last_day);
        j["rewritten_from"] = day_or_null(r.rewritten_from);
        j["daily_rows"] = r.daily_rows;
        j["weekly_rows"] = r.weekly_rows;
        j["metric_schema_version"] = kMetricSchemaVersion;
        j["timezone"] = r.timezone;
        ctx.emit(j);
        return 0;
      });

  root.command("metrics", "read the gold metrics", [](Declarer& m) {
    m.command(
        "current", "every metric on the latest computed day",
        [](Declarer& d) { d.footer("Example:\n  bre metrics current --format json"); },
        [](Context& ctx) {
          nlohmann::ordered_json rows = nlohmann::ordered_json::array();
          for (const MetricRow& r : read_current_metrics(ctx.workspace().db())) rows.push_back(to_json(r, false));
          ctx.emit(rows);
          return 0;
        });
    m.command(
        "history", "metrics day by day, with the events behind each value, or as an SVG chart",
        [](Declarer& d) {
          d.option("--metric", &metrics, "metric name (bre metrics current lists them); repeat for several");
          d.option("--from", &from, "first day, YYYY-MM-DD");
          d.option("--to", &to, "last day, YYYY-MM-DD");
          d.option("-o,--output", &output, "--format svg: write the chart to this file (default: stdout)");
          d.formats({Format::table, Format::json, Format::jsonl, Format::md, Format::svg});
          d.footer("Examples:\n  bre metrics history --metric refund_rate --from 2026-05-01 --to 2026-05-31\n"
                   "  bre metrics history --metric refund_rate --metric review_score_avg --format svg -o refunds.svg\n"
                   "The chart stacks one panel per metric on one date axis: the values (null days break the line),\n"
                   "the detection baseline's normal range, the incident triggers and the stored incidents' windows.");
        },
        [](Context& ctx) {
          if (metrics.empty()) throw_usage("--metric is required");
          for (const std::string& metric : metrics)
            if (!find_metric(metric))
              throw Error(ErrorKind::usage, "UNKNOWN_METRIC", fmt::format("unknown metric '{}'", metric));
          check_day(from, "--from");
          check_day(to, "--to");
          if (!output.empty() && ctx.format() != Format::svg) throw_usage("-o is for --format svg");
          if (ctx.format() == Format::svg) return write_history_svg(ctx);
          nlohmann::ordered_json rows = nlohmann::ordered_json::array();
          for (const std::string& metric : metrics)
            for (const MetricRow& r : read_metric_history(ctx.workspace().db(), metric, from, to))
              rows.push_back(to_json(r, true));
          ctx.emit(rows);
          return 0;
        });
  }, nullptr);
}

}  // namespace bre::cli
