// The logistics source reads two unrelated file layouts (USAID SCMS shipment
// history, DataCo Smart Supply Chain orders); each lives in its own file and
// the adapter dispatches on the table kind its header classified as.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "bre/ingest/adapter.h"

namespace bre::logistics {

inline constexpr std::string_view kSource = "logistics";
inline constexpr std::string_view kScmsKind = "scms_shipments";
inline constexpr std::string_view kDataCoKind = "dataco_orders";

// Entity ids are "logistics:<kind>:<local id>"; local ids of the two layouts
// carry a layout prefix so an SCMS row 7 and a DataCo order 7 stay apart.
std::string entity_id(std::string_view kind, std::string_view local);

bool is_scms_header(const std::vector<std::string>& header);
bool is_dataco_header(const std::vector<std::string>& header);

// Each maps the records at `indices` (positions in `records`, all of its kind).
void map_scms(const Adapter& adapter, const std::vector<SourceRecord>& records, const std::vector<std::size_t>& indices,
              MapContext& ctx);
void map_dataco(const Adapter& adapter, const std::vector<SourceRecord>& records,
                const std::vector<std::size_t>& indices, MapContext& ctx);

}  // namespace bre::logistics
