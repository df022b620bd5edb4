// Reading QuickBooks webhook deliveries, both formats, into one shape. Pure:
// no I/O. nlohmann is enough here: a delivery is at most ~1 MB.
#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bre/connect/webhook.h"
#include "bre/core/error.h"
#include "bre/core/names.h"

namespace bre::connect {

namespace {

using json = nlohmann::json;

std::string capitalised(std::string_view s) {
  std::string out(s);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// Ids arrive as strings; accept an integer too (a realm id is all digits).
std::optional<std::string> id_text(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return std::nullopt;
}

std::optional<TimeMs> time_of(const json& j, const char* key, std::string* raw) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) {  // epoch milliseconds
    if (raw) *raw = it->dump();
    return it->get<TimeMs>();
  }
  if (!it->is_string()) return std::nullopt;
  if (raw) *raw = it->get<std::string>();
  return parse_webhook_time(it->get_ref<const std::string&>());
}

class Reader {
 public:
  void problem(const std::string& field, const std::string& reason) {
    problems_.push_back(Problem{"webhook body", 0, field, reason});
  }
  std::optional<std::string> required(const json& j, const char* key, const std::string& path) {
    auto v = id_text(j, key);
    if (!v) problem(path + "." + key, "required: a non-empty string");
    return v;
  }
  void finish(const char* what) const {
    if (!problems_.empty())
      throw Error(ErrorKind::data_invalid, "WEBHOOK_INVALID", fmt::format("malformed {} webhook body", what),
                  problems_);
  }

 private:
  std::vector<Problem> problems_;
};

std::vector<QboNotification> read_legacy(const json& doc) {
  std::vector<QboNotification> out;
  Reader r;
  const json& list = doc["eventNotifications"];
  if (!list.is_array()) r.problem("eventNotifications", "must be an array");
  for (std::size_t i = 0; list.is_array() && i < list.size(); ++i) {
    const json& n = list[i];
    const std::string path = fmt::format("eventNotifications[{}]", i);
    if (!n.is_object()) {
      r.problem(path, "must be an object");
      continue;
    }
    const auto realm = r.required(n, "realmId", path);
    const json* entities = nullptr;
    if (auto dce = n.find("dataChangeEvent"); dce != n.end() && dce->is_object())
      if (auto e = dce->find("entities"); e != dce->end() && e->is_array()) entities = &*e;
    if (!entities) {
      r.problem(path + ".dataChangeEvent.entities", "required: an array");
      continue;
    }
    for (std::size_t k = 0; k < entities->size(); ++k) {
      const json& e = (*entities)[k];
      const std::string epath = fmt::format("{}.dataChangeEvent.entities[{}]", path, k);
      if (!e.is_object()) {
        r.problem(epath, "must be an object");
        continue;
      }
      auto name = r.required(e, "name", epath), id = r.required(e, "id", epath), op = r.required(e, "operation", epath);
      if (!realm || !name || !id || !op) continue;
      QboNotification q;
      std::string last_updated;
      q.event_time = time_of(e, "lastUpdated", &last_updated);
      q.realm_id = *realm;
      q.entity_type = capitalised(*name);
      q.entity_id = *id;
      q.operation = capitalised(*op);
      q.deleted_id = id_text(e, "deletedId");
      q.format = QboWebhookFormat::legacy;
      // Legacy events have no id; this composite names one change (docs/webhooks.md).
      q.event_key = fmt::format("{}|{}|{}|{}|{}", q.realm_id, q.entity_type, q.entity_id, q.operation, last_updated);
      out.push_back(std::move(q));
    }
  }
  r.finish("legacy");
  return out;
}

// "qbo.<entity>.<verb>.v<N>" -> entity, verb.
bool split_type(std::string_view type, std::string& entity, std::string& verb) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = type.find('.', start);
    parts.push_back(type.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 4 || parts[0] != "qbo" || parts[1].empty() || parts[2].empty() || parts[3].size() < 2 ||
      parts[3][0] != 'v' ||
      !std::all_of(parts[3].begin() + 1, parts[3].end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  entity = parts[1];
  verb = ascii_lower(parts[2]);
  return true;
}

// Intuit writes `deletedid`; a third-party sample writes `deletedId`.
std::optional<std::string> deleted_id_of(const json& event) {
  auto data = event.find("data");
  if (data == event.end() || !data->is_object()) return std::nullopt;
  for (auto it = data->begin(); it != data->end(); ++it)
    if (ascii_lower(it.key()) == "deletedid") return id_text(*data, it.key().c_str());
  return std::nullopt;
}

std::vector<QboNotification> read_cloudevents(const json& doc) {
  std::vector<QboNotification> out;
  Reader r;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& e = doc[i];
    const std::string path = fmt::format("[{}]", i);
    if (!e.is_object() || !e.contains("specversion")) {
      r.problem(path, "not a CloudEvents object (no specversion)");
      continue;
    }
    auto id = r.required(e, "id", path), type = r.required(e, "type", path);
    auto realm = r.required(e, "intuitaccountid", path), entity_id = r.required(e, "intuitentityid", path);
    std::string entity, verb;
    if (type && !split_type(*type, entity, verb)) {
      r.problem(path + ".type", fmt::format("'{}' is not qbo.<entity>.<verb>.v<N>", *type));
      continue;
    }
    if (!id || !type || !realm || !entity_id) continue;
    QboNotification q;
    q.event_key = *id;  // Intuit re-sends the same id on retries
    q.realm_id = *realm;
    q.entity_type = qbo_entity_name(entity);
    q.entity_id = *entity_id;
    q.operation = qbo_operation_name(verb);
    q.deleted_id = deleted_id_of(e);
    q.event_time = time_of(e, "time", nullptr);
    q.format = QboWebhookFormat::cloudevents;
    out.push_back(std::move(q));
  }
  r.finish("CloudEvents");
  return out;
}

}  // namespace

std::string_view to_string(QboWebhookFormat f) {
  return f == QboWebhookFormat::cloudevents ? "cloudevents" : "legacy";
}

std::string qbo_entity_name(std::string_view name) {
  // The entities of the webhook table (qbo-api.md §7.6) and a few more.
  static const std::array<const char*, 34> known = {
      "Account",     "Bill",          "BillPayment",   "Budget",       "Class",         "CompanyCurrency",
      "CreditMemo",  "Currency",      "Customer",      "Department",   "Deposit",       "Employee",
      "Estimate",    "Invoice",       "Item",          "JournalCode",  "JournalEntry",  "Payment",
      "PaymentMethod", "Preferences", "Purchase",      "PurchaseOrder", "RefundReceipt", "SalesReceipt",
      "TaxAgency",   "TaxCode",       "TaxRate",       "Term",         "TimeActivity",  "Transfer",
      "Vendor",      "VendorCredit",  "CreditCardPayment", "Attachable"};
  const std::string l = ascii_lower(name);
  for (const char* k : known)
    if (ascii_lower(k) == l) return k;
  return capitalised(name);
}

std::string qbo_operation_name(std::string_view verb) {
  static const std::array<std::pair<const char*, const char*>, 7> known = {{{"created", "Create"},
                                                                             {"updated", "Update"},
                                                                             {"deleted", "Delete"},
                                                                             {"merged", "Merge"},
                                                                             {"voided", "Void"},
                                                                             {"void", "Void"},
                                                                             {"emailed", "Emailed"}}};
  const std::string l = ascii_lower(verb);
  for (const auto& [cloud, legacy] : known)
    if (l == cloud) return legacy;
  return capitalised(l);
}

std::optional<TimeMs> parse_webhook_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (text.size() > 15) return std::nullopt;  // not milliseconds of this era
    return std::stoll(std::string(text));
  }
  if (auto t = parse_iso8601(text)) return t;
  // "...-0700": an offset without its colon (an older Intuit sample).
  const std::size_t n = text.size();
  if (n > 5 && (text[n - 5] == '+' || text[n - 5] == '-') &&
      std::all_of(text.end() - 4, text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    std::string fixed(text);
    fixed.insert(n - 2, ":");
    return parse_iso8601(fixed);
  }
  return std::nullopt;
}

std::vector<QboNotification> parse_qbo_webhook(std::string_view raw_body) {
  json doc = json::parse(raw_body.begin(), raw_body.end(), nullptr, false);
  if (doc.is_discarded())
    throw Error(ErrorKind::data_invalid, "WEBHOOK_INVALID", "webhook body is not JSON", "webhook body");
  if (doc.is_array()) {
    // An empty array is a delivery of nothing; otherwise every item must be a CloudEvent.
    return read_cloudevents(doc);
  }
  if (doc.is_object() && doc.contains("eventNotifications")) return read_legacy(doc);
  throw Error(ErrorKind::data_invalid, "WEBHOOK_INVALID",
              "webhook body is neither a CloudEvents array nor a legacy eventNotifications object", "webhook body");
}

}  // namespace bre::connect
