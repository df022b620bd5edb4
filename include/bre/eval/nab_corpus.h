// Reading a NAB corpus directory (the layout of numenta/NAB): data/**.csv
// (timestamp,value), labels/combined_windows.json, config/profiles.json,
// config/thresholds.json and results/<detector>/**/<detector>_<name>.csv.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/eval/nab_scorer.h"

namespace bre::nab {

struct Series {
  LabelledSeries labels;                // name "<category>/<file>.csv", rows, windows
  std::vector<std::string> timestamps;  // as written in the file
  std::vector<double> values;
};

struct Corpus {
  std::filesystem::path root;
  std::vector<Series> series;  // sorted by name
  std::vector<CostProfile> profiles;  // config/profiles.json, else standard_profiles()

  std::vector<LabelledSeries> labelled() const;
  std::size_t windows() const;
  std::size_t rows() const;
};

// Reads every data/**.csv under root with its windows from
// labels/combined_windows.json (a file absent from it has no windows; a
// window timestamp that matches no row is an error). Throws NO_INPUT when the
// data folder or the windows file is missing.
Corpus load_corpus(const std::filesystem::path& root);

// The anomaly_score column of an existing results directory, one vector per
// corpus series in corpus order: <dir>/<category>/<prefix>_<file>.csv, with
// prefix the directory's own name (NAB's layout).
std::vector<std::vector<double>> load_results(const Corpus& corpus, const std::filesystem::path& dir);

// config/thresholds.json: the published threshold for (detector, profile), if any.
std::optional<double> published_threshold(const Corpus& corpus, const std::string& detector,
                                          const std::string& profile);

// Writes scores in NAB's results layout: <dir>/<category>/<detector>_<file>.csv
// with timestamp,value,anomaly_score,label (label 1 inside a window).
void write_results(const Corpus& corpus, const std::vector<std::vector<double>>& scores,
                   const std::filesystem::path& dir, const std::string& detector);

}  // namespace bre::nab
