// `bre seed --push`: create a generated company's objects in the connected
// QuickBooks company (a sandbox), so the same story can be pulled back
// through the real API.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "bre/connect/oauth.h"
#include "bre/ingest/qbo.h"

namespace bre::connect {

struct QboPushReport {
  std::map<std::string, std::int64_t> created;  // entity type → objects created
  std::int64_t requests = 0;
};

// Creates every object's latest version (delete stubs skipped) in dependency
// order — names first, then transactions that point at them, payments after
// the invoices and bills they settle — dropping the read-only fields (Id,
// SyncToken, MetaData, an object's own derived LinkedTxn) and rewriting CustomerRef, VendorRef, ItemRef,
// EntityRef and LinkedTxn to the Ids the company assigned. Each create
// carries `requestid` = `request_prefix` + type + source Id, so a retried or
// repeated push returns the object created the first time instead of a copy.
QboPushReport push_qbo_objects(QboSession& session, const std::vector<QboObject>& objects,
                               const std::string& request_prefix, const Logger& log);

// The same from saved response bodies (what `bre seed` writes under qbo/),
// over the workspace's stored connection.
QboPushReport push_qbo_pages(Workspace& ws, const std::vector<std::string>& page_bodies,
                             const std::string& request_prefix, const Logger& log, RetryPolicy retry = {});

}  // namespace bre::connect
