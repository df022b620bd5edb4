// bre eval telco CSV: the churn classifiers of design §7.3 trained and scored
// on a seeded stratified split of IBM's Telco table (docs/eval-telco.md).
#include <fmt/format.h>

#include <fstream>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/eval/telco_evaluation.h"
#include "bre/ingest/input.h"
#include "bre/store/model_store.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

using Json = nlohmann::ordered_json;

std::string number(const Json& v, int digits = 4) {
  return v.is_number() ? fmt::format("{:.{}f}", v.get<double>(), digits) : "-";
}

std::string render_evaluation(const Json& out, bool md) {
  const Json& w = out["training_window"];
  std::string text = fmt::format("{}Telco churn: {} customers, {} train / {} test (stratified, seed {}), churn rate {:.4f}\n\n",
                                 md ? "## " : "", w["rows"].get<std::int64_t>(), w["train_rows"].get<std::int64_t>(),
                                 w["test_rows"].get<std::int64_t>(), w["seed"].get<std::uint64_t>(),
                                 w["test_churn_rate"].get<double>());
  Json rows = Json::array();
  for (const Json& m : out["models"]) {
    const Json& s = m["metrics"];
    rows.push_back({{"model", m["model"]}, {"AUROC", number(s["auroc"])}, {"precision", number(s["at_0_5"]["precision"])},
                    {"recall", number(s["at_0_5"]["recall"])}, {"F1", number(s["at_0_5"]["f1"])},
                    {"F1*", number(s["at_f1_optimal"]["f1"])}, {"t*", number(s["at_f1_optimal"]["threshold"], 3)},
                    {"Brier", number(s["brier"])}, {"log loss", number(s["log_loss"])},
                    {"fit s", number(m["fit_seconds"], 2)}});
  }
  text += render_table(rows, {"model", "AUROC", "precision", "recall", "F1", "F1*", "t*", "Brier", "log loss", "fit s"}, md);
  text += md ? "\nPrecision, recall and F1 at 0.5 on calibrated probabilities; F1* at t*, chosen on the training rows.\n"
             : "\nprecision/recall/F1 at 0.5 (calibrated); F1* at t*, chosen on the training rows\n";
  for (const Json& m : out["models"]) {
    text += fmt::format("\n{}reliability ({}, test rows)\n{}", md ? "### " : "", m["model"].get<std::string>(), md ? "\n" : "");
    Json bins = Json::array();
    for (const Json& b : m["metrics"]["reliability"])
      bins.push_back({{"bin", fmt::format("{:.1f}-{:.1f}", b["lower"].get<double>(), b["upper"].get<double>())},
                      {"count", b["count"]}, {"mean predicted", number(b["mean_predicted"], 3)},
                      {"observed", number(b["observed_rate"], 3)}});
    text += render_table(bins, {"bin", "count", "mean predicted", "observed"}, md);
  }
  return text;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw_io("cannot write the split file", path);
}

}  // namespace

void declare_eval_telco(Declarer& d) {
  static std::string csv, model = "all", split_out;
  static int seed = 42;
  static bool save = false;
  d.command(
      "telco", "train and score the churn classifiers (logistic regression, gradient-boosted trees) on IBM's Telco table",
      [](Declarer& c) {
        c.positional("csv", &csv, "WA_Fn-UseC_-Telco-Customer-Churn.csv (IBM's Telco Customer Churn table)", true);
        c.option("--model", &model, "which classifier (default all)", {"logistic", "gbdt", "all"});
        c.option("--seed", &seed, "seed of the split, the calibration folds and the boosting subsample (default 42)");
        c.flag("--save", &save, "record each trained model in the workspace's models table (a new version each time)");
        c.option("--split-out", &split_out, "write the split (customerID,side) to FILE, for scripts/eval_telco.py");
        c.formats({Format::table, Format::json, Format::md});
        c.footer(
            "The split is 80/20, stratified by Churn, from --seed: the table has no dates, so there is no time split.\n"
            "Probabilities are Platt-calibrated on out-of-fold scores of the training rows; precision, recall and F1\n"
            "are at 0.5 and at the F1-optimal threshold chosen on the training rows.\n"
            "Examples:\n  bre eval telco ../shared/data/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv --format md\n"
            "  bre eval telco TELCO.csv --save --split-out split.csv && python3 scripts/eval_telco.py TELCO.csv split.csv\n"
            "A saved model scores customers with: bre model score churn CSV. docs/eval-telco.md.");
      },
      [](Context& ctx) {
        if (seed < 0) throw_usage("--seed must be >= 0");
        const std::string text = read_whole_input(csv);
        const TelcoTable table = parse_telco_csv(text, csv, true);
        TelcoEvaluationOptions options;
        options.seed = static_cast<std::uint64_t>(seed);
        if (model != "all") options.kinds = {parse_churn_model_kind(model)};
        ctx.progress(fmt::format("training on {} customers", table.x.rows()));
        const TelcoEvaluation e = evaluate_telco(table, csv, sha256_hex(text), options);
        if (!split_out.empty()) write_text(split_out, split_csv(table, e.split));
        Json out{{"training_window", e.training_window}, {"models", Json::array()}};
        for (const EvaluatedChurnModel& m : e.models) {
          Json row{{"model", to_string(m.model.kind)}, {"name", churn_model_name(m.model.kind)}, {"version", nullptr},
                   {"fit_seconds", m.fit_seconds}, {"metrics", m.metrics}};
          if (save)
            row["version"] = save_model(ctx.workspace().db(), churn_model_name(m.model.kind), to_json(m.model).dump(),
                                        e.training_window.dump(), m.metrics.dump(), now_ms());
          out["models"].push_back(std::move(row));
        }
        out["split_out"] = split_out.empty() ? Json(nullptr) : Json(split_out);
        ctx.emit(out, [&](Format f) { return render_evaluation(out, f == Format::md); });
        return 0;
      });
}

}  // namespace bre::cli
