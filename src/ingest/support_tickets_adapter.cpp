// support_tickets: the Kaggle "customer support ticket" export (17 columns,
// synthetic). The file has no ticket creation time, so the first response is
// the best available proxy for "opened"; docs/mappings/support_tickets.md
// lists every column, derived value and assumption.
#include <cctype>
#include <cmath>
#include <fmt/format.h>

#include "adapter_support.h"
#include "bre/core/json_text.h"
#include "bre/ingest/dates.h"

namespace bre {

namespace {

using namespace adapter_support;

constexpr std::string_view kTicketsSource = "support_tickets";
constexpr std::string_view kTicketsKind = "tickets";

constexpr std::string_view kTicketId = "Ticket ID";
constexpr std::string_view kCustomerName = "Customer Name";
constexpr std::string_view kCustomerEmail = "Customer Email";
constexpr std::string_view kProduct = "Product Purchased";
constexpr std::string_view kPurchaseDate = "Date of Purchase";
constexpr std::string_view kType = "Ticket Type";
constexpr std::string_view kSubject = "Ticket Subject";
constexpr std::string_view kStatus = "Ticket Status";
constexpr std::string_view kPriority = "Ticket Priority";
constexpr std::string_view kChannel = "Ticket Channel";
constexpr std::string_view kFirstResponse = "First Response Time";
constexpr std::string_view kResolvedAt = "Time to Resolution";
constexpr std::string_view kSatisfaction = "Customer Satisfaction Rating";

constexpr std::string_view kClosed = "Closed";

std::string ticket_entity_id(std::string_view id) { return fmt::format("{}:ticket:{}", kTicketsSource, id); }

std::string customer_entity_id(std::string_view email) {
  std::string key(trim(email));
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return fmt::format("{}:customer:{}", kTicketsSource, short_hash(key));
}

std::string product_entity_id(std::string_view product) { return fmt::format("{}:product:{}", kTicketsSource, slug(product)); }

// What one row says, once its values have been checked.
struct Ticket {
  std::string id;
  std::string status;
  std::optional<TimeMs> first_response;
  std::optional<TimeMs> resolved_at;
  std::optional<TimeMs> purchased_on;
  std::optional<std::int64_t> satisfaction;
};

class SupportTicketsAdapter final : public Adapter {
 public:
  std::string_view source() const override { return kTicketsSource; }
  int mapping_version() const override { return 1; }

  std::string classify(const std::vector<std::string>& header) const override {
    const bool all = has_columns(header, {kTicketId, kCustomerName, kCustomerEmail, "Customer Age", "Customer Gender",
                                          kProduct, kPurchaseDate, kType, kSubject, "Ticket Description", kStatus,
                                          "Resolution", kPriority, kChannel, kFirstResponse, kResolvedAt,
                                          kSatisfaction});
    return all ? std::string(kTicketsKind) : std::string();
  }

  void map(const std::vector<SourceRecord>& records, const AdapterOptions& /*options*/, MapContext& ctx) const override {
    FirstSeen ids;
    EntitySink entities(ctx);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const SourceRecord& r = records[i];
      if (r.kind != kTicketsKind) {
        ctx.reject(i, "", "not a support ticket record (the file's header was not recognised)");
        continue;
      }
      if (auto t = check(r, i, ids, ctx)) emit(r, i, *t, entities, ctx);
    }
  }

 private:
  // Rejects the record (and returns nothing) when a value it needs is unusable.
  static std::optional<Ticket> check(const SourceRecord& r, std::size_t i, FirstSeen& ids, MapContext& ctx) {
    auto refuse = [&](std::string_view column, std::string reason) {
      ctx.reject(i, std::string(column), std::move(reason));
      return std::nullopt;
    };
    Ticket t;
    t.id = std::string(trim(r.get(kTicketId)));
    if (t.id.empty()) return refuse(kTicketId, "missing");
    if (auto first = ids.repeat_of(t.id, r.line))
      return refuse(kTicketId, fmt::format("duplicate ticket id '{}' (first on line {})", t.id, *first));
    t.status = std::string(trim(r.get(kStatus)));
    if (t.status != "Open" && t.status != "Pending Customer Response" && t.status != kClosed)
      return refuse(kStatus,
                    fmt::format("unknown status '{}' (expected Open, Pending Customer Response or Closed)", t.status));
    for (auto [column, out] : {std::pair{kFirstResponse, &t.first_response}, std::pair{kResolvedAt, &t.resolved_at}}) {
      std::string_view text = trim(r.get(column));
      if (text.empty()) continue;
      *out = parse_naive_date_time(text);
      if (!*out) return refuse(column, fmt::format("'{}' is not a date-time (YYYY-MM-DD HH:MM:SS)", text));
    }
    if (std::string_view text = trim(r.get(kSatisfaction)); !text.empty()) {
      t.satisfaction = parse_integral(text);
      if (!t.satisfaction || *t.satisfaction < 1 || *t.satisfaction > 5)
        return refuse(kSatisfaction, fmt::format("'{}' is not a rating from 1 to 5", text));
    }
    if (!t.first_response) {
      // The purchase date is then the only date the ticket has; it is a lower bound on its creation.
      std::string_view purchased = trim(r.get(kPurchaseDate));
      t.purchased_on = parse_naive_date_time(purchased);
      if (!t.purchased_on)
        return refuse(kFirstResponse, fmt::format("missing, and Date of Purchase '{}' is not a date either: "
                                                  "the ticket cannot be dated", purchased));
      if (t.status == kClosed && t.resolved_at)
        return refuse(kFirstResponse, "missing on a closed ticket: its resolution time cannot be measured");
    }
    return t;
  }

  void emit(const SourceRecord& r, std::size_t i, const Ticket& t, EntitySink& entities, MapContext& ctx) const {
    std::vector<std::string> row_flags;
    std::string customer_id, product_id;
    if (std::string_view email = trim(r.get(kCustomerEmail)); !email.empty()) {
      customer_id = customer_entity_id(email);
      std::string_view name = trim(r.get(kCustomerName));
      entities.add({"customer", customer_id, std::string(name.empty() ? std::string_view(customer_id) : name), "", "{}"});
    } else {
      add_flag(row_flags, "missing:customer_email");
    }
    std::string_view product = trim(r.get(kProduct));
    if (!product.empty()) {
      product_id = product_entity_id(product);
      entities.add({"product", product_id, std::string(product), "", "{}"});
    }
    JsonObjectWriter related;
    if (!customer_id.empty()) related.string("customer_id", customer_id);
    if (!product_id.empty()) related.raw("product_ids", json_string_array({product_id}));

    const TimeMs opened_at = t.first_response ? *t.first_response : *t.purchased_on;
    CanonicalEvent opened = make_event(*this, EventType::support_ticket_opened, t.id, EntityType::ticket,
                                       ticket_entity_id(t.id), opened_at);
    opened.related_entity_ids = related.str();
    opened.data_quality_flags = row_flags;
    add_flag(opened.data_quality_flags, "imputed:event_time");
    if (!t.first_response) add_flag(opened.data_quality_flags, "missing:first_response_time");
    JsonObjectWriter attrs;
    auto text = [&](std::string_view key, std::string_view column) {
      std::string_view v = trim(r.get(column));
      if (v.empty()) add_flag(opened.data_quality_flags, fmt::format("missing:{}", key));
      else attrs.string(key, v);
    };
    text("category", kType);
    text("priority", kPriority);
    text("channel", kChannel);
    text("subject", kSubject);
    text("product", kProduct);
    attrs.string("status", t.status);
    attrs.string("opened_at_basis", t.first_response ? "first_response_time" : "date_of_purchase");

    const bool closed = t.status == kClosed;
    if (closed && !t.resolved_at) add_flag(opened.data_quality_flags, "missing:time_to_resolution");
    if (!closed && t.resolved_at) add_flag(opened.data_quality_flags, "inconsistent:resolved_but_not_closed");
    opened.attributes = attrs.str();
    ctx.emit(std::move(opened), i);

    if (closed && t.resolved_at) emit_closed(i, t, related.str(), row_flags, ctx);
  }

  void emit_closed(std::size_t i, const Ticket& t, std::string related, std::vector<std::string> flags,
                   MapContext& ctx) const {
    // check() guarantees a first response for a closed ticket with a resolution time.
    const TimeMs opened_at = *t.first_response;
    // Clamped so a ticket never closes before it opened; the source's value is kept beside it.
    const bool before_response = *t.resolved_at < opened_at;
    const TimeMs closed_at = before_response ? opened_at : *t.resolved_at;
    const double hours = static_cast<double>(closed_at - opened_at) / 3'600'000.0;
    JsonObjectWriter attrs;
    attrs.number("resolution_time_hours", std::round(hours * 10'000.0) / 10'000.0);
    attrs.string("resolution_measured_from", "first_response_time");
    if (t.satisfaction) attrs.integer("satisfaction_score", *t.satisfaction);
    else add_flag(flags, "missing:satisfaction_score");
    if (before_response) {
      add_flag(flags, "inconsistent:resolved_before_first_response");
      attrs.string("source_resolved_at", format_iso8601(*t.resolved_at));
    }

    CanonicalEvent e = make_event(*this, EventType::support_ticket_closed, t.id, EntityType::ticket,
                                  ticket_entity_id(t.id), closed_at);
    e.related_entity_ids = std::move(related);
    e.attributes = attrs.str();
    e.data_quality_flags = std::move(flags);
    ctx.emit(std::move(e), i);
  }
};

}  // namespace

std::unique_ptr<Adapter> make_support_tickets_adapter() { return std::make_unique<SupportTicketsAdapter>(); }

}  // namespace bre
