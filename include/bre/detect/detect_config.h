// The versioned detection configuration as one canonical JSON document: every
// threshold and window of DetectConfig and BaselineRules, the incident rules
// with their triggers, the severity bands and each metric's traits and
// warm-up. `bre config show` prints it; run manifests record it with its hash.
// A field added to DetectConfig or BaselineRules is added to
// detect_config_json, and only there.
#pragma once
#include <string>

#include "bre/detect/incidents.h"

namespace bre {

// Minified, in a fixed order: the same config always gives the same text.
// BaselineRules::excluded_days (labelled windows, an input) is not config.
std::string detect_config_json(const DetectConfig& config = {});
// "sha256:" + the SHA-256 of detect_config_json(config).
std::string detect_config_hash(const DetectConfig& config = {});

}  // namespace bre
