// bre config get [KEY], bre config set KEY VALUE (config_settings.h).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

#include "bre/core/business_time.h"
#include "bre/core/error.h"
#include "config_settings.h"

namespace bre::cli {

namespace {

struct SettingKey {
  const char* name;
  const char* fallback;  // the value in force when the workspace has none
  bool settable;         // false: set elsewhere (currency: bre init or the first ingest)
};

constexpr std::array<SettingKey, 2> kSettingKeys = {{{kTimezoneSetting, "UTC", true}, {"currency", "", false}}};

const SettingKey& setting_key(const std::string& name) {
  const auto it = std::find_if(kSettingKeys.begin(), kSettingKeys.end(), [&](const SettingKey& k) { return name == k.name; });
  if (it == kSettingKeys.end())
    throw Error(ErrorKind::usage, "UNKNOWN_SETTING", "unknown setting '" + name + "' (known: timezone, currency)");
  return *it;
}

std::string key_arg, value_arg;

}  // namespace

void register_config_settings(Declarer& g) {
  g.command(
      "get", "the workspace settings (timezone, currency), or one of them",
      [](Declarer& d) {
        d.positional("key", &key_arg, "timezone or currency (default: all)", false);
        d.footer("Examples:\n  bre config get\n  bre config get timezone --format json | jq -r .timezone\n"
                 "An unset timezone is UTC; an unset currency is \"\" until bre init --currency or the first ingest.");
      },
      [](Context& ctx) {
        if (!key_arg.empty()) setting_key(key_arg);  // an unknown key is a usage error, not an empty answer
        Workspace& ws = ctx.workspace();
        nlohmann::ordered_json out = nlohmann::ordered_json::object();
        for (const SettingKey& k : kSettingKeys)
          if (key_arg.empty() || key_arg == k.name) out[k.name] = ws.setting(k.name).value_or(k.fallback);
        ctx.emit(out);
        return 0;
      });
  g.command(
      "set", "change a workspace setting: timezone ZONE (an IANA name, e.g. America/Sao_Paulo)",
      [](Declarer& d) {
        d.positional("key", &key_arg, "timezone", true);
        d.positional("value", &value_arg, "the new value", true);
        d.footer("Examples:\n  bre config set timezone America/Sao_Paulo\n  bre config set timezone UTC\n"
                 "Days are the business's local dates in this zone (docs/metrics.md); a new zone makes the next\n"
                 "build-state or scan rebuild every day. An unknown zone exits 2 (UNKNOWN_TIMEZONE).");
      },
      [](Context& ctx) {
        const SettingKey& k = setting_key(key_arg);
        if (!k.settable)
          throw Error(ErrorKind::usage, "SETTING_READ_ONLY",
                      std::string(k.name) + " is set by bre init --currency or the first ingest, not here");
        const BusinessTime zone(value_arg);  // refuses an unknown zone before the workspace is touched
        Workspace& ws = ctx.workspace();
        const std::string previous = ws.setting(k.name).value_or(k.fallback);
        ws.set_setting(k.name, zone.zone());
        nlohmann::ordered_json out;
        out[k.name] = zone.zone();
        out["previous"] = previous;
        out["rebuild_needed"] = previous != zone.zone();
        ctx.emit(out);
        return 0;
      });
}

}  // namespace bre::cli
