#include "bre/rca/evidence_clusters.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "bre/core/money.h"

namespace bre {

std::optional<EvidenceSpec> evidence_spec(const std::string& metric) {
  using E = EventType;
  if (metric == "supplier_delay_rate" || metric == "supplier_delay_severity")
    return EvidenceSpec{{E::shipment_delayed}, "shipment delays", "days_delayed", "days", false, 0};
  if (metric == "delivery_delay_rate" || metric == "late_delivery_count" || metric == "avg_delivery_delay_days")
    return EvidenceSpec{{E::order_late}, "late deliveries", "days_late", "days late", false, 0};
  if (metric == "order_volume" || metric == "fulfillment_backlog")
    return EvidenceSpec{{E::order_placed}, "orders placed", "", "", false, 0};
  if (metric == "ticket_volume" || metric == "ticket_backlog")
    return EvidenceSpec{{E::support_ticket_opened}, "tickets opened", "", "", false, 0};
  if (metric == "avg_resolution_time")
    return EvidenceSpec{{E::support_ticket_closed}, "tickets closed", "resolution_time_hours", "hours to resolve",
                        false, 0};
  if (metric == "review_score_avg" || metric == "review_score_trend")
    return EvidenceSpec{{E::review_submitted}, "reviews of 2 or less", "score", "stars", false, 2};
  if (metric == "churn_proxy") return EvidenceSpec{{E::customer_churned}, "churned customers", "", "", false, 0};
  if (metric == "refund_rate" || metric == "daily_refunds")
    return EvidenceSpec{{E::refund_issued, E::credit_memo_issued}, "refunds", "", "", true, 0};
  if (metric == "daily_revenue") return EvidenceSpec{{E::payment_received}, "payments", "", "", true, 0};
  if (metric == "daily_expenses" || metric == "expense_ratio" || metric == "margin_proxy")
    return EvidenceSpec{{E::expense_posted}, "expenses", "", "", true, 0};
  if (metric == "ar_aging_amount" || metric == "ar_overdue_count" || metric == "dso_proxy")
    return EvidenceSpec{{E::invoice_overdue}, "invoices overdue", "days_overdue", "days overdue", true, 0};
  return std::nullopt;
}

namespace {

struct Group {
  std::vector<const EvidenceEvent*> events;
  double baseline = 0;  // events or minor units in the baseline period
};

double weight(const EvidenceSpec& spec, const EvidenceEvent& e) {
  return spec.by_amount ? static_cast<double>(e.amount_minor) : 1.0;
}

// "seller X" from the dimension and the entity's name, unless the name says
// it already: Olist's display names do ("seller 3442f895 (campinas/SP)").
std::string named(const std::string& dimension, const std::string& name) {
  return name.rfind(dimension + " ", 0) == 0 ? name : dimension + " " + name;
}

std::string summary_of(const EvidenceSpec& spec, const EvidenceCluster& c, const std::string& dimension,
                       int currency_digits) {
  std::string text = fmt::format("{} {}", c.event_count, spec.noun);
  if (dimension == "vendor") text += " from " + c.entity_name;
  else if (dimension == "customer") text += " for " + named("customer", c.entity_name);
  else if (dimension == "product") text += " of " + c.entity_name;
  else if (dimension == "all") text += " in the window";
  else text += " (" + named(dimension, c.entity_name) + ")";
  if (c.mean_measure) text += fmt::format(" averaging {:.1f} {}", *c.mean_measure, spec.measure_unit);
  if (spec.by_amount) text += " totalling " + format_minor(c.total_amount_minor, currency_digits);
  if (c.share_of_change > 0 && dimension != "all")
    text += fmt::format(", {:.0f}% of the change", 100 * c.share_of_change);
  return text;
}

EvidenceCluster make_cluster(const EvidenceSpec& spec, const std::string& dimension, const std::string& id,
                             const Group& g, double total_change, double scale,
                             const std::map<std::string, std::string>& names, int currency_digits,
                             std::size_t max_ids) {
  EvidenceCluster c;
  c.entity_type = dimension;
  if (dimension != "all") {
    c.entity_id = id;
    auto it = names.find(dimension + ":" + id);
    c.entity_name = it != names.end() ? it->second : id;
    c.cluster_label = named(dimension, c.entity_name);
  } else {
    c.entity_name = "all";
    c.cluster_label = "all " + spec.noun;
  }
  c.event_count = static_cast<std::int64_t>(g.events.size());
  double measured = 0, sum = 0, window = 0;
  for (const EvidenceEvent* e : g.events) {
    if (c.event_ids.size() < max_ids) c.event_ids.push_back(e->event_id);
    c.total_amount_minor += e->amount_minor;
    window += weight(spec, *e);
    if (e->measure) {
      sum += *e->measure;
      ++measured;
    }
  }
  if (measured > 0) c.mean_measure = sum / measured;
  c.baseline_expected = g.baseline * scale;
  if (total_change > 0) c.share_of_change = (window - c.baseline_expected) / total_change;
  c.summary = summary_of(spec, c, dimension, currency_digits);
  return c;
}

}  // namespace

std::vector<EvidenceCluster> cluster_evidence(const EvidenceSpec& spec, const std::vector<EvidenceEvent>& window_events,
                                              const std::vector<EvidenceEvent>& baseline_events,
                                              const ClusterWindow& w,
                                              const std::map<std::string, std::string>& names, int currency_digits,
                                              std::size_t max_clusters, std::size_t max_ids) {
  // The baseline period predicts the window by its daily rate.
  const double window_days = static_cast<double>(w.to - w.from + 1);
  const double baseline_days = std::max<double>(1, static_cast<double>(w.baseline_to - w.baseline_from + 1));
  const double scale = baseline_events.empty() && w.baseline_to < w.baseline_from ? 0 : window_days / baseline_days;

  std::vector<const EvidenceEvent*> sorted;
  for (const auto& e : window_events) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return a->day != b->day ? a->day < b->day : a->event_id < b->event_id;
  });

  Group all;
  all.events = sorted;
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const EvidenceEvent* e : sorted)
    for (const auto& key : e->entities) groups[key].events.push_back(e);
  for (const auto& e : baseline_events) {
    all.baseline += weight(spec, e);
    for (const auto& key : e.entities)
      if (auto it = groups.find(key); it != groups.end()) it->second.baseline += weight(spec, e);
  }
  double window_total = 0;
  for (const EvidenceEvent* e : sorted) window_total += weight(spec, *e);
  const double total_change = window_total - all.baseline * scale;

  std::vector<EvidenceCluster> clusters;
  for (const auto& [key, g] : groups) {
    if (g.events.size() < 2 && groups.size() > 1) continue;  // one event is not a cluster
    clusters.push_back(make_cluster(spec, key.first, key.second, g, total_change, scale, names, currency_digits,
                                    max_ids));
  }
  std::sort(clusters.begin(), clusters.end(), [](const EvidenceCluster& a, const EvidenceCluster& b) {
    if (a.share_of_change != b.share_of_change) return a.share_of_change > b.share_of_change;
    if (a.event_count != b.event_count) return a.event_count > b.event_count;
    return a.cluster_label < b.cluster_label;
  });
  if (clusters.size() > max_clusters) clusters.resize(max_clusters);
  if (!sorted.empty())
    clusters.push_back(make_cluster(spec, "all", "", all, total_change, scale, names, currency_digits, max_ids));
  return clusters;
}

}  // namespace bre
