// bre impact: the blast radius of incidents (design component H), computed,
// stored in the workspace and printed. The contract puts it under bre rca as
// well; both call the same library functions (store/impact_store.h).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/store/impact_store.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

// Money with its cents, not in scientific notation.
std::string money(const nlohmann::ordered_json& v) { return fmt::format("{:.2f}", v.get<double>()); }

// The columns a person reads first; the JSON has every field and input.
nlohmann::ordered_json blast_radius_row(const nlohmann::ordered_json& b) {
  const auto& ratio = b["inputs"]["exposure_ratio"];
  return {{"incident_id", b["incident_id"]},
          {"severity", b["blast_radius_severity"]},
          {"customers", b["customers_affected"]},
          {"orders", b["orders_affected"]},
          {"invoices", b["invoices_affected"]},
          {"products", b["products_affected"]},
          {"vendors", b["vendors_involved"]},
          {"revenue_exposure", money(b["estimated_revenue_exposure"])},
          {"refund_exposure", money(b["estimated_refund_exposure"])},
          {"overdue", money(b["overdue_amount"])},
          {"churn_risk", b["estimated_churn_exposure"]},
          {"ratio", ratio.is_null() ? std::string("-") : fmt::format("{:.2f}%", 100 * ratio.get<double>())}};
}

std::string render(const nlohmann::ordered_json& all, Format f) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& b : all) rows.push_back(blast_radius_row(b));
  std::string out = render_table(rows, {"incident_id", "severity", "customers", "orders", "invoices", "products",
                                        "vendors", "revenue_exposure", "refund_exposure", "overdue", "churn_risk", "ratio"},
                                 f == Format::md);
  for (const auto& b : all) out += "\n" + b["incident_id"].get<std::string>() + ": " + b["narrative"].get<std::string>() + "\n";
  return out;
}

}  // namespace

void register_impact(Declarer& root) {
  static std::vector<std::string> incident_ids;
  static bool all = false;
  root.command(
      "impact", "blast radius of incidents: customers, orders, money and churn at risk",
      [](Declarer& d) {
        d.positionals("incident_id", &incident_ids,
                      "the incident; several ids give one blast radius for the set (a cascade)", false);
        d.flag("--all", &all, "every incident in the workspace (run bre detect first)");
        d.footer("Examples:\n  bre impact --all\n  bre impact inc_351663e8106a8012 --format json\n"
                 "  bre impact inc_17e36de5b77e3934 inc_571476b51b75224d     (one cascade)\n"
                 "Formulas, the churn-risk model and a worked example: docs/blast-radius.md.");
      },
      [](Context& ctx) {
        if (all == !incident_ids.empty()) throw_usage("give incident ids or --all, not both or neither");
        Workspace& ws = ctx.workspace();
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        if (all) {
          run_blast_radius(ws, ctx.log().run_id(), ctx.log());
          Statement s = ws.db().prepare(
              "SELECT b.payload FROM blast_radius b JOIN incidents i USING(incident_id) "
              "ORDER BY i.window_start, i.incident_id");
          while (s.step()) out.push_back(nlohmann::ordered_json::parse(s.text_view(0)));
        } else {
          Transaction tx(ws.db());
          const BlastRadius b = compute_incident_blast_radius(ws, incident_ids);
          store_blast_radius(ws.db(), b, ctx.log().run_id());
          tx.commit();
          out.push_back(nlohmann::ordered_json::parse(blast_radius_json(b)));
        }
        const nlohmann::ordered_json data = all ? out : out.front();
        ctx.emit(data, [&](Format f) { return render(out, f); });
        return 0;
      });
}

}  // namespace bre::cli
