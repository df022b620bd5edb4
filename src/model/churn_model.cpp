#include "bre/model/churn_model.h"

#include "bre/core/error.h"
#include "bre/model/classification_metrics.h"

namespace bre {

namespace {

using Json = nlohmann::ordered_json;

// One fit without calibration: standardiser and model from the given rows.
ChurnModel fit_uncalibrated(ChurnModelKind kind, const Eigen::MatrixXd& raw, const Eigen::VectorXd& y,
                            const ChurnTrainingOptions& o) {
  ChurnModel m;
  m.kind = kind;
  m.standardiser = Standardiser::fit(raw);
  const Eigen::MatrixXd x = m.standardiser.apply(raw);
  if (kind == ChurnModelKind::logistic) {
    m.logistic = fit_logistic(x, y, o.l2);
    m.hyperparameters = {{"l2", o.l2}, {"solver", "newton"}, {"newton_steps", m.logistic.iterations},
                         {"max_abs_gradient", m.logistic.gradient_norm}};
  } else {
    m.gbdt = fit_gbdt(x, y, o.gbdt);
    m.hyperparameters = to_json(o.gbdt);
  }
  return m;
}

Json vector_json(const Eigen::VectorXd& v) { return Json(std::vector<double>(v.data(), v.data() + v.size())); }

Eigen::VectorXd vector_from_json(const Json& j) {
  const auto v = j.get<std::vector<double>>();
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

}  // namespace

std::string_view to_string(ChurnModelKind k) { return k == ChurnModelKind::logistic ? "logistic" : "gbdt"; }

ChurnModelKind parse_churn_model_kind(std::string_view name) {
  if (name == "logistic") return ChurnModelKind::logistic;
  if (name == "gbdt") return ChurnModelKind::gbdt;
  throw_usage("unknown churn model '" + std::string(name) + "': logistic or gbdt");
}

std::string churn_model_name(ChurnModelKind k) { return "churn_" + std::string(to_string(k)); }

Eigen::VectorXd ChurnModel::score(const Eigen::MatrixXd& raw) const {
  if (raw.cols() != standardiser.mean.size())
    throw Error(ErrorKind::data_invalid, "MODEL_INVALID", "the rows do not have the model's features");
  const Eigen::MatrixXd x = standardiser.apply(raw);
  return kind == ChurnModelKind::logistic ? logistic.decision(x) : gbdt.decision(x);
}

ChurnModel train_churn_model(ChurnModelKind kind, const Eigen::MatrixXd& raw, const Eigen::VectorXd& y,
                             const std::vector<std::string>& feature_names, const ChurnTrainingOptions& o) {
  if (o.calibration_folds < 2) throw_usage("calibration needs at least 2 folds");
  const double churners = y.sum(), rows = static_cast<double>(y.size());
  if (churners < o.calibration_folds || rows - churners < o.calibration_folds)
    throw Error(ErrorKind::data_invalid, "TOO_FEW_CUSTOMERS",
                "each calibration fold needs at least one churned and one retained customer");
  // Out-of-fold scores: each training row scored by a model that never saw it.
  const std::vector<int> fold = stratified_folds(y, o.calibration_folds, o.seed);
  Eigen::VectorXd held_out_scores(y.size());
  for (int k = 0; k < o.calibration_folds; ++k) {
    std::vector<std::int64_t> in, out;
    for (std::size_t i = 0; i < fold.size(); ++i) (fold[i] == k ? out : in).push_back(static_cast<std::int64_t>(i));
    const ChurnModel part = fit_uncalibrated(kind, select_rows(raw, in), select_rows(y, in), o);
    const Eigen::VectorXd s = part.score(select_rows(raw, out));
    for (std::size_t r = 0; r < out.size(); ++r) held_out_scores(out[r]) = s(static_cast<Eigen::Index>(r));
  }
  ChurnModel m = fit_uncalibrated(kind, raw, y, o);
  m.feature_names = feature_names;
  m.platt = fit_platt(held_out_scores, y);
  m.f1_threshold = f1_optimal_threshold(m.platt.apply(held_out_scores), y);
  m.hyperparameters["calibration"] = {{"method", "platt"},
                                      {"fitted_on", "out-of-fold scores of the training rows"},
                                      {"folds", o.calibration_folds},
                                      {"seed", o.seed}};
  return m;
}

Json to_json(const ChurnModel& m) {
  Json j{{"kind", to_string(m.kind)},
         {"features", m.feature_names},
         {"standardiser", {{"mean", vector_json(m.standardiser.mean)}, {"sd", vector_json(m.standardiser.sd)}}},
         {"hyperparameters", m.hyperparameters}};
  if (m.kind == ChurnModelKind::logistic) {
    Json coefficients = Json::object();
    for (std::size_t i = 0; i < m.feature_names.size(); ++i)
      coefficients[m.feature_names[i]] = m.logistic.weights(static_cast<Eigen::Index>(i));
    j["intercept"] = m.logistic.intercept;
    j["coefficients"] = coefficients;
  } else {
    j["base_score"] = m.gbdt.base_score;
    j["trees"] = trees_to_json(m.gbdt);
  }
  j["platt"] = {{"a", m.platt.a}, {"b", m.platt.b}};
  j["thresholds"] = {{"default", 0.5}, {"f1_optimal", m.f1_threshold}};
  return j;
}

ChurnModel churn_model_from_json(const Json& j) {
  ChurnModel m;
  try {
    m.kind = parse_churn_model_kind(j.at("kind").get<std::string>());
    m.feature_names = j.at("features").get<std::vector<std::string>>();
    m.standardiser.mean = vector_from_json(j.at("standardiser").at("mean"));
    m.standardiser.sd = vector_from_json(j.at("standardiser").at("sd"));
    const auto width = static_cast<Eigen::Index>(m.feature_names.size());
    if (m.standardiser.mean.size() != width || m.standardiser.sd.size() != width) 
      throw Error(ErrorKind::data_invalid, "MODEL_INVALID", "stored churn model: standardiser width differs from its features");
    m.hyperparameters = j.at("hyperparameters");
    if (m.kind == ChurnModelKind::logistic) {
      m.logistic.intercept = j.at("intercept").get<double>();
      m.logistic.weights.resize(width);
      for (Eigen::Index i = 0; i < width; ++i)
        m.logistic.weights(i) = j.at("coefficients").at(m.feature_names[static_cast<std::size_t>(i)]).get<double>();
    } else {
      m.gbdt.base_score = j.at("base_score").get<double>();
      m.gbdt.trees = trees_from_json(j.at("trees"), width);
    }
    m.platt = {j.at("platt").at("a").get<double>(), j.at("platt").at("b").get<double>()};
    m.f1_threshold = j.at("thresholds").at("f1_optimal").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::data_invalid, "MODEL_INVALID", std::string("stored churn model is malformed: ") + e.what());
  } catch (const Error& e) {
    if (e.code() == "MODEL_INVALID") throw;
    throw Error(ErrorKind::data_invalid, "MODEL_INVALID", std::string("stored churn model is malformed: ") + e.what());
  }
  return m;
}

Json evaluate_churn_model(const ChurnModel& m, const Eigen::MatrixXd& raw, const Eigen::VectorXd& y) {
  const Eigen::VectorXd p = m.probabilities(raw);
  return {{"rows", y.size()},
          {"positive_rate", y.mean()},
          {"auroc", auroc(p, y)},
          {"brier", brier_score(p, y)},
          {"log_loss", log_loss(p, y)},
          {"at_0_5", to_json(scores_at(p, y, 0.5))},
          {"at_f1_optimal", to_json(scores_at(p, y, m.f1_threshold))},
          {"reliability", to_json(reliability_table(p, y))}};
}

}  // namespace bre

namespace bre {

nlohmann::ordered_json score_customers(const ChurnModel& m, const TelcoTable& t) {
  using Json = nlohmann::ordered_json;
  const Eigen::VectorXd p = m.probabilities(t.x);
  Json customers = Json::array();
  std::int64_t over_half = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    customers.push_back({{"customer_id", t.customer_ids[static_cast<std::size_t>(i)]}, {"churn_probability", p(i)}});
    over_half += p(i) > 0.5 ? 1 : 0;
  }
  Json out{{"customers_scored", p.size()}, {"expected_churn_rate", p.mean()}, {"customers_over_0_5", over_half}};
  if (t.has_labels()) {
    out["observed_churn_rate"] = t.y.mean();
    const double positives = t.y.sum();
    out["auroc"] = positives > 0 && positives < static_cast<double>(t.y.size()) ? Json(auroc(p, t.y)) : Json(nullptr);
  }
  out["customers"] = std::move(customers);
  return out;
}

}  // namespace bre
