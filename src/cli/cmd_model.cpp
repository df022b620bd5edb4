// bre model list, bre model score churn CSV: the trained models kept in the
// workspace, and a stored churn model applied to customers — the model-based
// churn_proxy the design allows when labels exist (docs/eval-telco.md).
#include <fmt/format.h>

#include <algorithm>

#include "bre/core/error.h"
#include "bre/model/churn_model.h"
#include "bre/store/model_store.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kRiskiestShown = 10;

std::string render_model_scores(const Json& out, bool md) {
  std::string text = fmt::format(
      "{}{} v{}: {} customers, expected churn rate {:.4f}, {} over 0.5{}\n\n", md ? "## " : "",
      out["model"].get<std::string>(), out["version"].get<std::int64_t>(), out["customers_scored"].get<std::int64_t>(),
      out["expected_churn_rate"].get<double>(), out["customers_over_0_5"].get<std::int64_t>(),
      out.contains("observed_churn_rate")
          ? fmt::format(" (observed {:.4f})", out["observed_churn_rate"].get<double>())
          : std::string());
  std::vector<Json> customers(out["customers"].begin(), out["customers"].end());
  std::stable_sort(customers.begin(), customers.end(), [](const Json& a, const Json& b) {
    return a["churn_probability"].get<double>() > b["churn_probability"].get<double>();
  });
  customers.resize(std::min(customers.size(), kRiskiestShown));
  Json rows = Json::array();
  for (const Json& c : customers)
    rows.push_back({{"customer", c["customer_id"]}, {"churn probability", fmt::format("{:.3f}", c["churn_probability"].get<double>())}});
  return text + (md ? "Riskiest customers:\n\n" : "riskiest customers\n") +
         render_table(rows, {"customer", "churn probability"}, md);
}

}  // namespace

void register_model(Declarer& root) {
  static std::string csv, kind = "logistic";
  static int version = 0;
  root.command(
      "model", "trained models kept in the workspace, and scoring customers with them",
      [](Declarer& d) {
        d.command("list", "every stored model version with its training rows and test metrics", nullptr, [](Context& ctx) {
          Json all = Json::array();
          for (const StoredModel& m : list_models(ctx.workspace().db())) {
            const Json metrics = Json::parse(m.metrics);
            all.push_back({{"name", m.name}, {"version", m.version}, {"created_at", format_iso8601(m.created_at)},
                           {"training_window", Json::parse(m.training_window)},
                           {"auroc", metrics.contains("auroc") ? metrics["auroc"] : Json(nullptr)}});
          }
          ctx.emit(all, [&](Format f) {
            Json rows = Json::array();
            for (const Json& m : all)
              rows.push_back({{"name", m["name"]}, {"version", m["version"]}, {"created_at", m["created_at"]},
                              {"auroc", scalar_text(m["auroc"])}});
            return render_table(rows, {"name", "version", "created_at", "auroc"}, f == Format::md);
          });
          return 0;
        });
        d.command(
            "score", "apply a stored model", [](Declarer& s) {
              s.command(
                  "churn", "each customer's calibrated churn probability and their mean, the expected churn rate",
                  [](Declarer& c) {
                    c.positional("csv", &csv, "customers in IBM's Telco layout (the Churn column may be absent)", true);
                    c.option("--model", &kind, "which stored churn model (default logistic)", {"logistic", "gbdt"});
                    c.option("--version", &version, "the model version (default the newest)");
                    c.formats({Format::table, Format::json, Format::md});
                    c.footer(
                        "The mean probability is the model's estimate of the share of these customers who churn:\n"
                        "the model-based churn_proxy of design §5 for a customer snapshot. With a Churn column the\n"
                        "observed rate (the label-based churn_proxy at the snapshot day) and AUROC are shown beside it.\n"
                        "Example:\n  bre eval telco TELCO.csv --save && bre model score churn TELCO.csv --model gbdt\n"
                        "No stored model is exit 66 (MODEL_NOT_FOUND). docs/eval-telco.md.");
                  },
                  [](Context& ctx) {
                    const std::string name = churn_model_name(parse_churn_model_kind(kind));
                    const auto stored = find_model(ctx.workspace().db(), name,
                                                   version > 0 ? std::optional<std::int64_t>(version) : std::nullopt);
                    if (!stored)
                      throw Error(ErrorKind::not_found, "MODEL_NOT_FOUND",
                                  fmt::format("no stored model {}{}: train one with bre eval telco CSV --save", name,
                                              version > 0 ? fmt::format(" version {}", version) : ""),
                                  name);
                    const ChurnModel m = churn_model_from_json(Json::parse(stored->params));
                    Json out{{"model", name}, {"version", stored->version}};
                    out.update(score_customers(m, load_telco_csv(csv, false)));
                    ctx.emit(out, [&](Format f) { return render_model_scores(out, f == Format::md); });
                    return 0;
                  });
            },
            nullptr);
      },
      nullptr);
}

}  // namespace bre::cli
