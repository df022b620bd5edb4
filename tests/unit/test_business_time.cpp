// The business time zone (core/business_time.h): hand-computed local days and
// day ranges, including daylight-saving days, and the round trip between a
// day and its first and last instants as a property.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "bre/core/business_time.h"
#include "bre/core/error.h"

using namespace bre;

namespace {

DayNumber day(int y, unsigned m, unsigned d) { return days_from_civil({y, m, d}); }
TimeMs at(const char* iso) { return *parse_iso8601(iso); }

}  // namespace

TEST_CASE("business time: an event late in the evening in Sao Paulo is the previous day there") {
  const TimeMs t = at("2026-03-01T02:00:00Z");  // 23:00 on Feb 28 at UTC-3
  CHECK(BusinessTime().local_day(t) == day(2026, 3, 1));
  CHECK(BusinessTime("UTC").local_day(t) == day(2026, 3, 1));
  CHECK(BusinessTime("America/Sao_Paulo").local_day(t) == day(2026, 2, 28));
  CHECK(BusinessTime("America/Sao_Paulo").local_day(at("2026-03-01T03:00:00Z")) == day(2026, 3, 1));
  CHECK(BusinessTime("America/Sao_Paulo").day_start(day(2026, 3, 1)) == at("2026-03-01T03:00:00Z"));
  CHECK(BusinessTime("America/Sao_Paulo").day_end(day(2026, 2, 28)) == at("2026-03-01T02:59:59.999Z"));
}

TEST_CASE("business time: UTC is plain division, before the epoch too") {
  const BusinessTime utc;
  CHECK(utc.is_utc());
  CHECK(BusinessTime("Etc/UTC").is_utc());
  CHECK(utc.local_day(-1) == -1);
  CHECK(utc.local_day(0) == 0);
  CHECK(utc.day_start(day(2026, 3, 8)) == at("2026-03-08T00:00:00Z"));
  CHECK(utc.day_end(day(2026, 3, 8)) == at("2026-03-08T23:59:59.999Z"));
}

TEST_CASE("business time: New York's daylight-saving days are 23 and 25 hours long") {
  const BusinessTime ny("America/New_York");
  // 2026-03-08: clocks go from 02:00 EST (UTC-5) to 03:00 EDT (UTC-4).
  CHECK(ny.day_start(day(2026, 3, 8)) == at("2026-03-08T05:00:00Z"));
  CHECK(ny.day_start(day(2026, 3, 9)) == at("2026-03-09T04:00:00Z"));
  CHECK(ny.day_start(day(2026, 3, 9)) - ny.day_start(day(2026, 3, 8)) == 23 * 3'600'000LL);
  // 2026-11-01: back from 02:00 EDT to 01:00 EST.
  CHECK(ny.day_start(day(2026, 11, 1)) == at("2026-11-01T04:00:00Z"));
  CHECK(ny.day_start(day(2026, 11, 2)) == at("2026-11-02T05:00:00Z"));
  CHECK(ny.day_start(day(2026, 11, 2)) - ny.day_start(day(2026, 11, 1)) == 25 * 3'600'000LL);
  // The repeated hour (01:00-02:00 local, twice) is all on Nov 1.
  CHECK(ny.local_day(at("2026-11-01T05:30:00Z")) == day(2026, 11, 1));
  CHECK(ny.local_day(at("2026-11-01T06:30:00Z")) == day(2026, 11, 1));
  CHECK(ny.local_day(at("2026-11-02T04:59:59.999Z")) == day(2026, 11, 1));
  CHECK(ny.local_day(at("2026-11-02T05:00:00Z")) == day(2026, 11, 2));
}

TEST_CASE("business time: Auckland is ahead of UTC, by 13 hours in its summer") {
  const BusinessTime nz("Pacific/Auckland");
  CHECK(nz.local_day(at("2026-03-01T12:00:00Z")) == day(2026, 3, 2));  // 01:00 NZDT on Mar 2
  CHECK(nz.local_day(at("2026-03-01T10:59:59Z")) == day(2026, 3, 1));
  CHECK(nz.day_start(day(2026, 1, 15)) == at("2026-01-14T11:00:00Z"));
  // 2026-04-05: back from 03:00 NZDT (UTC+13) to 02:00 NZST (UTC+12).
  CHECK(nz.day_start(day(2026, 4, 5)) == at("2026-04-04T11:00:00Z"));
  CHECK(nz.day_start(day(2026, 4, 6)) == at("2026-04-05T12:00:00Z"));
  // 2026-09-27: forward from 02:00 NZST to 03:00 NZDT.
  CHECK(nz.day_start(day(2026, 9, 28)) - nz.day_start(day(2026, 9, 27)) == 23 * 3'600'000LL);
}

TEST_CASE("business time: events out of time order use the ranges already looked up") {
  const BusinessTime ny("America/New_York");
  // Summer, winter, summer, winter: each lookup must give its own offset.
  for (int round = 0; round < 3; ++round) {
    CHECK(ny.local_day(at("2026-07-01T03:59:59Z")) == day(2026, 6, 30));
    CHECK(ny.local_day(at("2026-01-01T04:59:59Z")) == day(2025, 12, 31));
    CHECK(ny.local_day(at("2026-07-01T04:00:00Z")) == day(2026, 7, 1));
    CHECK(ny.local_day(at("2026-01-01T05:00:00Z")) == day(2026, 1, 1));
  }
}

TEST_CASE("business time: an unknown zone is a usage error that names it") {
  try {
    BusinessTime("Nowhere/City");
    FAIL("accepted an unknown zone");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(e.code() == "UNKNOWN_TIMEZONE");
    CHECK(std::string(e.what()).find("Nowhere/City") != std::string::npos);
  }
  CHECK_THROWS_AS(BusinessTime("utc"), Error);  // IANA names are case-sensitive
}

TEST_CASE("business time: a day's first and last instants are on that day (property)") {
  const std::vector<std::string> zones = {"UTC",           "America/Sao_Paulo", "America/New_York", "Pacific/Auckland",
                                          "Asia/Kolkata",  "Europe/London",     "Australia/Lord_Howe",
                                          "America/St_Johns"};
  CHECK(rc::check("local_day(day_start(d)) == d == local_day(day_start(d + 1) - 1)", [&] {
    const BusinessTime clock(*rc::gen::elementOf(zones));
    // 1990-01-01 .. 2037-12-31: zoneinfo lists every transition in it.
    const DayNumber d = *rc::gen::inRange<DayNumber>(day(1990, 1, 1), day(2038, 1, 1));
    const TimeMs start = clock.day_start(d), next = clock.day_start(d + 1);
    RC_ASSERT(clock.local_day(start) == d);
    RC_ASSERT(clock.local_day(next - 1) == d);
    RC_ASSERT(clock.local_day(start - 1) == d - 1);
    RC_ASSERT(next - start >= 22 * 3'600'000LL);
    RC_ASSERT(next - start <= 26 * 3'600'000LL);
  }));
}
