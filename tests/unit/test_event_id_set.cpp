#include <doctest/doctest.h>

#include <string>

#include "bre/core/event.h"
#include "bre/ingest/event_id_set.h"

using namespace bre;

TEST_CASE("event id set: each id is new once, derived or not, across growth") {
  EventIdSet ids;
  for (int i = 0; i < 5000; ++i) {
    const std::string id = derive_event_id("s", std::to_string(i), EventType::order_placed, 1, "2026-01-01T00:00:00Z");
    CHECK(ids.insert(id));
    CHECK_FALSE(ids.insert(id));
  }
  const std::string zero = "ev_" + std::string(32, '0');
  CHECK(ids.insert(zero));
  CHECK_FALSE(ids.insert(zero));
  // Not derived-shaped: kept apart, and never confused with a derived id.
  const std::string upper = "ev_" + std::string(32, 'A');
  const std::string lower = "ev_" + std::string(32, 'a');
  CHECK(ids.insert(upper));
  CHECK(ids.insert(lower));
  CHECK_FALSE(ids.insert(upper));
  CHECK(ids.insert("ev_1"));
  CHECK_FALSE(ids.insert("ev_1"));
  CHECK(ids.size() == 5004);
}
