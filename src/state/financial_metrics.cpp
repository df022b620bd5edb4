// Financial health metrics (design §4.2 D, cli.md §4a "Revenue and
// expenses", "Overdue", "Backlogs and cash"). Money is summed in minor units
// (exact in a double below 2^53) and scaled to currency units at the end.
#include <map>
#include <tuple>

#include "state_frame.h"

namespace bre::state {

namespace {

// One move of an overdue invoice: it goes (or stays) overdue with a balance,
// or it is paid.
struct InvoiceMove {
  DayNumber day;
  bool paid;
  const std::string* invoice;
  double balance;
  bool operator<(const InvoiceMove& o) const {
    return std::tie(day, paid, *invoice, balance) < std::tie(o.day, o.paid, *o.invoice, o.balance);
  }
};

// Open overdue balances at the end of each day: an invoice enters with its
// overdue event and leaves when it is paid; a later overdue event (a new due
// date) replaces its balance.
void ar_aging(const StateAccumulator::Data& in, const Frame& f, std::vector<double>& amount, std::vector<double>& count) {
  const DayNumber last = f.first + static_cast<DayNumber>(f.n) - 1;
  std::vector<InvoiceMove> moves;
  for (const auto& [invoice, m] : in.overdue_invoices) {
    for (auto [day, balance] : m.overdue)
      if (day <= last) moves.push_back({day, false, &invoice, balance});
    for (DayNumber day : m.paid)
      if (day <= last) moves.push_back({day, true, &invoice, 0.0});
  }
  // Same-day order must not depend on input order: overdue before paid, then by invoice and balance.
  std::sort(moves.begin(), moves.end());
  std::map<const std::string*, double> open;
  double total = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < f.n; ++i) {
    const DayNumber d = f.first + static_cast<DayNumber>(i);
    for (; next < moves.size() && moves[next].day <= d; ++next) {
      const InvoiceMove& e = moves[next];
      auto it = open.find(e.invoice);
      if (it != open.end()) {
        total -= it->second;
        open.erase(it);
      }
      if (!e.paid && !std::isnan(e.balance)) {
        open[e.invoice] = e.balance;
        total += e.balance;
      }
    }
    amount[i] = total;
    count[i] = static_cast<double>(open.size());
  }
}

// Days payable: for each bill a payment names, the days from its posting to
// the payment (an unknown bill, or one posted after the payment, is skipped).
void bills_paid(const StateAccumulator::Data& in, const Frame& f, std::vector<double>& days, std::vector<double>& count) {
  for (const auto& [day, bill] : in.bill_payments) {
    if (!f.contains(day)) continue;
    auto it = in.posted.find(bill);
    if (it == in.posted.end() || it->second > day) continue;
    days[f.at(day)] += static_cast<double>(day - it->second);
    count[f.at(day)] += 1;
  }
}

}  // namespace

void financial_metrics(const StateAccumulator::Data& in, const Frame& f, const StateWindows& w, Output& out) {
  const double scale = std::pow(10.0, in.currency_digits);
  const auto revenue = per_day(in.days, f, [](const DayTotals& t) { return t.revenue; });
  const auto expenses = per_day(in.days, f, [](const DayTotals& t) { return t.expenses; });
  const auto refunds = per_day(in.days, f, [](const DayTotals& t) { return t.refunds; });
  const auto paid = per_day(in.days, f, [](const DayTotals& t) { return t.invoices_paid; });
  const auto days_to_pay = per_day(in.days, f, [](const DayTotals& t) { return ordered_sum(t.days_to_pay); });
  std::vector<double> days_payable = f.zeros(), bills = f.zeros();
  bills_paid(in, f, days_payable, bills);
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
  out.emplace_back("dso_proxy", ratio(rolling_sum(days_to_pay, w.ratio_days), rolling_sum(paid, w.ratio_days)));
  out.emplace_back("ar_aging_amount", plain(aging, scale));
  out.emplace_back("ar_overdue_count", plain(overdue));
  out.emplace_back("dpo_proxy", ratio(rolling_sum(days_payable, w.ratio_days), rolling_sum(bills, w.ratio_days)));
}

}  // namespace bre::state
