#include <doctest/doctest.h>

#include "bre/core/json_text.h"
#include "bre/ingest/ingest.h"
#include "bre/store/event_store.h"
#include "test_support.h"

using namespace bre;

namespace {

// A tiny source whose mapping changed between versions: v1 forgot the amount
// of a widget order, v2 maps it. Replay must not need the file again.
class WidgetAdapter : public Adapter {
 public:
  explicit WidgetAdapter(int version) : version_(version) {}
  std::string_view source() const override { return "widgets"; }
  int mapping_version() const override { return version_; }
  std::string classify(const std::vector<std::string>&) const override { return "orders"; }
  void map(const std::vector<SourceRecord>& records, const AdapterOptions&, MapContext& ctx) const override {
    for (std::size_t i = 0; i < records.size(); ++i) {
      const SourceRecord& r = records[i];
      CanonicalEvent e;
      e.event_type = EventType::order_placed;
      e.event_time = *parse_date(r.get("placed"));
      e.source = "widgets";
      e.source_entity_id = e.entity_id = std::string(r.get("id"));
      e.entity_type = EntityType::order;
      e.mapping_version = version_;
      if (version_ >= 2) {
        e.amount_minor = std::stoll(std::string(r.get("cents")));
        e.currency = "USD";
      }
      e.event_id = derive_event_id(e.source, e.source_entity_id, e.event_type, version_, "");
      ctx.emit(std::move(e), i);
    }
  }

 private:
  int version_;
};

void seed_bronze(Workspace& ws) {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"id", "placed", "cents"});
  Transaction tx(ws.db());
  insert_batch(ws.db(), {"b0", "widgets", {"widgets.csv"}, 1, 0, "ingest"});
  BronzeSupplementalWriter bronze(ws.db(), "b0", "widgets");
  bronze.insert({"widgets.csv", 2, "orders", columns, {"w1", "2024-01-02", "1250"}}, 0);
  bronze.insert({"widgets.csv", 3, "orders", columns, {"w2", "2024-01-03", "990"}}, 0);
  tx.commit();
}

}  // namespace

TEST_CASE("replay: a new mapping version re-derives from bronze and supersedes, never edits") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  seed_bronze(*ws);

  ReplayResult v1 = replay_with_adapter(*ws, WidgetAdapter(1), {}, Logger{});
  CHECK(v1.records == 2);
  CHECK(v1.events_inserted == 2);
  CHECK(v1.events_superseded == 0);
  CHECK(ws->db().query_int("SELECT count(*) FROM live_events WHERE amount_minor IS NULL") == 2);

  // Replaying the same version again is a no-op.
  ReplayResult again = replay_with_adapter(*ws, WidgetAdapter(1), {}, Logger{});
  CHECK(again.events_inserted == 0);
  CHECK(again.events_superseded == 0);

  ReplayResult v2 = replay_with_adapter(*ws, WidgetAdapter(2), {}, Logger{});
  CHECK(v2.mapping_version == 2);
  CHECK(v2.events_inserted == 2);
  CHECK(v2.events_superseded == 2);
  CHECK(count_events(ws->db()) == 4);       // the log keeps every version
  CHECK(count_live_events(ws->db()) == 2);  // downstream sees only the current one
  CHECK(ws->db().query_int("SELECT sum(amount_minor) FROM live_events") == 2240);
  CHECK(ws->db().query_int("SELECT count(*) FROM live_events WHERE mapping_version = 2") == 2);
}

TEST_CASE("replay: canonical events have nothing to re-derive") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  ReplayResult r = replay_source(*ws, "events", {}, Logger{});
  CHECK(r.events_inserted == 0);
  CHECK(r.note.find("nothing to re-derive") != std::string::npos);
}
