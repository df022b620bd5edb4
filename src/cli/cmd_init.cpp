// bre init: create or migrate the workspace (idempotent).
#include <nlohmann/json.hpp>

#include "bre/core/money.h"
#include "bre/store/event_store.h"
#include "command.h"

namespace bre::cli {

void register_init(Declarer& root) {
  static std::string currency, timezone;
  root.command(
      "init", "create or migrate the workspace (idempotent)",
      [](Declarer& d) {
        d.option("--currency", &currency, "home currency (ISO 4217) if the workspace has none yet");
        d.option("--timezone", &timezone, "business time zone, an IANA name (default UTC; bre config set timezone)");
        d.footer("Example: bre --workspace shop.sqlite init --currency USD --timezone America/New_York");
      },
      [](Context& ctx) {
        if (currency.empty()) currency = ctx.config_string("currency");
        if (!currency.empty() && !currency_minor_digits(currency))
          throw Error(ErrorKind::usage, "UNKNOWN_CURRENCY", "unknown ISO 4217 currency code '" + currency + "'");
        if (!timezone.empty()) timezone = BusinessTime(timezone).zone();  // refuses an unknown zone
        Workspace& ws = ctx.workspace(/*create=*/true);
        // The configuration file's zone is a default for a workspace with no zone and no
        // events yet; only --timezone (or bre config set timezone) moves one in use.
        if (timezone.empty() && !ws.setting(kTimezoneSetting) && count_events(ws.db()) == 0 &&
            !ctx.config_string("timezone").empty())
          timezone = BusinessTime(ctx.config_string("timezone")).zone();
        if (!timezone.empty()) ws.set_setting(kTimezoneSetting, timezone);
        if (!currency.empty()) {
          if (auto existing = ws.setting("currency"); existing && *existing != currency)
            throw Error(ErrorKind::usage, "CURRENCY_ALREADY_SET",
                        "workspace currency is already " + *existing + "; one home currency per workspace");
          ws.set_setting("currency", currency);
        }
        nlohmann::ordered_json out;
        out["workspace"] = ws.path();
        out["schema_version"] = ws.db().query_int("PRAGMA user_version");
        out["currency"] = ws.setting("currency").value_or("");
        out["timezone"] = ws.business_time().zone();
        out["events"] = count_events(ws.db());
        out["live_events"] = count_live_events(ws.db());
        out["ingest_batches"] = ws.db().query_int("SELECT count(*) FROM ingest_batches");
        ctx.emit(out);
        return 0;
      });
}

}  // namespace bre::cli
