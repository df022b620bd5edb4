// `bre config rates set|list|remove`: the currency rates the ingest converts
// foreign-currency events with (cli.md §4a). Declared into the `config` group.
#pragma once
#include "command.h"

namespace bre::cli {

void declare_config_rates(Declarer& config_group);

}  // namespace bre::cli
