// bre config rates: how many units of the home currency one unit of a foreign
// currency buys, from a day on. Rates are validated here, when they are set,
// so the ingest can trust the table.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/exact_decimal.h"
#include "bre/core/money.h"
#include "bre/core/time.h"
#include "bre/ingest/ingest.h"
#include "bre/store/currency_rates.h"
#include "config_rates.h"
#include "render.h"

namespace bre::cli {

namespace {

// The home currency, which every rate is relative to; a workspace without one
// has nothing to convert into yet.
std::string require_home(Workspace& ws) {
  std::string home = home_currency(ws);
  if (home.empty())
    throw Error(ErrorKind::usage, "NO_HOME_CURRENCY",
                "the workspace has no home currency yet; it comes from the QuickBooks company or from --currency "
                "(bre init --currency USD, or the first bre ingest)");
  return home;
}

void check_foreign(const std::string& currency, const std::string& home) {
  if (!currency_minor_digits(currency))
    throw Error(ErrorKind::usage, "UNKNOWN_CURRENCY", fmt::format("unknown ISO 4217 currency code '{}'", currency));
  if (currency == home)
    throw Error(ErrorKind::usage, "RATE_FOR_HOME_CURRENCY",
                fmt::format("{} is the workspace's home currency; rates are for other currencies", currency));
}

// "YYYY-MM-DD", checked as a calendar date.
std::string checked_day(const std::string& text) {
  if (!parse_date(text) || text.size() != 10)
    throw Error(ErrorKind::usage, "BAD_DATE", fmt::format("--from '{}' is not a date (YYYY-MM-DD)", text));
  return text;
}

// Each rate with the day its successor takes over (null: still valid).
nlohmann::ordered_json rate_rows(const std::vector<CurrencyRate>& rates) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const bool next_same = i + 1 < rates.size() && rates[i + 1].currency == rates[i].currency;
    rows.push_back({{"currency", rates[i].currency},
                    {"valid_from", rates[i].valid_from},
                    {"valid_until", next_same ? nlohmann::ordered_json(rates[i + 1].valid_from) : nullptr},
                    {"rate", rates[i].rate}});
  }
  return rows;
}

}  // namespace

void declare_config_rates(Declarer& config_group) {
  static std::string currency, rate_text, from;
  config_group.command("rates", "currency rates for events in a currency other than the home currency", [](Declarer& g) {
    g.command(
        "set", "set the rate of a foreign currency: home-currency units per unit, from a day on",
        [](Declarer& d) {
          d.positional("currency", &currency, "the foreign currency (ISO 4217), e.g. EUR", true);
          d.positional("rate", &rate_text, "home-currency units one unit buys, e.g. 1.0835 (at most 12 decimals)", true);
          d.option("--from", &from, "first day the rate applies, YYYY-MM-DD (default: 0001-01-01, always)");
          d.footer("Examples:\n  bre config rates set EUR 1.0835\n  bre config rates set EUR 1.09 --from 2026-07-01\n"
                   "A rate applies from its day until the currency's next rate. Setting the same currency and day\n"
                   "again replaces the rate. It applies to events ingested from now on (and to bre ingest replay);\n"
                   "events already stored keep the rate they were converted at.");
        },
        [](Context& ctx) {
          Workspace& ws = ctx.workspace();
          const std::string home = require_home(ws);
          check_foreign(currency, home);
          const ExactDecimalParse rate = parse_rate(rate_text);
          if (!rate.value)
            throw Error(ErrorKind::usage, "BAD_RATE", fmt::format("rate '{}' {}", rate_text, rate.error));
          const CurrencyRate row{currency, from.empty() ? kRateAlwaysValidFrom : checked_day(from),
                                 format_exact_decimal(*rate.value)};
          put_currency_rate(ws.db(), row, now_ms());
          nlohmann::ordered_json out = {{"currency", row.currency}, {"home_currency", home},
                                        {"valid_from", row.valid_from}, {"rate", row.rate}};
          ctx.emit(out, [&](Format) { return fmt::format("1 {} = {} {} from {}\n", row.currency, row.rate, home, row.valid_from); });
          return 0;
        });
    g.command(
        "list", "the configured rates, by currency and day",
        [](Declarer& d) { d.footer("Example: bre config rates list --format json"); },
        [](Context& ctx) {
          Workspace& ws = ctx.workspace();
          nlohmann::ordered_json out = {{"home_currency", home_currency(ws)},
                                        {"rates", rate_rows(load_currency_rates(ws.db()))}};
          ctx.emit(out, [&](Format f) {
            return fmt::format("home currency: {}\n\n", out["home_currency"].get<std::string>()) +
                   render_table(out["rates"], {"currency", "valid_from", "valid_until", "rate"}, f == Format::md);
          });
          return 0;
        });
    g.command(
        "remove", "remove a currency's rates (all, or the one starting --from)",
        [](Declarer& d) {
          d.positional("currency", &currency, "the foreign currency (ISO 4217)", true);
          d.option("--from", &from, "remove only the rate starting this day, YYYY-MM-DD");
          d.footer("Examples:\n  bre config rates remove EUR\n  bre config rates remove EUR --from 2026-07-01\n"
                   "Exit 66 (RATE_NOT_FOUND) when no such rate is configured.");
        },
        [](Context& ctx) {
          Workspace& ws = ctx.workspace();
          if (!currency_minor_digits(currency))
            throw Error(ErrorKind::usage, "UNKNOWN_CURRENCY", fmt::format("unknown ISO 4217 currency code '{}'", currency));
          const std::optional<std::string> day = from.empty() ? std::nullopt : std::optional(checked_day(from));
          const std::int64_t removed = remove_currency_rates(ws.db(), currency, day);
          if (removed == 0)
            throw Error(ErrorKind::not_found, "RATE_NOT_FOUND",
                        fmt::format("no {} rate is configured{}", currency, day ? " from " + *day : ""));
          nlohmann::ordered_json out = {{"currency", currency}, {"removed", removed}};
          if (day) out["valid_from"] = *day;
          ctx.emit(out);
          return 0;
        });
  }, nullptr);
}

}  // namespace bre::cli
