// bre_iforest_check: the C++ side of scripts/verify_iforest. Reads feature
// rows (comma-separated numbers, one row per line, no header), fits an
// IsolationForest with the sklearn-comparable defaults and the given seed,
// and prints each row's score and anomaly flag, one line per row.
//   usage: bre_iforest_check FEATURES.csv [SEED]
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
    const auto forest = bre::IsolationForest::fit(rows, params);
    for (const auto& row : rows) {
      const double s = forest.score(row);
      std::printf("%.17g,%d\n", s, s > forest.threshold() ? 1 : 0);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bre_iforest_check: %s\n", e.what());
    return 1;
  }
  return 0;
}
