// `bre seed`: the operational side (canonical_v1 events): orders through a
// fulfilment queue of fixed daily capacity, inbound shipments and their
// delays, support tickets, reviews and churn. See docs/seed.md.
#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "seed_model.h"

namespace bre::seed {

namespace {

struct Order {
  std::string id;
  int customer = 0, vendor = 0;
  std::int64_t placed = 0;  // seconds
};

std::int64_t at(std::int64_t day, int second) { return day * 86400 + second; }

class Ops {
 public:
  explicit Ops(Company& c) : c_(c) {}

  void event(std::int64_t time, const char* type, const char* entity_type, std::string entity_id, int customer,
             int vendor, std::string order_id, std::string attributes = "{}") {
    OpsEvent e;
    e.time = time;
    e.type = type;
    e.entity_type = entity_type;
    e.entity_id = std::move(entity_id);
    if (customer >= 0) e.customer_id = c_.customers[static_cast<std::size_t>(customer)].id;
    if (vendor >= 0) e.vendor_id = c_.vendors[static_cast<std::size_t>(vendor)].id;
    e.order_id = std::move(order_id);
    e.attributes = std::move(attributes);
    if (time < at(c_.end + 1, 0)) c_.ops.push_back(std::move(e));
  }

  int customer(std::int64_t day, Rng& rng) const {
    std::vector<int> idx;
    std::vector<double> cum;
    double acc = 0;
    for (std::size_t i = 0; i < c_.customers.size(); ++i) {
      const Customer& cu = c_.customers[i];
      if (cu.created_day > day || cu.churn_day <= day) continue;
      idx.push_back(static_cast<int>(i));
      cum.push_back(acc += cu.weight);
    }
    return idx.empty() ? 0 : idx[rng.weighted(cum)];
  }

  void ticket(std::int64_t opened, int customer, Rng& rng, const char* reason) {
    const std::string id = fmt::format("TK-{:06}", ++tickets_);
    event(opened, "support_ticket_opened", "ticket", id, customer, -1, "",
          fmt::format(R"({{"category":"{}","channel":"{}"}})", reason, rng.chance(0.6) ? "email" : "phone"));
    const std::int64_t day = opened / 86400;
    double hours = rng.lognormal(18, 0.6);
    for (const ResolvedScenario* s : c_.all(ScenarioKind::support_failure)) {
      if (day >= s->day && day <= s->window_end) {
        // Resolution slows as the backlog builds: double at magnitude 1, growing through the window.
        hours *= 1.0 + s->magnitude * (0.5 + static_cast<double>(day - s->day) / 14.0);
        Rng cr(c_.options.seed, 400 + static_cast<std::uint64_t>(tickets_));
        if (cr.chance(std::min(0.9, 0.4 * s->magnitude)))
          churn(at(day + cr.integer(7, 10), static_cast<int>(cr.integer(9 * 3600, 17 * 3600))), customer, "support");
      }
    }
    const auto closed = opened + static_cast<std::int64_t>(hours * 3600);
    event(closed, "support_ticket_closed", "ticket", id, customer, -1, "",
          fmt::format(R"({{"resolution_time_hours":{:.1f}}})", static_cast<double>(closed - opened) / 3600.0));
  }

  void churn(std::int64_t time, int customer, const char* reason) {
    auto done = churned_[static_cast<std::size_t>(customer)];
    if (done) return;
    done = true;
    const std::string& id = c_.customers[static_cast<std::size_t>(customer)].id;
    event(time, "customer_churned", "customer", id, customer, -1, "", fmt::format(R"({{"reason":"{}"}})", reason));
  }

  void run();

 private:
  Company& c_;
  int tickets_ = 0;
  std::vector<bool> churned_;
};

void Ops::run() {
  churned_.assign(c_.customers.size(), false);
  Rng rng(c_.options.seed, 5);
  std::vector<double> supplier_cum;
  double acc = 0;
  for (const Vendor& v : c_.vendors)
    if (v.supplier) supplier_cum.push_back(acc += v.weight);
  // Daily order volume: weekly seasonality, trend, noise; capacity fixed at 112% of a late-period weekday.
  double fsum = 0;
  std::vector<double> f;
  for (std::int64_t d = c_.start; d <= c_.end; ++d) {
    const double trend = 1.0 + 0.15 * static_cast<double>(d - c_.start) / c_.options.days;
    f.push_back(weekday_factor(d) * trend * det_exp(0.10 * rng.normal()));
    fsum += f.back();
  }
  const double unit = c_.options.orders * c_.scale / fsum;
  const auto capacity = static_cast<std::int64_t>(unit * 1.15 * 1.12 + 0.5);
  std::deque<Order> queue;
  int orders = 0, shipments = 0;
  for (std::int64_t d = c_.start; d <= c_.end; ++d) {
    std::int64_t n = rng.poisson(unit * f[static_cast<std::size_t>(d - c_.start)]);
    for (const ResolvedScenario* s : c_.all(ScenarioKind::order_surge))
      if (d >= s->day && d <= s->window_end) {
        Rng sr(c_.options.seed, 300 + static_cast<std::uint64_t>(d));
        n += sr.poisson(s->magnitude * unit * f[static_cast<std::size_t>(d - c_.start)]);
      }
    std::vector<Order> today;
    for (std::int64_t k = 0; k < n; ++k) {
      Order o;
      o.id = fmt::format("SO-{:06}", ++orders);
      o.customer = customer(d, rng);
      o.vendor = static_cast<int>(rng.weighted(supplier_cum));
      o.placed = at(d, static_cast<int>(rng.integer(7 * 3600, 21 * 3600)));
      today.push_back(o);
    }
    std::sort(today.begin(), today.end(), [](const Order& a, const Order& b) { return a.placed < b.placed; });
    for (const Order& o : today) {
      event(o.placed, "order_placed", "order", o.id, o.customer, o.vendor, o.id,
            fmt::format(R"({{"channel":"{}","items":{}}})", rng.chance(0.7) ? "web" : "phone", rng.integer(1, 4)));
      queue.push_back(o);
    }
    // Fulfilment: first in, first out, up to the day's capacity (weekends half).
    const std::int64_t cap = weekday(d) < 5 ? capacity : capacity / 2;
    for (std::int64_t k = 0; k < cap && !queue.empty(); ++k) {
      const Order o = queue.front();
      queue.pop_front();
      const Vendor& v = c_.vendors[static_cast<std::size_t>(o.vendor)];
      std::int64_t delivered = d + rng.integer(1, 2);
      std::int64_t delay = rng.chance(v.reliability) ? 0 : rng.integer(1, 4);
      for (const ResolvedScenario* s : c_.all(ScenarioKind::supplier_delay))
        if (v.id == s->target && d >= s->day && d <= s->window_end)
          delay = std::max<std::int64_t>(delay, static_cast<std::int64_t>((3 + (d * 7 + k) % 4) * s->magnitude + 0.5));
      if (delay > 0) {
        const std::string sid = fmt::format("SH-{:06}", ++shipments);
        event(at(d, 10 * 3600 + static_cast<int>(k % 3600)), "shipment_delayed", "order", sid, -1, o.vendor, o.id,
              fmt::format(R"({{"days_delayed":{},"shipment_id":"{}"}})", delay, sid));
        delivered += delay;
      }
      const std::int64_t promised = o.placed / 86400 + 4;
      const std::int64_t when = at(delivered, static_cast<int>(rng.integer(9 * 3600, 18 * 3600)));
      const bool late = delivered > promised;
      if (late) {
        event(when, "order_late", "order", o.id, o.customer, o.vendor, o.id,
              fmt::format(R"({{"days_late":{},"promised_date":"{}"}})", delivered - promised, date_text(promised)));
        if (rng.chance(0.5)) ticket(at(promised + rng.integer(0, 1), static_cast<int>(rng.integer(8 * 3600, 18 * 3600))),
                                    o.customer, rng, "late_delivery");
      }
      event(when, "order_delivered", "order", o.id, o.customer, o.vendor, o.id,
            fmt::format(R"({{"days_to_deliver":{}}})", delivered - o.placed / 86400));
      if (rng.chance(0.3)) {
        const double u = rng.uniform();
        const int score = late ? (u < 0.3 ? 1 : u < 0.6 ? 2 : u < 0.85 ? 3 : u < 0.95 ? 4 : 5)
                               : (u < 0.02 ? 1 : u < 0.05 ? 2 : u < 0.15 ? 3 : u < 0.5 ? 4 : 5);
        event(when + rng.integer(1, 3) * 86400, "review_submitted", "order", o.id, o.customer, -1, o.id,
              fmt::format(R"({{"score":{}}})", score));
      }
    }
    // Supplier delay: the vendor's inbound restock shipments are held up too.
    for (const ResolvedScenario* s : c_.all(ScenarioKind::supplier_delay)) {
      if (d < s->day || d > s->window_end) continue;
      Rng sr(c_.options.seed, 500 + static_cast<std::uint64_t>(d));
      const std::int64_t extra = 2 + sr.poisson(3.0 * s->magnitude);
      for (std::int64_t k = 0; k < extra; ++k) {
        const std::string sid = fmt::format("SH-R{:06}", ++shipments);
        event(at(d, static_cast<int>(sr.integer(8 * 3600, 17 * 3600))), "shipment_delayed", "order", sid, -1, 0, "",
              fmt::format(R"({{"days_delayed":{},"shipment_id":"{}"}})", sr.integer(3, 8), sid));
      }
    }
    // Baseline support load, plus the extra inflow of a support failure.
    double tickets = 2.5 * weekday_factor(d);
    for (const ResolvedScenario* s : c_.all(ScenarioKind::support_failure))
      if (d >= s->day && d <= s->window_end) tickets *= 1.0 + 0.5 * s->magnitude;
    const std::int64_t nt = rng.poisson(tickets);
    for (std::int64_t k = 0; k < nt; ++k)
      ticket(at(d, static_cast<int>(rng.integer(8 * 3600, 19 * 3600))), customer(d, rng), rng,
             rng.chance(0.5) ? "question" : "product_issue");
  }
  for (std::size_t i = 0; i < c_.customers.size(); ++i)
    if (c_.customers[i].churn_day <= c_.end)
      churn(at(c_.customers[i].churn_day, 12 * 3600), static_cast<int>(i), "inactive");
}

}  // namespace

void build_operations(Company& c) {
  Ops(c).run();
  std::stable_sort(c.ops.begin(), c.ops.end(), [](const OpsEvent& a, const OpsEvent& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.type != b.type) return a.type < b.type;
    return a.entity_id < b.entity_id;
  });
}

}  // namespace bre::seed
