#include "bre/eval/nab_eval.h"

#include <atomic>
#include <cstdlib>
#include <thread>

#include "bre/core/error.h"

namespace bre::nab {

std::vector<std::vector<std::vector<double>>> run_on_corpus(const Corpus& corpus, const std::vector<std::string>& names,
                                                            const StreamParams& params, unsigned threads) {
  const std::size_t files = corpus.series.size();
  std::vector<std::vector<std::vector<double>>> per_file(files);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  // Files are independent streams: workers take the next one until none is left.
  auto work = [&] {
    for (std::size_t f; !failed && (f = next++) < files;) {
      try {
        const Series& s = corpus.series[f];
        per_file[f] = run_stream_detectors(names, s.values, probationary_length(s.labels.rows), params);
      } catch (...) {
        if (!failed.exchange(true)) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(threads, 1u); ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  std::vector<std::vector<std::vector<double>>> out(names.size(), std::vector<std::vector<double>>(files));
  for (std::size_t f = 0; f < files; ++f)
    for (std::size_t d = 0; d < names.size(); ++d) out[d][f] = std::move(per_file[f][d]);
  return out;
}

DetectorResult evaluate(const Corpus& corpus, const std::string& detector,
                        const std::vector<std::vector<double>>& scores, bool use_published) {
  const std::vector<LabelledSeries> labelled = corpus.labelled();
  const CorpusRun run{&labelled, &scores};
  DetectorResult out{detector, {}};
  for (const CostProfile& profile : corpus.profiles) {
    const auto published = use_published ? published_threshold(corpus, detector, profile.name) : std::nullopt;
    out.profiles.push_back(published ? score_corpus_at(run, profile, *published) : score_corpus(run, profile));
  }
  return out;
}

void set_stream_param(StreamParams& p, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) throw_usage("--param wants NAME=VALUE, got '" + assignment + "'");
  const std::string name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0)) throw_usage("--param " + name + ": not a non-negative number: " + text);
  const auto count = static_cast<std::size_t>(v);
  if (name == "robust_window") p.robust_window = count;
  else if (name == "forest_window") p.forest_window = count;
  else if (name == "forest_refit") p.forest_refit = std::max<std::size_t>(count, 1);
  else if (name == "forest_trees") p.forest_trees = count;
  else if (name == "forest_seed") p.forest_seed = count;
  else if (name == "bocpd_hazard") p.bocpd_hazard = v;
  else if (name == "bocpd_max_run") p.bocpd_max_run = count;
  else if (name == "bocpd_window") p.bocpd_window = count;
  else if (name == "likelihood_short") p.likelihood_short = count;
  else if (name == "likelihood_history") p.likelihood_history = count;
  else if (name == "likelihood_reestimate") p.likelihood_reestimate = std::max<std::size_t>(count, 1);
  else if (name == "fuse_forest") p.fuse_forest = v;
  else if (name == "fuse_bocpd") p.fuse_bocpd = v;
  else if (name == "range_tolerance") p.range_tolerance = v;
  else if (name == "suppress_rows") p.suppress_rows = count;
  else if (name == "suppress_factor") p.suppress_factor = v;
  else throw_usage("--param: no such parameter '" + name + "'");
}

}  // namespace bre::nab
