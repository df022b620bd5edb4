// bre seed: a deterministic synthetic company (QBO query pages + canonical
// operational events) with optional injected scenarios. docs/seed.md.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/connect/qbo_push.h"
#include "bre/core/error.h"
#include "bre/core/time.h"
#include "bre/ingest/seed.h"
#include "command.h"

namespace bre::cli {

void register_seed(Declarer& root) {
  static std::string out_dir, start;
  static int seed_value = 42, days = 182;
  static std::vector<std::string> scenarios;
  static bool push = false;
  root.command(
      "seed", "write a realistic synthetic company: QBO API pages + supplemental operational events",
      [](Declarer& d) {
        d.option("--out", &out_dir, "output directory (qbo/ and supplemental/ are written in it)");
        d.option("--seed", &seed_value, "random seed; the same seed gives byte-identical files (default 42)");
        d.option("--days", &days, "length of the period in days (default 182)");
        d.option("--start", &start, "first day of the period, YYYY-MM-DD (default 2026-01-01)");
        d.positionals("--scenario", &scenarios,
                      "inject NAME[@DATE][:MAGNITUDE]; NAME is supplier_delay, refund_spike, order_surge, "
                      "support_failure, ar_aging or expense_drift (repeatable)",
                      false);
        d.flag("--push", &push,
               "also create the company's objects in the connected QuickBooks company (a sandbox; bre connect "
               "quickbooks first)");
        d.formats({Format::json, Format::jsonl, Format::table, Format::md});
        d.footer(
            "Examples:\n"
            "  bre seed --out company/\n"
            "  bre seed --out company/ --seed 7 --scenario refund_spike@2026-05-04 --scenario ar_aging:1.5\n"
            "  bre ingest qbo --from-dir company/qbo && bre ingest file company/supplemental/operations.jsonl --source events");
      },
      [](Context& ctx) {
        if (out_dir.empty()) throw_usage("--out is required");
        if (seed_value < 0) throw_usage("--seed must be >= 0");
        seed::Options o;
        o.seed = static_cast<std::uint64_t>(seed_value);
        o.days = days;
        if (!start.empty()) {
          auto t = parse_date(start);
          if (!t) throw_usage("--start wants YYYY-MM-DD, got '" + start + "'");
          o.start_day = *t / 86400000LL;
        }
        for (const std::string& s : scenarios) o.scenarios.push_back(seed::parse_scenario(s));
        const seed::Result r = seed::generate(o);
        seed::write_files(r, out_dir);
        nlohmann::ordered_json j;
        j["out"] = out_dir;
        j["seed"] = seed_value;
        j["start"] = format_date(r.start_day * 86400000LL);
        j["end"] = format_date(r.end_day * 86400000LL);
        j["days"] = days;
        j["files"] = r.files.size();
        j["qbo_objects"] = r.entities;
        j["events"] = r.events;
        j["scenarios"] = nlohmann::ordered_json::array();
        for (const auto& s : r.scenarios)
          j["scenarios"].push_back({{"name", seed::to_string(s.kind)},
                                    {"date", format_date(s.day * 86400000LL)},
                                    {"window_end", format_date(s.window_end * 86400000LL)},
                                    {"magnitude", s.magnitude},
                                    {"target", s.target}});
        if (push) {
          std::vector<std::string> pages;
          for (const seed::File& f : r.files)
            if (f.path.rfind("qbo/", 0) == 0) pages.push_back(f.content);
          std::string prefix = fmt::format("bre-seed|{}|{}|{}", seed_value, days, j["start"].get<std::string>());
          for (const std::string& s : scenarios) prefix += "|" + s;
          const connect::QboPushReport pushed = connect::push_qbo_pages(ctx.workspace(), pages, prefix, ctx.log());
          j["pushed"] = pushed.created;
          j["push_requests"] = pushed.requests;
        }
        ctx.emit(j);
        return 0;
      });
}

}  // namespace bre::cli
