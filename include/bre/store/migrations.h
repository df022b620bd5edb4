#pragma once
#include <vector>

namespace bre {
// migrations()[i] takes the schema from version i to i + 1.
const std::vector<const char*>& migrations();
// Creates every missing event index.
const char* event_index_sql();
// Drops the secondary event indexes (not the unique one on event_id).
const char* drop_event_index_sql();
// Drops the unique index on event_id: only for a loader that dedupes by
// itself until event_index_sql() rebuilds it in the same transaction.
const char* drop_event_id_index_sql();
}  // namespace bre
