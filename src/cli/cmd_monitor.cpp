// bre monitor list|show|enable|disable|set|run|alerts|ack|dismiss: the
// prevention monitors born from incidents, and their alerts (docs/monitors.md).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/monitor/run_monitors.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

using Json = nlohmann::ordered_json;

std::optional<DayNumber> parse_day_option(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  const auto t = parse_date(text);
  if (!t) throw Error(ErrorKind::usage, "BAD_DATE", fmt::format("{} wants YYYY-MM-DD, got '{}'", option, text));
  return *t / kMsPerDay;
}

// The rule's JSON plus what the workspace knows about it now.
Json monitor_json(Database& db, const MonitorRule& rule) {
  Json j = Json::parse(monitor_rule_json(rule));
  const auto last = monitor_last_evaluated(db, rule.monitor_id);
  j["last_evaluated_day"] = last ? Json(format_day(*last)) : Json();
  const auto active = list_alerts(db, {"active", rule.monitor_id});
  j["active_alerts"] = active.size();
  // The dashboard's green / yellow / red: an active alert whose episode
  // reached the last evaluated day is firing now.
  const bool firing = last && std::any_of(active.begin(), active.end(),
                                          [&](const MonitorAlert& a) { return a.last_day == *last; });
  j["health"] = !rule.enabled ? "disabled" : firing ? "triggered" : active.empty() ? "healthy" : "warning";
  return j;
}

Json alert_row(const MonitorAlert& a) {
  return {{"alert_id", a.alert_id},       {"day", format_day(a.day)},      {"monitor_id", a.monitor_id},
          {"metric", a.metric_name},      {"value", fmt::format("{:.4g}", a.current_value)},
          {"baseline", fmt::format("{:.4g}", a.baseline_value)}, {"z", fmt::format("{:.2f}", a.zscore)},
          {"until", format_day(a.last_day)}, {"severity", a.severity}, {"status", a.status}};
}

Json alerts_json(const std::vector<MonitorAlert>& alerts) {
  Json all = Json::array();
  for (const MonitorAlert& a : alerts) all.push_back(Json::parse(monitor_alert_json(a)));
  return all;
}

std::string render_alerts(const std::vector<MonitorAlert>& alerts, Format f) {
  Json rows = Json::array();
  for (const MonitorAlert& a : alerts) rows.push_back(alert_row(a));
  return render_table(rows, {"alert_id", "day", "until", "metric", "value", "baseline", "z", "severity", "status"},
                      f == Format::md);
}

double parse_threshold(const std::string& text) {
  double z = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), z);
  if (ec != std::errc() || end != text.data() + text.size()) throw_usage("--threshold wants a number, got '" + text + "'");
  return z;
}

std::optional<int> parse_agreement_days(const std::string& text) {
  int days = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
  if (ec != std::errc() || end != text.data() + text.size() || days < 0 || days > 7) return std::nullopt;
  return days;
}

}  // namespace

void register_monitor(Declarer& root) {
  static std::string monitor_id, alert_id, threshold, from, to, status_filter, monitor_filter;
  static int window_days = 0, quiet_days = MonitorRuntimeConfig{}.episode_quiet_days;
  static bool keep_source_windows = false;
  static std::string instant_z, agreement, monitor_agreement, queue_lead_in;
  root.command("monitor", "prevention monitors born from incidents: list, tune, run, and their alerts", [](Declarer& g) {
    g.command(
        "list", "every monitor with its condition, health and active alerts",
        [](Declarer& d) { d.footer("Example:\n  bre monitor list\n  bre monitor list --format json | jq '.[].condition'"); },
        [](Context& ctx) {
          Database& db = ctx.workspace().db();
          Json all = Json::array();
          for (const MonitorRule& r : list_monitors(db)) all.push_back(monitor_json(db, r));
          ctx.emit(all, [&](Format f) {
            Json rows = Json::array();
            for (const auto& m : all)
              rows.push_back({{"monitor_id", m["monitor_id"]}, {"metric", m["metric_name"]}, {"condition", m["condition"]},
                              {"window", m["window_days"]}, {"severity", m["severity_if_triggered"]},
                              {"health", m["health"]}, {"alerts", m["active_alerts"]},
                              {"source", m["source_incident_id"]}, {"last_evaluated", m["last_evaluated_day"]}});
            return render_table(rows, {"monitor_id", "metric", "condition", "window", "severity", "health", "alerts",
                                       "source", "last_evaluated"},
                                f == Format::md);
          });
          return 0;
        });
    g.command(
        "show", "one monitor: its rule, where it came from, and its alerts",
        [](Declarer& d) {
          d.positional("monitor_id", &monitor_id, "the monitor (bre monitor list shows ids)", true);
          d.footer("Example:\n  bre monitor show mon_1a2b3c4d5e6f7a8b --format json");
        },
        [](Context& ctx) {
          Database& db = ctx.workspace().db();
          Json j = monitor_json(db, get_monitor(db, monitor_id));
          const auto alerts = list_alerts(db, {"", monitor_id});
          j["alerts"] = alerts_json(alerts);
          ctx.emit(j, [&](Format f) {
            Json head = j;
            head.erase("alerts");
            return render_generic(head, f == Format::md) + "\nalerts\n" + render_alerts(alerts, f);
          });
          return 0;
        });
    for (const bool enable : {true, false})
      g.command(
          enable ? "enable" : "disable", enable ? "switch a monitor on" : "switch a monitor off (it keeps its alerts)",
          [enable](Declarer& d) {
            d.positional("monitor_id", &monitor_id, "the monitor", true);
            d.footer(std::string("Example:\n  bre monitor ") + (enable ? "enable" : "disable") + " mon_1a2b3c4d5e6f7a8b");
          },
          [enable](Context& ctx) {
            Database& db = ctx.workspace().db();
            set_monitor_enabled(db, monitor_id, enable);
            ctx.emit({{"monitor_id", monitor_id}, {"enabled", enable}});
            return 0;
          });
    g.command(
        "set", "tune a monitor: its z threshold and the days in a row its condition must hold",
        [](Declarer& d) {
          d.positional("monitor_id", &monitor_id, "the monitor", true);
          d.option("--threshold", &threshold, "|z| in the bad direction that alerts (kept when incidents regenerate it)");
          d.option("--window", &window_days, "days in a row the condition must hold before an alert (1-30)");
          d.option("--agreement", &monitor_agreement,
                   "on: a day counts only when a monitor of the same causal path agrees (default); off: reads alone",
                   {"on", "off"});
          d.footer("Examples:\n  bre monitor set mon_1a2b3c4d5e6f7a8b --threshold 2.8 --window 2\n"
                   "  bre monitor set mon_1a2b3c4d5e6f7a8b --agreement off");
        },
        [](Context& ctx) {
          if (threshold.empty() && window_days == 0 && monitor_agreement.empty())
            throw_usage("give --threshold, --window, --agreement or several");
          const std::optional<double> z = threshold.empty() ? std::nullopt : std::optional(parse_threshold(threshold));
          const std::optional<int> w = window_days == 0 ? std::nullopt : std::optional(window_days);
          const std::optional<bool> agree =
              monitor_agreement.empty() ? std::nullopt : std::optional(monitor_agreement == "on");
          Database& db = ctx.workspace().db();
          ctx.emit(monitor_json(db, tune_monitor(db, monitor_id, z, w, agree)));
          return 0;
        });
    g.command(
        "run", "evaluate every enabled monitor on the days it has not seen (the last stage of bre scan)",
        [](Declarer& d) {
          d.option("--from", &from, "first day to evaluate, YYYY-MM-DD (default: per monitor, the day after its last)");
          d.option("--to", &to, "last day to evaluate, YYYY-MM-DD (default: the latest metric day)");
          d.option("--quiet-days", &quiet_days, "days without the condition that end an alert's episode (default 3)");
          d.option("--instant-z", &instant_z,
                   "a reading this far the bad way alerts at once, whatever the window and the path (default 4)");
          d.option("--agreement", &agreement,
                   "path agreement: a monitor's condition counts only if a monitor of the same causal path held "
                   "it that day or up to this many days before (0-7), or off (default 1)");
          d.option("--queue-lead-in", &queue_lead_in,
                   "a queue (ticket_backlog, fulfillment_backlog) past its threshold counts only if it read at least "
                   "this z the bad way the day before (default 1.5; 0: off)");
          d.flag("--keep-source-windows", &keep_source_windows,
                 "keep the source incidents in the metric's baseline history (default: left out)");
          d.footer("Examples:\n  bre monitor run\n  bre monitor run --from 2026-05-01 --to 2026-05-31 --format json\n"
                   "A day alerts when the metric's detection z-score is past the monitor's threshold in the bad\n"
                   "direction for --window days in a row and, under path agreement, a monitor of the same causal path\n"
                   "held its condition that day or the day before (or the reading is past --instant-z); one alert\n"
                   "per episode. Re-running days adds nothing.");
        },
        [](Context& ctx) {
          if (quiet_days < 1) throw_usage("--quiet-days must be 1 or more");
          MonitorRunOptions options;
          options.from = parse_day_option(from, "--from");
          options.to = parse_day_option(to, "--to");
          if (options.from && options.to && *options.from > *options.to) throw_usage("--from is after --to");
          options.runtime.episode_quiet_days = quiet_days;
          options.runtime.exclude_source_windows = !keep_source_windows;
          if (!instant_z.empty()) {
            options.runtime.instant_z = parse_threshold(instant_z);
            if (!(options.runtime.instant_z > 0)) throw_usage("--instant-z wants a z above 0");
          }
          if (!queue_lead_in.empty()) {
            options.runtime.queue_lead_in_z = parse_threshold(queue_lead_in);
            if (options.runtime.queue_lead_in_z < 0) throw_usage("--queue-lead-in wants a z of 0 or more");
          }
          if (agreement == "off") {
            options.runtime.agreement_days = -1;
          } else if (!agreement.empty()) {
            const auto days = parse_agreement_days(agreement);
            if (!days) throw_usage("--agreement wants a number of days from 0 to 7, or off");
            options.runtime.agreement_days = *days;
          }
          Database& db = ctx.workspace().db();
          const MonitorRunResult r = run_monitors(ctx.workspace(), options, DetectConfig{}, ctx.log());
          Json j = Json::parse(monitor_run_json(r, options));
          std::vector<MonitorAlert> raised;
          for (const std::string& id : r.alerts.raised_ids) raised.push_back(get_alert(db, id));
          j["alerts"] = alerts_json(raised);
          ctx.emit(j, [&](Format f) {
            std::string text = fmt::format("{} monitors evaluated on {} monitor-days ({} .. {}): {} alerts raised, {} "
                                           "running alerts extended\n",
                                           r.monitors, r.days_evaluated, scalar_text(j["from"]), scalar_text(j["to"]),
                                           r.alerts.raised, r.alerts.extended);
            return raised.empty() ? text : text + "\n" + render_alerts(raised, f);
          });
          return 0;
        });
    g.command(
        "alerts", "monitor alerts, oldest first",
        [](Declarer& d) {
          d.option("--status", &status_filter, "only this status", {"active", "acknowledged", "dismissed"});
          d.option("--monitor", &monitor_filter, "only this monitor's");
          d.footer("Examples:\n  bre monitor alerts --status active\n  bre monitor alerts --monitor mon_1a2b3c4d5e6f7a8b --format json");
        },
        [](Context& ctx) {
          Database& db = ctx.workspace().db();
          if (!monitor_filter.empty()) get_monitor(db, monitor_filter);  // an unknown id is an error, not an empty list
          const auto alerts = list_alerts(db, {status_filter, monitor_filter});
          ctx.emit(alerts_json(alerts), [&](Format f) { return render_alerts(alerts, f); });
          return 0;
        });
    for (const auto& [name, status] : {std::pair{"ack", "acknowledged"}, std::pair{"dismiss", "dismissed"}})
      g.command(
          name, fmt::format("mark an alert {}", status),
          [name = std::string(name)](Declarer& d) {
            d.positional("alert_id", &alert_id, "the alert (bre monitor alerts shows ids)", true);
            d.footer("Example:\n  bre monitor " + name + " alr_0123456789abcdef");
          },
          [status = std::string(status)](Context& ctx) {
            const MonitorAlert a = set_alert_status(ctx.workspace().db(), alert_id, status);
            ctx.emit(Json::parse(monitor_alert_json(a)));
            return 0;
          });
  }, nullptr);
}

}  // namespace bre::cli
