// QuickBooks Online webhooks: verify Intuit's signature, read both payload
// formats (legacy `eventNotifications` and CloudEvents), and queue each
// notification in `qbo_webhook_events` for the next pull to fetch. Nothing
// here calls the network: a delivery must be answered within Intuit's 3 s.
// Notifications carry ids only; the pull re-reads the records (docs/webhooks.md).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/log.h"
#include "bre/core/time.h"
#include "bre/store/workspace.h"

namespace bre::connect {

// The environment variable `bre serve` reads the app's verifier token from.
inline constexpr const char* kQboVerifierEnv = "BRE_QBO_WEBHOOK_VERIFIER";

// HMAC-SHA256 of `data` keyed with `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);
// What Intuit sends in `intuit-signature`: base64 (standard, padded) of the
// HMAC-SHA256 of the raw body keyed with the verifier token.
std::string intuit_signature(std::string_view verifier_token, std::string_view raw_body);
// Constant-time check of a received `intuit-signature` value. A missing,
// empty or undecodable header, or an empty token, is false.
bool verify_intuit_signature(std::string_view verifier_token, std::string_view raw_body,
                             std::string_view header_value);

enum class QboWebhookFormat { legacy, cloudevents };
std::string_view to_string(QboWebhookFormat f);

struct QboNotification {
  std::string event_key;    // CloudEvents id; legacy: realm|entity|id|operation|lastUpdated
  std::string realm_id;
  std::string entity_type;  // QBO spelling: Invoice, BillPayment, ...
  std::string entity_id;
  std::string operation;    // Create | Update | Delete | Merge | Void | Emailed | ...
  std::optional<std::string> deleted_id;  // Merge: the record merged away
  std::optional<TimeMs> event_time;
  QboWebhookFormat format = QboWebhookFormat::legacy;
};

// Reads one delivery (either format, detected from its shape; realms may be
// mixed). Anything malformed is Error(data_invalid, WEBHOOK_INVALID) listing
// every problem; nothing is returned for a body that is partly bad.
std::vector<QboNotification> parse_qbo_webhook(std::string_view raw_body);

// The QBO spelling of an entity named in a CloudEvents type ("billpayment"
// -> "BillPayment"); unknown names get their first letter capitalised.
std::string qbo_entity_name(std::string_view lower_name);
// The legacy operation for a CloudEvents verb ("created" -> "Create",
// "voided"/"void" -> "Void"); an unknown verb is capitalised as it stands.
std::string qbo_operation_name(std::string_view verb);
// Lenient event times: ISO-8601 with Z or an offset with or without a colon,
// any fraction up to nanoseconds, or epoch milliseconds as digits.
std::optional<TimeMs> parse_webhook_time(std::string_view text);

struct WebhookResult {
  int http_status = 200;
  std::int64_t accepted = 0;    // new rows in the queue
  std::int64_t duplicates = 0;  // notifications already queued (Intuit re-sends)
  std::string body;             // JSON for the response
};

// One delivery, end to end: 503 when no verifier token is configured, 401
// when the signature does not match (nothing stored), else every
// notification is queued in one transaction (INSERT OR IGNORE on event_key)
// and the answer is 200. A signed body that does not parse is acknowledged
// with 200 and logged, not stored: it would never parse on a resend, and a
// non-200 makes Intuit hold back every later event (docs/webhooks.md).
// `headers` have lower-cased names. Workspace errors are thrown.
WebhookResult handle_qbo_webhook(Workspace& ws, const std::string& verifier_token,
                                 const std::map<std::string, std::string>& headers, std::string_view raw_body,
                                 TimeMs now, const Logger& log, const std::string& request_id = {});

// The queue, for the pull.
struct QueuedQboChange {
  std::string event_key, realm_id, entity_type, entity_id, operation;
  std::optional<std::string> deleted_id;
  std::optional<TimeMs> event_time;
};
// Rows of `realm_id` not yet fetched, ordered by received_at, event_key.
std::vector<QueuedQboChange> queued_qbo_changes(Database& db, const std::string& realm_id);
// Sets fetched_by_pull on rows still queued; inside the caller's transaction
// when there is one (so the marks commit with the pulled records).
void mark_qbo_changes_fetched(Database& db, const std::vector<std::string>& event_keys, const std::string& pull_id);

}  // namespace bre::connect
