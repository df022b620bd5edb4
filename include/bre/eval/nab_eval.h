// bre eval nab: bre's stream detectors over a whole NAB corpus, scored
// under every cost profile.
#pragma once
#include <string>
#include <vector>

#include "bre/eval/nab_corpus.h"
#include "bre/eval/nab_detectors.h"
#include "bre/eval/nab_scorer.h"

namespace bre::nab {

// scores[d][f][i]: detector d (in `names` order), series f, row i.
std::vector<std::vector<std::vector<double>>> run_on_corpus(const Corpus& corpus, const std::vector<std::string>& names,
                                                            const StreamParams& params, unsigned threads);

struct DetectorResult {
  std::string detector;
  std::vector<CorpusScore> profiles;  // corpus.profiles order
};

// Each profile at its best threshold (the exhaustive sweep), or, when
// use_published is set and config/thresholds.json has one, at that θ.
DetectorResult evaluate(const Corpus& corpus, const std::string& detector,
                        const std::vector<std::vector<double>>& scores, bool use_published = false);

// Sets one StreamParams field from "name=value" (the names of nab_detectors.h);
// throws a usage error for an unknown name or a bad value.
void set_stream_param(StreamParams& params, const std::string& assignment);

}  // namespace bre::nab
