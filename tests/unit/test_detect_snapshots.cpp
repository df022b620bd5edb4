// What detection keeps between scans in the workspace: each vendor's daily
// spend (spend_snapshot) and each incident's evidence (evidence_memo). Going
// on from them must give what reading the whole log gives, and a new event
// the kept answer did not see must be read.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "bre/core/time.h"
#include "bre/store/entity_facts.h"
#include "bre/store/event_store.h"
#include "bre/store/incident_store.h"
#include "ingest_test_support.h"

using namespace bre;

namespace {

std::string expense(const std::string& id, const std::string& day, const std::string& vendor, const std::string& amount) {
  return fmt::format(
      R"({{"event_type":"expense_posted","event_time":"{}T10:00:00Z","source":"shop","source_entity_id":"{}",)"
      R"("entity_type":"expense","entity_id":"{}","related_entity_ids":{{"vendor_id":"{}"}},"amount":{},)"
      R"("currency":"USD"}})"
      "\n",
      day, id, id, vendor, amount);
}

std::vector<std::string> flat(const std::vector<PartySpend>& spend) {
  std::vector<std::string> out;
  for (const PartySpend& p : spend)
    for (std::size_t d = 0; d < p.daily.size(); ++d)
      if (p.daily[d] != 0) out.push_back(fmt::format("{} {} {:a}", p.id, d, p.daily[d]));
  return out;
}

}  // namespace

TEST_CASE("vendor spend: going on from the kept totals equals reading the whole log, batch after batch") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  const DayNumber first = day_of(*parse_date("2026-03-01"));
  ingest_event_lines(*ws, dir, "a.jsonl",
         expense("e1", "2026-03-01", "v1", "10.10") + expense("e2", "2026-03-01", "v1", "0.20") +
             expense("e3", "2026-03-02", "v2", "5.00"));
  const auto one = vendor_daily_spend(ws->db(), first, 5, 2);
  CHECK(flat(one) == flat(vendor_daily_spend(ws->db(), first, 5, 2, false)));
  REQUIRE(one.size() == 2);
  CHECK(one[0].daily[0] == 10.3);  // whole cents summed, then divided: 1030 / 100
  ingest_event_lines(*ws, dir, "b.jsonl",
         expense("e4", "2026-03-01", "v1", "1.00") + expense("e5", "2026-03-04", "v3", "2.50"));
  const auto two = vendor_daily_spend(ws->db(), first, 5, 2);
  CHECK(flat(two) == flat(vendor_daily_spend(ws->db(), first, 5, 2, false)));
  REQUIRE(two.size() == 3);
  CHECK(two[0].daily[0] == 11.3);  // a late expense of an old day is read
  CHECK(two[2].daily[3] == 2.5);
  // The kept totals are what decides: doctored, they show ...
  ws->db().exec("UPDATE spend_snapshot SET data = zeroblob(8)");  // no vendors at all
  CHECK(vendor_daily_spend(ws->db(), first, 5, 2).empty());
  // ... unless they were kept for another time zone: then the log is read.
  ws->db().exec("UPDATE spend_snapshot SET config = 'vendor_spend_v1|Asia/Tokyo'");
  CHECK(flat(vendor_daily_spend(ws->db(), first, 5, 2)) == flat(two));
  // Days outside the range asked for are left out, vendors with none too.
  const auto late = vendor_daily_spend(ws->db(), first + 3, 2, 2);
  REQUIRE(late.size() == 1);
  CHECK(late[0].id == "v3");
}

TEST_CASE("evidence memo: a kept answer stands until an event of its types lands in its range") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  ingest_event_lines(*ws, dir, "a.jsonl",
         expense("e1", "2026-03-01", "v1", "10.00") + expense("e2", "2026-03-02", "v1", "20.00"));
  DetectedIncident inc;
  inc.incident_id = "inc_test";
  inc.incident_type = "margin_compression";
  inc.window_start = inc.window_end = day_of(*parse_date("2026-03-02"));
  inc.detected_day = inc.window_start;
  inc.primary.metric = "daily_expenses";
  inc.severity = "low", inc.confidence = "medium", inc.state = "active";
  const DayNumber first = day_of(*parse_date("2026-03-01"));
  auto evidence = [&](bool reuse) {
    Transaction tx(ws->db());
    store_incidents(ws->db(), {inc}, first, "run", reuse);
    tx.commit();
    return ws->db().query_int("SELECT json_extract(payload, '$.evidence_event_count') FROM incidents");
  };
  CHECK(evidence(true) == 1);
  CHECK(ws->db().query_int("SELECT count(*) FROM evidence_memo") == 1);
  // An event of another day: the kept answer stands (doctored, it would show).
  ingest_event_lines(*ws, dir, "b.jsonl", expense("e3", "2026-03-05", "v1", "5.00"));
  ws->db().exec("UPDATE evidence_memo SET count = 7");
  CHECK(evidence(true) == 7);
  CHECK(evidence(false) == 1);  // without the memo, the log is asked
  // A late event inside the window: asked again.
  ws->db().exec("UPDATE evidence_memo SET count = 7");
  ingest_event_lines(*ws, dir, "c.jsonl", expense("e4", "2026-03-02", "v2", "5.00"));
  CHECK(evidence(true) == 2);
  // Queries no incident asks for any more are forgotten.
  inc.primary.metric = "expense_ratio";
  evidence(true);
  CHECK(ws->db().query_int("SELECT count(*) FROM evidence_memo") == 1);
}

TEST_CASE("event time memo: times are asked of the memo first, learned, and kept across runs") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  ingest_event_lines(*ws, dir, "a.jsonl", expense("e1", "2026-03-01", "v1", "10.00") + expense("e2", "2026-03-02", "v1", "20.00"));
  const auto stored = [&](const std::string& source_id) {
    Statement s = ws->db().prepare("SELECT event_id, event_time FROM events WHERE source_entity_id = ?");
    s.bind(1, source_id);
    return s.step() ? std::make_pair(s.text(0), s.int64(1)) : std::make_pair(std::string(), TimeMs{0});
  };
  const auto [id1, t1] = stored("e1");
  const auto [id2, t2] = stored("e2");
  REQUIRE(!id1.empty());
  std::map<std::string, TimeMs> memo = {{id1, 42}};  // doctored: the memo is what answers
  const auto times = event_times(ws->db(), {id1, id2, "no-such-event"}, &memo);
  CHECK(times.size() == 2);
  CHECK(times.at(id1) == 42);
  CHECK(times.at(id2) == t2);
  CHECK(memo.at(id2) == t2);  // learned
  CHECK(event_times(ws->db(), {id1})[id1] == t1);  // without a memo: the log
  save_event_time_memo(ws->db(), memo);
  CHECK(load_event_time_memo(ws->db()) == memo);
  ws->db().exec("UPDATE event_time_memo SET data = x'01'");  // damaged: empty, looked up again
  CHECK(load_event_time_memo(ws->db()).empty());
}
