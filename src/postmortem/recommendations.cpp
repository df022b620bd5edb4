// The recommendations table (docs/postmortem.md): root metric family ×
// leading evidence dimension → an action naming the entity.
#include "bre/postmortem/recommendations.h"

#include <algorithm>

#include <fmt/format.h>

#include "bre/postmortem/build_postmortem.h"
#include "bre/postmortem/timeline.h"

namespace bre {

namespace {

const std::vector<std::string> kSupplier = {"supplier_delay_rate", "supplier_delay_severity"};
const std::vector<std::string> kDelivery = {"delivery_delay_rate", "late_delivery_count", "avg_delivery_delay_days"};
const std::vector<std::string> kDemand = {"order_volume", "fulfillment_backlog"};
const std::vector<std::string> kSupport = {"ticket_volume", "ticket_backlog", "avg_resolution_time"};
const std::vector<std::string> kSatisfaction = {"review_score_avg", "review_score_trend"};
const std::vector<std::string> kChurn = {"churn_proxy"};
const std::vector<std::string> kRefunds = {"refund_rate", "daily_refunds"};
const std::vector<std::string> kCosts = {"daily_expenses", "expense_ratio", "margin_proxy"};
const std::vector<std::string> kReceivables = {"ar_aging_amount", "ar_overdue_count", "dso_proxy"};

std::string replace_all(std::string text, const std::string& key, const std::string& value) {
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

}  // namespace

const std::vector<RecommendationRule>& recommendation_rules() {
  // First match wins: a specific dimension before the family's catch-all.
  static const std::vector<RecommendationRule> rules = {
      {kSupplier, "vendor",
       "Review the supply agreement with {label}: {evidence} ({window}). Agree firm ship dates and qualify a "
       "second supplier for what it supplies."},
      {kSupplier, "", "Review supplier lead times: {evidence} ({window})."},
      {kDelivery, "carrier",
       "Review the service level of {label}: {evidence} ({window}); move volume to another carrier if it "
       "continues."},
      {kDelivery, "vendor", "Review fulfilment by {label}: {evidence} ({window})."},
      {kDelivery, "seller", "Review fulfilment by {label}: {evidence} ({window})."},
      {kDelivery, "", "Audit the delivery process: {evidence} ({window})."},
      {kDemand, "product", "Plan fulfilment capacity for {label}: {evidence} ({window})."},
      {kDemand, "category", "Plan fulfilment capacity for {label}: {evidence} ({window})."},
      {kDemand, "customer", "Confirm and schedule the orders of {label}: {evidence} ({window})."},
      {kDemand, "", "Add fulfilment capacity, or pace promotions, when order volume rises: {evidence} ({window})."},
      {kSupport, "reason", "Fix what causes tickets about {label}: {evidence} ({window})."},
      {kSupport, "category", "Fix what causes tickets about {label}: {evidence} ({window})."},
      {kSupport, "", "Add support capacity or triage for peaks: {evidence} ({window})."},
      {kSatisfaction, "product", "Inspect the quality of {label}: {evidence} ({window})."},
      {kSatisfaction, "", "Follow up on the low reviews: {evidence} ({window})."},
      {kChurn, "customer", "Contact the customers who left, starting with {label}: {evidence} ({window})."},
      {kChurn, "", "Start a win-back for the customers who left: {evidence} ({window})."},
      {kRefunds, "product", "Investigate the refunds of {label} (quality, description): {evidence} ({window})."},
      {kRefunds, "category", "Investigate the refunds of {label} (quality, description): {evidence} ({window})."},
      {kRefunds, "customer", "Review the refunds of {label}: {evidence} ({window})."},
      {kRefunds, "reason", "Fix the refund reason {label}: {evidence} ({window})."},
      {kRefunds, "", "Review the refund policy and its approvals: {evidence} ({window})."},
      {kCosts, "vendor", "Review spending with {label}; renegotiate or find an alternative: {evidence} ({window})."},
      {kCosts, "category", "Review spending on {label}: {evidence} ({window})."},
      {kCosts, "", "Review expenses against revenue: {evidence} ({window})."},
      {kReceivables, "customer",
       "Chase the overdue invoices of {label} and tighten its payment terms: {evidence} ({window})."},
      {kReceivables, "", "Run a collections drive on overdue invoices: {evidence} ({window})."},
  };
  return rules;
}

std::vector<std::string> cause_recommendations(const PostmortemIncident& incident, const CausalChain& chain,
                                               int currency_digits) {
  const std::string root = chain.paths.empty() ? incident.metric : chain.paths[0].metrics.front();
  const bool unexplained = root == incident.metric;
  std::vector<std::string> out;
  const CausalNode* node = chain.node(root);
  const std::vector<const EvidenceCluster*> leads = node ? leading_clusters(*node, 1) : std::vector<const EvidenceCluster*>{};
  if (!leads.empty()) {
    const EvidenceCluster& c = *leads.front();
    const std::string dimension = c.entity_type == "all" ? "" : c.entity_type;
    const std::string window = day_range_text(node->anomaly_from, node->anomaly_to);
    std::string action = "Review what drove {metric}: {evidence} ({window}).";
    for (const RecommendationRule& r : recommendation_rules())
      if (std::find(r.metrics.begin(), r.metrics.end(), root) != r.metrics.end() &&
          (r.dimension.empty() || r.dimension == dimension)) {
        action = r.action;
        break;
      }
    action = replace_all(action, "{label}", c.cluster_label);
    action = replace_all(action, "{evidence}", cluster_facts(root, c, currency_digits));
    action = replace_all(action, "{window}", window);
    out.push_back(replace_all(action, "{metric}", root));
  } else if (node) {
    out.push_back(fmt::format("Review what drove {} (z {:.1f} on {}): no event-level evidence is linked to it.", root,
                              node->metric_zscore, format_day(node->peak_day)));
  }
  if (unexplained)
    out.push_back(fmt::format(
        "Investigate {}: it moved first (z {:.1f}) and no metric upstream of it in the dependency graph explains it; "
        "look for causes bre does not see (prices, staffing, a system or policy change).",
        root, node ? node->metric_zscore : incident.zscore));
  return out;
}

std::vector<std::string> followup_recommendations(const std::vector<MonitorRule>& monitors,
                                                  const std::map<std::string, double>& path_quality,
                                                  double quality_floor) {
  std::vector<std::string> out;
  if (!monitors.empty()) {
    std::string names;
    for (const MonitorRule& m : monitors) names += (names.empty() ? "" : ", ") + m.metric_name;
    const auto [low, high] = std::minmax_element(monitors.begin(), monitors.end(), [](const auto& a, const auto& b) {
      return a.z_threshold < b.z_threshold;
    });
    const std::string at = low->z_threshold == high->z_threshold
                               ? fmt::format("{:g}σ", low->z_threshold)
                               : fmt::format("{:g}–{:g}σ", low->z_threshold, high->z_threshold);
    out.push_back(monitors.size() == 1
                      ? fmt::format("Keep the prevention monitor on {} enabled: it alerts at {}, before detection's "
                                    "trigger.",
                                    names, at)
                      : fmt::format("Keep the {} prevention monitors on {} enabled: they alert at {}, before "
                                    "detection's trigger.",
                                    monitors.size(), names, at));
  }
  for (const auto& [metric, weight] : path_quality)
    if (weight < quality_floor)
      out.push_back(fmt::format("Improve the data behind {}: its quality weight is {:.2f} (the share of its events "
                                "that are complete and consistent), which weakens this analysis.",
                                metric, weight));
  return out;
}

}  // namespace bre
