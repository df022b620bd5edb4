// `bre seed`: invoices and their payments, bills and bill payments, purchase
// orders, refunds and credit memos. Each process draws from its own random
// stream, and scenario extras from theirs, so injecting a scenario leaves the
// baseline of every other process unchanged. See docs/seed.md.
#include <algorithm>

#include "seed_model.h"

namespace bre::seed {

namespace {

constexpr const char* kPayMethods[] = {"Check", "ACH", "Credit Card"};
constexpr const char* kRefundReasons[] = {"Damaged on delivery", "Returned unopened", "Service not completed",
                                          "Wrong item shipped", "Billing error", "Goodwill credit"};

// Day multiplier: weekly seasonality, a gentle upward trend, day-to-day noise.
std::vector<double> day_factors(const Company& c, Rng& rng, double weekend_scale) {
  std::vector<double> f;
  for (std::int64_t d = c.start; d <= c.end; ++d) {
    double w = weekday_factor(d);
    if (w < 1.0) w *= weekend_scale;
    const double trend = 1.0 + 0.15 * static_cast<double>(d - c.start) / c.options.days;
    f.push_back(w * trend * det_exp(0.12 * rng.normal()));
  }
  return f;
}

double per_unit(double total, const std::vector<double>& f) {
  double s = 0;
  for (double x : f) s += x;
  return total / s;
}

int random_time(Rng& rng) { return static_cast<int>(rng.integer(8 * 3600, 16 * 3600 + 3599)); }

std::vector<Line> sales_lines(const Company& c, Rng& rng) {
  std::vector<Line> lines;
  const int n = static_cast<int>(rng.integer(1, 3));
  for (int i = 0; i < n; ++i) {
    Line l;
    l.item = static_cast<int>(rng.integer(0, static_cast<std::int64_t>(c.items.size()) - 1));
    const Item& it = c.items[static_cast<std::size_t>(l.item)];
    l.qty = static_cast<int>(it.type == "Service" ? rng.integer(1, 4) : rng.integer(1, 12));
    l.unit = it.price;
    l.amount = l.unit * l.qty;
    l.description = it.description;
    lines.push_back(l);
  }
  return lines;
}

Cents sum(const std::vector<Line>& lines) {
  Cents t = 0;
  for (const Line& l : lines) t += l.amount;
  return t;
}

class ActiveCustomers {
 public:
  explicit ActiveCustomers(const Company& c) : c_(c) {}
  int pick(std::int64_t day, Rng& rng) {
    if (day != day_) {
      day_ = day;
      idx_.clear();
      cum_.clear();
      double acc = 0;
      for (std::size_t i = 0; i < c_.customers.size(); ++i) {
        const Customer& cu = c_.customers[i];
        if (cu.created_day > day || cu.churn_day <= day) continue;
        acc += cu.weight;
        idx_.push_back(static_cast<int>(i));
        cum_.push_back(acc);
      }
    }
    if (idx_.empty()) return 0;
    return idx_[rng.weighted(cum_)];
  }

 private:
  const Company& c_;
  std::int64_t day_ = INT64_MIN;
  std::vector<int> idx_;
  std::vector<double> cum_;
};

void add_invoice(Company& c, Rng& rng, int customer, std::int64_t day, std::vector<Line> lines, bool pays,
                 std::int64_t due_day) {
  const Customer& cu = c.customers[static_cast<std::size_t>(customer)];
  Txn inv;
  inv.type = "Invoice";
  inv.day = day;
  inv.second = random_time(rng);
  inv.party = customer;
  inv.lines = std::move(lines);
  inv.total = inv.balance = sum(inv.lines);
  inv.due_day = due_day;
  inv.updated_day = day;
  inv.updated_second = inv.second;
  std::int64_t pay_day = INT64_MAX;
  if (pays) {
    const double u = rng.uniform();
    const double on_time = cu.profile == 0 ? 0.92 : cu.profile == 1 ? 0.55 : 0.40;
    const double never = cu.profile == 2 ? 0.30 : 0.0;
    const std::int64_t terms = due_day - day;
    if (u < on_time) pay_day = day + rng.integer(terms / 4, terms);
    else if (u < 1.0 - never) pay_day = due_day + (cu.profile == 0 ? rng.integer(1, 10) : rng.integer(3, 45));
  }
  const auto inv_index = static_cast<int>(c.txns.size());
  c.txns.push_back(inv);
  if (pay_day > c.end) return;
  Txn pay;
  pay.type = "Payment";
  pay.day = pay_day;
  pay.second = random_time(rng);
  pay.party = customer;
  pay.total = c.txns.back().total;
  pay.links = {inv_index};
  pay.method = kPayMethods[rng.integer(0, 2)];
  pay.updated_day = pay_day;
  pay.updated_second = pay.second;
  const auto pay_index = static_cast<int>(c.txns.size());
  c.txns.push_back(pay);
  Txn& i = c.txns[static_cast<std::size_t>(inv_index)];
  i.balance = 0;
  i.sync = 1;
  i.links = {pay_index};
  i.updated_day = pay_day;
  i.updated_second = pay.second;
}

void invoices(Company& c) {
  Rng rng(c.options.seed, 2);
  const auto f = day_factors(c, rng, 1.0);
  const double unit = per_unit(c.options.invoices * c.scale, f);
  ActiveCustomers active(c);
  for (std::int64_t d = c.start; d <= c.end; ++d) {
    const std::int64_t n = rng.poisson(unit * f[static_cast<std::size_t>(d - c.start)]);
    for (std::int64_t k = 0; k < n; ++k) {
      const int cu = active.pick(d, rng);
      add_invoice(c, rng, cu, d, sales_lines(c, rng), true, d + c.customers[static_cast<std::size_t>(cu)].terms);
    }
  }
  // ar_aging: a batch of large Net 30 invoices that all fall due the day before the scenario date.
  for (const ResolvedScenario* s : c.all(ScenarioKind::ar_aging)) {
    Rng sr(c.options.seed, 100 + static_cast<std::uint64_t>(s->day));
    const int n = std::max(1, static_cast<int>(20 * s->magnitude + 0.5));
    for (int k = 0; k < n; ++k) {
      const std::int64_t issued = s->day - 31;
      const int cu = active.pick(issued, sr);
      Line l;
      l.item = 0;
      l.qty = static_cast<int>(sr.integer(16, 60));
      l.unit = c.items[0].price;
      l.amount = l.unit * l.qty;
      l.description = "Installation project, phase billing";
      add_invoice(c, sr, cu, issued, {l}, false, s->day - 1);
    }
  }
}

// A BillPayment by the due date (88 %), else 1-15 days late; none after the period.
void pay_bill(Company& c, Rng& rng, int bill_index) {
  const Txn b = c.txns[static_cast<std::size_t>(bill_index)];
  std::int64_t day = rng.chance(0.88) ? b.due_day - rng.integer(0, 7) : b.due_day + rng.integer(1, 15);
  day = std::max(day, b.day + 1);
  if (day > c.end) return;
  Txn p;
  p.type = "BillPayment";
  p.day = p.updated_day = day;
  p.second = p.updated_second = random_time(rng);
  p.party = b.party;
  p.total = b.total;
  p.links = {bill_index};
  p.method = rng.chance(0.6) ? "Check" : "CreditCard";
  const auto pi = static_cast<int>(c.txns.size());
  c.txns.push_back(p);
  Txn& bb = c.txns[static_cast<std::size_t>(bill_index)];
  bb.balance = 0;
  bb.sync = 1;
  bb.links.push_back(pi);
  bb.updated_day = day;
  bb.updated_second = p.second;
}

// A Bill on the vendor's terms (linked to its purchase order when po >= 0), and its payment.
void add_bill(Company& c, Rng& rng, int vendor, std::int64_t day, std::vector<Line> lines, int po) {
  const Vendor& v = c.vendors[static_cast<std::size_t>(vendor)];
  Txn b;
  b.type = "Bill";
  b.day = b.updated_day = day;
  b.second = b.updated_second = random_time(rng);
  b.party = vendor;
  b.lines = std::move(lines);
  b.total = b.balance = sum(b.lines);
  b.due_day = day + v.terms;
  if (po >= 0) b.links = {po};
  const auto bi = static_cast<int>(c.txns.size());
  c.txns.push_back(b);
  pay_bill(c, rng, bi);
}

// One account-based expense line at the vendor's own expense account.
Line service_line(const Vendor& v, Cents amount) {
  Line l;
  l.amount = amount;
  l.description = v.account;
  l.account_id = v.account_id;
  l.account = v.account;
  return l;
}

void bills(Company& c) {
  Rng rng(c.options.seed, 3);
  const auto f = day_factors(c, rng, 0.2);
  const double po_share = 0.15;
  const double unit = per_unit(c.options.bills * c.scale * (1 - po_share), f);
  std::vector<double> cum;
  double acc = 0;
  for (const Vendor& v : c.vendors) cum.push_back(acc += v.weight);
  auto goods_lines = [&](int vendor) {
    std::vector<Line> lines;
    for (std::size_t i = 0; i < c.items.size(); ++i) {
      const Item& it = c.items[i];
      if (it.type != "Inventory" || (it.vendor != vendor && !rng.chance(0.15))) continue;
      Line l;
      l.item = static_cast<int>(i);
      l.qty = static_cast<int>(rng.integer(2, 12)) * 5;
      l.unit = it.cost;
      l.amount = l.unit * l.qty;
      l.description = it.name + ", case";
      lines.push_back(l);
    }
    if (lines.empty()) {
      Line l;
      l.amount = static_cast<Cents>(rng.lognormal(400, 0.5) * 100);
      l.description = "Supplies";
      l.account_id = "80";
      l.account = "Cost of Goods Sold";
      lines.push_back(l);
    }
    return lines;
  };
  for (std::int64_t d = c.start; d <= c.end; ++d) {
    const std::int64_t n = rng.poisson(unit * f[static_cast<std::size_t>(d - c.start)]);
    for (std::int64_t k = 0; k < n; ++k) {
      const int vi = static_cast<int>(rng.weighted(cum));
      const Vendor& v = c.vendors[static_cast<std::size_t>(vi)];
      std::vector<Line> lines;
      if (v.supplier && vi < 4) {
        lines = goods_lines(vi);
      } else {
        lines.push_back(service_line(v, static_cast<Cents>(rng.lognormal(v.supplier ? 350 : 220, 0.7) * 100)));
      }
      add_bill(c, rng, vi, d, std::move(lines), -1);
    }
    // Purchase orders to the four stocking suppliers, billed on receipt.
    if (weekday(d) < 5 && rng.chance(c.options.bills * po_share / 182.0 / (5.0 / 7.0) * 0.95)) {
      const int vi = static_cast<int>(rng.integer(0, 3));
      Txn po;
      po.type = "PurchaseOrder";
      po.day = po.updated_day = d;
      po.second = po.updated_second = random_time(rng);
      po.party = vi;
      po.lines = goods_lines(vi);
      po.total = sum(po.lines);
      const double rel = c.vendors[static_cast<std::size_t>(vi)].reliability;
      po.due_day = d + 7;
      const std::int64_t received = d + rng.integer(4, 7) + (rng.chance(rel) ? 0 : rng.integer(2, 8));
      const auto poi = static_cast<int>(c.txns.size());
      c.txns.push_back(po);
      if (received <= c.end) {
        c.txns[static_cast<std::size_t>(poi)].note = "Closed";
        c.txns[static_cast<std::size_t>(poi)].sync = 1;
        c.txns[static_cast<std::size_t>(poi)].updated_day = received;
        const auto lines = c.txns[static_cast<std::size_t>(poi)].lines;
        const auto bill_index = static_cast<int>(c.txns.size());
        add_bill(c, rng, vi, received, lines, poi);
        c.txns[static_cast<std::size_t>(poi)].links = {bill_index};
      } else {
        c.txns[static_cast<std::size_t>(poi)].note = "Open";
      }
    }
  }
}

void refund(Company& c, Rng& rng, std::int64_t d, const std::vector<int>& recent) {
  if (recent.empty()) return;
  const Txn& inv = c.txns[static_cast<std::size_t>(recent[rng.integer(0, static_cast<std::int64_t>(recent.size()) - 1)])];
  Txn r;
  r.type = rng.chance(0.6) ? "RefundReceipt" : "CreditMemo";
  r.day = r.updated_day = d;
  r.second = r.updated_second = random_time(rng);
  r.party = inv.party;
  Line l = inv.lines[static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(inv.lines.size()) - 1))];
  l.qty = static_cast<int>(rng.integer(1, l.qty));
  l.amount = l.unit * l.qty;
  l.description = "Refund: " + l.description;
  r.lines = {l};
  r.total = l.amount;
  r.balance = r.type == "CreditMemo" ? r.total : 0;
  r.note = kRefundReasons[rng.integer(0, 5)];
  r.method = kPayMethods[rng.integer(0, 2)];
  c.txns.push_back(r);
}

void refunds(Company& c) {
  Rng rng(c.options.seed, 4);
  const auto f = day_factors(c, rng, 1.0);
  // A slowly wandering quality level clusters refunds in time.
  std::vector<double> g;
  double q = 0;
  for (double x : f) {
    q = 0.8 * q + 0.35 * rng.normal();
    g.push_back(x * det_exp(q));
  }
  const double unit = per_unit(c.options.refunds * c.scale, g);
  std::vector<int> invoice_index;
  for (std::size_t i = 0; i < c.txns.size(); ++i)
    if (c.txns[i].type == "Invoice") invoice_index.push_back(static_cast<int>(i));
  auto recent = [&](std::int64_t d) {
    std::vector<int> out;
    for (int i : invoice_index) {
      const Txn& t = c.txns[static_cast<std::size_t>(i)];
      if (t.day <= d && t.day >= d - 60) out.push_back(i);
    }
    return out;
  };
  for (std::int64_t d = c.start + 7; d <= c.end; ++d) {
    const double lambda = unit * g[static_cast<std::size_t>(d - c.start)];
    const std::int64_t n = rng.poisson(lambda);
    const auto pool = recent(d);
    for (std::int64_t k = 0; k < n; ++k) refund(c, rng, d, pool);
    for (const ResolvedScenario* s : c.all(ScenarioKind::refund_spike)) {
      if (d < s->day || d > s->window_end) continue;
      // Twice the typical weekday rate more (about 3x in all at magnitude 1), on every day of the window.
      Rng sr(c.options.seed, 200 + static_cast<std::uint64_t>(d));
      const std::int64_t extra = sr.poisson(2.0 * s->magnitude * unit * 1.1);
      for (std::int64_t k = 0; k < extra; ++k) refund(c, sr, d, pool);
    }
  }
}

// expense_drift: from the scenario date the company's costs compound upward,
// to (1 + 0.4 M) times their normal level on the window's last day. The extra
// is billed by one service vendor (the scenario's target) as one bill each
// weekday, sized on the normal level: the expenses of the 28 days before the
// date (which the scenario does not touch) per weekday in them, so five extra
// bills add the factor's excess to a week's expenses. Its own stream, and
// ids after all the others, so every other object stays byte for byte as it was.
void expense_drift(Company& c) {
  const std::size_t first_extra = c.txns.size();
  for (const ResolvedScenario* s : c.all(ScenarioKind::expense_drift)) {
    Rng sr(c.options.seed, kExpenseDriftStream + static_cast<std::uint64_t>(s->day));
    const std::int64_t from = std::max(c.start, s->day - 28);
    Cents before = 0;
    int weekdays = 0;
    for (const Txn& t : c.txns)
      if (t.type == "Bill" && t.day >= from && t.day < s->day) before += t.total;
    for (std::int64_t d = from; d < s->day; ++d) weekdays += weekday(d) < 5 ? 1 : 0;
    const double level = static_cast<double>(before) / std::max(1, weekdays);
    int vendor = -1;
    for (std::size_t i = 0; i < c.vendors.size(); ++i)
      if (c.vendors[i].id == s->target) vendor = static_cast<int>(i);
    for (std::int64_t d = s->day; d <= s->window_end; ++d) {
      if (weekday(d) >= 5) continue;
      const double extra = level * (expense_drift_factor(s->magnitude, d - s->day) - 1.0) * sr.lognormal(1.0, 0.1);
      const Vendor& v = c.vendors[static_cast<std::size_t>(vendor)];
      add_bill(c, sr, vendor, d, {service_line(v, static_cast<Cents>(extra + 0.5))}, -1);
    }
  }
  for (std::size_t i = first_extra; i < c.txns.size(); ++i) c.txns[i].late_id = true;
}

}  // namespace

double expense_drift_factor(double magnitude, std::int64_t t) {
  return det_exp(det_log(1.0 + 0.4 * magnitude) * static_cast<double>(t + 1) / kExpenseDriftDays);
}

void build_finance(Company& c) {
  invoices(c);
  bills(c);
  refunds(c);
  expense_drift(c);
}

}  // namespace bre::seed
