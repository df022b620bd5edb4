// The workspace side of postmortems: read what the scan stored, assemble the
// builder's inputs (run_postmortem.h says where each comes from), store the result.
#include "bre/postmortem/run_postmortem.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/money.h"
#include "bre/detect/run_detect.h"
#include "bre/postmortem/render_postmortem.h"
#include "bre/rca/run_rca.h"
#include "bre/store/cascade_store.h"
#include "bre/store/event_store.h"
#include "bre/store/chain_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/incident_store.h"
#include "bre/store/metric_store.h"
#include "bre/store/monitor_store.h"
#include "bre/store/postmortem_store.h"

namespace bre {

namespace {

using Json = nlohmann::json;

DayNumber day_from(const Json& j) {
  const auto t = parse_date(j.get<std::string>());
  if (!t) throw_internal("stored incident has a malformed day: " + j.dump());
  return day_of(*t);
}

// The stored incident payload (incident_store.h) as the postmortem tells it.
PostmortemIncident incident_from(const std::string& payload) {
  const Json j = Json::parse(payload);
  PostmortemIncident i;
  i.incident_id = j.at("incident_id").get<std::string>();
  i.incident_type = j.at("incident_type").get<std::string>();
  i.severity = j.at("severity").get<std::string>();
  i.confidence = j.at("confidence").get<std::string>();
  i.state = j.at("state").get<std::string>();
  i.status = j.value("status", "open");
  i.window_start = day_from(j.at("incident_window_start"));
  i.window_end = day_from(j.at("incident_window_end"));
  const auto detected = parse_iso8601(j.at("detected_at").get<std::string>());
  if (!detected) throw_internal("stored incident " + i.incident_id + " has a malformed detected_at");
  i.detected_at = *detected;
  i.metric = j.at("primary_metric").get<std::string>();
  i.value = j.at("primary_metric_value").get<double>();
  i.baseline = j.at("primary_metric_baseline").get<double>();
  i.zscore = j.at("primary_metric_zscore").get<double>();
  i.detection_methods = j.at("detection_methods").get<std::vector<std::string>>();
  for (const Json& r : j.at("supporting_metrics"))
    i.supporting.push_back({r.at("metric").get<std::string>(), r.at("value").get<double>(),
                            r.at("baseline").get<double>(), r.at("zscore").get<double>(),
                            r.at("method").get<std::string>(), r.value("seasonal", false), 1});
  i.evidence_event_ids = j.at("evidence_event_ids").get<std::vector<std::string>>();
  i.evidence_event_count = j.at("evidence_event_count").get<std::int64_t>();
  i.notes = j.at("explanation").get<std::vector<std::string>>();
  return i;
}

PostmortemIncident load_incident(Database& db, const std::string& id) {
  const auto payload = find_incident(db, id);
  if (!payload) throw Error(ErrorKind::not_found, "INCIDENT_NOT_FOUND", "no such incident", id);
  return incident_from(*payload);
}

// The stored chain; an incident never analysed is analysed now (and stored).
CausalChain load_chain(Workspace& ws, const std::string& incident_id, const DependencyGraphs& graphs,
                       const DetectConfig& detect, const std::string& run_id, const Logger& log, int digits) {
  auto stored = find_chain(ws.db(), incident_id);
  if (!stored) {
    log.info("postmortem", "chain_missing", {{"incident_id", incident_id}});
    RcaRunOptions options;
    options.incident_id = incident_id;
    run_rca(ws, options, run_id, log, graphs, detect);
    stored = find_chain(ws.db(), incident_id);
    if (!stored) throw_internal("no causal chain stored for " + incident_id + " after rca");
  }
  return causal_chain_from_json(*stored, digits);
}

// Event id → time for the ids the timeline places by their time: those of
// the evidence clusters of the chains' paths. (The incidents' own evidence
// ids are listed on their detection entry, which has its own time.)
std::map<std::string, TimeMs> cluster_event_times(Database& db, const PostmortemInput& in,
                                                  std::map<std::string, TimeMs>* remembered) {
  std::set<std::string> ids;
  for (const CausalChain& c : in.chains)
    for (const CausalPath& p : c.paths)
      for (const std::string& m : p.metrics)
        if (const CausalNode* n = c.node(m))
          for (const EvidenceCluster& cl : n->evidence_clusters) ids.insert(cl.event_ids.begin(), cl.event_ids.end());
  return event_times(db, ids, remembered);
}

}  // namespace

std::vector<PostmortemSubject> all_postmortem_subjects(Database& db) {
  std::vector<PostmortemSubject> out;
  std::set<std::string> in_cascades;
  for (const std::string& payload : list_cascades(db, {})) {
    const Json c = Json::parse(payload);
    out.push_back({c.at("cascade_id").get<std::string>(), true});
    for (const Json& id : c.at("incident_ids")) in_cascades.insert(id.get<std::string>());
  }
  for (const std::string& payload : list_incidents(db, {})) {
    const Json i = Json::parse(payload);
    // A false alarm (labelled not_anomaly) is in no cascade and gets no postmortem.
    if (i.value("label", Json()).is_string() && i["label"] == "not_anomaly") continue;
    const std::string id = i.at("incident_id").get<std::string>();
    if (!in_cascades.count(id)) out.push_back({id, false});
  }
  return out;
}

PostmortemInput load_postmortem_input(Workspace& ws, const PostmortemSubject& subject, const DependencyGraphs& graphs,
                                      const DetectConfig& detect, const std::string& run_id, const Logger& log,
                                      TimeMs generated_at, const BlastFacts* blast_facts,
                                      std::map<std::string, TimeMs>* known_event_times) {
  Database& db = ws.db();
  const int digits = currency_minor_digits(ws.setting("currency").value_or("")).value_or(2);
  PostmortemInput in;
  std::vector<std::string> ids = {subject.id};
  if (subject.cascade) {
    const Json c = Json::parse(find_cascade(db, subject.id));  // CASCADE_NOT_FOUND when unknown
    ids = c.at("incident_ids").get<std::vector<std::string>>();
    in.cascade_id = subject.id;
  }
  for (const std::string& id : ids) in.incidents.push_back(load_incident(db, id));
  for (const std::string& id : ids) in.chains.push_back(load_chain(ws, id, graphs, detect, run_id, log, digits));
  in.blast_radius = compute_incident_blast_radius(ws, ids, blast_facts);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto rules = generate_monitor_rules(in.chains[k], in.incidents[k].severity, in.incidents[k].window_start,
                                              graphs, detect, generated_at);
    in.monitors = subject.cascade ? merge_monitor_rules(in.monitors, rules) : rules;
  }
  // The monitors as the workspace keeps them, where it does: merged with
  // other incidents' and tuned by people (bre monitor set/disable); a rule
  // not stored yet (bre postmortem before any scan) is shown as generated.
  std::map<std::string, MonitorRule> stored;
  for (MonitorRule& r : list_monitors(db)) stored.emplace(r.monitor_id, std::move(r));
  for (MonitorRule& r : in.monitors)
    if (auto it = stored.find(r.monitor_id); it != stored.end()) r = it->second;
  in.quality_weights = metric_quality_weights(db);
  in.evidence_event_times = cluster_event_times(db, in, known_event_times);
  in.business_time = ws.business_time();
  in.dependency_graph_version = graphs.metrics.version();
  in.run_id = in.chains.front().run_id.empty() ? run_id : in.chains.front().run_id;
  in.generated_at = generated_at;
  return in;
}

std::vector<Postmortem> run_postmortems(Workspace& ws, const std::vector<PostmortemSubject>& subjects,
                                        const DependencyGraphs& graphs, const std::string& run_id, const Logger& log,
                                        const DetectConfig& detect, const RcaConfig& rca,
                                        const BlastFacts* blast_facts, bool reuse,
                                        const DailyMetrics* given_metrics) {
  ScopedTimer timer(log, "postmortem", "postmortems_built");
  Database& db = ws.db();
  // The baselines BRE-RCA read: labelled windows left out, as in bre detect.
  DetectConfig with_feedback = detect;
  exclude_labelled_windows(with_feedback, windows_labelled_normal(db));
  DailyMetrics read;
  const DailyMetrics& metrics = given_metrics ? *given_metrics : (read = read_daily_metrics(db));
  const TimeMs now = now_ms();
  std::shared_ptr<const BlastFacts> loaded;
  if (!blast_facts && !subjects.empty()) blast_facts = (loaded = load_blast_facts(ws)).get();
  std::vector<Postmortem> out;
  // The event times the last postmortems looked up: their chains are mostly
  // the same, and an event's time never changes.
  std::map<std::string, TimeMs> known = reuse ? load_event_time_memo(db) : std::map<std::string, TimeMs>(), used;
  for (const PostmortemSubject& subject : subjects) {
    const PostmortemInput in =
        load_postmortem_input(ws, subject, graphs, with_feedback, run_id, log, now, blast_facts, &known);
    used.insert(in.evidence_event_times.begin(), in.evidence_event_times.end());
    out.push_back(build_postmortem(in, metrics, with_feedback, rca));
  }
  Transaction tx(db);
  save_event_time_memo(db, used);
  for (const Postmortem& pm : out)
    store_postmortem(db, {pm.postmortem_id, pm.incident_id, postmortem_json(pm), pm.generated_at, run_id});
  tx.commit();
  log.info("postmortem", "postmortems_stored", {{"postmortems", static_cast<std::int64_t>(out.size())}});
  return out;
}

}  // namespace bre
