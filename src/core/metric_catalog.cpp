#include "bre/core/metric_catalog.h"

#include <array>

namespace bre {

namespace {

using E = EventType;
using D = Domain;
constexpr E kRevenue[] = {E::payment_received};
constexpr E kExpenses[] = {E::expense_posted};
constexpr E kRefunds[] = {E::refund_issued, E::credit_memo_issued};
constexpr E kRefundRate[] = {E::refund_issued, E::credit_memo_issued, E::payment_received};
constexpr E kCash[] = {E::payment_received, E::expense_posted, E::refund_issued, E::credit_memo_issued};
constexpr E kExpenseRatio[] = {E::expense_posted, E::payment_received};
constexpr E kDso[] = {E::invoice_paid};
constexpr E kOverdue[] = {E::invoice_overdue, E::invoice_paid, E::payment_received};
constexpr E kDpo[] = {E::expense_posted, E::expense_paid};
constexpr E kOrders[] = {E::order_placed};
constexpr E kDelivered[] = {E::order_delivered};
constexpr E kLate[] = {E::order_late};
constexpr E kDelayRate[] = {E::order_late, E::order_delivered};
constexpr E kBacklog[] = {E::order_placed, E::order_delivered};
constexpr E kSupplierRate[] = {E::shipment_delayed, E::purchase_order_placed};
constexpr E kSupplierSeverity[] = {E::shipment_delayed};
constexpr E kTicketsOpened[] = {E::support_ticket_opened};
constexpr E kTicketsClosed[] = {E::support_ticket_closed};
constexpr E kTicketBacklog[] = {E::support_ticket_opened, E::support_ticket_closed};
constexpr E kReviews[] = {E::review_submitted};
constexpr E kChurn[] = {E::customer_churned, E::payment_received, E::order_placed, E::invoice_issued};

constexpr std::array<MetricInfo, 27> kCatalog = {{
    {"daily_revenue", D::financial, "currency", kRevenue},
    {"daily_expenses", D::financial, "currency", kExpenses},
    {"daily_refunds", D::financial, "currency", kRefunds},
    {"refund_rate", D::financial, "ratio", kRefundRate},
    {"net_cash_proxy", D::financial, "currency", kCash},
    {"expense_ratio", D::financial, "ratio", kExpenseRatio},
    {"margin_proxy", D::financial, "ratio", kCash},
    {"dso_proxy", D::financial, "days", kDso},
    {"ar_aging_amount", D::financial, "currency", kOverdue},
    {"ar_overdue_count", D::financial, "count", kOverdue},
    {"dpo_proxy", D::financial, "days", kDpo},
    {"order_volume", D::operational, "count", kOrders},
    {"delivery_count", D::operational, "count", kDelivered},
    {"late_delivery_count", D::operational, "count", kLate},
    {"delivery_delay_rate", D::operational, "ratio", kDelayRate},
    {"fulfillment_backlog", D::operational, "count", kBacklog},
    {"avg_delivery_delay_days", D::operational, "days", kLate},
    {"supplier_delay_rate", D::operational, "ratio", kSupplierRate},
    {"supplier_delay_severity", D::operational, "days", kSupplierSeverity},
    {"ticket_volume", D::customer, "count", kTicketsOpened},
    {"ticket_close_volume", D::customer, "count", kTicketsClosed},
    {"ticket_backlog", D::customer, "count", kTicketBacklog},
    {"avg_resolution_time", D::customer, "hours", kTicketsClosed},
    {"review_score_avg", D::customer, "score", kReviews},
    {"review_score_trend", D::customer, "score/day", kReviews},
    {"churn_proxy", D::customer, "ratio", kChurn},
    {"customer_concentration", D::customer, "ratio", kRevenue},
}};

}  // namespace

std::span<const MetricInfo> metric_catalog() { return kCatalog; }

const MetricInfo* find_metric(std::string_view name) {
  for (const MetricInfo& m : kCatalog)
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string_view> metrics_fed_by(EventType t) {
  std::vector<std::string_view> out;
  for (const MetricInfo& m : kCatalog)
    for (EventType in : m.inputs)
      if (in == t) {
        out.push_back(m.name);
        break;
      }
  return out;
}

}  // namespace bre
