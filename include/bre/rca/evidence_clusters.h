// BRE-RCA step 6: the events behind an anomalous metric, grouped by entity
// (vendor, customer, product, category, carrier, reason) and ranked by each
// group's share of the metric's change against the weeks before: the
// dimension drill-down that tells "vendor 500 caused 86 % of the extra
// delays" from "delays rose everywhere". Pure; rca_store.h reads the events.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/event.h"
#include "bre/state/metric_event.h"

namespace bre {

// What a metric's evidence is made of: which events count (the bad ones,
// e.g. order_late for delivery_delay_rate), what one is called, the
// per-event measure averaged in the summary, and whether the change is
// measured in money (the events' amounts) or in events.
struct EvidenceSpec {
  std::vector<EventType> event_types;
  std::string noun;           // "shipment delays"
  std::string measure;        // attribute averaged in the summary ("days_delayed"); empty: none
  std::string measure_unit;   // "days late"
  bool by_amount = false;
  int max_score = 0;          // reviews: only scores at or below this (0: no filter)
};
// nullopt for a metric with no event-level evidence of its own.
std::optional<EvidenceSpec> evidence_spec(const std::string& metric);

struct EvidenceEvent {
  std::string event_id;
  DayNumber day = 0;
  std::int64_t amount_minor = 0;
  std::optional<double> measure;
  // (dimension, id) pairs: ("vendor","500"), ("customer","1034"), ("product","15"), ("category","Insurance"), ...
  std::vector<std::pair<std::string, std::string>> entities;
};

struct EvidenceCluster {
  std::string cluster_label;   // "vendor AcmeSupplier"
  std::string entity_type;     // vendor | customer | product | category | carrier | reason | all
  std::optional<std::string> entity_id;
  std::string entity_name;
  std::int64_t event_count = 0;
  std::vector<std::string> event_ids;  // at most max_ids, oldest first
  std::int64_t total_amount_minor = 0;
  std::optional<double> mean_measure;
  double baseline_expected = 0;  // events (or minor units) the weeks before would predict for the window
  double share_of_change = 0;    // (window − expected) of this entity ÷ that of all events; 0 when the total did not rise
  std::string summary;           // "23 shipment delays from AcmeSupplier averaging 4.1 days"
};

struct ClusterWindow {
  DayNumber from = 0, to = 0;                   // the metric's anomaly window
  DayNumber baseline_from = 0, baseline_to = 0; // the weeks before it
};

// Clusters of window_events by each entity dimension, ranked by share of
// change (then size, then name); at most max_clusters entity clusters,
// followed by one "all" cluster with every window event. `names` maps
// "vendor:500" to a display name; the id is used when absent. Amounts in
// summaries are formatted with currency_digits.
std::vector<EvidenceCluster> cluster_evidence(const EvidenceSpec& spec, const std::vector<EvidenceEvent>& window_events,
                                              const std::vector<EvidenceEvent>& baseline_events,
                                              const ClusterWindow& window,
                                              const std::map<std::string, std::string>& names, int currency_digits,
                                              std::size_t max_clusters = 5, std::size_t max_ids = 200);

}  // namespace bre
