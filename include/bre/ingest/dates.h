// Lenient readers for the date shapes that real exports use ("2-Jun-06",
// "6/2/06", "1/31/2018 22:56", "2023-06-01 12:15:36"). None of these shapes
// carries a zone, so every result is read as UTC; an adapter that knows better
// must shift it itself. Impossible dates (31-Feb) are refused, never rolled.
#pragma once
#include <optional>
#include <string_view>

#include "bre/core/time.h"

namespace bre {

// Two-digit years pivot as POSIX strptime's %y does: 69..99 -> 1969..1999,
// 00..68 -> 2000..2068.
int expand_two_digit_year(int yy);

// "D-Mon-YY" or "D-Mon-YYYY", month as an English abbreviation in any case.
std::optional<TimeMs> parse_day_mon_year(std::string_view text);
// US order "M/D/YY" or "M/D/YYYY", optionally followed by " H:MM" or " H:MM:SS".
std::optional<TimeMs> parse_us_date_time(std::string_view text);
// "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or the same with a 'T' separator.
std::optional<TimeMs> parse_naive_date_time(std::string_view text);
// Any of the shapes above, after trimming surrounding blanks.
std::optional<TimeMs> parse_lenient_date_time(std::string_view text);

// Calendar-month arithmetic: moves t by `months` keeping the time of day; a
// day past the end of the target month is clamped to its last day
// (2024-03-31 minus 1 month is 2024-02-29).
TimeMs add_calendar_months(TimeMs t, int months);

}  // namespace bre
