// The facts every blast radius reads (load_blast_facts) are read in storage
// order; a document issued twice must still resolve to its latest issue by
// event time, whatever order the issues were ingested in.
#include <doctest/doctest.h>

#include "bre/store/cascade_store.h"
#include "bre/store/impact_store.h"
#include "../../src/store/blast_facts.h"  // white box: the facts themselves
#include "ingest_test_support.h"

using namespace bre;

namespace {

std::string issue(const std::string& type, const std::string& day, const std::string& key, const std::string& entity_type,
                  const std::string& entity_id, const std::string& customer, const std::string& amount,
                  const std::string& attributes) {
  return R"({"event_type":")" + type + R"(","event_time":")" + day + R"(T10:00:00Z","source":"shop","source_entity_id":")" +
         key + R"(","entity_type":")" + entity_type + R"(","entity_id":")" + entity_id +
         R"(","related_entity_ids":{)" + (customer.empty() ? "" : R"("customer_id":")" + customer + "\"") + "}" +
         (amount.empty() ? "" : R"(,"amount":)" + amount + R"(,"currency":"USD")") + R"(,"attributes":)" + attributes + "}\n";
}

void add_incident(Workspace& ws, const std::string& id, const std::string& type, const std::string& day) {
  Statement s = ws.db().prepare(
      "INSERT INTO incidents(incident_id, incident_type, severity, confidence, state, window_start, window_end, "
      "detected_at, payload) VALUES(?, ?, 'high', 'high', 'active', ?, ?, 0, '{}')");
  s.bind(1, id).bind(2, type).bind(3, day).bind(4, day).run();
}

}  // namespace

TEST_CASE("blast radius facts: the latest issue of an invoice or order wins, not the last ingested") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  // Later issues in an earlier batch: storage order is the reverse of time
  // order. (Within a batch rows are stored by event id, so one batch each.)
  const auto ingest = [&](const std::string& name, const std::string& lines) {
    ingest_event_lines(*ws, dir, name, lines);
  };
  const std::string due = R"({"due_date":"2026-03-09"})";
  ingest("later.jsonl", issue("invoice_issued", "2026-03-02", "inv-1b", "invoice", "inv-1", "c2", "150.00", due) +
                            issue("order_placed", "2026-03-02", "ord-1b", "order", "ord-1", "c4", "", "{}"));  // no amount
  ingest("earlier.jsonl", issue("invoice_issued", "2026-03-01", "inv-1a", "invoice", "inv-1", "c1", "100.00", due) +
                              issue("order_placed", "2026-03-01", "ord-1a", "order", "ord-1", "c3", "80.00", "{}"));
  ingest("trouble.jsonl",
         issue("invoice_overdue", "2026-03-10", "inv-1-due", "invoice", "inv-1", "", "150.00",
               R"({"balance_remaining":150.0,"days_overdue":1})") +
             issue("order_late", "2026-03-11", "ord-1-late", "order", "ord-1", "", "", R"({"days_late":2})"));
  REQUIRE(ws->db().query_int("SELECT count(*) FROM events") == 6);
  add_incident(*ws, "inc-liquidity", "liquidity_crunch_risk", "2026-03-10");
  add_incident(*ws, "inc-late", "fulfillment_sla_degradation", "2026-03-11");

  const BlastRadius invoice = compute_incident_blast_radius(*ws, {"inc-liquidity"});
  CHECK(invoice.invoices_affected == 1);
  CHECK(invoice.invoice_exposure_minor == 15000);  // the 2026-03-02 issue
  REQUIRE(invoice.customers.size() == 1);
  CHECK(invoice.customers[0].customer_id == "c2");

  const BlastRadius order = compute_incident_blast_radius(*ws, {"inc-late"});
  CHECK(order.orders_affected == 1);
  CHECK(order.order_exposure_minor == 8000);  // the latest issue that carries an amount
  CHECK(order.orders_without_amount == 0);
  REQUIRE(order.customers.size() == 1);
  CHECK(order.customers[0].customer_id == "c4");  // the latest issue's customer
}

TEST_CASE("blast radius facts: two issues at the same moment resolve by event id, whatever the storage order") {
  const std::string due = R"({"due_date":"2026-03-09"})";
  const std::string first = issue("invoice_issued", "2026-03-02", "inv-2x", "invoice", "inv-2", "cx", "120.00", due);
  const std::string second = issue("invoice_issued", "2026-03-02", "inv-2y", "invoice", "inv-2", "cy", "130.00", due);
  const std::string overdue = issue("invoice_overdue", "2026-03-10", "inv-2-due", "invoice", "inv-2", "", "120.00",
                                    R"({"balance_remaining":120.0,"days_overdue":1})");
  // Each order of ingestion stores the two issues in the other rowid order;
  // the issue with the larger event id must win both times.
  std::vector<std::string> winners;
  for (const bool x_first : {true, false}) {
    TempDir dir;
    auto ws = Workspace::open(dir.file("ws.sqlite"), true);
    ws->set_setting("currency", "USD");
    int n = 0;
    for (const std::string& lines : {x_first ? first : second, x_first ? second : first, overdue})
      ingest_event_lines(*ws, dir, "batch" + std::to_string(++n) + ".jsonl", lines);
    add_incident(*ws, "inc-liquidity", "liquidity_crunch_risk", "2026-03-10");
    Statement latest = ws->db().prepare(
        "SELECT source_entity_id FROM events WHERE event_type = 'invoice_issued' ORDER BY event_id DESC LIMIT 1");
    REQUIRE(latest.step());
    const std::string latest_id = latest.text(0);
    const BlastRadius b = compute_incident_blast_radius(*ws, {"inc-liquidity"});
    REQUIRE(b.customers.size() == 1);
    CHECK(b.customers[0].customer_id == (latest_id == "inv-2x" ? "cx" : "cy"));
    CHECK(b.invoice_exposure_minor == (latest_id == "inv-2x" ? 12000 : 13000));
    winners.push_back(b.customers[0].customer_id);
  }
  CHECK(winners[0] == winners[1]);
}

TEST_CASE("blast radius facts: trailing revenue and refunds sum every payment and refund before the window") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  // The window starts 2026-06-01: revenue is paid 2026-05-02..05-31 (30 days),
  // the refund rate's payments and refunds 2026-03-03..05-31 (90 days).
  ingest_event_lines(*ws, dir, "money.jsonl",
               issue("payment_received", "2026-05-31", "p1", "payment", "p1", "c1", "100.00", "{}") +
                   issue("payment_received", "2026-05-02", "p2", "payment", "p2", "", "50.00", "{}") +  // no customer
                   issue("payment_received", "2026-05-01", "p3", "payment", "p3", "c2", "400.00", "{}") +  // 31 days
                   issue("payment_received", "2026-03-02", "p4", "payment", "p4", "c2", "999.00", "{}") +  // 91 days
                   issue("payment_received", "2026-06-01", "p5", "payment", "p5", "c1", "777.00", "{}") +  // in window
                   issue("refund_issued", "2026-04-10", "r1", "order", "r1", "c1", "22.00", "{}") +
                   issue("credit_memo_issued", "2026-03-03", "m1", "invoice", "m1", "", "33.00", "{}") +
                   issue("refund_issued", "2026-03-02", "r2", "order", "r2", "c1", "44.00", "{}") +  // 91 days
                   issue("refund_issued", "2026-06-01", "r3", "order", "r3", "c1", "8.00", "{}"));
  add_incident(*ws, "inc-refunds", "refund_spike", "2026-06-01");
  const BlastRadius b = compute_incident_blast_radius(*ws, {"inc-refunds"});
  CHECK(b.trailing_revenue_minor == 15000);  // 100 + 50
  // refunds 22 + 33 over payments 100 + 50 + 400
  CHECK(b.business_refund_rate == doctest::Approx(5500.0 / 55000.0));
}

TEST_CASE("cascade parties: a document belongs to its latest issue's customer, any other key to its first naming one") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  const std::string late = R"({"days_late":2})";
  ingest_event_lines(*ws, dir, "docs.jsonl",
               issue("order_placed", "2026-03-01", "o1a", "order", "ord-1", "c1", "80.00", "{}") +
                   issue("order_placed", "2026-03-02", "o1b", "order", "ord-1", "c2", "80.00", "{}") +
                   // a later event of the order naming someone else does not move it
                   issue("order_delivered", "2026-03-04", "o1d", "order", "ord-1", "c9", "", "{}") +
                   issue("order_placed", "2026-03-02", "o2a", "order", "ord-2", "", "30.00", "{}") +  // names nobody
                   issue("order_delivered", "2026-03-05", "o2d", "order", "ord-2", "c8", "", "{}") +
                   // never placed: its first event naming a customer decides
                   issue("order_delivered", "2026-03-06", "o3d", "order", "ord-3", "c5", "", "{}") +
                   issue("order_delivered", "2026-03-03", "o3c", "order", "ord-3", "c4", "", "{}") +
                   issue("order_late", "2026-03-10", "o1l", "order", "ord-1", "", "", late) +
                   issue("order_late", "2026-03-10", "o2l", "order", "ord-2", "", "", late) +
                   issue("order_late", "2026-03-10", "o3l", "order", "ord-3", "", "", late));
  add_incident(*ws, "inc-late", "fulfillment_sla_degradation", "2026-03-10");
  const CascadeInputs in = load_cascade_inputs(ws->db(), *load_blast_facts(*ws));
  REQUIRE(in.incidents.size() == 1);
  CHECK(in.incidents[0].entities == std::vector<std::string>{"customer:c2", "customer:c4"});
}

namespace {

// Everything a blast radius reads from the facts, with names resolved.
std::string describe(const BlastFacts& f) {
  std::string out;
  for (const auto& [id, o] : f.orders)
    out += "order " + id + " " + f.name(o.customer) + " " + f.name(o.vendor) + " " +
           (o.amount ? std::to_string(*o.amount) : "-") + "\n";
  for (const auto& [id, i] : f.invoices) {
    out += "invoice " + id + " " + f.name(i.customer) + " " + std::to_string(i.amount);
    for (const std::string& p : f.products(i)) out += " " + p;
    out += "\n";
  }
  for (const auto& [customer, entries] : f.ledgers) {
    out += "ledger " + customer;
    for (const BlastFacts::LedgerEntry& e : entries)
      out += " " + std::to_string(e.day) + e.kind + std::to_string(e.amount);
    out += "\n";
  }
  for (const auto* totals : {&f.paid, &f.refunded}) {
    for (std::size_t k = 0; k < totals->days.size(); ++k)
      out += std::to_string(totals->days[k]) + ":" + std::to_string(totals->through[k]) + " ";
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("blast radius facts: a load resuming from the stored snapshot equals a load of the whole log") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ws->set_setting("currency", "USD");
  const std::string items = R"({"due_date":"2026-03-09","line_items":[{"item_id":"p1"},{"item_id":"p2"}]})";
  ingest_event_lines(*ws, dir, "first.jsonl",
               issue("order_placed", "2026-03-02", "o1a", "order", "ord-1", "c1", "80.00", "{}") +
                   issue("order_placed", "2026-03-03", "o1b", "order", "ord-1", "c1", "", "{}") +  // latest, no amount
                   issue("invoice_issued", "2026-03-02", "i1a", "invoice", "inv-1", "c2", "100.00", items) +
                   issue("payment_received", "2026-03-04", "p1", "payment", "p1", "c1", "80.00", "{}") +
                   issue("refund_issued", "2026-03-05", "r1", "order", "r1", "c2", "5.00", "{}"));
  const std::string after_first = describe(*load_blast_facts(*ws, BlastFactsSnapshot::use_and_save));
  CHECK(ws->db().query_int("SELECT count(*) FROM blast_facts_snapshot") >= 2);  // the header and a part
  CHECK(describe(*load_blast_facts(*ws)) == after_first);  // resumed, nothing new
  CHECK(after_first.find("order ord-1 c1  8000") != std::string::npos);  // the earlier issue's amount

  // A second batch re-issues both documents (the order later, with another
  // customer; the invoice at the same moment, so the event ids decide), adds
  // a new customer and more money on a day already totalled.
  ingest_event_lines(*ws, dir, "second.jsonl",
               issue("order_placed", "2026-03-06", "o1c", "order", "ord-1", "c3", "", "{}") +
                   issue("invoice_issued", "2026-03-02", "i1b", "invoice", "inv-1", "c4", "120.00",
                         R"({"due_date":"2026-03-09","line_items":[{"item_id":"p3"}]})") +
                   issue("order_placed", "2026-03-06", "o2a", "order", "ord-2", "c5", "30.00", "{}") +
                   issue("payment_received", "2026-03-04", "p2", "payment", "p2", "c5", "20.00", "{}") +
                   issue("customer_churned", "2026-03-07", "ch1", "customer", "c1", "", "", "{}"));
  const std::string resumed = describe(*load_blast_facts(*ws, BlastFactsSnapshot::use_and_save));
  const std::string whole = describe(*load_blast_facts(*ws, BlastFactsSnapshot::ignore));
  CHECK(resumed == whole);
  CHECK(whole.find("order ord-1 c3  8000") != std::string::npos);
  // And from the snapshot the second load stored.
  CHECK(describe(*load_blast_facts(*ws)) == whole);

  // A snapshot that cannot be read is not resumed from: the whole log is,
  // and a scan's load stores a good snapshot again.
  ws->db().exec("UPDATE blast_facts_snapshot SET data = x'6f' WHERE part = 1");
  CHECK(describe(*load_blast_facts(*ws)) == whole);
  CHECK(describe(*load_blast_facts(*ws, BlastFactsSnapshot::use_and_save)) == whole);
  CHECK(ws->db().query_int("SELECT count(*) FROM blast_facts_snapshot WHERE part = 1 AND length(data) > 1") == 1);

  // Another time zone moves the days: the snapshot is not resumed from.
  ws->set_setting("timezone", "Pacific/Kiritimati");
  CHECK(describe(*load_blast_facts(*ws)) == describe(*load_blast_facts(*ws, BlastFactsSnapshot::ignore)));
  CHECK(describe(*load_blast_facts(*ws)) != whole);
}
