#include "bre/store/currency_rates.h"

namespace bre {

std::vector<CurrencyRate> load_currency_rates(Database& db) {
  std::vector<CurrencyRate> rates;
  Statement s = db.prepare("SELECT currency, valid_from, rate FROM currency_rates ORDER BY currency, valid_from");
  while (s.step()) rates.push_back({s.text(0), s.text(1), s.text(2)});
  return rates;
}

void put_currency_rate(Database& db, const CurrencyRate& rate, TimeMs now) {
  db.prepare(
        "INSERT INTO currency_rates(currency, valid_from, rate, updated_at) VALUES(?,?,?,?) "
        "ON CONFLICT(currency, valid_from) DO UPDATE SET rate = excluded.rate, updated_at = excluded.updated_at")
      .bind(1, rate.currency)
      .bind(2, rate.valid_from)
      .bind(3, rate.rate)
      .bind(4, now)
      .run();
}

std::int64_t remove_currency_rates(Database& db, const std::string& currency,
                                   const std::optional<std::string>& valid_from) {
  if (valid_from)
    db.prepare("DELETE FROM currency_rates WHERE currency = ? AND valid_from = ?").bind(1, currency).bind(2, *valid_from).run();
  else
    db.prepare("DELETE FROM currency_rates WHERE currency = ?").bind(1, currency).run();
  return db.changes();
}

}  // namespace bre
