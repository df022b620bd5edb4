// What a StateAccumulator keeps between events: per-day totals and the
// per-entity facts the stock metrics read. Shared by the state builder's
// files; nothing here holds one record per event except the measured values
// each day's averages are summed from.
#pragma once
#include <algorithm>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bre/state/metric_event.h"
#include "bre/state/state_accumulator.h"

namespace bre::state {

inline constexpr DayNumber kNoDay = std::numeric_limits<DayNumber>::max();

// One day's flows; counts and minor-unit money are exact in a double.
struct DayTotals {
  double revenue = 0, expenses = 0, refunds = 0, invoices_paid = 0;
  double placed = 0, delivered = 0, late = 0, purchase_orders = 0, delayed = 0;
  double tickets_opened = 0, tickets_closed = 0, tickets_timed = 0;
  double review_scores = 0, reviews = 0;  // summed in arrival order, as the formulas always did
  std::vector<double> days_to_pay, days_late, days_delayed, resolution_hours;
  std::vector<std::pair<std::uint32_t, double>> customer_payments;  // customer, minor units
};

// Day → totals over the days seen so far, growing at either end.
class DayTable {
 public:
  DayTotals& at(DayNumber d) {
    if (days_.empty()) base_ = d;
    for (; d < base_; --base_) days_.emplace_front();
    while (d >= base_ + static_cast<DayNumber>(days_.size())) days_.emplace_back();
    return days_[static_cast<std::size_t>(d - base_)];
  }
  DayNumber base() const { return base_; }
  std::size_t size() const { return days_.size(); }
  const DayTotals* find(DayNumber d) const {
    if (d < base_ || d >= base_ + static_cast<DayNumber>(days_.size())) return nullptr;
    return &days_[static_cast<std::size_t>(d - base_)];
  }

 private:
  DayNumber base_ = 0;
  std::deque<DayTotals> days_;
};

// An order or ticket: the first day it was opened and the first it was closed.
struct Lifecycle {
  DayNumber opened = kNoDay, closed = kNoDay;
};

// Orders or tickets by id. Those of the snapshot the accumulator was loaded
// from stay in one array sorted by id (read without hashing or a node each:
// a day's events touch a few hundred of 150,000); ids seen since are in a
// hash map. save() writes them merged, sorted by id.
class Lifecycles {
 public:
  Lifecycle& operator[](std::string_view id) {
    const auto it = std::lower_bound(sorted_.begin(), sorted_.end(), id,
                                     [](const auto& entry, std::string_view key) { return entry.first < key; });
    if (it != sorted_.end() && it->first == id) return it->second;
    return added_[std::string(id)];
  }
  std::size_t size() const { return sorted_.size() + added_.size(); }
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [id, life] : sorted_) f(id, life);
    for (const auto& [id, life] : added_) f(id, life);
  }
  // Every entry, sorted by id.
  std::vector<std::pair<std::string_view, Lifecycle>> in_order() const {
    std::vector<std::pair<std::string_view, Lifecycle>> out;
    out.reserve(size());
    for_each([&](const std::string& id, const Lifecycle& life) { out.emplace_back(id, life); });
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
  }
  // The entries of a snapshot, which wrote them sorted by id.
  void load_sorted(std::vector<std::pair<std::string, Lifecycle>> entries) {
    sorted_ = std::move(entries);
    added_.clear();
  }

 private:
  std::vector<std::pair<std::string, Lifecycle>> sorted_;
  std::unordered_map<std::string, Lifecycle> added_;
};

// An invoice that went overdue: its overdue events (day, open balance) and
// the days it was paid.
struct InvoiceMoves {
  std::vector<std::pair<DayNumber, double>> overdue;
  std::vector<DayNumber> paid;
};

// A customer's history as churn reads it. Activity and purchase days are
// kept as sets (sorted and deduplicated whenever the buffer fills): a day
// counts once however many events fell on it.
struct CustomerSummary {
  DayNumber created = kNoDay;
  std::vector<DayNumber> activity, purchases, churns;  // churns: every customer_churned, duplicates kept
  std::vector<std::uint32_t> sources;
};

}  // namespace bre::state

namespace bre {

struct StateAccumulator::Data {
  int currency_digits = 2;
  std::int64_t events = 0;
  // The frame: the first day of business activity (customer records are
  // often back-dated), the first day of any event, the last day.
  DayNumber first = state::kNoDay, any_first = state::kNoDay, last = std::numeric_limits<DayNumber>::min();
  state::DayTable days;
  state::Lifecycles orders, tickets;
  std::unordered_map<std::string, DayNumber> posted;  // bill → first day posted
  std::vector<std::pair<DayNumber, std::string>> bill_payments;
  std::unordered_map<std::string, state::InvoiceMoves> overdue_invoices;
  Interner customer_ids, source_ids;
  std::vector<state::CustomerSummary> customers;  // by customer id
  std::vector<bool> churn_sources;                // by source id: has reported a churn
};

}  // namespace bre
