#include "bre/detect/forest_verdicts.h"

#include <cstring>

#include <fmt/format.h>

#include "bre/core/hash.h"

namespace bre {

std::string forest_verdict_key(const std::vector<std::vector<double>>& rows, const IsolationForestParams& params) {
  // The exact bits of every value: two windows share a key only if a fit
  // would see the same numbers.
  std::string text = fmt::format("{}|{}|{}|{:a}|{}|{}x{}|", kForestVerdictVersion, params.n_estimators,
                                 params.max_samples, params.contamination, params.seed, rows.size(),
                                 rows.empty() ? 0 : rows.front().size());
  for (const std::vector<double>& row : rows) {
    const std::size_t at = text.size();
    text.resize(at + row.size() * sizeof(double));
    std::memcpy(text.data() + at, row.data(), row.size() * sizeof(double));
  }
  return sha256_hex(text);
}

}  // namespace bre
