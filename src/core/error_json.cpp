#include "bre/core/error_json.h"

#include <nlohmann/json.hpp>

namespace bre {

std::string error_json(const Error& e, TimeMs now, std::string_view request_id, int indent) {
  nlohmann::ordered_json err;
  err["code"] = e.code();
  err["message"] = e.what();
  if (!e.where().empty() || !e.problems().empty()) {
    nlohmann::ordered_json details;
    if (!e.where().empty()) details["where"] = e.where();
    if (!e.problems().empty()) {
      details["problems"] = nlohmann::ordered_json::array();
      for (const Problem& p : e.problems())
        details["problems"].push_back({{"file", p.file}, {"line", p.line}, {"field", p.field}, {"reason", p.reason}});
    }
    err["details"] = details;
  }
  if (!request_id.empty()) err["request_id"] = request_id;
  err["timestamp"] = format_iso8601(now);
  nlohmann::ordered_json doc;
  doc["error"] = err;
  // Replace, not throw, on invalid UTF-8: a message may quote bad input.
  return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace bre
