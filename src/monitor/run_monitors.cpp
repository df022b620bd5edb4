#include "bre/monitor/run_monitors.h"

#include <algorithm>
#include <map>

#include "bre/detect/run_detect.h"
#include "bre/detect/score_memo.h"
#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"

namespace bre {

namespace {

struct StoredWindow {
  std::string severity;
  DayNumber from = 0, to = 0;
};

DayNumber day_of(std::string_view text) { return parse_date(text).value_or(0) / kMsPerDay; }

std::map<std::string, StoredWindow> incident_windows(Database& db) {
  Statement s = db.prepare("SELECT incident_id, severity, window_start, window_end FROM incidents");
  std::map<std::string, StoredWindow> out;
  while (s.step()) out[s.text(0)] = {s.text(1), day_of(s.text_view(2)), day_of(s.text_view(3))};
  return out;
}

// A monitor as the run reads it: its subject (days, silences, partners), its
// reading config (its source windows left out of its baseline) and the last
// day it evaluated.
struct WatchedMonitor {
  MonitorRule rule;
  MonitorSubject subject;
  DetectConfig reading;
  std::optional<DayNumber> last;
};

// Monitors from one causal path share a source incident. The partners of
// each enabled monitor (unless it reads alone: MonitorRule::path_agreement)
// are the monitors on other metrics, read from other events, sharing one of
// its source incidents; its partner days, the days any of their conditions
// held (each read with its own threshold and baseline) between the earliest
// born day and the last day run.
void attach_partner_days(std::vector<WatchedMonitor>& all, const DailyMetrics& metrics) {
  std::map<std::string, std::vector<DayNumber>> condition_days;  // by monitor id, read once
  const auto days_of = [&](const WatchedMonitor& p, DayRange span) -> const std::vector<DayNumber>& {
    auto [it, fresh] = condition_days.try_emplace(p.rule.monitor_id);
    if (fresh) it->second = monitor_condition_days(p.rule, metrics, span, p.reading);
    return it->second;
  };
  DayRange span{0, 0};
  bool any = false;
  for (const WatchedMonitor& w : all)
    if (w.rule.enabled) {
      span = any ? DayRange{std::min(span.from, w.subject.born_day), std::max(span.to, w.subject.evaluate.to)}
                 : DayRange{w.subject.born_day, w.subject.evaluate.to};
      any = true;
    }
  for (WatchedMonitor& w : all) {
    if (!w.rule.enabled || !w.rule.path_agreement) continue;
    std::vector<DayNumber> merged;
    for (const WatchedMonitor& p : all) {
      if (p.rule.metric_name == w.rule.metric_name || read_from_common_events(p.rule.metric_name, w.rule.metric_name))
        continue;
      const auto& theirs = p.rule.source_incident_ids;
      const bool same_path = std::any_of(w.rule.source_incident_ids.begin(), w.rule.source_incident_ids.end(),
                                         [&](const std::string& id) {
                                           return std::find(theirs.begin(), theirs.end(), id) != theirs.end();
                                         });
      if (!same_path) continue;
      const auto& days = days_of(p, span);
      merged.insert(merged.end(), days.begin(), days.end());
    }
    std::sort(merged.begin(), merged.end());
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    w.subject.partner_days = std::move(merged);
  }
}

}  // namespace

MonitorGenerationResult generate_monitors(Workspace& ws, const std::vector<CausalChain>& chains,
                                          const DependencyGraphs& graphs, const DetectConfig& detect, TimeMs now,
                                          const Logger& log) {
  ScopedTimer timer(log, "monitor", "generate");
  Database& db = ws.db();
  Transaction tx(db);
  const auto windows = incident_windows(db);
  MonitorGenerationResult r;
  std::vector<MonitorRule> generated;
  for (const CausalChain& chain : chains) {
    auto it = windows.find(chain.incident_id);
    if (it == windows.end()) continue;
    ++r.chains;
    for (MonitorRule& rule : generate_monitor_rules(chain, it->second.severity, it->second.from, graphs, detect, now))
      generated.push_back(std::move(rule));
  }
  r.rules = static_cast<std::int64_t>(generated.size());
  r.saved = save_generated_monitors(db, generated);
  r.monitors = db.query_int("SELECT count(*) FROM monitors");
  tx.commit();
  log.info("monitor", "monitors_generated",
           {{"chains", r.chains}, {"rules", r.rules}, {"created", r.saved.created}, {"updated", r.saved.updated}});
  return r;
}

MonitorRunResult run_monitors(Workspace& ws, const MonitorRunOptions& options, const DetectConfig& detect,
                              const Logger& log) {
  ScopedTimer timer(log, "monitor", "run");
  Database& db = ws.db();
  Transaction tx(db);
  MonitorRuntimeConfig runtime = options.runtime;
  runtime.business_time = ws.business_time();
  DetectConfig with_feedback = detect;
  exclude_labelled_windows(with_feedback, windows_labelled_normal(db));
  DailyMetrics read;
  const DailyMetrics& metrics = options.metrics ? *options.metrics : (read = read_daily_metrics(db));
  const auto windows = incident_windows(db);
  MonitorRunResult r;
  if (metrics.days == 0) {
    tx.commit();
    return r;
  }
  const DayNumber latest = metrics.day(metrics.days - 1);
  // Every monitor's subject and reading first: under path agreement a
  // monitor's partners are read too, disabled ones included (disabling a
  // monitor silences its alerts, not what its metric says about the path).
  std::vector<WatchedMonitor> all;
  for (const MonitorRule& rule : list_monitors(db)) {
    WatchedMonitor w{rule, MonitorSubject{rule, rule.source_incident_day, {}, {}, std::nullopt}, with_feedback,
                     std::nullopt};
    MonitorSubject& subject = w.subject;
    if (auto first = windows.find(rule.source_incident_id); first != windows.end())
      subject.born_day = first->second.from;
    // While a source incident is open (its window and the quiet days that
    // end it) the incident is the alarm; the monitor keeps quiet.
    for (const std::string& id : rule.source_incident_ids)
      if (auto win = windows.find(id); win != windows.end())
        subject.silent.push_back({win->second.from, win->second.to + detect.quiet_days_to_end});
    w.last = monitor_last_evaluated(db, rule.monitor_id);
    subject.evaluate.from = options.from.value_or(w.last ? *w.last + 1 : subject.born_day);
    subject.evaluate.to = std::min(options.to.value_or(latest), latest);
    if (options.runtime.exclude_source_windows)
      for (const std::string& id : rule.source_incident_ids)
        if (auto win = windows.find(id); win != windows.end())
          w.reading.baseline.excluded_days[rule.metric_name].push_back({win->second.from, win->second.to});
    all.push_back(std::move(w));
  }
  // Each monitor reads with its own rules (its source windows left out):
  // the memo keeps scores per rules, so a monitor reads those of detection
  // when its rules are detection's, and its own from its last run.
  ScoreMemo memo = options.use_memo ? stored_score_memo(db, log) : ScoreMemo();
  memo.bind(metrics);
  if (options.use_memo)
    for (WatchedMonitor& w : all) {
      w.reading.baseline.memo = &memo;
      memo.serve(w.reading.baseline);
    }
  if (runtime.agreement_days >= 0) attach_partner_days(all, metrics);
  for (WatchedMonitor& w : all) {
    if (!w.rule.enabled) continue;
    const MonitorSubject& subject = w.subject;
    const MonitorEvaluation e = evaluate_monitor(subject, metrics, w.reading, runtime);
    ++r.monitors;
    if (e.days_evaluated == 0) continue;
    r.days_evaluated += e.days_evaluated;
    const DayNumber from = std::max(subject.evaluate.from, subject.born_day);
    r.from = r.from ? std::min(*r.from, from) : from;
    r.to = r.to ? std::max(*r.to, subject.evaluate.to) : subject.evaluate.to;
    const AlertSaveResult saved = save_alerts(db, e);
    r.alerts.raised += saved.raised;
    r.alerts.extended += saved.extended;
    r.alerts.raised_ids.insert(r.alerts.raised_ids.end(), saved.raised_ids.begin(), saved.raised_ids.end());
    if (!w.last || subject.evaluate.to > *w.last)
      set_monitor_last_evaluated(db, w.rule.monitor_id, subject.evaluate.to);
  }
  if (memo.computed() > 0) save_score_memo(db, memo.save());
  tx.commit();
  log.info("monitor", "monitors_run",
           {{"monitors", r.monitors}, {"days_evaluated", r.days_evaluated}, {"alerts_raised", r.alerts.raised},
            {"alerts_extended", r.alerts.extended}});
  return r;
}

std::string monitor_generation_json(const MonitorGenerationResult& r) {
  return JsonObjectWriter()
      .integer("chains", r.chains)
      .integer("rules_generated", r.rules)
      .integer("created", r.saved.created)
      .integer("updated", r.saved.updated)
      .integer("unchanged", r.saved.unchanged)
      .raw("created_ids", json_string_array(r.saved.created_ids))
      .raw("updated_ids", json_string_array(r.saved.updated_ids))
      .integer("monitors", r.monitors)
      .string("model", kMonitorModelVersion)
      .str();
}

std::string monitor_run_json(const MonitorRunResult& r, const MonitorRunOptions& options) {
  JsonObjectWriter j;
  j.integer("monitors", r.monitors).integer("days_evaluated", r.days_evaluated);
  if (r.from) j.string("from", format_day(*r.from)); else j.null("from");
  if (r.to) j.string("to", format_day(*r.to)); else j.null("to");
  return j.integer("alerts_raised", r.alerts.raised)
      .integer("alerts_extended", r.alerts.extended)
      .raw("alert_ids", json_string_array(r.alerts.raised_ids))
      .integer("episode_quiet_days", options.runtime.episode_quiet_days)
      .boolean("exclude_source_windows", options.runtime.exclude_source_windows)
      .number("instant_z", options.runtime.instant_z)
      .number("queue_lead_in_z", options.runtime.queue_lead_in_z)
      .raw("agreement_days",
           options.runtime.agreement_days < 0 ? "null" : std::to_string(options.runtime.agreement_days))
      .str();
}

}  // namespace bre
