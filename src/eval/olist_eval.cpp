// The label file and the matching rule of bre eval olist (pure).
#include "bre/eval/olist_eval.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/time.h"

namespace bre {

namespace {

[[noreturn]] void invalid_label(const std::string& where, const std::string& what) {
  throw Error(ErrorKind::data_invalid, "INPUT_INVALID", what, where);
}

DayNumber label_day(const nlohmann::json& e, const char* field, const std::string& where) {
  const auto it = e.find(field);
  if (it == e.end() || !it->is_string()) invalid_label(where, fmt::format("'{}' must be a YYYY-MM-DD string", field));
  const auto t = parse_date(it->get<std::string>());
  if (!t) invalid_label(where, fmt::format("'{}' is not a date: {}", field, it->get<std::string>()));
  return day_of(*t);
}

bool overlaps(DayNumber a_start, DayNumber a_end, DayNumber b_start, DayNumber b_end) {
  return a_start <= b_end && b_start <= a_end;
}

bool touches(const OlistEpisode& e, const EvalIncident& inc, int slack) {
  return overlaps(inc.window_start, inc.window_end, e.start - slack, e.end + slack);
}

}  // namespace

std::vector<OlistEpisode> parse_olist_episodes(const std::string& json_text, const std::string& where) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("episodes") || !doc["episodes"].is_array())
    invalid_label(where, "not a JSON object with an 'episodes' array");
  const Dag& incident_types = default_dependency_graphs().incidents;
  std::vector<OlistEpisode> out;
  std::set<std::string> ids;
  for (const auto& e : doc["episodes"]) {
    OlistEpisode ep;
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string() || e["id"].get<std::string>().empty())
      invalid_label(where, fmt::format("episode {} has no 'id'", out.size() + 1));
    ep.id = e["id"].get<std::string>();
    const std::string at = where + ": " + ep.id;
    if (!ids.insert(ep.id).second) invalid_label(at, "duplicate episode id");
    ep.kind = e.value("kind", "");
    if (ep.kind != "incident" && ep.kind != "data_edge") invalid_label(at, "'kind' must be incident or data_edge");
    if (e.contains("types")) {
      if (!e["types"].is_array()) invalid_label(at, "'types' must be an array of incident types");
      for (const auto& t : e["types"]) {
        if (!t.is_string() || !incident_types.has_node(t.get<std::string>()))
          invalid_label(at, "unknown incident type " + t.dump());
        ep.types.push_back(t.get<std::string>());
      }
    }
    if (ep.kind == "incident" && ep.types.empty()) invalid_label(at, "an incident episode needs at least one type");
    ep.start = label_day(e, "start", at);
    ep.end = label_day(e, "end", at);
    if (ep.end < ep.start) invalid_label(at, "'end' is before 'start'");
    ep.note = e.value("note", "");
    out.push_back(std::move(ep));
  }
  return out;
}

OlistMatch match_olist_episodes(const std::vector<OlistEpisode>& episodes, const std::vector<EvalIncident>& incidents,
                                int slack_days) {
  OlistMatch m;
  m.verdicts.resize(incidents.size());
  for (const OlistEpisode& e : episodes) {
    if (e.kind != "incident") continue;
    EpisodeResult r{&e, {}};
    for (std::size_t i = 0; i < incidents.size(); ++i) {
      const EvalIncident& inc = incidents[i];
      if (std::find(e.types.begin(), e.types.end(), inc.type) == e.types.end() || !touches(e, inc, slack_days))
        continue;
      r.incidents.push_back(i);
      m.verdicts[i].verdict = "match";
      m.verdicts[i].episode_ids.push_back(e.id);
    }
    std::stable_sort(r.incidents.begin(), r.incidents.end(),
                     [&](std::size_t a, std::size_t b) { return incidents[a].detected < incidents[b].detected; });
    ++m.labelled;
    if (!r.incidents.empty()) ++m.found;
    m.episodes.push_back(std::move(r));
  }
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    IncidentVerdict& v = m.verdicts[i];
    if (v.verdict == "match") continue;
    for (const OlistEpisode& e : episodes)
      if (e.kind == "data_edge" && touches(e, incidents[i], slack_days)) v.episode_ids.push_back(e.id);
    v.verdict = v.episode_ids.empty() ? "invented" : "data-edge";
    ++(v.episode_ids.empty() ? m.invented : m.data_edge);
  }
  return m;
}

nlohmann::ordered_json olist_match_json(const OlistMatch& match, const std::vector<EvalIncident>& incidents,
                                        int slack_days) {
  auto optional_text = [](const std::optional<std::string>& s) {
    return s ? nlohmann::ordered_json(*s) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json episodes = nlohmann::ordered_json::array();
  for (const EpisodeResult& r : match.episodes) {
    const OlistEpisode& e = *r.episode;
    nlohmann::ordered_json j{{"episode", e.id},
                             {"types", e.types},
                             {"start", format_day(e.start)},
                             {"end", format_day(e.end)},
                             {"found", !r.incidents.empty()}};
    if (r.incidents.empty()) {
      for (const char* k : {"detected", "lag_days", "incident_id", "incident_type", "root_cause"}) j[k] = nullptr;
    } else {
      const EvalIncident& first = incidents[r.incidents.front()];
      j["detected"] = format_day(first.detected);
      // Negative when bre opened the incident before the day the label starts.
      j["lag_days"] = first.detected - e.start;
      j["incident_id"] = first.id;
      j["incident_type"] = first.type;
      j["root_cause"] = optional_text(first.root_cause);
    }
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (std::size_t i : r.incidents) all.push_back(incidents[i].id);
    j["incidents"] = all;
    episodes.push_back(j);
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    const EvalIncident& inc = incidents[i];
    list.push_back({{"incident_id", inc.id},
                    {"type", inc.type},
                    {"severity", inc.severity},
                    {"confidence", inc.confidence},
                    {"start", format_day(inc.window_start)},
                    {"end", format_day(inc.window_end)},
                    {"detected", format_day(inc.detected)},
                    {"primary_metric", inc.primary_metric},
                    {"root_cause", optional_text(inc.root_cause)},
                    {"cascade_id", optional_text(inc.cascade_id)},
                    {"verdict", match.verdicts[i].verdict},
                    {"episodes", match.verdicts[i].episode_ids}});
  }
  const double recall = match.labelled ? static_cast<double>(match.found) / match.labelled : 0.0;
  return {{"slack_days", slack_days},
          {"counts",
           {{"episodes", match.labelled},
            {"found", match.found},
            {"missed", match.labelled - match.found},
            {"recall", recall},
            {"incidents", incidents.size()},
            {"matched", static_cast<int>(incidents.size()) - match.invented - match.data_edge},
            {"invented", match.invented},
            {"data_edge", match.data_edge}}},
          {"episodes", episodes},
          {"incidents", list}};
}

}  // namespace bre
