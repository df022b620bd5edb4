// The cascade correlator: link scores computed by hand, grouping, ordering,
// implausible pairs, the window limit, entity keys and their mapping to
// customers and vendors; and a RapidCheck property (scores in [0, 1], the
// result does not depend on the input order, cascade ids are stable).
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "bre/core/error.h"
#include "bre/correlate/cascades.h"
#include "bre/store/cascade_store.h"

using namespace bre;

namespace {

CascadeIncident inc(const char* id, const char* type, DayNumber start, std::vector<std::string> entities = {},
                    TimeMs detected_at = 0) {
  CascadeIncident i;
  i.incident_id = id;
  i.incident_type = type;
  i.severity = "high";
  i.window_start = start;
  i.window_end = start + 3;
  i.detected_at = detected_at ? detected_at : (start + 1) * kMsPerDay - 1;
  i.entities = std::move(entities);
  return i;
}

const DependencyGraphs& graphs() { return default_dependency_graphs(); }

// The hand computations below use floor 0.5 and threshold 0.15 (the
// correlator's first defaults); the defaults' reach has a test of its own.
CascadeConfig formula() {
  CascadeConfig c;
  c.threshold = 0.15;
  c.entity_overlap_floor = 0.5;
  return c;
}

}  // namespace

TEST_CASE("cascades: a plausible pair two days apart scores exp(-2/3) x max(floor, Jaccard)") {
  // Shared {customer:1} of {vendor:500, customer:1, customer:2}: Jaccard 1/3.
  const std::vector<CascadeIncident> in = {
      inc("inc_s", "supplier_dependency_failure", 100, {"vendor:500", "customer:1"}),
      inc("inc_f", "fulfillment_sla_degradation", 102, {"customer:1", "customer:2"})};
  const CorrelationResult r = correlate_incidents(in, graphs(), formula());
  CHECK(r.pairs_in_window == 1);
  CHECK(r.links_scored == 1);
  CHECK(r.links_kept == 1);
  REQUIRE(r.cascades.size() == 1);
  const IncidentCascade& c = r.cascades[0];
  REQUIRE(c.links.size() == 1);
  const CascadeLink& l = c.links[0];
  CHECK(l.from == "inc_s");
  CHECK(l.to == "inc_f");
  CHECK(l.days_between == 2);
  CHECK(l.temporal_weight == doctest::Approx(std::exp(-2.0 / 3.0)));
  CHECK(l.shared_entities == 1);
  CHECK(l.union_entities == 3);
  CHECK(l.jaccard == doctest::Approx(1.0 / 3.0));
  CHECK(l.entity_overlap == doctest::Approx(0.5));  // the floor
  CHECK(l.plausibility == 1);
  CHECK(l.graph_path == std::vector<std::string>{"supplier_dependency_failure", "fulfillment_sla_degradation"});
  CHECK(l.score == doctest::Approx(0.256708559516296));
  CHECK(c.cascade_score == doctest::Approx(0.256708559516296));

  CascadeConfig low_floor = formula();
  low_floor.entity_overlap_floor = 0.2;  // the Jaccard counts: exp(-2/3) / 3
  const CorrelationResult j = correlate_incidents(in, graphs(), low_floor);
  REQUIRE(j.cascades.size() == 1);
  CHECK(j.cascades[0].links[0].entity_overlap == doctest::Approx(1.0 / 3.0));
  CHECK(j.cascades[0].links[0].score == doctest::Approx(0.17113903967753066));
}

TEST_CASE("cascades: shared entities extend the reach past three days, nothing links at six") {
  const std::vector<std::string> both = {"customer:1", "customer:2", "customer:3"};
  // Four days apart at the floor: exp(-4/3) x 0.5 = 0.132, under 0.15.
  CorrelationResult r = correlate_incidents(
      {inc("inc_s", "supplier_dependency_failure", 100, {"vendor:500"}),
       inc("inc_f", "fulfillment_sla_degradation", 104, {"customer:9"})}, graphs(), formula());
  CHECK(r.links_scored == 1);
  CHECK(r.links_kept == 0);
  CHECK(r.cascades.empty());
  // Three of four entities shared: exp(-4/3) x 0.75 = 0.198, linked.
  r = correlate_incidents({inc("inc_s", "supplier_dependency_failure", 100, {"vendor:500", "customer:1", "customer:2", "customer:3"}),
                           inc("inc_f", "fulfillment_sla_degradation", 104, both)}, graphs(), formula());
  REQUIRE(r.cascades.size() == 1);
  CHECK(r.cascades[0].links[0].jaccard == doctest::Approx(0.75));
  CHECK(r.cascades[0].links[0].score == doctest::Approx(0.1976978535867951));
  // Six days apart even with the same entities: exp(-2) = 0.135.
  r = correlate_incidents({inc("inc_s", "supplier_dependency_failure", 100, both),
                           inc("inc_f", "fulfillment_sla_degradation", 106, both)}, graphs(), formula());
  CHECK(r.links_scored == 1);
  CHECK(r.cascades.empty());
  // Three days apart at the floor: exp(-1) x 0.5 = 0.184, linked.
  r = correlate_incidents({inc("inc_s", "supplier_dependency_failure", 100), inc("inc_f", "fulfillment_sla_degradation", 103)},
                          graphs(), formula());
  REQUIRE(r.cascades.size() == 1);
  CHECK(r.cascades[0].links[0].score == doctest::Approx(std::exp(-1.0) * 0.5));
}

TEST_CASE("cascades: the correlation window bounds the pairs") {
  const std::vector<CascadeIncident> in = {inc("inc_s", "supplier_dependency_failure", 100),
                                           inc("inc_f", "fulfillment_sla_degradation", 108)};
  CHECK(correlate_incidents(in, graphs(), formula()).pairs_in_window == 0);
  CascadeConfig wide = formula();
  wide.correlation_window_days = 8;
  wide.threshold = 0.01;
  const CorrelationResult r = correlate_incidents(in, graphs(), wide);
  CHECK(r.pairs_in_window == 1);
  REQUIRE(r.cascades.size() == 1);
  CHECK(r.cascades[0].links[0].score == doctest::Approx(std::exp(-8.0 / 3.0) * 0.5));
}

TEST_CASE("cascades: implausible pairs are not scored, whatever they share") {
  const std::vector<std::string> same = {"customer:1"};
  const CorrelationResult r = correlate_incidents(
      {inc("inc_t", "support_load_surge", 100, same), inc("inc_s", "supplier_dependency_failure", 101, same),
       inc("inc_t2", "support_load_surge", 102, same)},
      graphs(), formula());
  // support -> supplier: no path; support -> support: same type; supplier -> support: linked.
  CHECK(r.pairs_in_window == 3);
  CHECK(r.links_scored == 1);
  REQUIRE(r.cascades.size() == 1);
  CHECK(r.cascades[0].incident_ids == std::vector<std::string>{"inc_s", "inc_t2"});
  CHECK(r.cascades[0].links[0].graph_path ==
        std::vector<std::string>{"supplier_dependency_failure", "fulfillment_sla_degradation", "support_load_surge"});
}

TEST_CASE("cascades: linked incidents form one cascade ordered by window start") {
  const std::vector<CascadeIncident> in = {
      inc("inc_c", "support_load_surge", 104, {}, 105 * kMsPerDay - 1),
      inc("inc_b", "fulfillment_sla_degradation", 102, {}, 104 * kMsPerDay - 1),  // detected two days late
      inc("inc_a", "supplier_dependency_failure", 100, {}, 101 * kMsPerDay - 1),
      inc("inc_z", "refund_spike", 130)};  // alone: not a cascade
  const CorrelationResult r = correlate_incidents(in, graphs(), formula());
  REQUIRE(r.cascades.size() == 1);
  const IncidentCascade& c = r.cascades[0];
  CHECK(c.root_incident_id == "inc_a");
  CHECK(c.incident_ids == std::vector<std::string>{"inc_a", "inc_b", "inc_c"});
  CHECK(c.cascade_path == std::vector<std::string>{"supplier_dependency_failure", "fulfillment_sla_degradation",
                                                   "support_load_surge"});
  // a->b and b->c are two days apart (0.257 each); a->c four days (0.132) is scored, not kept.
  CHECK(r.links_scored == 3);
  REQUIRE(c.links.size() == 2);
  CHECK(c.links[0].from == "inc_a");
  CHECK(c.links[1].from == "inc_b");
  CHECK(c.cascade_score == doctest::Approx(std::exp(-2.0 / 3.0) * 0.5));
  // Visible once both ends of a link were detected: a->b at the end of day 103.
  CHECK(c.detected_at == 104 * kMsPerDay - 1);
  CHECK(c.cascade_id == cascade_id_of({"inc_c", "inc_a", "inc_b"}));
  CHECK(cascade_id_of({"inc_b", "inc_a"}) == "cas_b6f31bed9dbde94c");  // sha256("inc_a,inc_b")
}

TEST_CASE("cascades: same-day starts take the direction the incident graph allows") {
  // By id, inc_a (fulfillment) would come first, but only supplier -> fulfillment is a path.
  const CorrelationResult r = correlate_incidents(
      {inc("inc_a", "fulfillment_sla_degradation", 100), inc("inc_b", "supplier_dependency_failure", 100)}, graphs(), formula());
  REQUIRE(r.cascades.size() == 1);
  const CascadeLink& l = r.cascades[0].links[0];
  CHECK(l.from == "inc_b");
  CHECK(l.to == "inc_a");
  CHECK(l.days_between == 0);
  CHECK(l.score == doctest::Approx(0.5));
  CHECK(r.cascades[0].root_incident_id == "inc_b");  // the supplier failure comes first
  CHECK(r.cascades[0].incident_ids == std::vector<std::string>{"inc_b", "inc_a"});
}

TEST_CASE("cascades: a bad config is a usage error") {
  CascadeConfig c;
  c.decay_days = 0;
  CHECK_THROWS_AS(correlate_incidents({}, graphs(), c), bre::Error);
  c = {};
  c.threshold = 1.5;
  CHECK_THROWS_AS(validate(c), bre::Error);
}

TEST_CASE("cascades: entity keys of an event and the parties behind them") {
  CHECK(event_entity_keys("order", "SH-000001", R"({"vendor_id":"500","order_id":"SO-000051"})") ==
        std::vector<std::string>{"order:SH-000001", "order:SO-000051", "vendor:500"});
  CHECK(event_entity_keys("payment", "2078", R"({"customer_id":"1229","invoice_ids":["2034","2035"]})") ==
        std::vector<std::string>{"payment:2078", "customer:1229", "invoice:2034", "invoice:2035"});
  CHECK(event_entity_keys("product", "16", R"({"item_id":"16"})") ==
        std::vector<std::string>{"product:16", "product:16"});
  CHECK(event_entity_keys("ticket", "TK-1", "{}") == std::vector<std::string>{"ticket:TK-1"});
  const std::map<std::string, std::string> customer_of = {{"order:SO-000051", "customer:1034"},
                                                          {"invoice:2034", "customer:1229"}};
  CHECK(party_keys({"order:SH-000001", "vendor:500", "order:SO-000051", "invoice:2034", "ticket:TK-1",
                    "customer:1034", "product:16"},
                   customer_of) == std::vector<std::string>{"customer:1034", "customer:1229", "vendor:500"});
}

namespace {

std::vector<std::string> as_text(const CorrelationResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.cascades) out.push_back(cascade_json(c));
  return out;
}

}  // namespace

TEST_CASE("cascades: property - scores in [0, 1], order-independent, stable ids, one cascade per incident") {
  CHECK(rc::check("correlate_incidents over random incidents", [] {
    const std::size_t n = *rc::gen::inRange<std::size_t>(0, 10);
    std::vector<CascadeIncident> in;
    for (std::size_t i = 0; i < n; ++i) {
      CascadeIncident x;
      x.incident_id = "inc_" + std::to_string(i);
      x.incident_type = *rc::gen::elementOf(default_dependency_graphs().incidents.nodes());
      x.severity = "high";
      x.window_start = *rc::gen::inRange<DayNumber>(0, 15);
      x.window_end = x.window_start + *rc::gen::inRange<DayNumber>(0, 8);
      x.detected_at = (x.window_start + 1) * kMsPerDay - 1;
      const std::size_t k = *rc::gen::inRange<std::size_t>(0, 6);
      for (std::size_t e = 0; e < k; ++e) x.entities.push_back("customer:" + std::to_string(*rc::gen::inRange(0, 6)));
      in.push_back(std::move(x));
    }
    CascadeConfig cfg;
    cfg.entity_overlap_floor = *rc::gen::elementOf(std::vector<double>{0.0, 0.2, 0.5, 1.0});
    cfg.threshold = *rc::gen::elementOf(std::vector<double>{0.05, 0.15, 0.3});
    const CorrelationResult r = correlate_incidents(in, default_dependency_graphs(), cfg);
    std::set<std::string> seen;
    for (const auto& c : r.cascades) {
      RC_ASSERT(c.incident_ids.size() >= 2);
      RC_ASSERT(c.cascade_id == cascade_id_of(c.incident_ids));
      RC_ASSERT(c.cascade_score > cfg.threshold);
      RC_ASSERT(c.cascade_score <= 1.0);
      for (const auto& id : c.incident_ids) RC_ASSERT(seen.insert(id).second);
      for (const auto& l : c.links) {
        RC_ASSERT(l.score >= 0.0);
        RC_ASSERT(l.score <= 1.0);
        RC_ASSERT(l.score == l.temporal_weight * l.entity_overlap * l.plausibility);
        RC_ASSERT(l.days_between >= 0);
        RC_ASSERT(l.days_between <= cfg.correlation_window_days);
      }
    }
    std::vector<CascadeIncident> shuffled = in;
    std::mt19937 rng(*rc::gen::arbitrary<std::uint32_t>());
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const CorrelationResult again = correlate_incidents(shuffled, default_dependency_graphs(), cfg);
    RC_ASSERT(as_text(again) == as_text(r));
    RC_ASSERT(again.links_scored == r.links_scored);
  }));
}

TEST_CASE("cascades: a type path is not enough when the triggering metrics are not causally connected") {
  // margin_compression -> liquidity_crunch_risk is an incident-graph edge, but a
  // liquidity incident raised by overdue receivables is not downstream of the margin.
  auto margin = inc("inc_m", "margin_compression", 100, {"vendor:1"});
  margin.metric = "margin_proxy";
  auto overdue = inc("inc_l", "liquidity_crunch_risk", 101, {"customer:1"});
  overdue.metric = "ar_aging_amount";
  auto cash = inc("inc_c", "liquidity_crunch_risk", 101, {"customer:1"});
  cash.metric = "net_cash_proxy";
  const CorrelationResult unrelated = correlate_incidents({margin, overdue}, graphs(), formula());
  CHECK(unrelated.pairs_in_window == 1);
  CHECK(unrelated.links_scored == 0);
  CHECK(unrelated.cascades.empty());
  const CorrelationResult related = correlate_incidents({margin, cash}, graphs(), formula());
  REQUIRE(related.cascades.size() == 1);
  CHECK(related.cascades[0].links[0].metric_path == std::vector<std::string>{"margin_proxy", "net_cash_proxy"});
}

TEST_CASE("cascades: the defaults link at the floor up to four days, further only on shared parties") {
  const CascadeConfig d;
  CHECK(d.threshold == 0.06);
  CHECK(d.entity_overlap_floor == 0.3);
  auto pair = [&](DayNumber apart, std::vector<std::string> a, std::vector<std::string> b) {
    return correlate_incidents({inc("inc_s", "supplier_dependency_failure", 100, std::move(a)),
                                inc("inc_f", "fulfillment_sla_degradation", 100 + apart, std::move(b))},
                               graphs(), d);
  };
  // exp(-4/3) x 0.3 = 0.0791 > 0.06; exp(-5/3) x 0.3 = 0.0567 < 0.06.
  REQUIRE(pair(4, {"vendor:1"}, {"customer:9"}).cascades.size() == 1);
  CHECK(pair(4, {"vendor:1"}, {"customer:9"}).cascades[0].links[0].score == doctest::Approx(std::exp(-4.0 / 3) * 0.3));
  CHECK(pair(5, {"vendor:1"}, {"customer:9"}).cascades.empty());
  // Seven days apart, 3 of 4 parties shared: exp(-7/3) x 0.75 = 0.0727, linked; half shared: 0.0485, not.
  const auto shared = pair(7, {"customer:1", "customer:2", "customer:3", "vendor:1"}, {"customer:1", "customer:2", "customer:3"});
  REQUIRE(shared.cascades.size() == 1);
  CHECK(shared.cascades[0].links[0].score == doctest::Approx(std::exp(-7.0 / 3) * 0.75));
  CHECK(pair(7, {"customer:1", "vendor:1"}, {"customer:1"}).cascades.empty());
}
