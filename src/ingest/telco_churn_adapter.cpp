// telco_churn: IBM's Telco Customer Churn snapshot (one row per customer, no
// dates at all). Every event time is imputed from the snapshot date the user
// gives (--as-of); docs/mappings/telco_churn.md explains each derivation.
#include <fmt/format.h>

#include "adapter_support.h"
#include "bre/core/json_text.h"
#include "bre/ingest/dates.h"

namespace bre {

namespace {

using namespace adapter_support;

constexpr std::string_view kTelcoSource = "telco_churn";
constexpr std::string_view kTelcoKind = "customers";

constexpr std::string_view kCustomerId = "customerID";
constexpr std::string_view kTenure = "tenure";
constexpr std::string_view kInternet = "InternetService";
constexpr std::string_view kContract = "Contract";
constexpr std::string_view kPayment = "PaymentMethod";
constexpr std::string_view kMonthly = "MonthlyCharges";
constexpr std::string_view kTotal = "TotalCharges";
constexpr std::string_view kChurn = "Churn";

// IBM: churn means "left within the last month"; the churn day is spread over
// the 30 days ending on the snapshot day so a trailing 30-day window at the
// snapshot sees every churner.
constexpr std::uint64_t kChurnWindowDays = 30;
// 100 years: beyond this the imputed start date leaves any plausible range.
constexpr std::int64_t kMaxTenureMonths = 1200;

struct Customer {
  std::string id;
  std::int64_t tenure = 0;
  std::int64_t monthly_minor = 0;
  std::optional<std::int64_t> total_minor;
  bool total_imputed = false;
  bool churned = false;
};

class TelcoChurnAdapter final : public Adapter {
 public:
  std::string_view source() const override { return kTelcoSource; }
  int mapping_version() const override { return 1; }

  std::string classify(const std::vector<std::string>& header) const override {
    const bool all = has_columns(
        header, {kCustomerId, "gender", "SeniorCitizen", "Partner", "Dependents", kTenure, "PhoneService",
                 "MultipleLines", kInternet, "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
                 "StreamingTV", "StreamingMovies", kContract, "PaperlessBilling", kPayment, kMonthly, kTotal, kChurn});
    return all ? std::string(kTelcoKind) : std::string();
  }

  void map(const std::vector<SourceRecord>& records, const AdapterOptions& options, MapContext& ctx) const override {
    // A missing snapshot date is the caller's mistake, not the data's: no row can be dated without it.
    if (!options.as_of)
      throw Error(ErrorKind::usage, "AS_OF_REQUIRED",
                  "telco_churn data has no dates: give the day the snapshot was taken with --as-of DATE "
                  "(e.g. --as-of 2018-02-01)");
    FirstSeen ids;
    EntitySink entities(ctx);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const SourceRecord& r = records[i];
      if (r.kind != kTelcoKind) {
        ctx.reject(i, "", "not a Telco churn record (the file's header was not recognised)");
        continue;
      }
      if (auto c = check(r, i, ids, ctx)) emit(r, i, *c, *options.as_of, entities, ctx);
    }
  }

 private:
  static std::optional<Customer> check(const SourceRecord& r, std::size_t i, FirstSeen& ids, MapContext& ctx) {
    auto refuse = [&](std::string_view column, std::string reason) {
      ctx.reject(i, std::string(column), std::move(reason));
      return std::nullopt;
    };
    Customer c;
    c.id = std::string(trim(r.get(kCustomerId)));
    if (c.id.empty()) return refuse(kCustomerId, "missing");
    if (auto first = ids.repeat_of(c.id, r.line))
      return refuse(kCustomerId, fmt::format("duplicate customer id '{}' (first on line {})", c.id, *first));

    std::string_view tenure = trim(r.get(kTenure));
    auto months = parse_integral(tenure);
    if (!months || *months < 0 || *months > kMaxTenureMonths)
      return refuse(kTenure, fmt::format("'{}' is not a whole number of months from 0 to {}", tenure, kMaxTenureMonths));
    c.tenure = *months;

    std::string_view monthly = trim(r.get(kMonthly));
    DecimalParse m = parse_decimal_minor(monthly, 2);
    if (!m.minor || *m.minor < 0)
      return refuse(kMonthly, fmt::format("'{}' is not a non-negative amount ({})", monthly, m.minor ? "negative" : m.error));
    c.monthly_minor = *m.minor;

    // IBM writes a single space for customers who have not been billed yet (tenure 0).
    std::string_view total = trim(r.get(kTotal));
    if (total.empty()) {
      if (c.tenure == 0) {
        c.total_minor = 0;
        c.total_imputed = true;
      }
    } else {
      DecimalParse t = parse_decimal_minor(total, 2);
      if (!t.minor || *t.minor < 0)
        return refuse(kTotal, fmt::format("'{}' is not a non-negative amount ({})", total, t.minor ? "negative" : t.error));
      c.total_minor = *t.minor;
    }

    std::string_view churn = trim(r.get(kChurn));
    if (churn != "Yes" && churn != "No") return refuse(kChurn, fmt::format("'{}' is not Yes or No", churn));
    c.churned = churn == "Yes";
    return c;
  }

  void emit(const SourceRecord& r, std::size_t i, const Customer& c, TimeMs as_of, EntitySink& entities,
            MapContext& ctx) const {
    const std::string entity_id = fmt::format("{}:customer:{}", kTelcoSource, c.id);
    std::string_view contract_type = trim(r.get(kContract));
    entities.add({"customer", entity_id, c.id, std::string(contract_type), "{}"});

    std::vector<std::string> flags{"imputed:event_time"};
    JsonObjectWriter attrs;
    attrs.integer("tenure", c.tenure);
    auto text = [&](std::string_view key, std::string_view value) {
      if (value.empty()) add_flag(flags, fmt::format("missing:{}", key));
      else attrs.string(key, value);
    };
    text("contract_type", contract_type);
    attrs.raw("monthly_charges", format_minor(c.monthly_minor, 2));
    if (c.total_minor) attrs.raw("total_charges", format_minor(*c.total_minor, 2));
    if (c.total_imputed) add_flag(flags, "imputed:total_charges");
    if (!c.total_minor) add_flag(flags, "missing:total_charges");
    attrs.string("churn_label", c.churned ? "Yes" : "No");
    text("payment_method", trim(r.get(kPayment)));
    text("internet_service", trim(r.get(kInternet)));
    attrs.string("snapshot_as_of", format_date(as_of));
    const std::string attributes = attrs.str();

    const TimeMs created_at = add_calendar_months(as_of, -static_cast<int>(c.tenure));
    CanonicalEvent created =
        make_event(*this, EventType::customer_created, c.id, EntityType::customer, entity_id, created_at);
    created.attributes = attributes;
    created.data_quality_flags = flags;
    ctx.emit(std::move(created), i);

    if (!c.churned) return;
    const auto offset_days = static_cast<TimeMs>(hash_u64(c.id) % kChurnWindowDays);
    TimeMs churned_at = as_of - offset_days * kMsPerDay;
    if (churned_at < created_at) {
      // Only possible for very short tenures; a customer cannot leave before joining.
      churned_at = created_at;
      add_flag(flags, "inconsistent:churned_before_created");
    }
    CanonicalEvent churned =
        make_event(*this, EventType::customer_churned, c.id, EntityType::customer, entity_id, churned_at);
    churned.attributes = attributes;
    churned.data_quality_flags = std::move(flags);
    ctx.emit(std::move(churned), i);
  }
};

}  // namespace

std::unique_ptr<Adapter> make_telco_churn_adapter() { return std::make_unique<TelcoChurnAdapter>(); }

}  // namespace bre
