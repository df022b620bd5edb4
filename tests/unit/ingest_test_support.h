// Shared by unit tests that need events in a real workspace: canonical
// events as JSON Lines text, written to a file and ingested.
#pragma once
#include <string>

#include "bre/core/log.h"
#include "bre/ingest/ingest.h"
#include "bre/store/workspace.h"
#include "test_support.h"

namespace bre {

// Writes `lines` to `name` in `dir` and ingests it (source "events").
inline void ingest_event_lines(Workspace& ws, const TempDir& dir, const std::string& name, const std::string& lines) {
  IngestRequest request;
  request.source = "events";
  request.paths = {dir.write(name, lines)};
  ingest_files(ws, request, Logger{});
}

}  // namespace bre
