#include "bre/connect/qbo_push.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/core/error.h"
#include "bre/core/names.h"
#include "bre/core/hash.h"

namespace bre::connect {

namespace {

using Json = nlohmann::ordered_json;
using IdMap = std::map<std::pair<std::string, std::string>, std::string>;  // (type, seed Id) → company Id

// Names before the transactions that reference them; settlements after what they settle.
const char* const kOrder[] = {"Customer", "Vendor", "Item", "Estimate", "Invoice", "SalesReceipt", "Payment",
                              "CreditMemo", "RefundReceipt", "Bill", "Purchase", "BillPayment", "PurchaseOrder"};

void remap(Json& node, const IdMap& ids, const std::string& where) {
  auto lookup = [&](const std::string& type, Json& value) {
    if (!value.is_string()) return;
    auto it = ids.find({type, value.get<std::string>()});
    if (it == ids.end())
      throw Error(ErrorKind::data_invalid, "PUSH_UNRESOLVED",
                  fmt::format("{} refers to {} {}, which was not created", where, type, value.get<std::string>()));
    value = it->second;
  };
  if (node.is_array()) {
    for (Json& item : node) remap(item, ids, where);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (key == "CustomerRef" && value.contains("value")) lookup("Customer", value["value"]);
    else if (key == "VendorRef" && value.contains("value")) lookup("Vendor", value["value"]);
    else if (key == "ItemRef" && value.contains("value")) lookup("Item", value["value"]);
    else if (key == "EntityRef" && value.contains("value") && value.contains("type"))
      lookup(value["type"].get<std::string>(), value["value"]);
    else if (key == "LinkedTxn" && value.is_array()) {
      for (Json& link : value)
        if (link.contains("TxnId") && link.contains("TxnType")) lookup(link["TxnType"].get<std::string>(), link["TxnId"]);
    } else remap(value, ids, where);
  }
}

}  // namespace

QboPushReport push_qbo_objects(QboSession& session, const std::vector<QboObject>& objects,
                               const std::string& request_prefix, const Logger& log) {
  // The latest version of each object.
  std::map<std::pair<std::string, std::string>, const QboObject*> latest;
  for (const QboObject& o : objects) {
    if (o.operation == QboOperation::Delete) continue;
    const QboObject*& slot = latest[{o.entity_type, o.id}];
    if (!slot || slot->sync_token.size() < o.sync_token.size() ||
        (slot->sync_token.size() == o.sync_token.size() && slot->sync_token < o.sync_token))
      slot = &o;
  }
  QboPushReport report;
  IdMap ids;
  for (const char* type : kOrder) {
    for (const auto& [key, o] : latest) {
      if (key.first != type) continue;
      Json body = Json::parse(o->payload);
      // A top-level LinkedTxn (an invoice's payments, a bill's bill payments)
      // is QBO's reverse link, derived from the settling side's Line[].LinkedTxn.
      for (const char* read_only : {"Id", "SyncToken", "MetaData", "domain", "sparse", "LinkedTxn"}) body.erase(read_only);
      remap(body, ids, fmt::format("{} {}", o->entity_type, o->id));
      const std::string request_id = sha256_hex(request_prefix + "|" + o->entity_type + "|" + o->id).substr(0, 32);
      const std::string answer = session.post(
          ascii_lower(o->entity_type) + "?requestid=" + request_id + "&minorversion=" + std::to_string(kQboMinorVersion),
          body.dump());
      ++report.requests;
      const QboPage created = parse_qbo_page(answer);  // a Fault in a 200 stops the push
      if (created.objects.size() != 1 || created.objects.front().entity_type != o->entity_type)
        throw Error(ErrorKind::unavailable, "PUSH_UNEXPECTED",
                    fmt::format("QuickBooks answered the create of {} {} without the object", o->entity_type, o->id));
      ids[{o->entity_type, o->id}] = created.objects.front().id;
      ++report.created[o->entity_type];
    }
    if (report.created.count(type))
      log.info("seed", "qbo_pushed", {{"entity", type}, {"created", report.created[type]}});
  }
  return report;
}

QboPushReport push_qbo_pages(Workspace& ws, const std::vector<std::string>& page_bodies,
                             const std::string& request_prefix, const Logger& log, RetryPolicy retry) {
  std::vector<QboObject> objects;
  for (const std::string& body : page_bodies)
    for (QboObject& o : parse_qbo_page(body).objects) objects.push_back(std::move(o));
  const TokenVault vault = TokenVault::for_workspace(ws.path());
  QboSession session(ws, vault, qbo_endpoints_from_env(), log, std::move(retry));
  return push_qbo_objects(session, objects, request_prefix, log);
}

}  // namespace bre::connect
