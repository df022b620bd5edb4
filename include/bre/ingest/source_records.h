// Reading supplemental files into source records: CSV (whose header decides
// the table and the text encoding), a JSON array of objects, or JSON Lines.
#pragma once
#include <string>
#include <vector>

#include "bre/core/error.h"
#include "bre/ingest/adapter.h"

namespace bre {

// Appends the file's records; located problems of single records go to
// read_problems, a file that cannot be read at all throws.
void read_source_records(const std::string& path, const Adapter& adapter, std::vector<SourceRecord>& records,
                         std::vector<Problem>& read_problems);

}  // namespace bre
