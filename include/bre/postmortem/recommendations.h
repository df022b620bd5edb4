// Section 7 of the postmortem: actions tied to the causes found. A fixed
// table maps the root metric's family and the dimension of its leading
// evidence cluster (vendor, carrier, product, customer, ...) to an action
// that names the entity and quotes the evidence; docs/postmortem.md lists
// the table. Pure: the chain in, sentences out, nothing invented.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "bre/postmortem/postmortem.h"

namespace bre {

// One row of the table. `dimension` "" matches any cluster (and none).
// Placeholders: {label} the cluster ("vendor AcmeSupplier"), {evidence}
// its facts ("56 shipment delays averaging 5.0 days, 93% of the change"),
// {window} its days, {metric} the root metric.
struct RecommendationRule {
  std::vector<std::string> metrics;
  std::string dimension;
  std::string action;
};
const std::vector<RecommendationRule>& recommendation_rules();

// The actions for one incident's chain: the root's, then (when the incident
// metric is its own root) an honest "investigate" for what the data cannot
// explain. Empty text never; at least one action per chain.
std::vector<std::string> cause_recommendations(const PostmortemIncident& incident, const CausalChain& chain,
                                               int currency_digits);

// Actions that do not depend on the cause: keep the monitors on; fix data
// whose quality weight is below `quality_floor` (metric → weight).
std::vector<std::string> followup_recommendations(const std::vector<MonitorRule>& monitors,
                                                  const std::map<std::string, double>& path_quality,
                                                  double quality_floor = 0.9);

}  // namespace bre
