// bre eval nab DIR: bre's detection layers (each alone and fused) run as
// streams over the Numenta Anomaly Benchmark and scored with NAB's own rules;
// --score-results scores an existing NAB results folder with the same scorer
// (docs/eval-nab.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/eval/nab_eval.h"
#include "command.h"
#include "render.h"

namespace bre::cli {

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

struct NabOptions {
  std::string dir;
  std::vector<std::string> detectors;
  std::vector<std::string> score_results;
  std::vector<std::string> profiles;
  std::vector<std::string> params;
  std::string results_out;
  int threads = 0;
  bool per_file = false;
};

double rounded(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

Json profile_json(const nab::CorpusScore& c, const nab::Corpus& corpus, bool per_file) {
  Json j = {{"score", rounded(c.normalised, 3)},
          {"threshold", c.threshold},
          {"raw_score", rounded(c.raw_score, 6)},
          {"null_score", c.null_score},
          {"perfect_score", c.perfect_score},
          {"tp", c.counts.tp},
          {"fp", c.counts.fp},
          {"fn", c.counts.fn},
          {"tn", c.counts.tn}};
  if (per_file) {
    Json files = Json::array();
    for (std::size_t f = 0; f < c.files.size(); ++f)
      files.push_back({{"file", corpus.series[f].labels.name}, {"score", c.files[f].score},
                       {"tp", c.files[f].counts.tp}, {"fp", c.files[f].counts.fp},
                       {"fn", c.files[f].counts.fn}, {"tn", c.files[f].counts.tn}});
    j["files"] = std::move(files);
  }
  return j;
}

Json detector_json(const nab::Corpus& corpus, const std::string& name, const std::string& source,
                   const std::vector<std::vector<double>>& scores, const std::vector<std::string>& wanted_profiles,
                   bool per_file) {
  Json d = {{"detector", name}, {"source", source}};
  const nab::DetectorResult swept = nab::evaluate(corpus, name, scores, false);
  const nab::DetectorResult published = nab::evaluate(corpus, name, scores, true);
  Json profiles = Json::object();
  for (std::size_t p = 0; p < swept.profiles.size(); ++p) {
    const nab::CorpusScore& c = swept.profiles[p];
    if (!wanted_profiles.empty() && std::find(wanted_profiles.begin(), wanted_profiles.end(), c.profile) == wanted_profiles.end())
      continue;
    Json j = profile_json(c, corpus, per_file);
    // A published detector is also scored at its published θ (config/thresholds.json).
    if (const auto th = nab::published_threshold(corpus, name, c.profile))
      j["at_published_threshold"] = profile_json(published.profiles[p], corpus, per_file);
    profiles[c.profile] = std::move(j);
  }
  d["profiles"] = std::move(profiles);
  return d;
}

Json params_json(const nab::StreamParams& p) {
  return {{"robust_window", p.robust_window},         {"forest_window", p.forest_window},
          {"forest_refit", p.forest_refit},           {"forest_trees", p.forest_trees},
          {"forest_seed", p.forest_seed},             {"bocpd_hazard", p.bocpd_hazard},
          {"bocpd_max_run", p.bocpd_max_run},         {"bocpd_window", p.bocpd_window},
          {"likelihood_short", p.likelihood_short},   {"likelihood_history", p.likelihood_history},
          {"likelihood_reestimate", p.likelihood_reestimate}, {"suppress_rows", p.suppress_rows},
          {"suppress_factor", p.suppress_factor}};
}

std::string render_scores(const Json& out, bool md) {
  Json rows = Json::array();
  for (const Json& d : out["detectors"]) {
    Json row = {{"detector", d["detector"]}};
    for (const auto& [profile, s] : d["profiles"].items()) {
      std::string cell = fmt::format("{:.3f}", s["score"].get<double>());
      if (s.contains("at_published_threshold"))
        cell += fmt::format(" ({:.3f} at published θ)", s["at_published_threshold"]["score"].get<double>());
      row[profile] = cell;
      row[profile + " θ"] = fmt::format("{:.6g}", s["threshold"].get<double>());
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> columns{"detector"};
  if (!out["detectors"].empty())
    for (const auto& [profile, ignored] : out["detectors"][0]["profiles"].items()) {
      columns.push_back(profile);
      columns.push_back(profile + " θ");
    }
  const Json& c = out["corpus"];
  return fmt::format("{}NAB corpus {}: {} files, {} rows, {} windows (normalised: null 0, perfect 100)\n\n",
                     md ? "## " : "", c["path"].get<std::string>(), c["files"].get<std::size_t>(),
                     c["rows"].get<std::size_t>(), c["windows"].get<std::size_t>()) +
         render_table(rows, columns, md);
}

// A results folder: a path, or a detector name under DIR/results.
fs::path results_folder(const nab::Corpus& corpus, const std::string& given) {
  if (fs::is_directory(given)) return given;
  return corpus.root / "results" / given;
}

}  // namespace

void declare_eval_nab(Declarer& group) {
  static NabOptions o;
  group.command(
      "nab", "run bre's detectors over the Numenta Anomaly Benchmark and score them with NAB's rules",
      [](Declarer& d) {
        d.positional("dir", &o.dir, "the NAB corpus: data/, labels/combined_windows.json, config/profiles.json", true);
        d.option("--detector", &o.detectors,
                 "bre_robust_z, bre_iforest, bre_bocpd, bre_range or bre_fused (repeatable; default: all five)");
        d.option("--score-results", &o.score_results,
                 "score an existing NAB results folder instead (a path, or a detector name under DIR/results); "
                 "repeatable");
        d.option("--profile", &o.profiles, "report only this cost profile (repeatable; default: all)");
        d.option("--results-out", &o.results_out,
                 "write each bre detector's per-row scores in NAB's results layout under this folder");
        d.option("--param", &o.params, "override a detector parameter, NAME=VALUE (docs/eval-nab.md; repeatable)");
        d.flag("--per-file", &o.per_file, "add each file's score and row counts to every profile");
        d.option("--threads", &o.threads, "files scored in parallel (default: the number of cores)");
        d.formats({Format::table, Format::json, Format::md});
        d.footer(
            "Each series is a stream: a row's score uses that row and the rows before it only.\n"
            "Scores are normalised as NAB's scoreboard (null detector 0, label-perfect detector 100); the\n"
            "threshold of each profile is NAB's exhaustive sweep over all scores, the same for every file.\n"
            "Examples:\n"
            "  bre eval nab ../shared/data/nab\n"
            "  bre eval nab ../shared/data/nab --detector bre_fused --results-out /tmp/nab-results\n"
            "  bre eval nab ../shared/data/nab --score-results numenta   # the scorer against the published 70.1\n"
            "65: a malformed corpus or results file; 66: no corpus or results folder. docs/eval-nab.md.");
      },
      [](Context& ctx) {
        const nab::Corpus corpus = nab::load_corpus(o.dir);
        nab::StreamParams params;
        for (const std::string& a : o.params) nab::set_stream_param(params, a);
        for (const std::string& p : o.profiles)
          if (std::none_of(corpus.profiles.begin(), corpus.profiles.end(),
                           [&](const nab::CostProfile& c) { return c.name == p; }))
            throw_usage("no cost profile '" + p + "' in the corpus's config/profiles.json");
        Json out = {{"corpus",
                     {{"path", o.dir}, {"files", corpus.series.size()}, {"rows", corpus.rows()}, {"windows", corpus.windows()}}}};
        Json detectors = Json::array();
        if (!o.score_results.empty()) {
          for (const std::string& given : o.score_results) {
            const fs::path folder = results_folder(corpus, given);
            const auto scores = nab::load_results(corpus, folder);
            const std::string name = folder.lexically_normal().filename().empty()
                                         ? folder.lexically_normal().parent_path().filename().string()
                                         : folder.lexically_normal().filename().string();
            detectors.push_back(detector_json(corpus, name, "results:" + folder.string(), scores, o.profiles, o.per_file));
          }
        } else {
          const std::vector<std::string> names = o.detectors.empty() ? nab::stream_detector_names() : o.detectors;
          const unsigned threads =
              o.threads > 0 ? static_cast<unsigned>(o.threads) : std::max(1u, std::thread::hardware_concurrency());
          ctx.progress(fmt::format("running {} detector(s) over {} series on {} thread(s)", names.size(),
                                   corpus.series.size(), threads));
          const auto start = std::chrono::steady_clock::now();
          const auto scores = nab::run_on_corpus(corpus, names, params, threads);
          const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          out["parameters"] = params_json(params);
          out["seconds"] = rounded(seconds, 2);
          for (std::size_t d = 0; d < names.size(); ++d) {
            detectors.push_back(detector_json(corpus, names[d], "bre", scores[d], o.profiles, o.per_file));
            if (!o.results_out.empty()) nab::write_results(corpus, scores[d], o.results_out, names[d]);
          }
        }
        out["detectors"] = std::move(detectors);
        ctx.emit(out, [&](Format f) { return render_scores(out, f == Format::md); });
        return 0;
      });
}

}  // namespace bre::cli
