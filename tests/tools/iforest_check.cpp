// bre_iforest_check: the C++ side of scripts/verify_iforest. Reads feature
// rows (comma-separated numbers, one row per line, no header), fits an
// IsolationForest with the sklearn-comparable defaults and the given seed,
// and prints each row's score and anomaly flag, one line per row; on stderr,
// the wall time of the fit and of scoring all rows (reading excluded), for
// the timing comparison with scikit-learn.
//   usage: bre_iforest_check FEATURES.csv [SEED]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bre/detect/isolation_forest.h"

namespace {

std::vector<std::vector<double>> read_rows(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot open ") + path);
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s FEATURES.csv [SEED]\n", argv[0]);
    return 2;
  }
  try {
    bre::IsolationForestParams params;
    if (argc == 3) params.seed = std::strtoull(argv[2], nullptr, 10);
    const auto rows = read_rows(argv[1]);
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    const auto forest = bre::IsolationForest::fit(rows, params);
    const auto fitted = clock::now();
    std::vector<double> scores;
    scores.reserve(rows.size());
    for (const auto& row : rows) scores.push_back(forest.score(row));
    const auto scored = clock::now();
    for (double s : scores) std::printf("%.17g,%d\n", s, s > forest.threshold() ? 1 : 0);
    const auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    std::fprintf(stderr, "fit_ms=%.3f score_ms=%.3f\n", ms(fitted - started), ms(scored - fitted));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bre_iforest_check: %s\n", e.what());
    return 1;
  }
  return 0;
}
