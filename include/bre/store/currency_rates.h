// The workspace's configured currency rates (table currency_rates): how many
// units of the home currency one unit of a foreign currency buys, from a day
// on until the currency's next entry. `bre config rates` edits them; every
// ingest path reads them (ingest/currency_conversion.h).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/store/sqlite.h"

namespace bre {

struct CurrencyRate {
  std::string currency;    // ISO 4217
  std::string valid_from;  // YYYY-MM-DD
  std::string rate;        // exact decimal text
};

// The day a rate without --from starts: always.
inline constexpr const char* kRateAlwaysValidFrom = "0001-01-01";

// Every configured rate, by currency, then valid_from.
std::vector<CurrencyRate> load_currency_rates(Database& db);
// Adds the rate, or replaces the one of the same currency and day.
void put_currency_rate(Database& db, const CurrencyRate& rate, TimeMs now);
// Removes the currency's rate from `valid_from`, or all its rates without it;
// returns how many rows went.
std::int64_t remove_currency_rates(Database& db, const std::string& currency,
                                   const std::optional<std::string>& valid_from);

}  // namespace bre
