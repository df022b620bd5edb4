#include "blast_facts.h"

#include <algorithm>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "bre/core/byte_codec.h"
#include "bre/core/money.h"
#include "bre/store/event_store.h"
#include "bre/store/impact_store.h"
#include "bre/store/workspace.h"

namespace bre {

namespace blast_json {

nlohmann::json parse_object(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string text_field(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<std::string> line_item_products(const nlohmann::json& attributes) {
  std::vector<std::string> out;
  const auto items = attributes.find("line_items");
  if (items == attributes.end() || !items->is_array()) return out;
  for (const nlohmann::json& line : *items)
    if (line.is_object())
      if (std::string id = text_field(line, "item_id"); !id.empty()) out.push_back(std::move(id));
  return out;
}

}  // namespace blast_json

namespace {

template <typename T>
const T* find_sorted(const std::vector<std::pair<std::string, T>>& sorted, std::string_view id) {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), id,
                                   [](const std::pair<std::string, T>& e, std::string_view key) { return e.first < key; });
  return it != sorted.end() && it->first == id ? &it->second : nullptr;
}

// Ids that many facts repeat (a customer's thousand orders), stored once.
class NamePool {
 public:
  explicit NamePool(std::vector<std::string>& names) : names_(names) {}
  std::uint32_t intern(std::string id) {
    if (id.empty()) return BlastFacts::kNone;
    const auto [it, fresh] = index_.try_emplace(std::move(id), static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.push_back(it->first);
    return it->second;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string, std::uint32_t> index_;
};

// One issue of an order or invoice as read; `rowid` finds its event id again
// when two issues of one document share an event time (the later id wins).
template <typename Fact>
struct Issue {
  std::string document_id;
  std::int64_t time = 0, rowid = 0;
  Fact fact;
};

class EventIdByRow {
 public:
  explicit EventIdByRow(Database& db) : s_(db.prepare("SELECT event_id FROM events WHERE rowid = ?")) {}
  std::string operator()(std::int64_t rowid) {
    s_.reset();
    s_.bind(1, rowid);
    return s_.step() ? s_.text(0) : std::string();
  }

 private:
  Statement s_;
};

// The latest of a document's issues by (event time, event id) among those
// `eligible` accepts; issues are sorted by document, time, rowid.
template <typename Fact, typename Eligible>
const Issue<Fact>* latest_issue(const Issue<Fact>* from, const Issue<Fact>* to, EventIdByRow& event_id,
                                Eligible eligible) {
  const Issue<Fact>* best = nullptr;
  for (const Issue<Fact>* i = from; i != to; ++i) {
    if (!eligible(*i)) continue;
    if (!best || i->time > best->time || (i->time == best->time && event_id(i->rowid) > event_id(best->rowid)))
      best = i;
  }
  return best;
}

// Sorts the issues by document (the first `sorted` of them, resumed from a
// snapshot, are in order already: only the rest are sorted, then merged in),
// calls `keep(document_id, first, end)` once per document, in document
// order, and releases them.
template <typename Fact, typename Keep>
void for_each_document(std::vector<Issue<Fact>>& issues, std::size_t sorted, Keep keep) {
  const auto before = [](const Issue<Fact>& a, const Issue<Fact>& b) {
    return std::tie(a.document_id, a.time, a.rowid) < std::tie(b.document_id, b.time, b.rowid);
  };
  const auto middle = issues.begin() + static_cast<std::ptrdiff_t>(sorted);
  std::sort(middle, issues.end(), before);
  std::inplace_merge(issues.begin(), middle, issues.end(), before);
  for (std::size_t i = 0; i < issues.size();) {
    std::size_t j = i + 1;
    while (j < issues.size() && issues[j].document_id == issues[i].document_id) ++j;
    keep(issues[i].document_id, issues.data() + i, issues.data() + j);
    i = j;
  }
  std::vector<Issue<Fact>>().swap(issues);  // the facts are built: free the issues before the next pass
}

}  // namespace

const BlastFacts::Order* BlastFacts::order(std::string_view id) const { return find_sorted(orders, id); }
const BlastFacts::Invoice* BlastFacts::invoice(std::string_view id) const { return find_sorted(invoices, id); }

std::int64_t BlastFacts::DayTotals::between(DayNumber from, DayNumber to) const {
  const auto sum_before = [&](DayNumber day) -> std::int64_t {  // over the days < day
    const auto it = std::lower_bound(days.begin(), days.end(), day);
    return it == days.begin() ? 0 : through[static_cast<std::size_t>(it - days.begin()) - 1];
  };
  return from > to ? 0 : sum_before(to + 1) - sum_before(from);
}

std::string BlastFacts::name(std::uint32_t index) const { return index == kNone ? std::string() : names[index]; }

std::vector<std::string> BlastFacts::products(const Invoice& i) const {
  std::vector<std::string> out;
  for (std::uint32_t k = 0; k < i.products_count; ++k) out.push_back(names[invoice_products[i.products_from + k]]);
  return out;
}

namespace {

// The facts as of an event log end, kept between scans (table
// blast_facts_snapshot, migration v9) so that the next load reads only the
// events added since. Records, each a kind byte then its fields, are written
// in parts of about kPartBytes so that neither writing nor reading holds the
// whole snapshot (hundreds of MB at 10^7 events) in memory at once:
//   'n' name                          — the pool, in index order
//   'o' order: id, latest issue (time, rowid, customer, vendor, has amount,
//       amount), has a different latest priced issue, its (time, rowid, amount)
//   'i' invoice: id, latest issue (time, rowid, amount, customer, products)
//   'l' ledger: customer id, entries (day, kind, amount) in day order
//   'p' / 'r' one day's payments / refunds total
constexpr std::uint32_t kSnapshotFormat = 1;
constexpr std::size_t kPartBytes = 4 << 20;
constexpr std::int64_t kResaveAfterRows = 20000;

std::string snapshot_config(Workspace& ws) {
  return "blast_facts_v" + std::to_string(kSnapshotFormat) + " zone=" + ws.business_time().zone() +
         " currency=" + ws.setting("currency").value_or("USD");
}

// Buffers records and stores a part whenever the buffer is full.
class SnapshotParts {
 public:
  explicit SnapshotParts(Database& db) : insert_(db.prepare("INSERT INTO blast_facts_snapshot(part, data) VALUES(?, ?)")) {}
  ByteWriter& record(char kind) {
    if (buffered_ >= kPartBytes) flush();
    out_.put(kind);
    return out_;
  }
  void end_record(std::size_t bytes) { buffered_ += bytes; }
  void flush() {
    const std::string bytes = out_.take();
    out_ = ByteWriter();
    if (bytes.empty()) return;
    insert_.bind(1, ++part_).bind_blob_static(2, bytes).run();
    buffered_ = 0;
  }

 private:
  Statement insert_;
  ByteWriter out_;
  std::size_t buffered_ = 0;
  std::int64_t part_ = 0;  // part 0 is the header row
};

class FactsLoader {
 public:
  FactsLoader(Workspace& ws, BlastFacts& d) : ws_(ws), d_(d), pool_(d.names), clock_(ws.business_time()) {}

  // Reads the stored snapshot when it describes these events up to some end
  // (the same superseded rows, this zone and currency); returns the events
  // rowid it covers, 0 when there is none to use.
  std::int64_t resume(const EventLogEnd& end, const std::string& config) {
    Database& db = ws_.db();
    // The header and the parts from one read of the database, even while a
    // scan elsewhere stores a new snapshot (a savepoint works inside or
    // outside the caller's transaction).
    db.exec("SAVEPOINT blast_facts_resume");
    struct Release {
      Database& db;
      ~Release() {
        try {
          db.exec("RELEASE blast_facts_resume");
        } catch (...) {  // releasing a read-only savepoint does not fail; nothing to undo if it does
        }
      }
    } release{db};
    Statement head = db.prepare("SELECT data FROM blast_facts_snapshot WHERE part = 0");
    if (!head.step()) return 0;
    ByteReader h(head.blob_view(0), "BLAST_FACTS_SNAPSHOT_CORRUPT", "the stored blast-radius facts");
    if (h.get<std::uint32_t>() != kSnapshotFormat || h.text() != config) return 0;
    const auto events = h.get<std::int64_t>(), superseded = h.get<std::int64_t>();
    if (superseded != end.superseded || events > end.events) return 0;
    Statement parts = db.prepare("SELECT data FROM blast_facts_snapshot WHERE part > 0 ORDER BY part");
    while (parts.step()) {
      ByteReader r(parts.blob_view(0), "BLAST_FACTS_SNAPSHOT_CORRUPT", "the stored blast-radius facts");
      while (!r.at_end()) read_record(r);
    }
    resumed_orders_ = order_issues_.size(), resumed_invoices_ = invoice_issues_.size();
    return events;
  }

  // Adds the live events of the fact types stored after `after_rowid`, up
  // to `upto_rowid` (the log end the snapshot will be stored under: a batch
  // ingested meanwhile is read by the next load, not counted twice).
  void read_events(std::int64_t after_rowid, std::int64_t upto_rowid) {
    // One pass over the event table in storage order: the ~60 % of a large
    // log these types make up would cost one random row lookup each through
    // the type index. What an order by (event_time, event_id) would decide is
    // restored in finish(): the latest issue of an invoice or order wins, and
    // each ledger is sorted by day (all its reader depends on).
    Statement s = ws_.db().prepare(
        "SELECT event_type, event_time, e.rowid, entity_id, amount_minor, "
        "CASE WHEN event_type = 'invoice_issued' THEN related_entity_ids END, "
        "CASE WHEN event_type = 'invoice_issued' THEN attributes END, "
        "json_extract(related_entity_ids, '$.customer_id'), "
        "CASE WHEN event_type = 'order_placed' THEN json_extract(related_entity_ids, '$.vendor_id') END, "
        "CASE WHEN entity_type = 'customer' THEN entity_id END "
        "FROM events e NOT INDEXED WHERE e.rowid > ? AND e.rowid <= ? AND event_type IN ('invoice_issued','order_placed',"
        "'payment_received','refund_issued','credit_memo_issued','customer_churned') "
        "AND NOT EXISTS (SELECT 1 FROM superseded_events x WHERE x.event_id = e.event_id)");
    s.bind(1, after_rowid).bind(2, upto_rowid);
    while (s.step()) add_row(s), ++rows_read_;
  }
  std::int64_t rows_read() const { return rows_read_; }

  // Resolves every document to its latest issue and sorts the ledgers; with
  // `parts`, stores the snapshot of the result as well.
  void finish(SnapshotParts* parts) {
    EventIdByRow event_id(ws_.db());
    const auto any = [](const auto&) { return true; };
    if (parts)
      for (const std::string& name : d_.names) {
        ByteWriter& w = parts->record('n');
        w.put(std::string_view(name));
        parts->end_record(name.size() + 9);
      }
    for_each_document(order_issues_, resumed_orders_, [&](std::string& id, const auto* from, const auto* to) {
      const auto* latest = latest_issue(from, to, event_id, any);
      const auto* priced = latest_issue(from, to, event_id, [](const auto& i) { return i.fact.amount.has_value(); });
      if (parts) save_order(*parts, id, *latest, priced);
      BlastFacts::Order o = latest->fact;
      o.amount = priced ? priced->fact.amount : std::nullopt;
      d_.orders.emplace_back(std::move(id), o);
    });
    for_each_document(invoice_issues_, resumed_invoices_, [&](std::string& id, const auto* from, const auto* to) {
      const auto* latest = latest_issue(from, to, event_id, any);
      if (parts) save_invoice(*parts, id, *latest);
      d_.invoices.emplace_back(std::move(id), latest->fact);
    });
    for (auto& [customer, entries] : d_.ledgers) {
      std::stable_sort(entries.begin(), entries.end(),
                       [](const BlastFacts::LedgerEntry& a, const BlastFacts::LedgerEntry& b) { return a.day < b.day; });
      if (!parts) continue;
      ByteWriter& w = parts->record('l');
      w.put(std::string_view(customer));
      w.put<std::uint64_t>(entries.size());
      for (const BlastFacts::LedgerEntry& e : entries) w.put(e.day), w.put(e.kind), w.put(e.amount);
      parts->end_record(customer.size() + 17 + entries.size() * 13);
    }
    for (auto [totals, by_day, kind] :
         {std::tuple{&d_.paid, &paid_by_day_, 'p'}, std::tuple{&d_.refunded, &refunded_by_day_, 'r'}})
      for (const auto& [day, amount] : *by_day) {
        totals->through.push_back((totals->through.empty() ? 0 : totals->through.back()) + amount);
        totals->days.push_back(day);
        if (parts) parts->record(kind).put(std::pair{day, amount}), parts->end_record(13);
      }
    if (parts) parts->flush();
  }

 private:
  void add_row(const Statement& s) {
    const std::string_view type = s.text_view(0);
    const std::int64_t time = s.int64(1), rowid = s.int64(2);
    const std::int64_t amount = s.is_null(4) ? 0 : s.int64(4);
    if (type == "invoice_issued") {
      BlastFacts::Invoice i;
      i.amount = amount;
      i.customer = pool_.intern(blast_json::text_field(blast_json::parse_object(s.text_view(5)), "customer_id"));
      i.products_from = static_cast<std::uint32_t>(d_.invoice_products.size());
      for (std::string& p : blast_json::line_item_products(blast_json::parse_object(s.text_view(6))))
        d_.invoice_products.push_back(pool_.intern(std::move(p)));
      i.products_count = static_cast<std::uint32_t>(d_.invoice_products.size()) - i.products_from;
      invoice_issues_.push_back({s.text(3), time, rowid, i});
      return;
    }
    if (type == "order_placed") {
      BlastFacts::Order o;
      o.customer = s.is_null(7) ? BlastFacts::kNone : pool_.intern(s.text(7));
      o.vendor = s.is_null(8) ? BlastFacts::kNone : pool_.intern(s.text(8));
      if (!s.is_null(4)) o.amount = amount;
      order_issues_.push_back({s.text(3), time, rowid, o});
    }
    if (type == "payment_received") paid_by_day_[clock_.local_day(time)] += amount;
    else if (type == "refund_issued" || type == "credit_memo_issued") refunded_by_day_[clock_.local_day(time)] += amount;
    const int customer = s.is_null(7) ? 9 : 7;
    if (s.is_null(customer)) return;  // a ledger entry needs its customer
    const char kind = type == "payment_received" ? 'p' : type == "order_placed" ? 'o' : type == "customer_churned" ? 'c' : 'r';
    d_.ledgers[s.text(customer)].push_back({clock_.local_day(time), kind, amount});
  }

  // A stored order comes back as its latest issue and, when an earlier issue
  // carried the amount, that one too: the two issues a full read would pick.
  static void save_order(SnapshotParts& parts, const std::string& id, const Issue<BlastFacts::Order>& latest,
                         const Issue<BlastFacts::Order>* priced) {
    ByteWriter& w = parts.record('o');
    w.put(std::string_view(id));
    w.put(latest.time), w.put(latest.rowid), w.put(latest.fact.customer), w.put(latest.fact.vendor);
    w.put<std::uint8_t>(latest.fact.amount.has_value()), w.put(latest.fact.amount.value_or(0));
    const bool other = priced && priced != &latest;
    w.put<std::uint8_t>(other);
    if (other) w.put(priced->time), w.put(priced->rowid), w.put(*priced->fact.amount);
    parts.end_record(id.size() + 70);
  }
  void save_invoice(SnapshotParts& parts, const std::string& id, const Issue<BlastFacts::Invoice>& latest) const {
    ByteWriter& w = parts.record('i');
    w.put(std::string_view(id));
    w.put(latest.time), w.put(latest.rowid), w.put(latest.fact.amount), w.put(latest.fact.customer);
    w.put(latest.fact.products_count);
    for (std::uint32_t k = 0; k < latest.fact.products_count; ++k)
      w.put(d_.invoice_products[latest.fact.products_from + k]);
    parts.end_record(id.size() + 40 + 4 * latest.fact.products_count);
  }

  void read_record(ByteReader& r) {
    switch (r.get<char>()) {
      case 'n':
        if (pool_.intern(std::string(r.text())) != d_.names.size() - 1) r.fail("repeats a name");
        return;
      case 'o': {
        Issue<BlastFacts::Order> latest{std::string(r.text()), r.get<std::int64_t>(), r.get<std::int64_t>(), {}};
        latest.fact.customer = r.get<std::uint32_t>(), latest.fact.vendor = r.get<std::uint32_t>();
        const bool has_amount = r.get<std::uint8_t>() != 0;
        const auto amount = r.get<std::int64_t>();
        if (has_amount) latest.fact.amount = amount;
        if (r.get<std::uint8_t>() != 0) {
          Issue<BlastFacts::Order> priced{latest.document_id, r.get<std::int64_t>(), r.get<std::int64_t>(), {}};
          priced.fact.amount = r.get<std::int64_t>();
          // In the order finish() sorts by, so that the resumed issues need no sort.
          const bool priced_first = std::tie(priced.time, priced.rowid) < std::tie(latest.time, latest.rowid);
          if (priced_first) order_issues_.push_back(std::move(priced));
          order_issues_.push_back(std::move(latest));
          if (!priced_first) order_issues_.push_back(std::move(priced));
          return;
        }
        order_issues_.push_back(std::move(latest));
        return;
      }
      case 'i': {
        Issue<BlastFacts::Invoice> latest{std::string(r.text()), r.get<std::int64_t>(), r.get<std::int64_t>(), {}};
        latest.fact.amount = r.get<std::int64_t>(), latest.fact.customer = r.get<std::uint32_t>();
        latest.fact.products_count = r.get<std::uint32_t>();
        latest.fact.products_from = static_cast<std::uint32_t>(d_.invoice_products.size());
        for (std::uint32_t k = 0; k < latest.fact.products_count; ++k) d_.invoice_products.push_back(r.get<std::uint32_t>());
        invoice_issues_.push_back(std::move(latest));
        return;
      }
      case 'l': {
        std::vector<BlastFacts::LedgerEntry>& entries = d_.ledgers[std::string(r.text())];
        entries.resize(r.get<std::uint64_t>());
        for (BlastFacts::LedgerEntry& e : entries)
          e.day = r.get<DayNumber>(), e.kind = r.get<char>(), e.amount = r.get<std::int64_t>();
        return;
      }
      case 'p': {
        const auto [day, amount] = r.get<std::pair<DayNumber, std::int64_t>>();
        paid_by_day_[day] += amount;
        return;
      }
      case 'r': {
        const auto [day, amount] = r.get<std::pair<DayNumber, std::int64_t>>();
        refunded_by_day_[day] += amount;
        return;
      }
      default:
        r.fail("has an unknown record");
    }
  }

  Workspace& ws_;
  BlastFacts& d_;
  NamePool pool_;
  BusinessTime clock_;
  std::vector<Issue<BlastFacts::Order>> order_issues_;
  std::vector<Issue<BlastFacts::Invoice>> invoice_issues_;
  std::size_t resumed_orders_ = 0, resumed_invoices_ = 0;  // issues from the snapshot, in sorted order
  std::int64_t rows_read_ = 0;                             // events read past the snapshot
  std::map<DayNumber, std::int64_t> paid_by_day_, refunded_by_day_;
};

}  // namespace

namespace {

std::shared_ptr<const BlastFacts> load_blast_facts_resuming(Workspace& ws, BlastFactsSnapshot snapshot, bool resume) {
  auto facts = std::make_shared<BlastFacts>();
  BlastFacts& d = *facts;
  d.currency = ws.setting("currency").value_or("USD");
  d.digits = currency_minor_digits(d.currency).value_or(2);
  Database& db = ws.db();
  const EventLogEnd end = event_log_end(db);
  const std::string config = snapshot_config(ws);
  FactsLoader loader(ws, d);
  const std::int64_t resumed = resume ? loader.resume(end, config) : 0;
  loader.read_events(resumed, end.events);
  // Storing the snapshot costs more than reading a few thousand rows past it,
  // so a scan stores it again only once that many have piled up.
  if (snapshot != BlastFactsSnapshot::use_and_save || (resumed > 0 && loader.rows_read() < kResaveAfterRows)) {
    loader.finish(nullptr);
    return facts;
  }
  Transaction tx(db);
  db.exec("DELETE FROM blast_facts_snapshot");
  ByteWriter head;
  head.put(kSnapshotFormat), head.put(std::string_view(config)), head.put(end.events), head.put(end.superseded);
  const std::string header = head.take();
  db.prepare("INSERT INTO blast_facts_snapshot(part, data) VALUES(0, ?)").bind_blob_static(1, header).run();
  SnapshotParts parts(db);
  loader.finish(&parts);
  tx.commit();
  return facts;
}

}  // namespace

std::shared_ptr<const BlastFacts> load_blast_facts(Workspace& ws, BlastFactsSnapshot snapshot) {
  if (snapshot == BlastFactsSnapshot::ignore) return load_blast_facts_resuming(ws, snapshot, false);
  try {
    return load_blast_facts_resuming(ws, snapshot, true);
  } catch (const Error& e) {
    // A snapshot this bre cannot read is a cache that is not there: read the
    // whole log (and, in a scan, store a good one).
    if (e.code() != "BLAST_FACTS_SNAPSHOT_CORRUPT") throw;
    return load_blast_facts_resuming(ws, snapshot, false);
  }
}

}  // namespace bre
