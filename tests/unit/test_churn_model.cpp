// The churn classifiers (docs/eval-telco.md): the Telco loader, the split,
// logistic regression, Platt scaling, gradient boosting, storage.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "bre/core/error.h"
#include "bre/detect/seeded_random.h"
#include "bre/model/churn_model.h"
#include "bre/model/classification_metrics.h"
#include "bre/store/model_store.h"
#include "bre/store/workspace.h"
#include "test_support.h"

using namespace bre;

namespace {

const std::string kHeader =
    "customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,"
    "OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,"
    "PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn\r\n";
const std::string kRow1 =
    "7590-VHVEG,Female,0,Yes,No,1,No,No phone service,DSL,No,Yes,No,No,No,No,Month-to-month,Yes,"
    "Electronic check,29.85,29.85,No\r\n";
const std::string kNewCustomer =
    "4472-LVYGI,Female,0,Yes,Yes,0,No,No phone service,DSL,Yes,No,Yes,Yes,Yes,No,Two year,Yes,"
    "Bank transfer (automatic),52.55, ,No\r\n";
const std::string kChurner =
    "3668-QPYBK,Male,0,No,No,2,Yes,No,DSL,Yes,Yes,No,No,No,No,Month-to-month,Yes,Mailed check,53.85,108.15,Yes\r\n";

// n rows of three features; the label is a noisy function of the first two.
struct Synthetic {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};
Synthetic synthetic(Eigen::Index n, std::uint64_t seed) {
  SeededRandom rng(seed);
  Synthetic s{Eigen::MatrixXd(n, 3), Eigen::VectorXd(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < 3; ++j) s.x(i, j) = rng.uniform(-2, 2);
    const double logit = 1.5 * s.x(i, 0) - s.x(i, 1) * s.x(i, 1) + 1;
    s.y(i) = rng.uniform() < sigmoid(logit) ? 1 : 0;
  }
  return s;
}

}  // namespace

TEST_CASE("telco features: one-hot columns, a blank TotalCharges for a new customer, labels") {
  const TelcoTable t = parse_telco_csv(kHeader + kRow1 + kNewCustomer + kChurner, "t.csv", true);
  REQUIRE(t.x.rows() == 3);
  CHECK(t.x.cols() == static_cast<Eigen::Index>(t.feature_names.size()));
  CHECK(t.feature_names.size() == 40);  // 3 numbers, 6 two-level indicators, 31 one-hot levels
  CHECK(t.customer_ids[1] == "4472-LVYGI");
  CHECK(t.total_charges_imputed == 1);
  const auto col = [&](const std::string& name) {
    const auto it = std::find(t.feature_names.begin(), t.feature_names.end(), name);
    REQUIRE(it != t.feature_names.end());
    return static_cast<Eigen::Index>(it - t.feature_names.begin());
  };
  CHECK(t.x(1, col("TotalCharges")) == 0);
  CHECK(t.x(0, col("MonthlyCharges")) == doctest::Approx(29.85));
  CHECK(t.x(1, col("Contract=Two year")) == 1);
  CHECK(t.x(1, col("Contract=Month-to-month")) == 0);
  CHECK(t.x(0, col("Partner")) == 1);
  CHECK(t.x(2, col("gender=Male")) == 1);
  CHECK(t.y(0) == 0);
  CHECK(t.y(2) == 1);
  // Without a Churn column the file is still readable for scoring.
  std::string unlabelled = kHeader.substr(0, kHeader.find(",Churn")) + "\n" + kRow1.substr(0, kRow1.rfind(',')) + "\n";
  CHECK(!parse_telco_csv(unlabelled, "u.csv", false).has_labels());
  CHECK_THROWS_AS(parse_telco_csv(unlabelled, "u.csv", true), Error);
}

TEST_CASE("telco features: bad rows are reported with their line and field") {
  std::string bad = kRow1;
  bad.replace(bad.find("Month-to-month"), 14, "Monthly");
  bad.replace(0, 10, "0000-BADCO");
  std::string blank_total = kChurner;
  blank_total.replace(blank_total.find("108.15"), 6, " ");
  try {
    parse_telco_csv(kHeader + kRow1 + bad + blank_total + kRow1, "t.csv", true);
    FAIL("expected TELCO_ROW_INVALID");
  } catch (const Error& e) {
    CHECK(e.code() == "TELCO_ROW_INVALID");
    CHECK(e.kind() == ErrorKind::data_invalid);
    REQUIRE(e.problems().size() == 3);
    CHECK(e.problems()[0].line == 3);
    CHECK(e.problems()[0].field == "Contract");
    CHECK(e.problems()[1].line == 4);
    CHECK(e.problems()[1].field == "TotalCharges");  // blank with tenure 2: not a new customer
    CHECK(e.problems()[2].line == 5);
    CHECK(e.problems()[2].field == "customerID");  // duplicate
  }
  CHECK_THROWS_AS(parse_telco_csv("customerID,gender\nx,Male\n", "t.csv", true), Error);
}

TEST_CASE("split: stratified, disjoint, complete and fixed by the seed") {
  Eigen::VectorXd y(1000);
  for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = i % 10 < 3 ? 1 : 0;  // 30 % positive
  const TrainTestSplit s = stratified_split(y, 0.2, 7);
  CHECK(s.test.size() == 200);
  CHECK(s.train.size() == 800);
  CHECK(select_rows(y, s.test).mean() == doctest::Approx(0.3));
  CHECK(select_rows(y, s.train).mean() == doctest::Approx(0.3));
  std::vector<std::int64_t> all = s.train;
  all.insert(all.end(), s.test.begin(), s.test.end());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i) REQUIRE(all[i] == static_cast<std::int64_t>(i));
  CHECK(stratified_split(y, 0.2, 7).test == s.test);
  CHECK(stratified_split(y, 0.2, 8).test != s.test);
  // Folds keep the ratio too: each of 5 folds holds 60 positives of 200.
  const std::vector<int> folds = stratified_folds(y, 5, 7);
  for (int k = 0; k < 5; ++k) {
    double n = 0, pos = 0;
    for (std::size_t i = 0; i < folds.size(); ++i)
      if (folds[i] == k) n += 1, pos += y(static_cast<Eigen::Index>(i));
    CHECK(n == 200);
    CHECK(pos == 60);
  }
}

TEST_CASE("logistic regression: a two-point problem solved by hand") {
  // x = −1 (stays), x = +1 (churns), penalty 1: by symmetry b = 0, and
  // ∂/∂w = −σ(−w) + σ(w) − 1 + w = w − 2σ(−w) = 0.
  Eigen::MatrixXd x(2, 1);
  x << -1, 1;
  Eigen::VectorXd y(2);
  y << 0, 1;
  const LogisticModel m = fit_logistic(x, y, 1.0);
  CHECK(m.intercept == doctest::Approx(0).epsilon(1e-9));
  const double w = m.weights(0);
  CHECK(w == doctest::Approx(2 * sigmoid(-w)).epsilon(1e-9));
  CHECK(w > 0.6);
  CHECK(w < 0.7);
}

TEST_CASE("logistic regression: the gradient vanishes at the fit, and moving away costs") {
  const Synthetic s = synthetic(400, 3);
  const LogisticModel m = fit_logistic(s.x, s.y, 0.5);
  const Eigen::VectorXd g = logistic_gradient(s.x, s.y, 0.5, m.intercept, m.weights);
  CHECK(g.cwiseAbs().maxCoeff() < 1e-6);
  CHECK(m.weights(0) > 0.5);  // the true effect of x0 is +1.5
  const Eigen::VectorXd moved_g = logistic_gradient(s.x, s.y, 0.5, m.intercept + 0.1, m.weights);
  CHECK(moved_g.cwiseAbs().maxCoeff() > 1);
}

TEST_CASE("Platt scaling: the symmetric case has a closed form") {
  // Scores −1 (stays) and +1 (churns); Platt's targets are 1/3 and 2/3, so
  // σ(a + b) = 2/3 and σ(−a + b) = 1/3: b = 0, a = ln 2.
  Eigen::VectorXd s(2), y(2);
  s << -1, 1;
  y << 0, 1;
  const PlattScaling p = fit_platt(s, y);
  CHECK(p.a == doctest::Approx(std::log(2.0)).epsilon(1e-7));
  CHECK(p.b == doctest::Approx(0).epsilon(1e-7));
  CHECK(p.apply(1.0) == doctest::Approx(2.0 / 3));
}

TEST_CASE("gradient boosting: the training loss falls, and a seed fixes the model") {
  const Synthetic s = synthetic(300, 5);
  GbdtParams params;
  params.rounds = 40;
  const GbdtModel a = fit_gbdt(s.x, s.y, params);
  REQUIRE(a.training_loss.size() == 40);
  const double rate = s.y.mean();
  const double base_loss = -(rate * std::log(rate) + (1 - rate) * std::log(1 - rate));
  CHECK(a.training_loss.front() < base_loss);
  CHECK(a.training_loss.back() < a.training_loss[9]);
  CHECK(a.training_loss.back() < 0.8 * base_loss);
  CHECK((a.decision(s.x) - fit_gbdt(s.x, s.y, params).decision(s.x)).cwiseAbs().maxCoeff() == 0);
  params.seed = 6;
  CHECK((a.decision(s.x) - fit_gbdt(s.x, s.y, params).decision(s.x)).cwiseAbs().maxCoeff() > 0);
  // The learned function uses the quadratic effect a linear model cannot.
  CHECK(auroc(a.decision(s.x), s.y) > auroc(fit_logistic(s.x, s.y, 1.0).decision(s.x), s.y));
}

TEST_CASE("churn model: stored params score exactly as the trained model, and versions accumulate") {
  const Synthetic s = synthetic(200, 9);
  const std::vector<std::string> names{"a", "b", "c"};
  ChurnTrainingOptions options;
  options.gbdt.rounds = 10;
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  for (ChurnModelKind kind : {ChurnModelKind::logistic, ChurnModelKind::gbdt}) {
    const ChurnModel m = train_churn_model(kind, s.x, s.y, names, options);
    CHECK(m.platt.a > 0);  // higher scores mean more churn
    const std::string params = to_json(m).dump();
    CHECK(save_model(ws->db(), churn_model_name(kind), params, "{}", "{}", 1) == 1);
    CHECK(save_model(ws->db(), churn_model_name(kind), params, "{}", "{}", 2) == 2);
    const auto stored = find_model(ws->db(), churn_model_name(kind));
    REQUIRE(stored);
    CHECK(stored->version == 2);
    const ChurnModel back = churn_model_from_json(nlohmann::ordered_json::parse(stored->params));
    CHECK((back.probabilities(s.x) - m.probabilities(s.x)).cwiseAbs().maxCoeff() < 1e-12);
  }
  CHECK(find_model(ws->db(), "churn_logistic", 1)->created_at == 1);
  CHECK(!find_model(ws->db(), "churn_logistic", 3));
  CHECK(list_models(ws->db()).size() == 4);
  CHECK_THROWS_AS(churn_model_from_json(nlohmann::ordered_json::parse(R"({"kind":"gbdt"})")), Error);
}

TEST_CASE("churn model: logistic regression on IBM's Telco table reaches AUROC 0.80") {
  const std::string path = shared_data_dir() + "/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv";
  if (!std::filesystem::exists(path)) {
    MESSAGE("skipped: no Telco data at " << path);
    return;
  }
  const TelcoTable t = load_telco_csv(path, true);
  CHECK(t.x.rows() == 7043);
  CHECK(t.total_charges_imputed == 11);
  const TrainTestSplit split = stratified_split(t.y, 0.2, 42);
  const Eigen::MatrixXd train = select_rows(t.x, split.train);
  // One fit, without calibration folds, keeps this fast under the sanitizers:
  // Platt scaling is monotone, so it cannot change AUROC.
  const Standardiser st = Standardiser::fit(train);
  const LogisticModel m = fit_logistic(st.apply(train), select_rows(t.y, split.train), 1.0);
  const double score = auroc(m.decision(st.apply(select_rows(t.x, split.test))), select_rows(t.y, split.test));
  MESSAGE("Telco logistic regression test AUROC " << score);
  CHECK(score > 0.80);
}
