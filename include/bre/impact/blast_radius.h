// The blast radius of an incident (design component H): how many customers,
// orders, products and vendors its bad events touched, the money they carry,
// the refunds and churn they put at risk, graded against the business's
// trailing monthly revenue. Pure: the store (store/impact_store.h) reads the
// events and histories from the workspace; formulas in docs/blast-radius.md.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/state/metric_event.h"

namespace bre {

inline constexpr const char* kChurnModel = "recency_frequency_v1";
inline constexpr const char* kBlastRadiusVersion = "blast_radius_v1";

// One bad event, reduced to the entities it names. Empty ids are absent.
struct AffectedEvent {
  std::string event_id, event_type;
  DayNumber day = 0;
  std::string customer_id, order_id, invoice_id, vendor_id;
  std::vector<std::string> product_ids;
  std::int64_t amount_minor = 0;   // the event's own amount (refund, expense; open balance of an overdue invoice)
  std::int64_t overdue_minor = 0;  // invoice_overdue: the balance at the due date
};

// What the workspace knows about one customer, as of the incident.
struct CustomerHistory {
  std::int64_t paid_minor = 0;      // payments before the window start
  std::int64_t refunded_minor = 0;  // refunds and credit memos before the window start
  std::vector<DayNumber> purchase_days;  // days with an order or payment, up to the window end
  bool churned = false;                  // a customer_churned event up to the window end
};

struct BlastInput {
  std::string incident_id;  // a cascade: the ids joined by '+'
  std::vector<std::string> incident_ids;
  DayNumber window_start = 0, window_end = 0;
  std::vector<AffectedEvent> events;                   // duplicates (same event_id) count once
  std::map<std::string, std::int64_t> invoice_amounts;  // invoice_issued amount by invoice id
  std::map<std::string, std::int64_t> order_amounts;    // orders that carry an amount of their own
  std::map<std::string, CustomerHistory> customers;     // by customer id
  std::int64_t trailing_revenue_minor = 0;  // payments in the 30 days before the window start
  std::int64_t trailing_refunds_minor = 0;  // refunds in the 90 days before the window start
  std::int64_t trailing_paid_minor = 0;     // payments in the 90 days before the window start
  double fallback_gap_days = 30;  // the business-wide median gap between purchases
  std::vector<std::string> downstream_incidents;
  std::string currency = "USD";
  int minor_digits = 2;
};

// One affected customer's share and risk: enough to recompute the totals.
struct CustomerExposure {
  std::string customer_id;
  std::int64_t exposure_minor = 0;  // their affected invoices and orders
  double refund_rate = 0;
  bool own_refund_rate = false;        // false: the business-wide rate
  std::optional<std::int64_t> recency_days;  // since the last purchase, at the window end
  std::optional<double> expected_gap_days;   // their median gap, else the fallback
  bool churned = false;
  double churn_risk = 0.5;
};

struct BlastRadius {
  std::string incident_id;
  std::vector<std::string> incident_ids;
  DayNumber window_start = 0, window_end = 0;
  std::int64_t events_affected = 0;
  std::map<std::string, std::int64_t> events_by_type;
  std::int64_t customers_affected = 0, orders_affected = 0, products_affected = 0, vendors_involved = 0;
  std::int64_t invoices_affected = 0;
  std::int64_t orders_without_amount = 0;  // affected orders whose amount the data does not carry
  std::int64_t invoice_exposure_minor = 0, order_exposure_minor = 0, refunded_minor = 0;
  std::int64_t estimated_revenue_exposure_minor = 0;  // invoices + orders + refunds, each document once
  std::int64_t estimated_refund_exposure_minor = 0;
  std::int64_t overdue_amount_minor = 0;       // invoice_overdue: balances at the due date
  std::int64_t overdue_open_amount_minor = 0;  // ... still open as the data knows it
  std::int64_t expense_amount_minor = 0;       // expense_posted amounts
  double business_refund_rate = 0;
  std::int64_t estimated_churn_exposure = 0;
  double fallback_gap_days = 0;
  std::vector<std::string> downstream_incidents_triggered;
  std::int64_t trailing_revenue_minor = 0;
  std::optional<double> exposure_ratio;  // revenue exposure / trailing revenue; none without revenue
  std::string blast_radius_severity;
  std::vector<CustomerExposure> customers;  // by customer id
  std::string currency;
  int minor_digits = 2;
  std::string narrative;
};

// risk = r / (r + g): r days since the last purchase at the window end, g the
// customer's median gap between purchase days (the fallback with fewer than
// two). A churned customer is 1; one without purchases 0.5 (unknown).
double churn_risk(const CustomerHistory& h, DayNumber as_of, double fallback_gap_days,
                  std::optional<std::int64_t>* recency = nullptr, std::optional<double>* gap = nullptr);
// The median of the values (the mean of the middle two for an even count); none when empty.
std::optional<double> median_days(std::vector<DayNumber> values);
// The median gap in days between consecutive distinct days; none with fewer than two days.
std::optional<double> median_gap_days(std::vector<DayNumber> days);
// contained < 1 % <= significant < 5 % <= severe <= 15 % < catastrophic, of trailing revenue.
std::string blast_severity(std::int64_t exposure_minor, std::int64_t trailing_revenue_minor);

BlastRadius compute_blast_radius(const BlastInput& in);

// The stored and printed JSON: amounts in major units of the currency.
std::string blast_radius_json(const BlastRadius& b);
// "$18,400" (USD, whole units) or "18,400 EUR".
std::string format_money_rounded(std::int64_t minor, const std::string& currency, int minor_digits);

}  // namespace bre
