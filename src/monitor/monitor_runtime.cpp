#include "bre/monitor/monitor_runtime.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/hash.h"
#include "bre/core/metric_catalog.h"
#include "bre/core/json_text.h"

namespace bre {

std::optional<MonitorReading> monitor_condition(const MonitorRule& rule, const MetricValues& series, std::size_t i,
                                                DayNumber first_day, const DetectConfig& detect) {
  // The same reading a detection trigger takes (the day, or the sustained
  // mean when that deviates more), only with the monitor's lower threshold.
  const TriggerRule as_trigger{rule.metric_name, rule.direction, rule.z_threshold};
  const auto s = strongest_reading(as_trigger, series, i, first_day, detect);
  if (!s || rule.direction * s->z < rule.z_threshold) return std::nullopt;
  return MonitorReading{first_day + static_cast<DayNumber>(i), s->value, s->baseline, s->z, s->method, s->span};
}

bool path_agrees(const std::vector<DayNumber>& partner_days, DayNumber day, int within_days) {
  const auto first = std::lower_bound(partner_days.begin(), partner_days.end(), day - std::max(0, within_days));
  return first != partner_days.end() && *first <= day;
}

bool read_from_common_events(std::string_view metric_a, std::string_view metric_b) {
  const MetricInfo* a = find_metric(metric_a);
  const MetricInfo* b = find_metric(metric_b);
  if (!a || !b) return false;
  return std::any_of(a->inputs.begin(), a->inputs.end(), [&](EventType t) {
    return std::find(b->inputs.begin(), b->inputs.end(), t) != b->inputs.end();
  });
}

std::vector<DayNumber> monitor_condition_days(const MonitorRule& rule, const DailyMetrics& m, DayRange days,
                                              const DetectConfig& detect) {
  std::vector<DayNumber> out;
  const MetricValues* series = m.find(rule.metric_name);
  if (!series || m.days == 0) return out;
  const DayNumber from = std::max(days.from, m.first_day), to = std::min(days.to, m.day(m.days - 1));
  for (DayNumber d = from; d <= to; ++d)
    if (monitor_condition(rule, *series, static_cast<std::size_t>(d - m.first_day), m.first_day, detect))
      out.push_back(d);
  return out;
}

std::string monitor_alert_id(const std::string& monitor_id, DayNumber episode_start) {
  return "alr_" + sha256_hex(monitor_id + "|" + format_day(episode_start)).substr(0, 16);
}

namespace {

std::string number_text(double v) { return fmt::format("{:.4g}", v); }

void replace_all(std::string& text, const std::string& key, const std::string& value) {
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
}

// Whether the day's reading counts: always without path agreement; with
// it, only when a partner agrees (a monitor without partners never does:
// only instant_z speaks for it).
bool counts_under_agreement(const MonitorSubject& s, const MonitorReading& r, const MonitorRuntimeConfig& config) {
  if (!s.partner_days || config.agreement_days < 0) return true;
  return path_agrees(*s.partner_days, r.day, config.agreement_days);
}

bool is_silent(const std::vector<DayRange>& silent, DayNumber day) {
  return std::any_of(silent.begin(), silent.end(), [&](const DayRange& r) { return day >= r.from && day <= r.to; });
}

MonitorAlert open_alert(const MonitorSubject& s, const MonitorReading& r, const BusinessTime& clock) {
  const MonitorRule& rule = s.rule;
  MonitorAlert a;
  a.monitor_id = rule.monitor_id;
  a.alert_id = monitor_alert_id(rule.monitor_id, r.day);
  a.day = a.last_day = r.day;
  a.triggered_at = clock.day_end(r.day);
  a.metric_name = rule.metric_name;
  a.current_value = r.value;
  a.baseline_value = r.baseline;
  a.zscore = a.peak_zscore = r.z;
  a.method = r.method;
  a.threshold = rule.condition;
  a.z_threshold = rule.z_threshold;
  a.window_days = rule.window_days;
  a.severity = rule.severity_if_triggered;
  a.related_incident_id = rule.source_incident_id;
  a.days_in_alert = 1;
  a.message = fill_alert_message(rule.alert_message_template, a, rule.source_incident_day);
  return a;
}

}  // namespace

std::string fill_alert_message(const std::string& message_template, const MonitorAlert& alert,
                               DayNumber source_incident_day) {
  std::string text = message_template;
  replace_all(text, "{value}", number_text(alert.current_value));
  replace_all(text, "{baseline}", number_text(alert.baseline_value));
  replace_all(text, "{zscore}", fmt::format("{:.2f}", alert.zscore));
  replace_all(text, "{day}", format_day(alert.day));
  replace_all(text, "{source_incident_date}", format_day(source_incident_day));
  return text;
}

MonitorEvaluation evaluate_monitor(const MonitorSubject& s, const DailyMetrics& m, const DetectConfig& detect,
                                   const MonitorRuntimeConfig& config) {
  MonitorEvaluation out;
  const MetricValues* series = m.find(s.rule.metric_name);
  if (!series || m.days == 0) return out;
  const DayNumber last_metric_day = m.day(m.days - 1);
  const DayNumber from = std::max({s.born_day, s.evaluate.from, m.first_day});
  const DayNumber to = std::min(s.evaluate.to, last_metric_day);
  if (from > to) return out;
  out.days_evaluated = to - from + 1;

  const int window = std::max(1, s.rule.window_days);
  const double instant_z = config.instant_z > 0 ? config.instant_z : detect.strong_z;
  const auto index = [&](DayNumber d) { return static_cast<std::size_t>(d - m.first_day); };
  const MetricTraits traits = metric_traits(s.rule.metric_name);
  const bool needs_lead_in = config.queue_lead_in_z > 0 && traits.queue;
  // A day of a money flow is often one lump (a large bill, a big payment),
  // and so is a day's mean of a few measurements (one ticket that took
  // weeks): however far past the instant z, one day of it still needs the
  // window and the path; its sustained mean does not.
  const bool lumpy = traits.money_flow || traits.day_mean;
  // Whether the day before d read at least the lead-in z the bad way.
  const auto led_in = [&](DayNumber d) {
    if (d <= m.first_day) return false;
    const TriggerRule as_trigger{s.rule.metric_name, s.rule.direction, s.rule.z_threshold};
    const auto before = strongest_reading(as_trigger, *series, index(d - 1), m.first_day, detect);
    return before && s.rule.direction * before->z >= config.queue_lead_in_z;
  };

  // The replay starts where the monitor was born, so the episode running on
  // the first evaluated day is known without stored state.
  const DayNumber replay_from = std::max(s.born_day, m.first_day);
  std::optional<MonitorAlert> episode;  // the current episode (silent ones are not alerts)
  bool episode_silent = false;
  int held_in_a_row = 0, quiet_in_a_row = 0;
  const auto close_episode = [&] {
    if (episode && !episode_silent && episode->last_day >= from)
      (episode->day >= from ? out.raised : out.extended).push_back(*episode);
    episode.reset();
  };
  for (DayNumber d = replay_from; d <= to; ++d) {
    const auto reading = monitor_condition(s.rule, *series, index(d), m.first_day, detect);
    const bool holds = reading && counts_under_agreement(s, *reading, config) &&
                       (!needs_lead_in || held_in_a_row > 0 || led_in(d));
    held_in_a_row = holds ? held_in_a_row + 1 : 0;
    // As in detection, a reading past strong_z (instant_z) needs no
    // confirmation, neither from more days nor from the path.
    const bool instant = reading && s.rule.direction * reading->z >= instant_z && (!lumpy || reading->span > 1);
    const bool in_alert = held_in_a_row >= window || instant;
    if (!in_alert) {
      if (episode && ++quiet_in_a_row >= config.episode_quiet_days) close_episode();
      continue;
    }
    quiet_in_a_row = 0;
    if (episode) {
      episode->last_day = d;
      ++episode->days_in_alert;
      if (s.rule.direction * reading->z > s.rule.direction * episode->peak_zscore) episode->peak_zscore = reading->z;
      continue;
    }
    episode = open_alert(s, *reading, config.business_time);
    episode_silent = is_silent(s.silent, d);
  }
  close_episode();
  return out;
}

std::string monitor_alert_json(const MonitorAlert& a) {
  return JsonObjectWriter()
      .string("alert_id", a.alert_id)
      .string("monitor_id", a.monitor_id)
      .string("triggered_at", format_iso8601(a.triggered_at))
      .string("day", format_day(a.day))
      .string("metric_name", a.metric_name)
      .number("current_value", a.current_value)
      .number("baseline_value", a.baseline_value)
      .number("zscore", a.zscore)
      .string("method", a.method)
      .string("threshold", a.threshold)
      .number("z_threshold", a.z_threshold)
      .integer("window_days", a.window_days)
      .string("severity", a.severity)
      .string("message", a.message)
      .string("related_incident_id", a.related_incident_id)
      .string("status", a.status)
      .string("last_day", format_day(a.last_day))
      .number("peak_zscore", a.peak_zscore)
      .integer("days_in_alert", a.days_in_alert)
      .str();
}

MonitorAlert monitor_alert_from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    const auto day = [](const std::string& s) {
      const auto t = parse_date(s);
      if (!t) throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "a monitor alert has a bad day", s);
      return *t / kMsPerDay;
    };
    MonitorAlert a;
    a.alert_id = j.at("alert_id").get<std::string>();
    a.monitor_id = j.at("monitor_id").get<std::string>();
    a.day = day(j.at("day").get<std::string>());
    // As stored: the end of the alert day in the zone it was raised under.
    const auto triggered = parse_iso8601(j.at("triggered_at").get<std::string>());
    if (!triggered) throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "a monitor alert has a bad triggered_at");
    a.triggered_at = *triggered;
    a.metric_name = j.at("metric_name").get<std::string>();
    a.current_value = j.at("current_value").get<double>();
    a.baseline_value = j.at("baseline_value").get<double>();
    a.zscore = j.at("zscore").get<double>();
    a.method = j.at("method").get<std::string>();
    a.threshold = j.at("threshold").get<std::string>();
    a.z_threshold = j.at("z_threshold").get<double>();
    a.window_days = j.at("window_days").get<int>();
    a.severity = j.at("severity").get<std::string>();
    a.message = j.at("message").get<std::string>();
    a.related_incident_id = j.at("related_incident_id").get<std::string>();
    a.status = j.at("status").get<std::string>();
    a.last_day = day(j.at("last_day").get<std::string>());
    a.peak_zscore = j.at("peak_zscore").get<double>();
    a.days_in_alert = j.at("days_in_alert").get<int>();
    return a;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::data_invalid, "INPUT_INVALID", std::string("a stored monitor alert is malformed: ") + e.what());
  }
}

}  // namespace bre
