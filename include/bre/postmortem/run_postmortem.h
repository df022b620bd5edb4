// `bre postmortem`: the builder's inputs assembled from the workspace for one
// incident or one cascade, the postmortem built and stored.
// - the incident: its stored payload (with the person-set status);
// - the chain: the stored one (what bre rca / bre scan found), parsed back;
//   an incident without one is analysed first with run_rca, which stores it;
// - the blast radius: compute_incident_blast_radius over the incident, or
//   over a cascade's members (each entity and amount once);
// - the monitors: generate_monitor_rules on each chain (a cascade's merged);
// - the gold metrics, the quality weights and the detection config with the
//   labelled windows left out, as BRE-RCA read them;
// - run_id: the run that produced the chain, so the same analysis gives the
//   same postmortem whoever asks for it and when.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/log.h"
#include "bre/postmortem/build_postmortem.h"
#include "bre/store/workspace.h"

namespace bre {

struct BlastFacts;  // store/impact_store.h

struct PostmortemSubject {
  std::string id;  // an incident id, or a cascade id with cascade = true
  bool cascade = false;
};

// Every subject `--all` covers: each cascade, then each incident in no
// cascade, except false alarms (latest label not_anomaly).
std::vector<PostmortemSubject> all_postmortem_subjects(Database& db);

// not_found (INCIDENT_NOT_FOUND, CASCADE_NOT_FOUND) for an unknown id. May
// store a chain (see above); otherwise reads only. known_event_times
// (optional): event times looked up before, asked first and added to.
PostmortemInput load_postmortem_input(Workspace& ws, const PostmortemSubject& subject, const DependencyGraphs& graphs,
                                      const DetectConfig& detect, const std::string& run_id, const Logger& log,
                                      TimeMs generated_at, const BlastFacts* blast_facts = nullptr,
                                      std::map<std::string, TimeMs>* known_event_times = nullptr);

// Loads, builds and stores the postmortem of each subject; returns them in
// order. The blast radius facts are loaded once for all subjects unless given.
// The times of the events the timelines place are kept between runs
// (event_time_memo); reuse false looks them all up again. metrics: the
// stored gold metrics already read; null: read them.
std::vector<Postmortem> run_postmortems(Workspace& ws, const std::vector<PostmortemSubject>& subjects,
                                        const DependencyGraphs& graphs, const std::string& run_id, const Logger& log,
                                        const DetectConfig& detect = {}, const RcaConfig& rca = {},
                                        const BlastFacts* blast_facts = nullptr, bool reuse = true,
                                        const DailyMetrics* metrics = nullptr);

}  // namespace bre
