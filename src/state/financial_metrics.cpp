// Financial health metrics (design §4.2 D, cli.md §4a "Revenue and
// expenses", "Overdue", "Backlogs and cash"). Money is summed in minor units
// (exact in a double below 2^53) and scaled to currency units at the end.
#include <map>
#include <tuple>

#include "state_frame.h"

namespace bre::state {

namespace {

// Open overdue balances at the end of each day: an invoice enters with its
// overdue event and leaves when it is paid; a later overdue event (a new due
// date) replaces its balance.
void ar_aging(const MetricEvents& in, const Frame& f, std::vector<double>& amount, std::vector<double>& count) {
  std::vector<const MetricEvent*> moves;
  for (const MetricEvent& e : in.events)
    if ((e.type == EventType::invoice_overdue || e.type == EventType::invoice_paid) && e.day <= f.first + static_cast<DayNumber>(f.n) - 1)
      moves.push_back(&e);
  // Same-day order must not depend on input order: overdue before paid, then by entity and value.
  std::sort(moves.begin(), moves.end(), [](const MetricEvent* a, const MetricEvent* b) {
    const bool ap = a->type == EventType::invoice_paid, bp = b->type == EventType::invoice_paid;
    return std::tie(a->day, ap, a->entity, a->value) < std::tie(b->day, bp, b->entity, b->value);
  });
  std::map<std::uint32_t, double> open;
  double total = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < f.n; ++i) {
    const DayNumber d = f.first + static_cast<DayNumber>(i);
    for (; next < moves.size() && moves[next]->day <= d; ++next) {
      const MetricEvent& e = *moves[next];
      auto it = open.find(e.entity);
      if (it != open.end()) {
        total -= it->second;
        open.erase(it);
      }
      if (e.type == EventType::invoice_overdue && !std::isnan(e.value)) {
        open[e.entity] = e.value;
        total += e.value;
      }
    }
    amount[i] = total;
    count[i] = static_cast<double>(open.size());
  }
}

}  // namespace

void financial_metrics(const MetricEvents& in, const Frame& f, const StateWindows& w, Output& out) {
  const double scale = std::pow(10.0, in.currency_digits);
  std::vector<double> revenue = f.zeros(), expenses = f.zeros(), refunds = f.zeros();
  std::vector<double> paid = f.zeros(), days_payable = f.zeros(), bills_paid = f.zeros();
  DaySums days_to_pay(f);
  std::map<std::uint32_t, DayNumber> posted;  // expense entity → day posted
  for (const MetricEvent& e : in.events)
    if (e.type == EventType::expense_posted) {
      auto [it, fresh] = posted.emplace(e.entity, e.day);
      if (!fresh) it->second = std::min(it->second, e.day);
    }
  for (const MetricEvent& e : in.events) {
    if (!f.contains(e.day)) continue;
    const std::size_t i = f.at(e.day);
    const auto amount = static_cast<double>(e.amount_minor);
    switch (e.type) {
      case EventType::payment_received: revenue[i] += amount; break;
      case EventType::expense_posted: expenses[i] += amount; break;
      case EventType::refund_issued:
      case EventType::credit_memo_issued: refunds[i] += amount; break;
      case EventType::invoice_paid:
        if (!std::isnan(e.value)) days_to_pay.add(i, e.value), paid[i] += 1;
        break;
      case EventType::expense_paid:
        for (std::uint32_t k = 0; k < e.link_count; ++k) {
          auto it = posted.find(in.links[e.first_link + k]);
          if (it == posted.end() || it->second > e.day) continue;  // unknown bill, or a look-ahead
          days_payable[i] += static_cast<double>(e.day - it->second);
          bills_paid[i] += 1;
        }
        break;
      default: break;
    }
  }
  const auto rev7 = rolling_sum(revenue, w.ratio_days), exp7 = rolling_sum(expenses, w.ratio_days),
             ref7 = rolling_sum(refunds, w.ratio_days);
  std::vector<double> net = f.zeros(), margin7 = f.zeros();
  for (std::size_t i = 0; i < f.n; ++i) {
    net[i] = revenue[i] - expenses[i] - refunds[i];
    margin7[i] = rev7[i] - exp7[i] - ref7[i];
  }
  std::vector<double> aging = f.zeros(), overdue = f.zeros();
  ar_aging(in, f, aging, overdue);

  out.emplace_back("daily_revenue", plain(revenue, scale));
  out.emplace_back("daily_expenses", plain(expenses, scale));
  out.emplace_back("daily_refunds", plain(refunds, scale));
  out.emplace_back("refund_rate", ratio(ref7, rev7));
  out.emplace_back("net_cash_proxy", plain(rolling_sum(net, w.cash_days), scale));
  out.emplace_back("expense_ratio", ratio(exp7, rev7));
  out.emplace_back("margin_proxy", ratio(margin7, rev7));
  out.emplace_back("dso_proxy", ratio(rolling_sum(days_to_pay.sums(), w.ratio_days), rolling_sum(paid, w.ratio_days)));
  out.emplace_back("ar_aging_amount", plain(aging, scale));
  out.emplace_back("ar_overdue_count", plain(overdue));
  out.emplace_back("dpo_proxy", ratio(rolling_sum(days_payable, w.ratio_days), rolling_sum(bills_paid, w.ratio_days)));
}

}  // namespace bre::state
