// logistics: supplier shipments (USAID SCMS) and customer order fulfilment
// (DataCo Smart Supply Chain). The mappings are in logistics_scms.cpp and
// logistics_dataco.cpp and documented in docs/mappings/logistics.md.
#include <fmt/format.h>

#include "logistics_layouts.h"

namespace bre {

namespace logistics {

std::string entity_id(std::string_view kind, std::string_view local) {
  return fmt::format("{}:{}:{}", kSource, kind, local);
}

}  // namespace logistics

namespace {

class LogisticsAdapter final : public Adapter {
 public:
  std::string_view source() const override { return logistics::kSource; }
  int mapping_version() const override { return 1; }

  // DataCo's export is latin-1 (place names such as "México"); SCMS is UTF-8 with a BOM.
  TextEncoding encoding(const std::vector<std::string>& header) const override {
    return logistics::is_dataco_header(header) ? TextEncoding::latin1 : TextEncoding::utf8;
  }

  std::string classify(const std::vector<std::string>& header) const override {
    if (logistics::is_scms_header(header)) return std::string(logistics::kScmsKind);
    if (logistics::is_dataco_header(header)) return std::string(logistics::kDataCoKind);
    return {};
  }

  void map(const std::vector<SourceRecord>& records, const AdapterOptions& /*options*/, MapContext& ctx) const override {
    std::vector<std::size_t> scms, dataco;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (records[i].kind == logistics::kScmsKind) scms.push_back(i);
      else if (records[i].kind == logistics::kDataCoKind) dataco.push_back(i);
      else ctx.reject(i, "", "not a logistics record (the file's header is neither SCMS nor DataCo)");
    }
    logistics::map_scms(*this, records, scms, ctx);
    logistics::map_dataco(*this, records, dataco, ctx);
  }
};

}  // namespace

std::unique_ptr<Adapter> make_logistics_adapter() { return std::make_unique<LogisticsAdapter>(); }

}  // namespace bre
