// Lenient date readers used by the supplemental-file adapters.
#include <doctest/doctest.h>

#include "bre/ingest/dates.h"

using namespace bre;

namespace {
std::string iso(std::optional<TimeMs> t) { return t ? format_iso8601(*t) : "none"; }
}  // namespace

TEST_CASE("ingest dates: D-Mon-YY as SCMS writes it") {
  CHECK(iso(parse_day_mon_year("2-Jun-06")) == "2006-06-02T00:00:00Z");
  CHECK(iso(parse_day_mon_year("14-nov-2006")) == "2006-11-14T00:00:00Z");
  CHECK(iso(parse_day_mon_year("29-Feb-08")) == "2008-02-29T00:00:00Z");
  CHECK(iso(parse_day_mon_year("29-Feb-07")) == "none");
  CHECK(iso(parse_day_mon_year("2-Jux-06")) == "none");
  CHECK(iso(parse_day_mon_year("2-Jun-006")) == "none");
  CHECK(iso(parse_day_mon_year("Date Not Captured")) == "none");
}

TEST_CASE("ingest dates: US month/day/year with an optional time") {
  CHECK(iso(parse_us_date_time("6/2/06")) == "2006-06-02T00:00:00Z");
  CHECK(iso(parse_us_date_time("12/31/1999")) == "1999-12-31T00:00:00Z");
  CHECK(iso(parse_us_date_time("1/31/2018 22:56")) == "2018-01-31T22:56:00Z");
  CHECK(iso(parse_us_date_time("1/13/2018 0:33")) == "2018-01-13T00:33:00Z");
  CHECK(iso(parse_us_date_time("1/13/2018 0:33:07")) == "2018-01-13T00:33:07Z");
  CHECK(iso(parse_us_date_time("13/1/2018")) == "none");
  CHECK(iso(parse_us_date_time("1/13/2018 24:00")) == "none");
  CHECK(iso(parse_us_date_time("1/13/2018 0:3")) == "none");
  CHECK(iso(parse_us_date_time("1/13/2018 junk")) == "none");
}

TEST_CASE("ingest dates: two-digit years pivot like POSIX %y") {
  CHECK(expand_two_digit_year(0) == 2000);
  CHECK(expand_two_digit_year(68) == 2068);
  CHECK(expand_two_digit_year(69) == 1969);
  CHECK(expand_two_digit_year(99) == 1999);
}

TEST_CASE("ingest dates: naive ISO-like timestamps read as UTC") {
  CHECK(iso(parse_naive_date_time("2023-06-01 12:15:36")) == "2023-06-01T12:15:36Z");
  CHECK(iso(parse_naive_date_time("2023-06-01T12:15")) == "2023-06-01T12:15:00Z");
  CHECK(iso(parse_naive_date_time("2021-03-22")) == "2021-03-22T00:00:00Z");
  CHECK(iso(parse_naive_date_time("2021-3-22")) == "none");
  CHECK(iso(parse_naive_date_time("2023-06-01 12:15:36Z")) == "none");
}

TEST_CASE("ingest dates: the lenient reader tries every shape after trimming") {
  CHECK(iso(parse_lenient_date_time(" 2-Jun-06 ")) == "2006-06-02T00:00:00Z");
  CHECK(iso(parse_lenient_date_time("6/2/06")) == "2006-06-02T00:00:00Z");
  CHECK(iso(parse_lenient_date_time("2006-06-02")) == "2006-06-02T00:00:00Z");
  CHECK(iso(parse_lenient_date_time("")) == "none");
  CHECK(iso(parse_lenient_date_time("N/A - From RDC")) == "none");
}

TEST_CASE("ingest dates: calendar months keep the time of day and clamp month ends") {
  auto at = [](const char* s) { return *parse_iso8601(s); };
  CHECK(format_iso8601(add_calendar_months(at("2024-03-31T10:00:00Z"), -1)) == "2024-02-29T10:00:00Z");
  CHECK(format_iso8601(add_calendar_months(at("2023-03-31T00:00:00Z"), -13)) == "2022-02-28T00:00:00Z");
  CHECK(format_iso8601(add_calendar_months(at("2018-02-01T00:00:00Z"), -72)) == "2012-02-01T00:00:00Z");
  CHECK(format_iso8601(add_calendar_months(at("2018-02-01T00:00:00Z"), 0)) == "2018-02-01T00:00:00Z");
  CHECK(format_iso8601(add_calendar_months(at("2018-11-30T00:00:00Z"), 3)) == "2019-02-28T00:00:00Z");
  CHECK(format_iso8601(add_calendar_months(at("1969-12-31T23:00:00Z"), 1)) == "1970-01-31T23:00:00Z");
}
