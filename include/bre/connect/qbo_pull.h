// `bre ingest qbo` without --from-dir: query the QuickBooks Online API page
// by page and feed the response bodies through the same parsing, bronze and
// mapping path as saved pages (ingest_qbo_pages).
#pragma once
#include <optional>
#include <string>

#include "bre/connect/oauth.h"
#include "bre/ingest/qbo.h"

namespace bre::connect {

struct QboApiIngestRequest {
  QboPullOptions pull;
  std::optional<TimeMs> as_of;
  std::string currency;
};

// Uses the workspace's stored connection (refreshing tokens as needed).
// Nothing is written unless every page was fetched and parsed.
IngestResult ingest_qbo_api(Workspace& ws, const QboApiIngestRequest& request, const Logger& log,
                            RetryPolicy retry = {});

}  // namespace bre::connect
