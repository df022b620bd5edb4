#include "bre/store/monitor_store.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "bre/core/error.h"

namespace bre {

namespace {

[[noreturn]] void monitor_not_found(const std::string& id) {
  throw Error(ErrorKind::not_found, "MONITOR_NOT_FOUND", "no such monitor", id);
}

// The columns are what the monitors are queried by; the payload is the rule.
void upsert_monitor(Database& db, const MonitorRule& r) {
  Statement s = db.prepare(
      "INSERT INTO monitors(monitor_id, metric, condition, threshold, enabled, source_incident_id, payload, created_at) "
      "VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(monitor_id) DO UPDATE SET metric = excluded.metric, "
      "condition = excluded.condition, threshold = excluded.threshold, enabled = excluded.enabled, "
      "source_incident_id = excluded.source_incident_id, payload = excluded.payload");
  s.bind(1, r.monitor_id)
      .bind(2, r.metric_name)
      .bind(3, r.condition)
      .bind(4, r.z_threshold)
      .bind(5, r.enabled ? 1 : 0)
      .bind(6, r.source_incident_id)
      .bind(7, monitor_rule_json(r))
      .bind(8, r.created_at)
      .run();
}

}  // namespace

std::string monitor_condition_text(int direction, double z_threshold) {
  return direction > 0 ? fmt::format("zscore > {:g}", z_threshold) : fmt::format("zscore < {:g}", -z_threshold);
}

std::vector<MonitorRule> list_monitors(Database& db) {
  Statement s = db.prepare("SELECT payload, enabled FROM monitors ORDER BY monitor_id");
  std::vector<MonitorRule> out;
  while (s.step()) {
    MonitorRule r = monitor_rule_from_json(s.text(0));
    r.enabled = s.int64(1) != 0;  // the column is the switch people flip
    out.push_back(std::move(r));
  }
  return out;
}

MonitorRule get_monitor(Database& db, const std::string& monitor_id) {
  Statement s = db.prepare("SELECT payload, enabled FROM monitors WHERE monitor_id = ?");
  s.bind(1, monitor_id);
  if (!s.step()) monitor_not_found(monitor_id);
  MonitorRule r = monitor_rule_from_json(s.text(0));
  r.enabled = s.int64(1) != 0;
  return r;
}

MonitorSaveResult save_generated_monitors(Database& db, const std::vector<MonitorRule>& generated) {
  std::vector<MonitorRule> existing = list_monitors(db);
  std::map<std::string, std::string> before;
  for (const MonitorRule& r : existing) before[r.monitor_id] = monitor_rule_json(r);
  MonitorSaveResult out;
  for (const MonitorRule& r : merge_monitor_rules(std::move(existing), generated)) {
    const std::string json = monitor_rule_json(r);
    auto it = before.find(r.monitor_id);
    if (it != before.end() && it->second == json) {
      ++out.unchanged;
      continue;
    }
    (it == before.end() ? out.created_ids : out.updated_ids).push_back(r.monitor_id);
    upsert_monitor(db, r);
  }
  out.created = static_cast<std::int64_t>(out.created_ids.size());
  out.updated = static_cast<std::int64_t>(out.updated_ids.size());
  return out;
}

void set_monitor_enabled(Database& db, const std::string& monitor_id, bool enabled) {
  MonitorRule r = get_monitor(db, monitor_id);
  r.enabled = enabled;
  upsert_monitor(db, r);
}

MonitorRule tune_monitor(Database& db, const std::string& monitor_id, std::optional<double> z_threshold,
                         std::optional<int> window_days, std::optional<bool> path_agreement) {
  if (z_threshold && !(*z_threshold > 0 && *z_threshold <= 20))
    throw_usage(fmt::format("--threshold wants a z between 0 and 20 (exclusive of 0), got {}", *z_threshold));
  if (window_days && (*window_days < 1 || *window_days > 30))
    throw_usage(fmt::format("--window wants 1 to 30 days, got {}", *window_days));
  MonitorRule r = get_monitor(db, monitor_id);
  if (z_threshold) {
    r.z_threshold = *z_threshold;
    r.condition = monitor_condition_text(r.direction, r.z_threshold);
    r.threshold_set_by_user = true;
  }
  if (window_days) r.window_days = *window_days;
  if (path_agreement) r.path_agreement = *path_agreement;
  upsert_monitor(db, r);
  return r;
}

std::optional<DayNumber> monitor_last_evaluated(Database& db, const std::string& monitor_id) {
  Statement s = db.prepare("SELECT last_evaluated_day FROM monitors WHERE monitor_id = ?");
  s.bind(1, monitor_id);
  if (!s.step()) monitor_not_found(monitor_id);
  if (s.is_null(0)) return std::nullopt;
  const auto t = parse_date(s.text_view(0));
  if (!t) return std::nullopt;
  return *t / kMsPerDay;
}

void set_monitor_last_evaluated(Database& db, const std::string& monitor_id, DayNumber day) {
  Statement s = db.prepare("UPDATE monitors SET last_evaluated_day = ? WHERE monitor_id = ?");
  s.bind(1, format_day(day)).bind(2, monitor_id).run();
  if (db.changes() == 0) monitor_not_found(monitor_id);
}

AlertSaveResult save_alerts(Database& db, const MonitorEvaluation& e) {
  AlertSaveResult out;
  Statement find = db.prepare("SELECT payload FROM monitor_alerts WHERE alert_id = ?");
  Statement insert = db.prepare(
      "INSERT INTO monitor_alerts(alert_id, monitor_id, fired_at, status, payload, day) VALUES(?,?,?,?,?,?)");
  Statement update = db.prepare("UPDATE monitor_alerts SET payload = ? WHERE alert_id = ?");
  const auto stored = [&](const std::string& id) -> std::optional<MonitorAlert> {
    find.bind(1, id);
    std::optional<MonitorAlert> a;
    if (find.step()) a = monitor_alert_from_json(find.text(0));
    find.reset();
    return a;
  };
  // The stored alert keeps what people set (status) and what it said when
  // raised; only the episode's progress moves.
  const auto extend = [&](MonitorAlert a, const MonitorAlert& now) {
    if (now.last_day <= a.last_day && now.days_in_alert <= a.days_in_alert) return false;
    a.last_day = std::max(a.last_day, now.last_day);
    a.days_in_alert = std::max(a.days_in_alert, now.days_in_alert);
    if (std::abs(now.peak_zscore) > std::abs(a.peak_zscore)) a.peak_zscore = now.peak_zscore;
    update.bind(1, monitor_alert_json(a)).bind(2, a.alert_id).run();
    return true;
  };
  for (const MonitorAlert& a : e.raised) {
    if (auto old = stored(a.alert_id)) {
      extend(*old, a);
      continue;
    }
    insert.bind(1, a.alert_id)
        .bind(2, a.monitor_id)
        .bind(3, a.triggered_at)
        .bind(4, a.status)
        .bind(5, monitor_alert_json(a))
        .bind(6, format_day(a.day))
        .run();
    ++out.raised;
    out.raised_ids.push_back(a.alert_id);
  }
  for (const MonitorAlert& a : e.extended)
    if (auto old = stored(a.alert_id); old && extend(*old, a)) ++out.extended;
  return out;
}

std::vector<MonitorAlert> list_alerts(Database& db, const AlertFilter& f) {
  if (!f.status.empty() && std::find(std::begin(kAlertStatuses), std::end(kAlertStatuses), f.status) ==
                               std::end(kAlertStatuses))
    throw_usage("--status takes active, acknowledged or dismissed, not '" + f.status + "'");
  Statement s = db.prepare(
      "SELECT payload, status FROM monitor_alerts WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR monitor_id = ?2) "
      "ORDER BY day, monitor_id");
  s.bind(1, f.status).bind(2, f.monitor_id);
  std::vector<MonitorAlert> out;
  while (s.step()) {
    MonitorAlert a = monitor_alert_from_json(s.text(0));
    a.status = s.text(1);
    out.push_back(std::move(a));
  }
  return out;
}

MonitorAlert get_alert(Database& db, const std::string& alert_id) {
  Statement s = db.prepare("SELECT payload, status FROM monitor_alerts WHERE alert_id = ?");
  s.bind(1, alert_id);
  if (!s.step()) throw Error(ErrorKind::not_found, "ALERT_NOT_FOUND", "no such monitor alert", alert_id);
  MonitorAlert a = monitor_alert_from_json(s.text(0));
  a.status = s.text(1);
  return a;
}

MonitorAlert set_alert_status(Database& db, const std::string& alert_id, const std::string& status) {
  if (std::find(std::begin(kAlertStatuses), std::end(kAlertStatuses), status) == std::end(kAlertStatuses))
    throw_usage("an alert's status is active, acknowledged or dismissed, not '" + status + "'");
  MonitorAlert a = get_alert(db, alert_id);
  a.status = status;
  Statement s = db.prepare("UPDATE monitor_alerts SET status = ?, payload = ? WHERE alert_id = ?");
  s.bind(1, status).bind(2, monitor_alert_json(a)).bind(3, alert_id).run();
  return a;
}

}  // namespace bre
