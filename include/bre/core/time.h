// Instants are UTC milliseconds since the Unix epoch; days are counted since
// 1970-01-01. Text is ISO-8601 with a 'Z' designator.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bre {

using TimeMs = std::int64_t;
constexpr TimeMs kMsPerDay = 86'400'000;
// A calendar date as days since 1970-01-01. Which instants belong to it is
// the business time zone's business (core/business_time.h); a date parsed
// from "YYYY-MM-DD" text is parse_date(text) / kMsPerDay in every zone.
using DayNumber = std::int64_t;

struct CivilDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};

std::int64_t days_from_civil(CivilDate d);
CivilDate civil_from_days(std::int64_t days);
bool valid_civil(int year, unsigned month, unsigned day);

// Strict: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)". A timestamp
// without a zone is ambiguous for a canonical record, so it is refused.
std::optional<TimeMs> parse_iso8601(std::string_view text);
// "YYYY-MM-DD" as midnight UTC.
std::optional<TimeMs> parse_date(std::string_view text);
// Always "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" only when milliseconds are set,
// so encoding is canonical.
std::string format_iso8601(TimeMs t);
std::string format_date(TimeMs t);
// "20261126T224358Z": for ids that should sort by time.
std::string compact_timestamp(TimeMs t);

TimeMs now_ms();

}  // namespace bre
