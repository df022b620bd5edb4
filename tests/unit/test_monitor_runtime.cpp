// The monitor runtime on metric series built by hand: a rising refund rate
// crosses the monitor's 2.5σ before detection's 3σ; one alert per episode;
// silence before a monitor is born and while its source incident is open;
// window_days; instant_z; path agreement; and a day-by-day run gives exactly the alerts of one backfill.
#include <doctest/doctest.h>

#include <cmath>

#include "bre/core/metric_catalog.h"
#include "bre/monitor/monitor_runtime.h"

using namespace bre;

namespace {

const DayNumber kStart = *parse_date("2026-01-05") / kMsPerDay;

// refund_rate at about 5 % with ±15 % deterministic noise, 120 days; the caller adds ramps.
DailyMetrics refund_metrics() {
  DailyMetrics m;
  m.first_day = kStart;
  m.days = 120;
  for (const MetricInfo& info : metric_catalog()) m.names.push_back(info.name);
  m.values.assign(m.names.size(), MetricValues(m.days));
  auto& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.05 * (1.0 + 0.15 * std::sin(static_cast<double>(i) * 1.7));
  return m;
}

// A rise of `step` a day for `days` days from day index `at`, then back to normal.
void ramp(DailyMetrics& m, std::size_t at, int days, double step) {
  auto& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  for (int k = 0; k < days; ++k) *v[at + static_cast<std::size_t>(k)] += step * (k + 1);
}

MonitorRule refund_rule() {
  MonitorRule r;
  r.monitor_id = monitor_id_for("refund_rate", +1);
  r.metric_name = "refund_rate";
  r.direction = +1;
  r.z_threshold = 2.5;
  r.condition = "zscore > 2.5";
  r.severity_if_triggered = "medium";
  r.source_incident_id = "inc_source";
  r.source_incident_day = kStart + 30;
  r.alert_message_template = "refund rate {value} (baseline {baseline}, z {zscore}) on {day}; last time: {source_incident_date}";
  return r;
}

MonitorSubject subject(const MonitorRule& rule, DayNumber from, DayNumber to) {
  return MonitorSubject{rule, rule.source_incident_day, {}, {from, to}, std::nullopt};
}

// The first day index from `at` on which detection's own 3σ trigger fires.
std::optional<std::size_t> detection_day(const DailyMetrics& m, std::size_t at) {
  const TriggerRule trigger{"refund_rate", +1, 3.0};
  for (std::size_t i = at; i < m.days; ++i)
    if (auto s = strongest_reading(trigger, *m.find("refund_rate"), i, m.first_day, DetectConfig{}); s && s->z >= 3.0)
      return i;
  return std::nullopt;
}

}  // namespace

TEST_CASE("monitor runtime: a slow rise alerts before detection fires, once for the whole episode") {
  DailyMetrics m = refund_metrics();
  ramp(m, 70, 10, 0.003);
  const auto detected = detection_day(m, 60);
  REQUIRE(detected);
  const MonitorEvaluation e = evaluate_monitor(subject(refund_rule(), kStart, m.day(m.days - 1)), m, DetectConfig{});
  REQUIRE(e.raised.size() == 1);
  const MonitorAlert& a = e.raised[0];
  CHECK(a.day < m.day(*detected));  // the early warning
  CHECK(a.day >= m.day(70));        // and not before anything happened
  CHECK(a.zscore >= 2.5);
  CHECK(a.zscore < 3.0);
  CHECK(a.last_day >= m.day(*detected));
  CHECK(a.peak_zscore >= 3.0);
  CHECK(a.days_in_alert >= 2);
  CHECK(a.alert_id == monitor_alert_id(a.monitor_id, a.day));
  CHECK(a.triggered_at == (a.day + 1) * kMsPerDay - 1);
  CHECK(a.related_incident_id == "inc_source");
  CHECK(a.message.find(format_day(a.day)) != std::string::npos);
  CHECK(a.message.find(format_day(kStart + 30)) != std::string::npos);
  CHECK(a.message.find('{') == std::string::npos);
  // The alert round-trips through its JSON.
  CHECK(monitor_alert_json(monitor_alert_from_json(monitor_alert_json(a))) == monitor_alert_json(a));
}

TEST_CASE("monitor runtime: an alert triggers at the end of its day in the business time zone") {
  DailyMetrics m = refund_metrics();
  ramp(m, 70, 10, 0.003);
  MonitorRuntimeConfig in_auckland;
  in_auckland.business_time = BusinessTime("Pacific/Auckland");
  const MonitorEvaluation e =
      evaluate_monitor(subject(refund_rule(), kStart, m.day(m.days - 1)), m, DetectConfig{}, in_auckland);
  REQUIRE(e.raised.size() == 1);
  const MonitorAlert& a = e.raised[0];
  // Auckland is 12 or 13 hours ahead: its days end that long before UTC's.
  const TimeMs utc_end = (a.day + 1) * kMsPerDay - 1;
  CHECK(a.triggered_at == in_auckland.business_time.day_end(a.day));
  CHECK((utc_end - a.triggered_at == 12 * 3'600'000LL || utc_end - a.triggered_at == 13 * 3'600'000LL));
  // The stored triggered_at is read back as stored.
  CHECK(monitor_alert_from_json(monitor_alert_json(a)).triggered_at == a.triggered_at);
}

TEST_CASE("monitor runtime: a second rise after the quiet days is a second alert, within them the same one") {
  DailyMetrics m = refund_metrics();
  ramp(m, 60, 4, 0.006);
  ramp(m, 95, 4, 0.006);
  const DayRange all{kStart, m.day(m.days - 1)};
  CHECK(evaluate_monitor(subject(refund_rule(), all.from, all.to), m, DetectConfig{}).raised.size() == 2);

  // Two bursts with one calm day between them are one episode under the
  // default 3 quiet days, two when one quiet day ends an episode.
  DailyMetrics close = refund_metrics();
  ramp(close, 60, 2, 0.015);
  ramp(close, 63, 2, 0.015);
  const auto one = evaluate_monitor(subject(refund_rule(), all.from, all.to), close, DetectConfig{});
  MonitorRuntimeConfig quick;
  quick.episode_quiet_days = 1;
  const auto two = evaluate_monitor(subject(refund_rule(), all.from, all.to), close, DetectConfig{}, quick);
  CHECK(one.raised.size() == 1);
  CHECK(two.raised.size() == 2);
}

TEST_CASE("monitor runtime: nothing before the monitor is born, nothing while its source incident is open") {
  DailyMetrics m = refund_metrics();
  ramp(m, 40, 10, 0.005);
  MonitorRule rule = refund_rule();
  const DayRange all{kStart, m.day(m.days - 1)};
  CHECK(evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}).raised.size() == 1);
  rule.source_incident_day = m.day(50);  // born after the rise
  CHECK(evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}).raised.empty());

  rule = refund_rule();
  MonitorSubject quiet = subject(rule, all.from, all.to);
  quiet.silent.push_back({m.day(41), m.day(52)});  // the rise is the source incident: it started inside it
  CHECK(evaluate_monitor(quiet, m, DetectConfig{}).raised.empty());
  // An episode that began before the silence is still an alert.
  quiet.silent = {{m.day(44), m.day(52)}};
  CHECK(evaluate_monitor(quiet, m, DetectConfig{}).raised.size() == 1);
}

TEST_CASE("monitor runtime: window_days asks for that many days in a row") {
  DailyMetrics m = refund_metrics();
  ramp(m, 70, 10, 0.003);
  MonitorRule rule = refund_rule();
  const DayRange all{kStart, m.day(m.days - 1)};
  const auto one_day = evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{});
  rule.window_days = 2;
  const auto two_days = evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{});
  REQUIRE(one_day.raised.size() == 1);
  REQUIRE(two_days.raised.size() == 1);
  const MonitorAlert& late = two_days.raised[0];
  CHECK(late.day > one_day.raised[0].day);
  // It alerts on the second of two days in a row, and no pair came before.
  const auto held = [&](DayNumber d) {
    return monitor_condition(rule, *m.find("refund_rate"), static_cast<std::size_t>(d - m.first_day), m.first_day,
                             DetectConfig{})
        .has_value();
  };
  CHECK(held(late.day));
  CHECK(held(late.day - 1));
  for (DayNumber d = m.first_day + 1; d < late.day; ++d) CHECK_FALSE((held(d) && held(d - 1)));
  CHECK(two_days.raised[0].alert_id != one_day.raised[0].alert_id);
}

TEST_CASE("monitor runtime: a run per day raises exactly the alerts of one backfill") {
  DailyMetrics m = refund_metrics();
  ramp(m, 40, 10, 0.005);
  ramp(m, 90, 10, 0.004);
  const MonitorRule rule = refund_rule();
  const auto backfill = evaluate_monitor(subject(rule, kStart, m.day(m.days - 1)), m, DetectConfig{});
  REQUIRE(backfill.raised.size() == 2);
  std::vector<MonitorAlert> daily;
  std::size_t extended_runs = 0;
  for (DayNumber d = kStart; d <= m.day(m.days - 1); ++d) {
    // The metrics as a live run on day d had them: nothing after d.
    DailyMetrics so_far = m;
    so_far.days = static_cast<std::size_t>(d - kStart + 1);
    for (MetricValues& v : so_far.values) v.resize(so_far.days);
    const auto e = evaluate_monitor(subject(rule, d, d), so_far, DetectConfig{});
    daily.insert(daily.end(), e.raised.begin(), e.raised.end());
    extended_runs += e.extended.size();
  }
  REQUIRE(daily.size() == backfill.raised.size());
  for (std::size_t k = 0; k < daily.size(); ++k) {
    CHECK(daily[k].alert_id == backfill.raised[k].alert_id);
    CHECK(daily[k].zscore == backfill.raised[k].zscore);
  }
  // Each later day of an episode extends it instead of raising another.
  CHECK(extended_runs + daily.size() ==
        static_cast<std::size_t>(backfill.raised[0].days_in_alert + backfill.raised[1].days_in_alert));
}

TEST_CASE("monitor runtime: a reading past instant_z alerts at once, whatever the window") {
  // One day of refund rate at 0.085 (z 4.42 by MAD): 3 days in a row never hold, so with
  // window 3 only the instant rule can alert, on that very day.
  DailyMetrics m = refund_metrics();
  auto& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  v[80] = 0.085;
  MonitorRule rule = refund_rule();
  rule.window_days = 3;
  const auto reading = monitor_condition(rule, v, 80, m.first_day, DetectConfig{});
  REQUIRE(reading);
  REQUIRE(reading->z >= 4.0);  // between the instant z and detection's strong z
  REQUIRE(reading->z < 5.0);
  const DayRange all{kStart, m.day(m.days - 1)};
  MonitorRuntimeConfig four;
  four.instant_z = 4;
  const auto at_four = evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}, four);
  REQUIRE(at_four.raised.size() == 1);
  CHECK(at_four.raised[0].day == m.day(80));
  CHECK(at_four.raised[0].days_in_alert == 1);
  MonitorRuntimeConfig strong;
  strong.instant_z = 0;  // 0: detection's strong z (5); the day alone is not enough
  CHECK(evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}, strong).raised.empty());
  rule.window_days = 1;  // and window 1 alerts on any day over the threshold
  CHECK(evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}, strong).raised.size() == 1);
}

TEST_CASE("monitor runtime: metrics read from a common event type are not each other's path partners") {
  // ticket_volume counts support_ticket_opened; ticket_backlog reads opened and closed tickets.
  CHECK(read_from_common_events("ticket_volume", "ticket_backlog"));
  CHECK(read_from_common_events("ticket_backlog", "avg_resolution_time"));  // support_ticket_closed
  CHECK(read_from_common_events("order_volume", "fulfillment_backlog"));    // order_placed
  CHECK(read_from_common_events("fulfillment_backlog", "delivery_delay_rate"));  // order_delivered
  CHECK_FALSE(read_from_common_events("supplier_delay_rate", "fulfillment_backlog"));
  CHECK_FALSE(read_from_common_events("avg_resolution_time", "churn_proxy"));
  CHECK_FALSE(read_from_common_events("ticket_volume", "no_such_metric"));
}

TEST_CASE("monitor runtime: path agreement counts a day only when a path partner held that day or the day before") {
  // Partner days are inclusive of the day itself and look back only.
  const std::vector<DayNumber> partner{100, 110};
  CHECK(path_agrees(partner, 100, 1));
  CHECK(path_agrees(partner, 101, 1));
  CHECK_FALSE(path_agrees(partner, 102, 1));
  CHECK_FALSE(path_agrees(partner, 99, 1));  // a partner's later day is not known yet
  CHECK_FALSE(path_agrees(partner, 101, 0));
  CHECK(path_agrees(partner, 112, 2));
  CHECK_FALSE(path_agrees({}, 100, 7));

  // A single day of refund rate at 0.07: past the 2.5 threshold, under the instant z 4.
  DailyMetrics m = refund_metrics();
  auto& v = const_cast<MetricValues&>(*m.find("refund_rate"));
  v[80] = 0.07;
  const MonitorRule rule = refund_rule();
  const auto reading = monitor_condition(rule, v, 80, m.first_day, DetectConfig{});
  REQUIRE(reading);
  REQUIRE(reading->z < 4.0);
  const DayRange all{kStart, m.day(m.days - 1)};
  const auto alerts_with = [&](std::optional<std::vector<DayNumber>> partner_days, int agreement_days) {
    MonitorSubject s = subject(rule, all.from, all.to);
    s.partner_days = std::move(partner_days);
    MonitorRuntimeConfig config;
    config.agreement_days = agreement_days;
    return evaluate_monitor(s, m, DetectConfig{}, config).raised;
  };
  const DayNumber day = m.day(80);
  // A partner on the same day or the day before: the alert stands.
  REQUIRE(alerts_with(std::vector<DayNumber>{day}, 1).size() == 1);
  CHECK(alerts_with(std::vector<DayNumber>{day}, 1)[0].day == day);
  CHECK(alerts_with(std::vector<DayNumber>{day - 1}, 1).size() == 1);
  // A lone blip: partners quiet around it, or no partner at all.
  CHECK(alerts_with(std::vector<DayNumber>{day - 2, day + 1}, 1).empty());
  CHECK(alerts_with(std::vector<DayNumber>{}, 1).empty());
  // Agreement off (or the subject without partner days): the monitor reads alone.
  CHECK(alerts_with(std::vector<DayNumber>{}, -1).size() == 1);
  CHECK(alerts_with(std::nullopt, 1).size() == 1);
  // A reading past instant_z needs no partner.
  v[80] = 0.085;
  REQUIRE(monitor_condition(rule, v, 80, m.first_day, DetectConfig{})->z >= 4.0);
  CHECK(alerts_with(std::vector<DayNumber>{}, 1).size() == 1);
}

TEST_CASE("monitor runtime: a queue past its threshold counts only after a day already leaning the bad way") {
  // ticket_backlog at about 10 ± 2 for 120 days; on day 80 a burst from a
  // quiet day, on day 100 a rise whose day before already read z ≥ 1.5.
  DailyMetrics m = refund_metrics();
  auto& v = const_cast<MetricValues&>(*m.find("ticket_backlog"));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::round(10.0 + 2.0 * std::sin(static_cast<double>(i) * 1.3));
  MonitorRule rule = refund_rule();
  rule.monitor_id = monitor_id_for("ticket_backlog", +1);
  rule.metric_name = "ticket_backlog";
  const TriggerRule as_trigger{"ticket_backlog", +1, 2.5};
  const auto z_at = [&](std::size_t i) {
    const auto s = strongest_reading(as_trigger, v, i, m.first_day, DetectConfig{});
    return s ? s->z : 0.0;
  };
  // The smallest whole value that lifts day i's z into [lo, hi).
  const auto lift = [&](std::size_t i, double lo, double hi) {
    for (double x = *v[i]; x < 200; x += 1) {
      v[i] = x;
      if (z_at(i) >= lo) break;
    }
    REQUIRE(z_at(i) >= lo);
    REQUIRE(z_at(i) < hi);
  };
  REQUIRE(z_at(79) < 1.5);
  lift(80, 2.5, 4.0);
  lift(99, 1.5, 2.5);
  lift(100, 2.5, 4.0);
  const DayRange all{kStart, m.day(m.days - 1)};
  MonitorRuntimeConfig config;
  config.agreement_days = -1;  // this monitor reads alone
  const auto led = evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}, config);
  REQUIRE(led.raised.size() == 1);
  CHECK(led.raised[0].day == m.day(100));
  config.queue_lead_in_z = 0;  // off: the burst alerts too
  const auto any = evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}, config);
  REQUIRE(any.raised.size() == 2);
  CHECK(any.raised[0].day == m.day(80));
  // Not a queue: the lead-in does not apply.
  CHECK(metric_traits("refund_rate").queue == false);
  CHECK(metric_traits("fulfillment_backlog").queue);
}

namespace {

// `metric` swinging around level ± swing, and `lump` on day 80 alone: a
// reading far past the instant z on that day (checked), with a monitor of
// window 2 that reads alone.
struct LumpDay {
  DailyMetrics m;
  MonitorRule rule;
  MonitorRuntimeConfig config;
  DayRange all;
  MetricValues& values() { return const_cast<MetricValues&>(*m.find(rule.metric_name)); }
  std::vector<MonitorAlert> raised() const {
    return evaluate_monitor(subject(rule, all.from, all.to), m, DetectConfig{}, config).raised;
  }
};

LumpDay lump_on_day_80(const char* metric, double level, double swing, double lump) {
  LumpDay c{refund_metrics(), refund_rule(), {}, {}};
  c.rule.metric_name = metric;
  c.rule.monitor_id = monitor_id_for(metric, +1);
  c.rule.window_days = 2;
  MetricValues& v = c.values();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = level + swing * std::sin(static_cast<double>(i) * 1.1);
  v[80] = lump;
  const auto reading = monitor_condition(c.rule, v, 80, c.m.first_day, DetectConfig{});
  REQUIRE(reading);
  REQUIRE(reading->z >= 4.0);
  REQUIRE(reading->span == 1);
  c.all = {kStart, c.m.day(c.m.days - 1)};
  c.config.agreement_days = -1;
  return c;
}

}  // namespace

TEST_CASE("monitor runtime: one day of a money flow past instant_z is still one day") {
  // One bill of 900 among days of 100 ± 15: a window of 2 days never holds,
  // and a money flow's single day does not skip it (its sustained mean would).
  LumpDay bill = lump_on_day_80("daily_expenses", 100, 15, 900);
  CHECK(bill.raised().empty());
  // The same lump on a rate (not money) alerts at once.
  bill.rule.metric_name = "refund_rate";
  bill.rule.monitor_id = monitor_id_for("refund_rate", +1);
  bill.values()[80] = 0.085;  // z 4.42, as in the instant-z test above
  CHECK(bill.raised().size() == 1);
  CHECK(metric_traits("daily_revenue").money_flow);
  CHECK_FALSE(metric_traits("order_volume").money_flow);  // a count, not an amount
}

TEST_CASE("monitor runtime: one day of a day's mean past instant_z is still one day, seven of them are not") {
  // Resolution times of 20 ± 3 hours; day 80 closes one ticket that took 300.
  LumpDay slow = lump_on_day_80("avg_resolution_time", 20, 3, 300);
  CHECK(slow.raised().empty());
  // A week of slow tickets moves the 7-day mean past the instant z: that alerts at once.
  for (std::size_t i = 90; i < 97; ++i) slow.values()[i] = 45.0;
  const auto raised = slow.raised();
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].day >= slow.m.day(90));
  CHECK(metric_traits("supplier_delay_severity").day_mean);
  CHECK_FALSE(metric_traits("review_score_avg").day_mean);  // a 7-day ratio, not one day's mean
}
