// `bre seed`: a deterministic synthetic company (design §6, "Sandbox seeding
// script") written as QBO query response pages plus canonical_v1 operational
// events, with the golden scenarios of design §9 injectable on chosen dates.
// Pure: options in, file contents out; write_seed() does the I/O. The same
// options give byte-identical files on every platform (own distributions
// over std::mt19937_64; see docs/seed.md).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bre::seed {

enum class ScenarioKind { supplier_delay, refund_spike, order_surge, support_failure, ar_aging, expense_drift };
std::string_view to_string(ScenarioKind k);
std::optional<ScenarioKind> parse_scenario_kind(std::string_view s);

struct Scenario {
  ScenarioKind kind = ScenarioKind::refund_spike;
  std::optional<std::int64_t> day;  // days since 1970-01-01; default 2/3 through the period
  double magnitude = 1.0;
};

// NAME[@YYYY-MM-DD][:MAGNITUDE]. Throws Error(usage) on a bad value.
Scenario parse_scenario(std::string_view text);

struct Options {
  std::uint64_t seed = 42;
  int days = 182;
  std::int64_t start_day = 20454;  // 2026-01-01
  std::vector<Scenario> scenarios;
  // Size at 182 days; scaled linearly with `days`.
  int customers = 500;
  int vendors = 50;
  int invoices = 2000;
  int bills = 800;
  int refunds = 100;
  int orders = 2400;
};

struct ResolvedScenario {
  ScenarioKind kind;
  std::int64_t day;  // start of the injected window
  std::int64_t window_end;  // last day the injection touches (inclusive)
  double magnitude;
  std::string target;  // vendor id for supplier_delay and expense_drift, else ""
};

struct File {
  std::string path;  // relative to the output directory: qbo/query-Invoice-0001.json
  std::string content;
};

struct Result {
  std::vector<File> files;
  std::map<std::string, std::int64_t> entities;  // QBO entity type -> objects
  std::map<std::string, std::int64_t> events;    // operational event type -> events
  std::vector<ResolvedScenario> scenarios;
  std::int64_t start_day = 0, end_day = 0;  // inclusive
};

// Throws Error(usage) for impossible options (days < 28, a scenario outside the period).
Result generate(const Options& options);

// Writes every file under `dir` (created as needed). Throws Error(io) on failure.
void write_files(const Result& result, const std::string& dir);

}  // namespace bre::seed
