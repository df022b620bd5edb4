// The events behind an anomalous metric, with the entities RCA groups them by:
// a marketplace order names its sellers and products as arrays (Olist's
// seller_ids, product_ids), and every seller must become a group.
#include <doctest/doctest.h>

#include <algorithm>

#include "bre/core/time.h"
#include "bre/rca/evidence_clusters.h"
#include "bre/store/chain_store.h"
#include "ingest_test_support.h"

using namespace bre;

namespace {

bool has(const EvidenceEvent& e, const std::string& dim, const std::string& id) {
  return std::find(e.entities.begin(), e.entities.end(), std::make_pair(dim, id)) != e.entities.end();
}

}  // namespace

TEST_CASE("evidence events: sellers and the first product of a marketplace order are grouping dimensions") {
  TempDir dir;
  const std::string lines = std::string(
      R"({"event_type":"order_late","event_time":"2018-03-20T10:00:00Z","source":"olist","source_entity_id":"o1",)"
      R"("entity_type":"order","entity_id":"o1","related_entity_ids":{"customer_id":"c1","product_ids":["p1","p2"],)"
      R"("seller_ids":["s1","s2"]},"attributes":{"days_late":4}})"
      "\n"
      R"({"event_type":"order_late","event_time":"2018-03-21T10:00:00Z","source":"shop","source_entity_id":"o2",)"
      R"("entity_type":"order","entity_id":"o2",)"
      R"("related_entity_ids":{"customer_id":"c2","seller_id":"s3","product_id":"p3"},)"
      R"("attributes":{"days_late":2}})"
      "\n");
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ingest_event_lines(*ws, dir, "late.jsonl", lines);

  const auto spec = evidence_spec("delivery_delay_rate");
  REQUIRE(spec);
  const DayNumber first = day_of(*parse_date("2018-03-20"));
  const auto events = load_evidence_events(ws->db(), *spec, first, first + 1);
  REQUIRE(events.size() == 2);
  CHECK(has(events[0], "customer", "c1"));
  CHECK(has(events[0], "seller", "s1"));
  CHECK(has(events[0], "seller", "s2"));
  CHECK(has(events[0], "product", "p1"));  // the first line item, as for QuickBooks invoices
  CHECK_FALSE(has(events[0], "product", "p2"));
  CHECK(events[0].measure == doctest::Approx(4));
  CHECK(has(events[1], "seller", "s3"));  // a single seller_id still counts
  CHECK(has(events[1], "product", "p3"));
}
