// Shared state and helpers of the QBO mapping (qbo_mapping*.cpp). Private to
// src/ingest.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bre/core/event.h"
#include "bre/ingest/qbo.h"
#include "qbo_json.h"

namespace bre::qbo {

// One entity's versions, oldest first; `latest` is the one that is mapped.
// SyncTokens are decimal counters: compare by length, then text.
inline bool sync_token_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

struct Entity {
  std::vector<std::size_t> versions;  // indexes into the objects vector
  std::vector<JNode> trees;           // parsed payloads, parallel to versions
  std::size_t latest() const { return versions.back(); }
  const JNode& tree() const { return trees.back(); }
};

// A payment line that settles an invoice, for invoice_paid / invoice_overdue.
struct Settlement {
  std::string payment_id;
  TimeMs date = 0;
  std::int64_t amount_minor = 0;
  std::string method;
};

class Mapper {
 public:
  Mapper(const std::vector<QboObject>& objects, TimeMs as_of, MapContext& ctx) : objects_(objects), as_of_(as_of), ctx_(ctx) {}
  void run();

 private:
  // Each returns false after rejecting the object (no events from it).
  bool invoice(const Entity& e);
  bool payment(const Entity& e, bool sales_receipt);
  bool bill(const Entity& e);
  bool bill_payment(const Entity& e);
  bool purchase(const Entity& e);
  bool credit_memo(const Entity& e);
  bool refund_receipt(const Entity& e);
  bool purchase_order(const Entity& e);
  bool customer(const Entity& e);
  bool vendor(const Entity& e);
  bool item(const Entity& e);
  void index_settlements();

  // Field readers that reject the object on bad values.
  std::optional<std::int64_t> money(const Entity& e, const JNode* n, std::string_view field, bool required = true);
  std::optional<TimeMs> date(const Entity& e, std::string_view field, bool required = true);
  CanonicalEvent event(const Entity& e, EventType type, EntityType entity_type, TimeMs time,
                       std::string_view discriminator);
  std::string sales_lines(const Entity& e, bool& ok);
  std::string expense_lines(const Entity& e, std::string& category, bool& ok);
  std::string currency(const Entity& e) const;
  int digits(const Entity& e) const;
  void reject(const Entity& e, std::string field, std::string reason);

  const std::vector<QboObject>& objects_;
  TimeMs as_of_;
  MapContext& ctx_;
  std::map<std::pair<std::string, std::string>, Entity> entities_;  // (type, id)
  std::map<std::string, std::vector<Settlement>> settlements_;       // invoice id → payments
  bool rejected_ = false;  // set by reject() while the current object is mapped
};

std::string json_array(const std::vector<std::string>& items);  // items are JSON texts
std::string string_array(const std::vector<std::string>& items);
std::int64_t day_number(TimeMs t);  // whole UTC days since the epoch

}  // namespace bre::qbo
