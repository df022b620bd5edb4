// The state builder's streaming half: events go in one at a time and only
// what the metrics need stays: per-day totals, and per entity the little the
// stock metrics read (an order's or ticket's first open and close day, an
// overdue invoice's moves, a bill's posting day, a customer's activity and
// purchase days). Memory grows with days and entities, not with events, so a
// state build never holds the event log (issue 7: 10^7 events under 1 GB).
// finish() gives the same DailyMetrics, bit for bit, as the formulas over
// every event at once; the order the events come in changes nothing, except
// that invoice_overdue events must all come before any invoice_paid event
// (a payment is kept only for an invoice known to have been overdue).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/state/daily_metrics.h"

namespace bre {

// One live event as the metrics read it; views into the caller's buffers,
// valid for the add() call only.
struct StateEvent {
  EventType type = EventType::order_placed;
  DayNumber day = 0;
  std::int64_t amount_minor = 0;  // 0 when the event carries no amount
  double value = std::numeric_limits<double>::quiet_NaN();  // see MetricEvent::value
  std::string_view entity, source;
  std::optional<std::string_view> customer;
  std::vector<std::string_view> bills;  // expense_paid: the bills it pays
};

// The strings a StateEvent's views point into when they had to be parsed
// out of JSON; reused from event to event.
struct StateEventText {
  std::string customer;
  std::vector<std::string> bills;
};

// One live event's stored fields (attributes and related ids as canonical
// JSON text), read as the metrics see it: its local day in `clock`'s zone,
// the measured attribute (NaN when missing or malformed), the customer.
StateEvent read_state_event(EventType type, TimeMs time, std::string_view entity_type, std::string_view entity_id,
                            std::string_view source, std::optional<std::int64_t> amount_minor,
                            std::string_view related_entity_ids, std::string_view attributes,
                            const BusinessTime& clock, int currency_digits, StateEventText& text);

class StateAccumulator {
 public:
  explicit StateAccumulator(int currency_digits = 2);
  ~StateAccumulator();
  StateAccumulator(StateAccumulator&&) noexcept;
  StateAccumulator& operator=(StateAccumulator&&) noexcept;

  void add(const StateEvent& e);
  // Whether `invoice` has had an invoice_overdue event; and, for one that
  // went overdue after the accumulator had seen its payments, a payment on
  // `day` (the rest of that invoice_paid event was counted already).
  bool knows_overdue(std::string_view invoice) const;
  void add_overdue_payment(std::string_view invoice, DayNumber day);
  std::int64_t events() const;
  // Days from the first event's day to `last_day` (default: the last event's day).
  DailyMetrics finish(const StateWindows& w = {}, std::optional<DayNumber> last_day = std::nullopt) const;

  // Everything the accumulator holds, as bytes (state_snapshot.cpp), so a
  // later build can go on from here with only the events added since.
  std::string save() const;
  static constexpr int kSnapshotFormat = 2;  // bumped whenever save()'s layout or Data changes
  // Throws Error(internal) on bytes save() did not write.
  static StateAccumulator load(std::string_view bytes);

  struct Data;

 private:
  std::unique_ptr<Data> d_;
};

}  // namespace bre
