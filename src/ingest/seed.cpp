// `bre seed`: options, scenarios, the portable random source and the output
// (see include/bre/ingest/seed.h and docs/seed.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "bre/core/error.h"
#include "bre/core/time.h"
#include "seed_model.h"

namespace bre::seed {

double det_exp(double x) {
  if (x < -700) return 0.0;
  if (x > 700) x = 700;
  // exp(x) = 2^k * exp(r), |r| <= ln2/2; Taylor series for exp(r).
  constexpr double kLn2 = 0.6931471805599453;
  const double kf = x / kLn2;
  const auto k = static_cast<int>(kf < 0 ? kf - 0.5 : kf + 0.5);
  const double r = x - k * kLn2;
  double term = 1.0, sum = 1.0;
  for (int i = 1; i < 25; ++i) {
    term = term * r / i;
    sum += term;
  }
  return std::ldexp(sum, k);
}

double det_log(double x) {
  if (!(x > 0)) return -745.0;
  // Halley's iteration y += 2 (x - e^y) / (x + e^y), from a guess by halving/doubling x into [0.5, 2).
  constexpr double kLn2 = 0.6931471805599453;
  int k = 0;
  double m = x;
  for (; m >= 2; ++k) m /= 2;
  for (; m < 0.5; --k) m *= 2;
  double y = m - 1;
  for (int i = 0; i < 8; ++i) {
    const double e = det_exp(y);
    y += 2 * (m - e) / (m + e);
  }
  return y + k * kLn2;
}

double Rng::normal() {
  double s = 0;
  for (int i = 0; i < 12; ++i) s += uniform();
  return s - 6.0;
}

double Rng::lognormal(double median, double sigma) { return median * det_exp(sigma * normal()); }

std::int64_t Rng::poisson(double lambda) {
  if (lambda <= 0) return 0;
  if (lambda > 60) {
    const double v = lambda + std::sqrt(lambda) * normal();
    return v < 0 ? 0 : static_cast<std::int64_t>(v + 0.5);
  }
  const double limit = det_exp(-lambda);
  std::int64_t k = 0;
  double p = uniform();
  while (p > limit) {
    ++k;
    p *= uniform();
  }
  return k;
}

std::size_t Rng::weighted(const std::vector<double>& cumulative) {
  const double u = uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

int weekday(std::int64_t day) { return static_cast<int>(((day % 7) + 7 + 3) % 7); }  // 1970-01-01 was a Thursday

double weekday_factor(std::int64_t day) {
  const int w = weekday(day);
  return w == 5 ? 0.45 : w == 6 ? 0.25 : 1.0;
}

std::string money(Cents c) { return fmt::format("{}{}.{:02}", c < 0 ? "-" : "", std::abs(c) / 100, std::abs(c) % 100); }

std::string json_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::string date_text(std::int64_t day) { return format_date(day * 86400000LL); }

std::string qbo_time(std::int64_t day, int second) {
  return fmt::format("{}T{:02}:{:02}:{:02}-08:00", date_text(day), second / 3600, second / 60 % 60, second % 60);
}

std::string_view to_string(ScenarioKind k) {
  switch (k) {
    case ScenarioKind::supplier_delay: return "supplier_delay";
    case ScenarioKind::refund_spike: return "refund_spike";
    case ScenarioKind::order_surge: return "order_surge";
    case ScenarioKind::support_failure: return "support_failure";
    case ScenarioKind::ar_aging: return "ar_aging";
    case ScenarioKind::expense_drift: return "expense_drift";
  }
  return "refund_spike";
}

std::optional<ScenarioKind> parse_scenario_kind(std::string_view s) {
  for (ScenarioKind k : {ScenarioKind::supplier_delay, ScenarioKind::refund_spike, ScenarioKind::order_surge,
                         ScenarioKind::support_failure, ScenarioKind::ar_aging, ScenarioKind::expense_drift})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

Scenario parse_scenario(std::string_view text) {
  Scenario s;
  std::string_view rest = text;
  std::string_view magnitude;
  if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    magnitude = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  std::string_view date;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    date = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  auto kind = parse_scenario_kind(rest);
  if (!kind)
    throw_usage(fmt::format("--scenario: unknown scenario '{}' (supplier_delay, refund_spike, order_surge, "
                            "support_failure, ar_aging, expense_drift)", rest));
  s.kind = *kind;
  if (!date.empty()) {
    auto t = parse_date(date);
    if (!t) throw_usage(fmt::format("--scenario {}: date wants YYYY-MM-DD, got '{}'", rest, date));
    s.day = *t / 86400000LL;
  }
  if (!magnitude.empty()) {
    std::string m(magnitude);
    char* end = nullptr;
    const double v = std::strtod(m.c_str(), &end);
    if (end != m.c_str() + m.size() || !(v > 0) || v > 10)
      throw_usage(fmt::format("--scenario {}: magnitude wants a number in (0, 10], got '{}'", rest, magnitude));
    s.magnitude = v;
  }
  return s;
}

namespace {

std::int64_t window_length(ScenarioKind k) {
  switch (k) {
    case ScenarioKind::supplier_delay: return 7;
    case ScenarioKind::refund_spike: return 5;
    case ScenarioKind::order_surge: return 3;
    case ScenarioKind::support_failure: return 14;
    case ScenarioKind::ar_aging: return 1;
    case ScenarioKind::expense_drift: return kExpenseDriftDays;
  }
  return 1;
}

// The service vendor with the most business (the first of equals).
std::string largest_service_vendor(const Company& c) {
  const Vendor* best = nullptr;
  for (const Vendor& v : c.vendors)
    if (!v.supplier && (!best || v.weight > best->weight)) best = &v;
  return best ? best->id : c.vendors.back().id;
}

}  // namespace

Result generate(const Options& options) {
  if (options.days < 28 || options.days > 3660) throw_usage("--days must be between 28 and 3660");
  Company c;
  c.options = options;
  c.start = options.start_day;
  c.end = options.start_day + options.days - 1;
  c.scale = options.days / 182.0;
  for (const Scenario& s : options.scenarios) {
    ResolvedScenario r{s.kind, s.day.value_or(c.start + options.days * 2 / 3), 0, s.magnitude, ""};
    r.window_end = r.day + window_length(s.kind) - 1;
    if (r.day < c.start + 14 || r.window_end > c.end)
      throw_usage(fmt::format("--scenario {}: {} is not inside the period {} .. {} (its {}-day window must fit, "
                              "after the first 14 days)", to_string(s.kind), date_text(r.day), date_text(c.start),
                              date_text(c.end), window_length(s.kind)));
    c.scenarios.push_back(r);
  }
  Rng rng(options.seed, 1);
  build_reference(c, rng);
  for (auto& s : c.scenarios)
    if (s.kind == ScenarioKind::supplier_delay) s.target = c.vendors[0].id;  // the main supplier
    else if (s.kind == ScenarioKind::expense_drift) s.target = largest_service_vendor(c);
  build_finance(c);
  build_operations(c);
  assign_ids(c);

  Result r;
  r.files = qbo_pages(c);
  r.files.push_back(operations_file(c));
  r.entities["Customer"] = static_cast<std::int64_t>(c.customers.size());
  r.entities["Vendor"] = static_cast<std::int64_t>(c.vendors.size());
  r.entities["Item"] = static_cast<std::int64_t>(c.items.size());
  for (const Txn& t : c.txns) ++r.entities[t.type];
  for (const OpsEvent& e : c.ops) ++r.events[e.type];
  r.scenarios = c.scenarios;
  r.start_day = c.start;
  r.end_day = c.end;
  return r;
}

void write_files(const Result& result, const std::string& dir) {
  namespace fs = std::filesystem;
  for (const File& f : result.files) {
    const fs::path path = fs::path(dir) / f.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(ErrorKind::io, "SEED_WRITE_FAILED", "cannot create directory: " + ec.message(), path.parent_path().string());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.content;
    out.close();
    if (!out) throw Error(ErrorKind::io, "SEED_WRITE_FAILED", "cannot write file", path.string());
  }
}

}  // namespace bre::seed
