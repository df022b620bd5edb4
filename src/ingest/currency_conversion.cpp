#include "bre/ingest/currency_conversion.h"

#include <algorithm>
#include <limits>
#include <array>
#include <fmt/format.h>

#include "bre/core/json_text.h"
#include "bre/core/money.h"
#include "bre/store/workspace.h"

namespace bre {

namespace {

// Keys the conversion itself writes: an input's own values under these names
// would contradict them, so they are replaced.
constexpr std::array<std::string_view, 4> kFxAttributes = {"original_amount", "original_currency", "fx_rate",
                                                           "fx_rate_from"};

// Rewrites the money numbers of a canonical JSON object (minified, numbers as
// written) without a DOM: a DOM would read them as doubles.
class MoneyRewriter {
 public:
  MoneyRewriter(std::string_view json, ExactDecimal rate, int home_digits)
      : in_(json), rate_(rate), home_digits_(home_digits) {}

  // The rewritten object, or nullopt with the offending key in failed_key().
  std::optional<std::string> run() {
    std::string out;
    if (!value({}, 0, out)) return std::nullopt;
    return out;
  }
  const std::string& failed_key() const { return failed_key_; }

 private:
  void skip_blanks() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\n' || in_[pos_] == '\t' || in_[pos_] == '\r'))
      ++pos_;
  }
  bool at(char c) {
    skip_blanks();
    return pos_ < in_.size() && in_[pos_] == c;
  }
  // A string literal, quotes and escapes as written.
  std::string_view string_token() {
    const std::size_t start = pos_++;
    while (pos_ < in_.size() && in_[pos_] != '"') pos_ += in_[pos_] == '\\' ? 2 : 1;
    ++pos_;
    return in_.substr(start, std::min(pos_, in_.size()) - start);
  }
  bool fail(std::string_view key) {
    failed_key_ = key;
    return false;
  }

  bool value(std::string_view key, int depth, std::string& out) {
    skip_blanks();
    if (pos_ >= in_.size()) return fail(key);
    const char c = in_[pos_];
    if (c == '{') return object(depth + 1, out);
    if (c == '[') {
      ++pos_;
      out.push_back('[');
      for (bool first = true; !at(']'); first = false) {
        if (!first) {
          if (!at(',')) return fail(key);
          ++pos_;
          out.push_back(',');
        }
        if (!value({}, depth, out)) return false;
      }
      ++pos_;
      out.push_back(']');
      return true;
    }
    if (c == '"') {
      out.append(string_token());
      return true;
    }
    const std::size_t start = pos_;
    while (pos_ < in_.size() && std::string_view("-+.eE0123456789truefalsn").find(in_[pos_]) != std::string_view::npos)
      ++pos_;
    const std::string_view token = in_.substr(start, pos_ - start);
    if (token.empty()) return fail(key);
    const bool number = token[0] == '-' || (token[0] >= '0' && token[0] <= '9');
    if (!number || !is_money_attribute(key)) {
      out.append(token);
      return true;
    }
    const ExactDecimalParse parsed = parse_exact_decimal(token);
    if (!parsed.value) return fail(key);
    const auto converted = multiply_to_minor(*parsed.value, rate_, home_digits_);
    if (!converted) return fail(key);
    out += format_minor(*converted, home_digits_);
    return true;
  }

  bool object(int depth, std::string& out) {
    ++pos_;
    std::vector<std::string> members;
    for (bool first = true; !at('}'); first = false) {
      if (!first) {
        if (!at(',')) return fail("");
        ++pos_;
      }
      if (!at('"')) return fail("");
      const std::string_view quoted = string_token();
      const std::string_view key = quoted.size() >= 2 ? quoted.substr(1, quoted.size() - 2) : quoted;
      if (!at(':')) return fail(key);
      ++pos_;
      std::string member(quoted);
      member.push_back(':');
      if (!value(key, depth, member)) return false;
      const bool replaced = depth == 1 && std::find(kFxAttributes.begin(), kFxAttributes.end(), key) != kFxAttributes.end();
      if (!replaced) members.push_back(std::move(member));
    }
    ++pos_;
    out.push_back('{');
    for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
    out.push_back('}');
    return true;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  ExactDecimal rate_;
  int home_digits_;
  std::string failed_key_;
};

// The attributes object with `extra` (",\"k\":v..." members) appended.
std::string with_members(const std::string& object, const std::string& extra) {
  if (object == "{}") return "{" + extra.substr(1) + "}";
  return object.substr(0, object.size() - 1) + extra + "}";
}

}  // namespace

bool is_money_attribute(std::string_view key) {
  static constexpr std::array<std::string_view, 14> kMoneyKeys = {
      "amount",         "balance",         "balance_at_due_date", "balance_remaining", "freight_value",
      "monthly_charges", "new_balance",    "payment_value",       "price",             "remaining_credit",
      "total",          "total_charges",   "unapplied_amount",    "unit_price",
  };
  return std::find(kMoneyKeys.begin(), kMoneyKeys.end(), key) != kMoneyKeys.end();
}

HomeCurrency::HomeCurrency(std::string home, const std::vector<CurrencyRate>& rates, const BusinessTime& clock)
    : home_(std::move(home)), clock_(clock) {
  for (const CurrencyRate& r : rates) {
    // Rows are validated when set; one edited by hand that fails to parse
    // is no rate at all (its events are rejected, naming the fix).
    const ExactDecimalParse rate = parse_rate(r.rate);
    const auto from = parse_date(r.valid_from);
    if (!rate.value || !from) continue;
    // "Always" is before any event, in any zone (no time-zone lookup for year 1).
    const TimeMs starts = r.valid_from == kRateAlwaysValidFrom ? std::numeric_limits<TimeMs>::min()
                                                                : clock_.day_start(*from / kMsPerDay);
    rates_[r.currency].push_back({starts, r.valid_from, *rate.value});
  }
  for (auto& [currency, list] : rates_)
    std::sort(list.begin(), list.end(), [](const Rate& a, const Rate& b) { return a.from < b.from; });
}

const HomeCurrency::Rate* HomeCurrency::rate_on(const std::string& currency, TimeMs t) const {
  auto it = rates_.find(currency);
  if (it == rates_.end()) return nullptr;
  const std::vector<Rate>& list = it->second;
  // The last entry starting on or before t: a rate holds until the next one.
  auto after = std::upper_bound(list.begin(), list.end(), t, [](TimeMs v, const Rate& r) { return v < r.from; });
  return after == list.begin() ? nullptr : &*std::prev(after);
}

bool HomeCurrency::apply(CanonicalEvent& e, Problem& problem) {
  if (e.currency.empty()) return true;
  if (home_.empty()) home_ = e.currency;
  if (e.currency == home_) return true;
  const auto from_digits = currency_minor_digits(e.currency);
  const auto home_digits = currency_minor_digits(home_);
  problem.field = "currency";
  if (!from_digits || !home_digits) {
    problem.reason = fmt::format("unknown ISO 4217 currency code '{}'", from_digits ? home_ : e.currency);
    return false;
  }
  const Rate* rate = rate_on(e.currency, e.event_time);
  if (!rate) {
    // With other days configured, the day is what is missing.
    const std::string when =
        rates_.count(e.currency) ? " for " + format_date(clock_.local_day(e.event_time) * kMsPerDay) : "";
    problem.reason = fmt::format(
        "'{}' differs from the workspace currency '{}' and no {} rate is configured{}; configure one with "
        "'bre config rates set {} RATE' (e.g. bre config rates set {} 1.08)",
        e.currency, home_, e.currency, when, e.currency, e.currency);
    return false;
  }
  std::optional<std::int64_t> amount;
  if (e.amount_minor) {
    amount = convert_minor(*e.amount_minor, *from_digits, rate->rate, *home_digits);
    if (!amount) {
      problem.field = "amount";
      problem.reason = fmt::format("out of range once converted to {} at {}", home_, format_exact_decimal(rate->rate));
      return false;
    }
  }
  MoneyRewriter rewriter(e.attributes, rate->rate, *home_digits);
  std::optional<std::string> attributes = rewriter.run();
  if (!attributes) {
    problem.field = "attributes." + rewriter.failed_key();
    problem.reason = fmt::format("cannot be converted to {} at {}", home_, format_exact_decimal(rate->rate));
    return false;
  }
  JsonObjectWriter original;
  if (e.amount_minor) original.raw("original_amount", format_minor(*e.amount_minor, *from_digits));
  original.string("original_currency", e.currency)
      .raw("fx_rate", format_exact_decimal(rate->rate))
      .string("fx_rate_from", rate->from_text);
  const std::string members = original.str();  // "{...}"
  e.attributes = with_members(*attributes, "," + members.substr(1, members.size() - 2));
  e.data_quality_flags.push_back(std::string(kFxConvertedFlag) + e.currency);
  e.amount_minor = amount;
  e.currency = home_;
  return true;
}

HomeCurrency workspace_home_currency(Database& db, std::string home) {
  return HomeCurrency(std::move(home), load_currency_rates(db), business_time(db));
}

}  // namespace bre
