#include "bre/model/telco_features.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/detect/seeded_random.h"
#include "bre/ingest/csv.h"
#include "bre/ingest/input.h"

namespace bre {

namespace {

enum class ColumnKind { number, yes_no, one_hot };

struct Column {
  std::string_view name;
  ColumnKind kind;
  std::vector<std::string_view> levels;  // one_hot only; yes_no is {No, Yes}; SeniorCitizen {0, 1}
};

// IBM's published vocabulary. A value outside it is a bad row rather than a
// silent new column: a stored model could not score it.
const std::vector<Column>& columns() {
  static const std::vector<std::string_view> kInternetExtras{"No", "Yes", "No internet service"};
  static const std::vector<Column> kColumns{
      {"gender", ColumnKind::one_hot, {"Female", "Male"}},
      {"SeniorCitizen", ColumnKind::one_hot, {"0", "1"}},
      {"Partner", ColumnKind::yes_no, {}},
      {"Dependents", ColumnKind::yes_no, {}},
      {"tenure", ColumnKind::number, {}},
      {"PhoneService", ColumnKind::yes_no, {}},
      {"MultipleLines", ColumnKind::one_hot, {"No", "Yes", "No phone service"}},
      {"InternetService", ColumnKind::one_hot, {"DSL", "Fiber optic", "No"}},
      {"OnlineSecurity", ColumnKind::one_hot, kInternetExtras},
      {"OnlineBackup", ColumnKind::one_hot, kInternetExtras},
      {"DeviceProtection", ColumnKind::one_hot, kInternetExtras},
      {"TechSupport", ColumnKind::one_hot, kInternetExtras},
      {"StreamingTV", ColumnKind::one_hot, kInternetExtras},
      {"StreamingMovies", ColumnKind::one_hot, kInternetExtras},
      {"Contract", ColumnKind::one_hot, {"Month-to-month", "One year", "Two year"}},
      {"PaperlessBilling", ColumnKind::yes_no, {}},
      {"PaymentMethod", ColumnKind::one_hot,
       {"Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"}},
      {"MonthlyCharges", ColumnKind::number, {}},
      {"TotalCharges", ColumnKind::number, {}},
  };
  return kColumns;
}

// Two-level columns become one 0/1 indicator of the second level; wider ones
// one indicator per level.
std::vector<std::string> feature_names() {
  std::vector<std::string> out;
  for (const Column& c : columns()) {
    if (c.kind == ColumnKind::number || c.kind == ColumnKind::yes_no)
      out.emplace_back(c.name);
    else if (c.levels.size() == 2)
      out.push_back(fmt::format("{}={}", c.name, c.levels[1]));
    else
      for (auto level : c.levels) out.push_back(fmt::format("{}={}", c.name, level));
  }
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<std::size_t> index_of(const std::vector<std::string>& header, std::string_view name) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

constexpr std::size_t kMaxReportedProblems = 20;

}  // namespace

TelcoTable parse_telco_csv(std::string_view text, const std::string& file_name, bool require_labels) {
  CsvReader reader(text, file_name);
  CsvRow row;
  Problem problem;
  if (!reader.next(row, &problem))
    throw Error(ErrorKind::data_invalid, "TELCO_HEADER_INVALID", "empty file: no header row", file_name);
  const std::vector<std::string> header = row.fields;
  std::vector<std::size_t> at;
  const auto need = [&](std::string_view name) {
    const auto i = index_of(header, name);
    if (!i)
      throw Error(ErrorKind::data_invalid, "TELCO_HEADER_INVALID",
                  fmt::format("not a Telco churn table: no {} column", name), file_name);
    return *i;
  };
  const std::size_t id_at = need("customerID");
  for (const Column& c : columns()) at.push_back(need(c.name));
  std::optional<std::size_t> churn_at = index_of(header, "Churn");
  if (require_labels && !churn_at) need("Churn");

  TelcoTable t;
  t.feature_names = feature_names();
  std::vector<std::vector<double>> rows;
  std::vector<double> labels;
  std::vector<Problem> problems;
  std::set<std::string> seen;
  const auto refuse = [&](std::int64_t line, std::string_view field, std::string reason) {
    problems.push_back({file_name, line, std::string(field), std::move(reason)});
  };
  while (true) {
    problem = {};
    const bool more = reader.next(row, &problem);
    if (!problem.reason.empty()) problems.push_back(problem);
    if (!more) break;
    if (!problem.reason.empty()) continue;
    if (row.fields.size() != header.size()) {
      refuse(row.line, "", fmt::format("{} fields, the header has {}", row.fields.size(), header.size()));
      continue;
    }
    const std::size_t before = problems.size();
    const std::string& id = row.fields[id_at];
    if (id.empty()) refuse(row.line, "customerID", "empty");
    else if (!seen.insert(id).second) refuse(row.line, "customerID", "duplicate customer " + id);
    std::vector<double> features;
    std::optional<double> tenure;
    bool imputed = false;
    for (std::size_t c = 0; c < columns().size(); ++c) {
      const Column& col = columns()[c];
      const std::string_view value = row.fields[at[c]];
      if (col.kind == ColumnKind::number) {
        std::optional<double> v = parse_number(trimmed(value));
        // IBM leaves TotalCharges blank (" ") for customers in their first
        // month (tenure 0): nothing has been billed yet, so 0 is the fact.
        if (!v && col.name == "TotalCharges" && trimmed(value).empty() && tenure == 0.0) v = 0.0, imputed = true;
        if (!v) refuse(row.line, col.name, fmt::format("'{}' is not a non-negative number", value));
        if (col.name == "tenure") tenure = v;
        features.push_back(v.value_or(0));
        continue;
      }
      const std::vector<std::string_view> yes_no{"No", "Yes"};
      const auto& levels = col.kind == ColumnKind::yes_no ? yes_no : col.levels;
      const auto it = std::find(levels.begin(), levels.end(), value);
      if (it == levels.end()) {
        std::string allowed;
        for (auto l : levels) allowed += (allowed.empty() ? "" : ", ") + std::string(l);
        refuse(row.line, col.name, fmt::format("'{}' is not one of: {}", value, allowed));
        continue;
      }
      const auto level = static_cast<std::size_t>(it - levels.begin());
      if (levels.size() == 2) features.push_back(level == 1 ? 1.0 : 0.0);
      else for (std::size_t l = 0; l < levels.size(); ++l) features.push_back(l == level ? 1.0 : 0.0);
    }
    double label = 0;
    if (churn_at) {
      const std::string& churn = row.fields[*churn_at];
      if (churn == "Yes") label = 1;
      else if (churn != "No") refuse(row.line, "Churn", fmt::format("'{}' is not Yes or No", churn));
    }
    if (problems.size() != before) continue;
    t.total_charges_imputed += imputed ? 1 : 0;
    t.customer_ids.push_back(id);
    rows.push_back(std::move(features));
    labels.push_back(label);
  }
  if (!problems.empty()) {
    const std::size_t n = problems.size();
    if (n > kMaxReportedProblems) problems.resize(kMaxReportedProblems);
    throw Error(ErrorKind::data_invalid, "TELCO_ROW_INVALID",
                fmt::format("{} bad row field(s) in the Telco churn table{}", n,
                            n > kMaxReportedProblems ? fmt::format(" (first {} listed)", kMaxReportedProblems) : ""),
                std::move(problems));
  }
  if (rows.empty()) throw Error(ErrorKind::data_invalid, "TELCO_ROW_INVALID", "no customer rows", file_name);
  t.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(t.feature_names.size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      t.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  if (churn_at) t.y = Eigen::Map<Eigen::VectorXd>(labels.data(), static_cast<Eigen::Index>(labels.size()));
  return t;
}

TelcoTable load_telco_csv(const std::string& path, bool require_labels) {
  return parse_telco_csv(read_whole_input(path), path, require_labels);
}

Standardiser Standardiser::fit(const Eigen::MatrixXd& x) {
  Standardiser s;
  s.mean = x.colwise().mean().transpose();
  s.sd = ((x.rowwise() - s.mean.transpose()).array().square().colwise().mean()).sqrt().transpose();
  for (Eigen::Index j = 0; j < s.sd.size(); ++j)
    if (!(s.sd(j) > 1e-12)) s.sd(j) = 1;
  return s;
}

Eigen::MatrixXd Standardiser::apply(const Eigen::MatrixXd& x) const {
  return ((x.rowwise() - mean.transpose()).array().rowwise() / sd.transpose().array()).matrix();
}

namespace {

// Each class's rows in a seeded Fisher-Yates order.
std::vector<std::vector<std::int64_t>> shuffled_by_class(const Eigen::VectorXd& y, std::uint64_t seed) {
  std::vector<std::vector<std::int64_t>> by_class(2);
  for (Eigen::Index i = 0; i < y.size(); ++i) by_class[y(i) > 0.5 ? 1 : 0].push_back(i);
  SeededRandom rng(seed);
  for (auto& rows : by_class)
    for (std::size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(i)]);
  return by_class;
}

}  // namespace

TrainTestSplit stratified_split(const Eigen::VectorXd& y, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1)) throw_usage("the test fraction must be between 0 and 1");
  TrainTestSplit s;
  for (const auto& rows : shuffled_by_class(y, seed)) {
    const auto n_test = static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(rows.size())));
    s.test.insert(s.test.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_test));
    s.train.insert(s.train.end(), rows.begin() + static_cast<std::ptrdiff_t>(n_test), rows.end());
  }
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.test.begin(), s.test.end());
  return s;
}

std::vector<int> stratified_folds(const Eigen::VectorXd& y, int k, std::uint64_t seed) {
  if (k < 2) throw_usage("cross-validation needs at least 2 folds");
  std::vector<int> fold(static_cast<std::size_t>(y.size()), 0);
  // Dealing each class's shuffled rows round-robin keeps every fold's class ratio.
  for (const auto& rows : shuffled_by_class(y, seed))
    for (std::size_t i = 0; i < rows.size(); ++i) fold[static_cast<std::size_t>(rows[i])] = static_cast<int>(i % static_cast<std::size_t>(k));
  return fold;
}

Eigen::MatrixXd select_rows(const Eigen::MatrixXd& x, const std::vector<std::int64_t>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  return out;
}

Eigen::VectorXd select_rows(const Eigen::VectorXd& v, const std::vector<std::int64_t>& rows) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) out(static_cast<Eigen::Index>(i)) = v(rows[i]);
  return out;
}

std::string split_csv(const TelcoTable& t, const TrainTestSplit& s) {
  std::vector<const char*> side(t.customer_ids.size(), "train");
  for (std::int64_t i : s.test) side[static_cast<std::size_t>(i)] = "test";
  std::string out = "customerID,side\n";
  for (std::size_t i = 0; i < side.size(); ++i) out += t.customer_ids[i] + "," + side[i] + "\n";
  return out;
}

}  // namespace bre
