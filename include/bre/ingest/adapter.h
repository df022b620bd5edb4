// A source adapter maps the raw records of one source (CSV rows, JSON objects)
// to canonical events and reference entities. Adapters are pure: records in,
// events out; the ingest driver does the I/O, validation and storage.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/error.h"
#include "bre/core/event.h"
#include "bre/ingest/csv.h"

namespace bre {

// One source record as read from a file: its columns by name. The same shape
// is stored in bronze as a JSON object and read back for replay.
struct SourceRecord {
  std::string file;       // file name as given
  std::int64_t line = 0;  // physical line (CSV) or line/record number (JSON)
  std::string kind;       // which table of the source, e.g. "orders"
  std::shared_ptr<const std::vector<std::string>> columns;
  std::vector<std::string> values;

  // The value of a column, or empty when the column is absent.
  std::string_view get(std::string_view column) const;
  bool has(std::string_view column) const;
  std::string to_json() const;  // {"column":"value",...} in column order
};

// A reference entity: what later stages need to name things ("AcmeSupplier",
// "electronics") instead of printing an id.
struct ReferenceEntity {
  std::string kind;  // customer | vendor | product | seller | category | carrier
  std::string entity_id;
  std::string display_name;
  std::string category;    // may be empty
  std::string attributes = "{}";
};

class MapContext {
 public:
  explicit MapContext(TimeMs ingested_at, std::string home_currency)
      : ingested_at_(ingested_at), home_currency_(std::move(home_currency)) {}

  // record_index refers to the record the event came from (for error lines).
  void emit(CanonicalEvent e, std::size_t record_index);
  void entity(ReferenceEntity e) { entities_.push_back(std::move(e)); }
  void reject(std::size_t record_index, std::string field, std::string reason);
  // An event written earlier that the source has since taken back (a QBO
  // delete or void): the ingest supersedes it if it is still live.
  void retract(std::string event_id) { retracted_.push_back(std::move(event_id)); }

  TimeMs ingested_at() const { return ingested_at_; }
  const std::string& home_currency() const { return home_currency_; }

  struct Emitted {
    CanonicalEvent event;
    std::size_t record_index;
  };
  struct Rejection {
    std::size_t record_index;
    std::string field;
    std::string reason;
  };
  std::vector<Emitted>& events() { return events_; }
  std::vector<ReferenceEntity>& entities() { return entities_; }
  std::vector<Rejection>& rejections() { return rejections_; }
  std::vector<std::string>& retracted() { return retracted_; }

 private:
  TimeMs ingested_at_;
  std::string home_currency_;
  std::vector<Emitted> events_;
  std::vector<ReferenceEntity> entities_;
  std::vector<Rejection> rejections_;
  std::vector<std::string> retracted_;
};

struct AdapterOptions {
  std::optional<TimeMs> as_of;  // telco_churn: the date the snapshot was taken
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual std::string_view source() const = 0;
  // Bumped whenever the mapping changes; `bre ingest replay` re-derives events.
  virtual int mapping_version() const = 0;
  // The currency amounts of this source are in, when the file does not say.
  virtual std::string default_currency() const { return "USD"; }
  virtual TextEncoding encoding(const std::vector<std::string>& /*header*/) const { return TextEncoding::utf8; }
  // Which of the source's tables a file holds, from its header; empty if unknown.
  virtual std::string classify(const std::vector<std::string>& header) const = 0;
  // Maps every record of the batch (all files together, so joins work).
  virtual void map(const std::vector<SourceRecord>& records, const AdapterOptions& options, MapContext& ctx) const = 0;
};

// The adapters of `bre ingest file --source NAME`; throws a usage error for an
// unknown name. "events" is handled by the canonical streaming path instead.
std::unique_ptr<Adapter> make_adapter(std::string_view source);
std::vector<std::string_view> file_sources();

// Registration: each adapter file defines its factory.
std::unique_ptr<Adapter> make_olist_adapter();
std::unique_ptr<Adapter> make_support_tickets_adapter();
std::unique_ptr<Adapter> make_telco_churn_adapter();
std::unique_ptr<Adapter> make_logistics_adapter();

}  // namespace bre
