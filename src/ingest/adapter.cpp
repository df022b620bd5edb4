#include "bre/ingest/adapter.h"

#include <algorithm>
#include <fmt/format.h>

#include "bre/core/json_text.h"

namespace bre {

std::string_view SourceRecord::get(std::string_view column) const {
  if (!columns) return {};
  for (std::size_t i = 0; i < columns->size() && i < values.size(); ++i)
    if ((*columns)[i] == column) return values[i];
  return {};
}

bool SourceRecord::has(std::string_view column) const {
  return columns && std::find(columns->begin(), columns->end(), column) != columns->end();
}

std::string SourceRecord::to_json() const {
  std::string out = "{";
  for (std::size_t i = 0; columns && i < columns->size() && i < values.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, (*columns)[i]);
    out.push_back(':');
    append_json_string(out, values[i]);
  }
  out.push_back('}');
  return out;
}

void MapContext::emit(CanonicalEvent e, std::size_t record_index) {
  if (e.ingested_at == 0) e.ingested_at = ingested_at_;
  events_.push_back({std::move(e), record_index});
}

void MapContext::reject(std::size_t record_index, std::string field, std::string reason) {
  rejections_.push_back({record_index, std::move(field), std::move(reason)});
}

std::vector<std::string_view> file_sources() {
  return {"events", "olist", "support_tickets", "telco_churn", "logistics"};
}

std::unique_ptr<Adapter> make_adapter(std::string_view source) {
  if (source == "olist") return make_olist_adapter();
  if (source == "support_tickets") return make_support_tickets_adapter();
  if (source == "telco_churn") return make_telco_churn_adapter();
  if (source == "logistics") return make_logistics_adapter();
  throw Error(ErrorKind::usage, "UNKNOWN_SOURCE",
              fmt::format("unknown source '{}' (expected one of: events, olist, support_tickets, telco_churn, logistics)",
                          source));
}

}  // namespace bre
