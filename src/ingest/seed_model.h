// Internals of `bre seed` (include/bre/ingest/seed.h): the portable random
// source, the company model and the three generation stages
// (seed_finance.cpp, seed_ops.cpp, seed_qbo.cpp).
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bre/ingest/seed.h"

namespace bre::seed {

// Every distribution is computed here from raw mt19937_64 output with plain
// IEEE arithmetic (no libm), so the stream is the same on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream) : engine_(seed * 0x9E3779B97F4A7C15ULL + stream * 0xD1B54A32D192ED03ULL + 1) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0); }  // [0,1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {  // inclusive
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(engine_() % span);
  }
  bool chance(double p) { return uniform() < p; }
  double normal();                      // Irwin-Hall: sum of 12 uniforms - 6
  double lognormal(double median, double sigma);
  std::int64_t poisson(double lambda);  // Knuth (with a portable exp), normal approximation above 60
  std::size_t weighted(const std::vector<double>& cumulative);  // index by cumulative weights

 private:
  std::mt19937_64 engine_;
};

double det_exp(double x);  // exp() from + - * / only
double det_log(double x);  // log() of x > 0 by Newton steps on det_exp

// expense_drift: its window, its random stream (apart from every other
// stream), and the factor on the normal expense level t days into the window:
// compounding daily, (1 + 0.4 M) on the last day.
inline constexpr std::int64_t kExpenseDriftDays = 21;
inline constexpr std::uint64_t kExpenseDriftStream = 0x4544'0000'0000ULL;
double expense_drift_factor(double magnitude, std::int64_t t);

using Cents = std::int64_t;

struct Customer {
  std::string id, name, email, company;
  std::int64_t created_day = 0;  // may be before the period
  int created_second = 0;        // second of that day
  int terms = 30;                // Net 15 / 30
  int profile = 0;               // 0 prompt, 1 slow, 2 delinquent
  double weight = 1.0;
  std::int64_t churn_day = INT64_MAX;
};

struct Vendor {
  std::string id, name, email;
  std::int64_t created_day = 0;
  double reliability = 0.95;  // share of shipments on time
  double weight = 1.0;
  bool supplier = false;      // ships goods (orders, POs) vs. services
  int terms = 30;
  std::string account_id, account;  // expense account of its bills
};

struct Item {
  std::string id, name, description, type, account_id, account, sku;
  Cents price = 0, cost = 0;
  int qty_on_hand = 0, reorder_point = 0;
  int vendor = 0;  // preferred supplier
};

struct Line {
  int item = -1;  // sales or item-based expense line; -1: account-based
  int qty = 1;
  Cents unit = 0, amount = 0;
  std::string description, account_id, account;
};

struct Txn {  // one QBO transaction of any type
  std::string type;  // Invoice, Payment, Bill, BillPayment, PurchaseOrder, RefundReceipt, CreditMemo
  std::int64_t day = 0;
  int second = 0;  // time of day the record was created
  int party = -1;  // customer or vendor index
  std::vector<Line> lines;
  Cents total = 0, balance = 0;
  std::int64_t due_day = 0;
  std::vector<int> links;  // Payment -> invoices, BillPayment -> bills, Invoice -> payment, Bill -> PO/payment
  std::int64_t updated_day = 0;
  int updated_second = 0;
  int sync = 0;
  std::string note, method;
  std::string id;  // assigned in date order once everything exists
  bool late_id = false;  // numbered after all the others (expense_drift's bills), so theirs stay as they were
};

struct OpsEvent {
  std::int64_t time = 0;  // seconds since epoch
  std::string type, entity_type, entity_id, customer_id, vendor_id, order_id;
  std::string attributes = "{}";
};

struct Company {
  Options options;
  std::int64_t start = 0, end = 0;  // inclusive days
  std::vector<Customer> customers;
  std::vector<Vendor> vendors;
  std::vector<Item> items;
  std::vector<Txn> txns;
  std::vector<OpsEvent> ops;
  std::vector<ResolvedScenario> scenarios;
  double scale = 1.0;  // days / 182

  const ResolvedScenario* scenario(ScenarioKind k) const {
    for (const auto& s : scenarios)
      if (s.kind == k) return &s;
    return nullptr;
  }
  std::vector<const ResolvedScenario*> all(ScenarioKind k) const {
    std::vector<const ResolvedScenario*> out;
    for (const auto& s : scenarios)
      if (s.kind == k) out.push_back(&s);
    return out;
  }
};

// Weekly seasonality: Monday..Friday 1, Saturday 0.45, Sunday 0.25.
double weekday_factor(std::int64_t day);
int weekday(std::int64_t day);  // 0 = Monday
std::string money(Cents c);     // 1234.50
std::string json_escape(const std::string& s);
std::string date_text(std::int64_t day);
std::string qbo_time(std::int64_t day, int second);  // 2026-03-04T09:15:00-08:00 (local wall time)

void build_reference(Company& c, Rng& rng);  // customers, vendors, items (seed_finance.cpp)
void build_finance(Company& c);              // invoices, payments, bills, refunds, POs
void build_operations(Company& c);           // orders, shipments, tickets, reviews, churn (seed_ops.cpp)
void assign_ids(Company& c);                 // transaction ids in date order (late_id ones last)
std::vector<File> qbo_pages(const Company& c);  // seed_qbo.cpp
File operations_file(const Company& c);

}  // namespace bre::seed
