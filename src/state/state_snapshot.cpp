// StateAccumulator as bytes: fixed-width little-endian numbers and
// length-prefixed strings, in the order Data declares them. Written by every
// build-state and read back by the next incremental one (build_state.cpp).
#include "bre/core/byte_codec.h"
#include "bre/core/error.h"
#include "state_data.h"

namespace bre {

namespace {

using Payment = std::pair<std::uint32_t, double>;
using Overdue = std::pair<DayNumber, double>;

void put_day(ByteWriter& b, const state::DayTotals& t) {
  for (double v : {t.revenue, t.expenses, t.refunds, t.invoices_paid, t.placed, t.delivered, t.late, t.purchase_orders,
                   t.delayed, t.tickets_opened, t.tickets_closed, t.tickets_timed, t.review_scores, t.reviews})
    b.put(v);
  for (const auto* v : {&t.days_to_pay, &t.days_late, &t.days_delayed, &t.resolution_hours}) b.put_all(*v);
  b.put_all(t.customer_payments);
}

void get_day(ByteReader& r, state::DayTotals& t) {
  for (double* v : {&t.revenue, &t.expenses, &t.refunds, &t.invoices_paid, &t.placed, &t.delivered, &t.late,
                    &t.purchase_orders, &t.delayed, &t.tickets_opened, &t.tickets_closed, &t.tickets_timed,
                    &t.review_scores, &t.reviews})
    *v = r.get<double>();
  for (auto* v : {&t.days_to_pay, &t.days_late, &t.days_delayed, &t.resolution_hours}) r.get_all(*v);
  r.get_all(t.customer_payments);
}

void put_names(ByteWriter& b, const Interner& names) {
  b.put<std::uint64_t>(names.size());
  for (std::uint32_t i = 0; i < names.size(); ++i) b.put(std::string_view(names.name(i)));
}

void get_names(ByteReader& r, Interner& names) {
  const auto n = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n; ++i) names.id(r.text());  // ids come back in the same order
}

}  // namespace

std::string StateAccumulator::save() const {
  const Data& d = *d_;
  ByteWriter b;
  b.put<std::uint32_t>(kSnapshotFormat);
  b.put(d.currency_digits);
  b.put(d.events);
  b.put(d.first), b.put(d.any_first), b.put(d.last);
  b.put(d.days.base());
  b.put<std::uint64_t>(d.days.size());
  for (std::size_t i = 0; i < d.days.size(); ++i) put_day(b, *d.days.find(d.days.base() + static_cast<DayNumber>(i)));
  for (const auto* items : {&d.orders, &d.tickets}) {
    b.put<std::uint64_t>(items->size());
    for (const auto& [id, life] : items->in_order()) b.put(id), b.put(life.opened), b.put(life.closed);
  }
  b.put<std::uint64_t>(d.posted.size());
  for (const auto& [bill, day] : d.posted) b.put(std::string_view(bill)), b.put(day);
  b.put<std::uint64_t>(d.bill_payments.size());
  for (const auto& [day, bill] : d.bill_payments) b.put(day), b.put(std::string_view(bill));
  b.put<std::uint64_t>(d.overdue_invoices.size());
  for (const auto& [invoice, moves] : d.overdue_invoices) {
    b.put(std::string_view(invoice));
    b.put_all(moves.overdue);
    b.put_all(moves.paid);
  }
  put_names(b, d.customer_ids);
  put_names(b, d.source_ids);
  b.put<std::uint64_t>(d.customers.size());
  for (const state::CustomerSummary& c : d.customers) {
    b.put(c.created);
    b.put_all(c.activity), b.put_all(c.purchases), b.put_all(c.churns), b.put_all(c.sources);
  }
  b.put<std::uint64_t>(d.churn_sources.size());
  for (bool s : d.churn_sources) b.put<std::uint8_t>(s);
  return b.take();
}

StateAccumulator StateAccumulator::load(std::string_view bytes) {
  ByteReader r(bytes, "STATE_SNAPSHOT_CORRUPT", "the stored state snapshot");
  if (r.get<std::uint32_t>() != kSnapshotFormat) r.fail("has another format");
  StateAccumulator acc(r.get<int>());
  Data& d = *acc.d_;
  d.events = r.get<std::int64_t>();
  d.first = r.get<DayNumber>(), d.any_first = r.get<DayNumber>(), d.last = r.get<DayNumber>();
  const auto base = r.get<DayNumber>();
  const auto days = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < days; ++i) get_day(r, d.days.at(base + static_cast<DayNumber>(i)));
  for (auto* items : {&d.orders, &d.tickets}) {
    const auto n = r.get<std::uint64_t>();
    std::vector<std::pair<std::string, state::Lifecycle>> entries;
    entries.reserve(std::min<std::uint64_t>(n, 1u << 20));  // a corrupt count fails on the bytes, not here
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string id(r.text());
      const auto opened = r.get<DayNumber>();
      entries.emplace_back(std::move(id), state::Lifecycle{opened, r.get<DayNumber>()});
    }
    for (std::size_t i = 1; i < entries.size(); ++i)
      if (!(entries[i - 1].first < entries[i].first)) r.fail("has ids out of order");
    items->load_sorted(std::move(entries));
  }
  const auto posted = r.get<std::uint64_t>();
  d.posted.reserve(posted);
  for (std::uint64_t i = 0; i < posted; ++i) {
    std::string bill(r.text());
    d.posted[std::move(bill)] = r.get<DayNumber>();
  }
  d.bill_payments.resize(r.get<std::uint64_t>());
  for (auto& [day, bill] : d.bill_payments) day = r.get<DayNumber>(), bill = r.text();
  const auto invoices = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < invoices; ++i) {
    state::InvoiceMoves& moves = d.overdue_invoices[std::string(r.text())];
    r.get_all(moves.overdue);
    r.get_all(moves.paid);
  }
  get_names(r, d.customer_ids);
  get_names(r, d.source_ids);
  d.customers.resize(r.get<std::uint64_t>());
  for (state::CustomerSummary& c : d.customers) {
    c.created = r.get<DayNumber>();
    r.get_all(c.activity), r.get_all(c.purchases), r.get_all(c.churns), r.get_all(c.sources);
  }
  d.churn_sources.resize(r.get<std::uint64_t>());
  for (std::size_t i = 0; i < d.churn_sources.size(); ++i) d.churn_sources[i] = r.get<std::uint8_t>() != 0;
  r.expect_done();
  return acc;
}

}  // namespace bre
