// One home currency per workspace (cli.md §4a): an event in another currency
// is rejected unless a rate is configured (`bre config rates set`); with one,
// its money is stored in the home currency and the original is kept in the
// attributes. Every ingest path (canonical files, source adapters, QBO pages,
// pulls and webhooks, replay) passes its events through HomeCurrency.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/core/error.h"
#include "bre/core/event.h"
#include "bre/core/exact_decimal.h"
#include "bre/store/currency_rates.h"

namespace bre {

// Attribute keys holding money in the event's currency, at any depth (also
// inside line_items and applied_to_invoices): converted with the amount.
bool is_money_attribute(std::string_view key);

// The quality flag a converted event carries: "fx_converted:EUR".
inline constexpr std::string_view kFxConvertedFlag = "fx_converted:";

class HomeCurrency {
 public:
  // `home` is "" while the workspace has none: the first event with a
  // currency then sets it. `rates` as configured (load_currency_rates); a
  // rate's first day starts at midnight in the business time zone `clock`.
  HomeCurrency(std::string home, const std::vector<CurrencyRate>& rates, const BusinessTime& clock = BusinessTime());

  const std::string& code() const { return home_; }

  // Leaves an event without money or in the home currency alone. Converts one
  // in a foreign currency at the rate valid on its (business) day: amount_minor,
  // the money attributes and `currency` become the home currency's, the
  // attributes gain original_amount, original_currency, fx_rate and
  // fx_rate_from, and the event gets the fx_converted flag. The event id is
  // left as it was derived from the source record. False, with `problem`'s
  // field and reason set, when no rate applies or the result overflows.
  bool apply(CanonicalEvent& e, Problem& problem);

 private:
  struct Rate {
    TimeMs from = 0;
    std::string from_text;
    ExactDecimal rate;
  };
  const Rate* rate_on(const std::string& currency, TimeMs t) const;

  std::string home_;
  BusinessTime clock_;
  std::map<std::string, std::vector<Rate>, std::less<>> rates_;  // each by `from`, ascending
};

// The workspace's rule: its configured rates, days in its business time
// zone, and `home` ("" while the workspace has none). Every ingest path
// builds its HomeCurrency here, so none can miss the rates or the zone.
HomeCurrency workspace_home_currency(Database& db, std::string home);

}  // namespace bre
