// bre config get / set: the workspace settings people may read and change
// (today the business time zone), beside `config show`'s detection config.
#pragma once
#include "command.h"

namespace bre::cli {
void register_config_settings(Declarer& config_group);
}  // namespace bre::cli
