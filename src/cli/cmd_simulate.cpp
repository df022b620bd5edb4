// bre simulate --perturb METRIC=+N% ..., bre simulate show|list: what-if
// scenarios (docs/simulate.md).
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/detect/run_detect.h"
#include "bre/simulate/what_if.h"
#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"
#include "bre/store/saved_analyses.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string num(const Json& v) { return v.is_number() ? fmt::format("{:.4g}", v.get<double>()) : scalar_text(v); }

Json incident_rows(const Json& list) {
  Json rows = Json::array();
  for (const auto& i : list)
    rows.push_back({{"type", i["incident_type"]},
                    {"severity", i.contains("baseline_severity")
                                     ? Json(i["baseline_severity"].get<std::string>() + " -> " + i["severity"].get<std::string>())
                                     : i["severity"]},
                    {"window", i["incident_window_start"].get<std::string>() + " .. " + i["incident_window_end"].get<std::string>()},
                    {"days_after_start", i["days_after_start"]},
                    {"metric", i["primary_metric"]},
                    {"z", num(i["primary_metric_zscore"])}});
  return rows;
}

// "weak fit: R² 0.03 below 0.10: not propagated" -> "weak fit".
std::string why_not(const Json& note) {
  const std::string text = note.get<std::string>();
  return text.substr(0, text.find(':'));
}

// For people: the narrative, what fires, the fits it rests on, what moved.
std::string render_scenario(const Json& s, bool md) {
  const std::vector<std::string> cols = {"type", "severity", "window", "days_after_start", "metric", "z"};
  const auto heading = [&](const std::string& h) { return md ? "\n### " + h + "\n\n" : "\n" + h + "\n"; };
  std::string out = fmt::format("{}scenario {} (window {} .. {}, data to {})\n\n{}\n\n{}\n", md ? "## " : "",
                                s["scenario_id"].get<std::string>(), s["window"][0].get<std::string>(),
                                s["window"][1].get<std::string>(), s["latest_metric_day"].get<std::string>(),
                                s["narrative"].get<std::string>(), s["caveat"].get<std::string>());
  for (const auto& [key, title] : {std::pair{"triggered_incidents", "would fire (not firing today)"},
                                   std::pair{"escalated_incidents", "would be more severe"},
                                   std::pair{"prolonged_incidents", "would last longer"},
                                   std::pair{"incidents_avoided", "would no longer fire"}})
    if (s.contains(key) && !s[key].empty()) out += heading(title) + render_table(incident_rows(s[key]), cols, md);
  if (!s["triggered_cascades"].empty()) {
    out += heading("cascades that would form");
    for (const auto& c : s["triggered_cascades"]) {
      std::string path;
      for (const auto& t : c["cascade_path"]) path += (path.empty() ? "" : " -> ") + t.get<std::string>();
      out += fmt::format("{}{} (score {:.3f})\n", md ? "- " : "  ", path, c["cascade_score"].get<double>());
    }
  }
  Json edges = Json::array();
  for (const auto& e : s["propagation"])
    edges.push_back({{"edge", e["from"].get<std::string>() + " -> " + e["to"].get<std::string>()},
                     {"fitted_on", e.contains("per") ? e["fitted_parent"].get<std::string>() : std::string("-")},
                     {"lag", e.value("lag_days", Json())},
                     {"coefficient", num(e.value("coefficient", Json()))},
                     {"r2", num(e.value("r2", Json()))},
                     {"points", e.value("points", Json())},
                     {"t_eff", num(e.value("effective_t", Json()))},
                     {"used", e["propagated"].get<bool>() ? std::string("yes") : "no: " + why_not(e["note"])}});
  out += heading("propagation: 7-day mean of child on parent (or on a rate's count), best lag within the edge's max lag");
  out += render_table(edges, {"edge", "fitted_on", "lag", "coefficient", "r2", "points", "t_eff", "used"}, md);
  Json changed = Json::array();
  for (const auto& [metric, c] : s["simulated_metrics"].items()) {
    const auto& days = c["days"];
    double before = 0, after = 0;
    for (const auto& d : days) before += d["baseline"].get<double>(), after += d["simulated"].get<double>();
    const double n = static_cast<double>(days.size());
    changed.push_back({{"metric", metric}, {"cause", c["cause"]}, {"days", days.size()},
                       {"from", days.front()["day"]}, {"mean_baseline", num(before / n)},
                       {"mean_simulated", num(after / n)}});
  }
  out += heading("metrics changed");
  return out + render_table(changed, {"metric", "cause", "days", "from", "mean_baseline", "mean_simulated"}, md);
}

constexpr int kDaysNotGiven = std::numeric_limits<int>::min();

DayNumber parse_day(const std::string& text, const char* option) {
  const auto t = parse_date(text);
  if (!t) throw Error(ErrorKind::usage, "BAD_DATE", fmt::format("{} takes YYYY-MM-DD, not '{}'", option, text));
  return day_of(*t);
}

}  // namespace

void register_simulate(Declarer& root) {
  static std::vector<std::string> perturb;
  static std::string from;
  static int days = kDaysNotGiven;
  static bool save = false;
  static std::string scenario_id;
  root.command(
      "simulate", "what-if: perturb metrics, propagate them down the metric graph, see which incidents would fire",
      [](Declarer& d) {
        d.option("--perturb", &perturb, "METRIC=+N% or METRIC=-N% (relative), METRIC=+Npp for a ratio metric (percentage points); repeat for several metrics");
        d.option("--from", &from, "first perturbed day, YYYY-MM-DD (default: the window ends on the latest day)");
        d.option("--days", &days, "days perturbed (default 14)");
        d.flag("--save", &save, "keep the scenario in the workspace (bre simulate show ID)");
        d.footer("Examples:\n  bre simulate --perturb delivery_delay_rate=+30pp   # 30 more late deliveries per 100\n"
                 "  bre simulate --perturb ar_aging_amount=-50% --save   # half the overdue invoices collected\n"
                 "  bre simulate --perturb order_volume=+50% --from 2026-03-01 --days 7\n"
                 "A stress test with linear effects fitted on the workspace's history, not a prediction.\n"
                 "Method and caveats: docs/simulate.md. Run bre build-state first.");
        d.command(
            "show", "one saved scenario",
            [](Declarer& s) { s.positional("scenario_id", &scenario_id, "the scenario (bre simulate list)", true); },
            [](Context& ctx) {
              const Json s = Json::parse(find_scenario(ctx.workspace().db(), scenario_id));
              ctx.emit(s, [&](Format f) { return render_scenario(s, f == Format::md); });
              return 0;
            });
        d.command("list", "saved scenarios, newest first", nullptr, [](Context& ctx) {
          Json all = Json::array();
          for (const std::string& p : list_scenarios(ctx.workspace().db())) all.push_back(Json::parse(p));
          ctx.emit(all, [&](Format f) {
            Json rows = Json::array();
            for (const auto& s : all) {
              std::string what;
              for (const auto& p : s["perturbations"])
                what += (what.empty() ? "" : ", ") +
                        (p.contains("change_pp")
                             ? fmt::format("{}={:+g}pp", p["metric"].get<std::string>(), p["change_pp"].get<double>())
                             : fmt::format("{}={:+g}%", p["metric"].get<std::string>(), p["change_pct"].get<double>()));
              rows.push_back({{"scenario_id", s["scenario_id"]}, {"perturbations", what},
                              {"window", s["window"][0].get<std::string>() + " .. " + s["window"][1].get<std::string>()},
                              {"triggered", s["triggered_incidents"].size()}, {"avoided", s["incidents_avoided"].size()}});
            }
            return render_table(rows, {"scenario_id", "perturbations", "window", "triggered", "avoided"}, f == Format::md);
          });
          return 0;
        });
      },
      [](Context& ctx) {
        if (perturb.empty()) throw_usage("give at least one --perturb METRIC=+N% (or: simulate show ID, simulate list)");
        if (days != kDaysNotGiven && days < 1) throw_usage("--days must be 1 or more");
        WhatIfConfig cfg;
        WhatIfRequest req;
        for (const std::string& p : perturb) req.perturbations.push_back(parse_perturbation(p));
        Database& db = ctx.workspace().db();
        const BusinessTime clock = ctx.workspace().business_time();
        cfg.business_time = &clock;
        const DailyMetrics metrics = read_daily_metrics(db);
        if (metrics.days == 0) throw Error(ErrorKind::usage, "NO_METRICS", "no gold metrics yet: run bre build-state");
        const DayNumber last = metrics.day(metrics.days - 1);
        const bool days_given = days != kDaysNotGiven;
        const int span = days_given ? days : cfg.window_days;
        if (from.empty()) {
          req.to = last;
          req.from = std::max(metrics.first_day, last - span + 1);
        } else {
          req.from = parse_day(from, "--from");
          // An explicit --days must fit; the default window stops at the latest day.
          req.to = days_given ? req.from + span - 1 : std::min(last, req.from + span - 1);
        }
        // The detector as bre detect runs it: labelled windows out of the baselines.
        exclude_labelled_windows(cfg.detect, windows_labelled_normal(db));
        const WhatIfScenario s = simulate_what_if(metrics, ctx.graphs(), req, cfg);
        const std::string payload = what_if_json(s);
        if (save) save_scenario(db, s.scenario_id, payload, now_ms());
        Json out = Json::parse(payload);
        out["saved"] = save;
        ctx.emit(out, [&](Format f) { return render_scenario(out, f == Format::md); });
        return 0;
      });
}

}  // namespace bre::cli
