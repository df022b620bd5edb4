#include "bre/eval/nab_corpus.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/ingest/csv.h"
#include "bre/ingest/input.h"

namespace bre::nab {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

Error malformed(const std::string& message, const std::string& where) {
  return Error(ErrorKind::data_invalid, "NAB_INPUT_INVALID", message, where);
}

double parse_number(const std::string& text, const std::string& where) {
  double v = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  while (begin < end && *begin == ' ') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) throw malformed("not a finite number: '" + text + "'", where);
  return v;
}

// The rows of a CSV with a header: the header's fields and the data rows.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Table read_table(const fs::path& path) {
  const std::string data = read_whole_input(path.string());
  CsvReader reader(data, path.string());
  Table table;
  CsvRow row;
  Problem problem;
  bool first = true;
  while (reader.next(row, &problem)) {
    if (!problem.reason.empty()) throw malformed(problem.reason, problem.to_string());
    if (first) {
      table.header = std::move(row.fields);
      first = false;
    } else if (!(row.fields.size() == 1 && row.fields[0].empty())) {
      table.rows.push_back(std::move(row.fields));
    }
  }
  return table;
}

std::size_t column(const Table& t, const std::string& name, const fs::path& path) {
  const auto it = std::find(t.header.begin(), t.header.end(), name);
  if (it == t.header.end()) throw malformed("no '" + name + "' column", path.string());
  return static_cast<std::size_t>(it - t.header.begin());
}

Json read_json(const fs::path& path) {
  const std::string text = read_whole_input(path.string());
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw malformed(std::string("invalid JSON: ") + e.what(), path.string());
  }
}

// "2014-04-10 07:15:00.000000" names the row "2014-04-10 07:15:00".
std::string without_microseconds(std::string ts) {
  if (const auto dot = ts.rfind('.'); dot != std::string::npos && dot + 7 == ts.size()) ts.resize(dot);
  return ts;
}

std::size_t row_of(const Series& s, const std::string& timestamp) {
  const std::string wanted = without_microseconds(timestamp);
  const auto it = std::find(s.timestamps.begin(), s.timestamps.end(), wanted);
  if (it == s.timestamps.end()) throw malformed("window timestamp " + timestamp + " matches no row", s.labels.name);
  return static_cast<std::size_t>(it - s.timestamps.begin());
}

Series read_series(const fs::path& path, const std::string& name) {
  const Table t = read_table(path);
  const std::size_t ts = column(t, "timestamp", path), value = column(t, "value", path);
  Series s;
  s.labels.name = name;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    const std::string where = path.string() + ":" + std::to_string(i + 2);
    if (row.size() <= std::max(ts, value)) throw malformed("too few fields", where);
    s.timestamps.push_back(row[ts]);
    s.values.push_back(parse_number(row[value], where));
  }
  s.labels.rows = s.values.size();
  return s;
}

std::vector<CostProfile> read_profiles(const fs::path& path) {
  if (!fs::exists(path)) return standard_profiles();
  std::vector<CostProfile> out;
  const Json all = read_json(path);  // a named object: items() of a temporary would dangle
  for (const auto& [name, body] : all.items()) {
    const Json& costs = body.at("CostMatrix");
    out.push_back({name, costs.at("tpWeight").get<double>(), costs.at("fpWeight").get<double>(),
                   costs.at("fnWeight").get<double>()});
  }
  // The published order: standard first.
  std::vector<CostProfile> ordered;
  for (const CostProfile& known : standard_profiles())
    for (const CostProfile& p : out)
      if (p.name == known.name) ordered.push_back(p);
  for (const CostProfile& p : out)
    if (std::none_of(ordered.begin(), ordered.end(), [&](const CostProfile& o) { return o.name == p.name; }))
      ordered.push_back(p);
  return ordered;
}

}  // namespace

std::vector<LabelledSeries> Corpus::labelled() const {
  std::vector<LabelledSeries> out;
  for (const Series& s : series) out.push_back(s.labels);
  return out;
}

std::size_t Corpus::windows() const {
  std::size_t n = 0;
  for (const Series& s : series) n += s.labels.windows.size();
  return n;
}

std::size_t Corpus::rows() const {
  std::size_t n = 0;
  for (const Series& s : series) n += s.labels.rows;
  return n;
}

Corpus load_corpus(const fs::path& root) {
  const fs::path data = root / "data", windows_file = root / "labels" / "combined_windows.json";
  if (!fs::is_directory(data))
    throw Error(ErrorKind::no_input, "NAB_CORPUS_NOT_FOUND", "no data/ folder: not a NAB corpus", root.string());
  if (!fs::exists(windows_file))
    throw Error(ErrorKind::no_input, "NAB_CORPUS_NOT_FOUND", "no labels/combined_windows.json", root.string());
  Corpus corpus;
  corpus.root = root;
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(data))
    if (entry.is_regular_file() && entry.path().extension() == ".csv")
      names.push_back(entry.path().lexically_relative(data).generic_string());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) corpus.series.push_back(read_series(data / name, name));

  const Json windows = read_json(windows_file);
  for (Series& s : corpus.series) {
    if (!windows.contains(s.labels.name)) continue;
    for (const Json& w : windows.at(s.labels.name)) {
      const std::string first = w.at(0).get<std::string>(), last = w.at(1).get<std::string>();
      s.labels.windows.push_back({row_of(s, first), row_of(s, last)});
    }
  }
  for (const auto& item : windows.items()) {
    const std::string& name = item.key();
    if (std::none_of(corpus.series.begin(), corpus.series.end(), [&](const Series& s) { return s.labels.name == name; }))
      throw malformed("combined_windows.json names a file that is not in data/", name);
  }
  corpus.profiles = read_profiles(root / "config" / "profiles.json");
  return corpus;
}

std::vector<std::vector<double>> load_results(const Corpus& corpus, const fs::path& dir) {
  if (!fs::is_directory(dir))
    throw Error(ErrorKind::no_input, "NAB_RESULTS_NOT_FOUND", "no such results folder", dir.string());
  const std::string prefix = fs::path(dir).lexically_normal().filename().empty()
                                 ? fs::path(dir).lexically_normal().parent_path().filename().string()
                                 : fs::path(dir).lexically_normal().filename().string();
  std::vector<std::vector<double>> out;
  for (const Series& s : corpus.series) {
    const fs::path name(s.labels.name);
    const fs::path path = dir / name.parent_path() / (prefix + "_" + name.filename().string());
    if (!fs::exists(path))
      throw Error(ErrorKind::no_input, "NAB_RESULTS_NOT_FOUND", "no results file for " + s.labels.name, path.string());
    const Table t = read_table(path);
    const std::size_t col = column(t, "anomaly_score", path);
    if (t.rows.size() != s.labels.rows)
      throw malformed("results file has " + std::to_string(t.rows.size()) + " rows, the data " +
                          std::to_string(s.labels.rows),
                      path.string());
    std::vector<double> scores;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      if (t.rows[i].size() <= col) throw malformed("too few fields", path.string() + ":" + std::to_string(i + 2));
      scores.push_back(parse_number(t.rows[i][col], path.string() + ":" + std::to_string(i + 2)));
    }
    out.push_back(std::move(scores));
  }
  return out;
}

std::optional<double> published_threshold(const Corpus& corpus, const std::string& detector,
                                          const std::string& profile) {
  const fs::path path = corpus.root / "config" / "thresholds.json";
  if (!fs::exists(path)) return std::nullopt;
  const Json all = read_json(path);
  if (!all.contains(detector) || !all[detector].contains(profile)) return std::nullopt;
  return all[detector][profile].at("threshold").get<double>();
}

void write_results(const Corpus& corpus, const std::vector<std::vector<double>>& scores, const fs::path& dir,
                   const std::string& detector) {
  for (std::size_t f = 0; f < corpus.series.size(); ++f) {
    const Series& s = corpus.series[f];
    const fs::path name(s.labels.name);
    const fs::path path = dir / detector / name.parent_path() / (detector + "_" + name.filename().string());
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path);
    if (!out) throw Error(ErrorKind::cant_create, "CANNOT_CREATE", "cannot write a results file", path.string());
    out << "timestamp,value,anomaly_score,label\n";
    std::size_t w = 0;
    char buf[64];
    for (std::size_t i = 0; i < s.labels.rows; ++i) {
      while (w < s.labels.windows.size() && s.labels.windows[w].last < i) ++w;
      const bool inside = w < s.labels.windows.size() && s.labels.windows[w].first <= i;
      const auto value = std::to_chars(buf, buf + sizeof buf, s.values[i]);
      out << s.timestamps[i] << ',' << std::string_view(buf, static_cast<std::size_t>(value.ptr - buf)) << ',';
      const auto score = std::to_chars(buf, buf + sizeof buf, scores[f][i]);
      out << std::string_view(buf, static_cast<std::size_t>(score.ptr - buf)) << ',' << (inside ? 1 : 0) << '\n';
    }
    if (!out) throw_io("write error", path.string());
  }
}

}  // namespace bre::nab
