#pragma once
#include <vector>

namespace bre {
// migrations()[i] takes the schema from version i to i + 1.
const std::vector<const char*>& migrations();
const char* event_index_sql();
const char* drop_event_index_sql();
}  // namespace bre
