// The monitor runtime (design component J): evaluates prevention monitors on
// the gold metrics, day by day, and turns the days a monitor's condition
// holds into alerts — one alert per episode, not one per day. Pure: rules,
// metrics and what the workspace knows about the source incidents in;
// alerts out. The store (monitor_store.h) keeps them, run_monitors.h wires
// both to a workspace. docs/monitors.md.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/detect/incidents.h"
#include "bre/monitor/monitor_rules.h"

namespace bre {

struct MonitorRuntimeConfig {
  // An episode is over once the condition has been false this many days in
  // a row; the next day it holds opens a new episode and a new alert. The
  // same 3 quiet days that end an incident (DetectConfig::quiet_days_to_end).
  int episode_quiet_days = 3;
  // Leave the monitor's source incidents out of its metric's history
  // (baseline, weekday profile, 90-day scale), as a window labelled
  // `expected` is left out of detection's: the incident a monitor was born
  // from is not the normal it should measure against, and kept in it widens
  // the scale for 90 days — the months a recurrence is likeliest.
  bool exclude_source_windows = true;
  // A reading at least this far the bad way is in alert at once, whatever
  // the monitor's window and its path. 0: detection's strong_z (5), from
  // which detection itself needs no confirmation. `bre monitor run
  // --instant-z`. 4 with path agreement: docs/evaluation.md.
  double instant_z = 4;
  // Path agreement (docs/monitors.md): a monitor's condition counts on a day
  // only if a path partner's condition (a monitor on another metric born
  // from one of the same source incidents' top paths) held that day or up
  // to this many days before it. An abrupt cause moves two nodes of its path
  // together; a lone queue or count blip moves one. A monitor without a
  // partner (a one-node path) then alerts only past instant_z.
  // `bre monitor run --agreement N|off`; -1: off, every monitor reads alone.
  int agreement_days = 1;
  // A queue (ticket_backlog, fulfillment_backlog) that crosses its threshold
  // must have read at least this z the bad way the day before: a burst of
  // arrivals lifts a queue for a day from nothing and it drains, while a
  // problem builds it up over days. Past instant_z a queue alerts at once
  // all the same. 0: off. `bre monitor run --queue-lead-in Z`.
  double queue_lead_in_z = 1.5;
  // The business time zone: an alert's triggered_at is the end of its day
  // there. run_monitors sets the workspace's.
  BusinessTime business_time;
};

// A day on which the monitor's condition held: the reading detection would
// take of the metric that day (strongest_reading), in the bad direction.
struct MonitorReading {
  DayNumber day = 0;
  double value = 0, baseline = 0, z = 0;
  std::string method;
  int span = 1;  // 1, or the sustained-mean span
};

// What the runtime needs besides the rule.
struct MonitorSubject {
  MonitorRule rule;
  // The monitor exists from this day on (data time): its first source
  // incident's detected day. Nothing before it is evaluated, so a monitor
  // never "predicts" the incident it was born from.
  DayNumber born_day = 0;
  // Days the monitor stays silent: each source incident's window plus the
  // quiet days that end it — while the incident itself is open, it is the
  // alarm. Inclusive day ranges.
  std::vector<DayRange> silent;
  // The days to report on (inclusive): alerts are raised for episodes that
  // start in it, and earlier episodes still running in it are extended.
  DayRange evaluate;
  // Path agreement (MonitorRuntimeConfig::agreement_days): set, the days on
  // which a partner's condition held, sorted; an empty list means the
  // monitor has no partner (only instant_z speaks for it). Unset: the
  // monitor reads alone.
  std::optional<std::vector<DayNumber>> partner_days;
};

struct MonitorAlert {
  std::string alert_id;  // alr_ + hash(monitor id, episode start day)
  std::string monitor_id;
  DayNumber day = 0;          // the episode's first day (the alert day)
  TimeMs triggered_at = 0;    // the end of that (local) day: data time, like an incident's detected_at
  std::string metric_name;
  double current_value = 0, baseline_value = 0, zscore = 0;  // the reading on the alert day
  std::string method;
  std::string threshold;      // the rule's condition, e.g. "zscore > 2.5"
  double z_threshold = 0;
  int window_days = 1;
  std::string severity;
  std::string message;        // the rule's template with the values filled in
  std::string related_incident_id;
  std::string status = "active";  // active | acknowledged | dismissed (people set the last two)
  DayNumber last_day = 0;     // the latest day of the episode the condition held
  double peak_zscore = 0;     // largest bad-direction z over the episode so far
  int days_in_alert = 0;      // days of the episode (within the evaluated range and before) the condition held
};

struct MonitorEvaluation {
  std::vector<MonitorAlert> raised;    // episodes starting inside the evaluated range
  std::vector<MonitorAlert> extended;  // episodes that started before it and still run in it
  std::int64_t days_evaluated = 0;
};

// The condition on day index i: the detection reading of the rule's metric
// with the rule's direction and threshold (nullopt: it does not hold).
std::optional<MonitorReading> monitor_condition(const MonitorRule& rule, const MetricValues& series, std::size_t i,
                                                DayNumber first_day, const DetectConfig& detect);

// Whether a partner's condition held on `day` or up to `within_days` before
// it (`partner_days` sorted): only days up to `day`, so a daily run and a
// backfill agree.
bool path_agrees(const std::vector<DayNumber>& partner_days, DayNumber day, int within_days);

// Whether two metrics are computed from a common event type (metric_catalog
// inputs). Such metrics move together by construction (a ticket backlog and
// the tickets opened that fill it), so under path agreement one is not a
// partner of the other: a partner must be a separate witness.
bool read_from_common_events(std::string_view metric_a, std::string_view metric_b);

// The days in `days` (inclusive) on which the rule's condition holds.
std::vector<DayNumber> monitor_condition_days(const MonitorRule& rule, const DailyMetrics& metrics, DayRange days,
                                              const DetectConfig& detect);

// Replays the monitor from its born day to the end of the evaluated range
// (each day sees only metrics up to that day, so a daily run and a backfill
// give the same alerts) and returns the episodes that touch the range.
// An episode that starts on a silent day stays silent to its end.
MonitorEvaluation evaluate_monitor(const MonitorSubject& subject, const DailyMetrics& metrics,
                                   const DetectConfig& detect, const MonitorRuntimeConfig& config = {});

std::string monitor_alert_id(const std::string& monitor_id, DayNumber episode_start);

// The template with {value} {baseline} {zscore} {day} {source_incident_date} filled in.
std::string fill_alert_message(const std::string& message_template, const MonitorAlert& alert,
                               DayNumber source_incident_day);

// The design's MonitorAlert as JSON, plus day, zscore, method, z_threshold,
// window_days, last_day, peak_zscore and days_in_alert.
std::string monitor_alert_json(const MonitorAlert& alert);
MonitorAlert monitor_alert_from_json(const std::string& json);

}  // namespace bre
