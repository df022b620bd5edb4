// bre eval olist: the label file and the matching rule (docs/eval-olist.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "bre/core/error.h"
#include "bre/core/time.h"
#include "bre/eval/olist_eval.h"

using namespace bre;

namespace {

DayNumber d(const char* ymd) { return day_of(*parse_date(ymd)); }

OlistEpisode episode(std::string id, std::string kind, std::vector<std::string> types, const char* start,
                     const char* end) {
  return {std::move(id), std::move(kind), std::move(types), d(start), d(end), ""};
}

EvalIncident incident(std::string id, std::string type, const char* start, const char* end, const char* detected) {
  EvalIncident inc;
  inc.id = std::move(id);
  inc.type = std::move(type);
  inc.window_start = d(start);
  inc.window_end = d(end);
  inc.detected = d(detected);
  return inc;
}

int error_kind(const std::string& text) {
  try {
    parse_olist_episodes(text, "labels.json");
  } catch (const Error& e) {
    CHECK(e.code() == "INPUT_INVALID");
    return static_cast<int>(e.kind());
  }
  return -1;
}

}  // namespace

TEST_CASE("olist eval: an incident matches an episode of its type within the slack, else it is data-edge or invented") {
  const std::vector<OlistEpisode> episodes = {
      episode("edge", "data_edge", {}, "2016-09-01", "2016-12-31"),
      episode("late", "incident", {"fulfillment_sla_degradation"}, "2017-03-10", "2017-03-20"),
      episode("reviews", "incident", {"customer_satisfaction_regression"}, "2017-03-12", "2017-03-25"),
      episode("strike", "incident", {"fulfillment_sla_degradation", "liquidity_crunch_risk"}, "2017-06-01",
              "2017-06-10"),
  };
  const std::vector<EvalIncident> incidents = {
      incident("a", "fulfillment_sla_degradation", "2017-03-22", "2017-03-30", "2017-03-24"),  // 2 days after: slack
      incident("b", "fulfillment_sla_degradation", "2017-03-05", "2017-03-08", "2017-03-06"),  // 2 days before
      incident("c", "churn_acceleration", "2017-03-12", "2017-03-20", "2017-03-13"),           // right days, wrong type
      incident("d", "liquidity_crunch_risk", "2017-06-14", "2017-06-20", "2017-06-14"),        // 4 days after: too late
      incident("e", "customer_satisfaction_regression", "2016-12-30", "2017-01-02", "2016-12-31"),  // in the edge
  };
  const OlistMatch m = match_olist_episodes(episodes, incidents, 3);
  REQUIRE(m.episodes.size() == 3);
  CHECK(m.labelled == 3);
  CHECK(m.found == 1);
  CHECK(m.episodes[0].incidents == std::vector<std::size_t>{1, 0});  // earliest detection first
  CHECK(m.episodes[1].incidents.empty());
  CHECK(m.episodes[2].incidents.empty());
  CHECK(m.verdicts[0].verdict == "match");
  CHECK(m.verdicts[1].verdict == "match");
  CHECK(m.verdicts[2].verdict == "invented");
  CHECK(m.verdicts[3].verdict == "invented");
  CHECK(m.verdicts[4].verdict == "data-edge");
  CHECK(m.verdicts[4].episode_ids == std::vector<std::string>{"edge"});
  CHECK(m.invented == 2);
  CHECK(m.data_edge == 1);

  // With a 4-day slack the late liquidity incident reaches the strike.
  CHECK(match_olist_episodes(episodes, incidents, 4).found == 2);

  const auto j = olist_match_json(m, incidents, 3);
  CHECK(j["counts"]["recall"].get<double>() == doctest::Approx(1.0 / 3.0));
  CHECK(j["counts"]["matched"].get<int>() == 2);
  CHECK(j["episodes"][0]["detected"] == "2017-03-06");
  CHECK(j["episodes"][0]["lag_days"].get<int>() == -4);  // opened before the labelled start
  CHECK(j["episodes"][0]["incident_id"] == "b");
  CHECK(j["episodes"][1]["found"] == false);
  CHECK(j["episodes"][1]["lag_days"].is_null());
}

TEST_CASE("olist eval: the label file is checked") {
  const int data_invalid = static_cast<int>(ErrorKind::data_invalid);
  CHECK(error_kind("[]") == data_invalid);
  CHECK(error_kind(R"({"episodes": [{"id": "x", "kind": "spike", "types": ["refund_spike"],
                      "start": "2017-01-01", "end": "2017-01-02"}]})") == data_invalid);
  CHECK(error_kind(R"({"episodes": [{"id": "x", "kind": "incident", "types": ["order_peak"],
                      "start": "2017-01-01", "end": "2017-01-02"}]})") == data_invalid);
  CHECK(error_kind(R"({"episodes": [{"id": "x", "kind": "incident", "types": [],
                      "start": "2017-01-01", "end": "2017-01-02"}]})") == data_invalid);
  CHECK(error_kind(R"({"episodes": [{"id": "x", "kind": "data_edge", "start": "2017-01-05", "end": "2017-01-02"}]})") ==
        data_invalid);
  CHECK(error_kind(R"({"episodes": [{"id": "x", "kind": "data_edge", "start": "2017-13-05", "end": "2018-01-02"}]})") ==
        data_invalid);
  CHECK(error_kind(R"({"episodes": [{"id": "x", "kind": "data_edge", "start": "2017-01-01", "end": "2017-01-02"},
                                    {"id": "x", "kind": "data_edge", "start": "2017-01-01", "end": "2017-01-02"}]})") ==
        data_invalid);
}

TEST_CASE("olist eval: the committed label file parses") {
  std::ifstream in(BRE_SOURCE_DIR "/docs/eval/olist_episodes.json");
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  const auto episodes = parse_olist_episodes(s.str(), "olist_episodes.json");
  CHECK(episodes.size() == 10);
  CHECK(std::count_if(episodes.begin(), episodes.end(), [](const OlistEpisode& e) { return e.kind == "incident"; }) ==
        8);
  CHECK(episodes.front().id == "start_edge");
  CHECK(format_day(episodes[1].start) == "2017-11-24");  // Black Friday
}
