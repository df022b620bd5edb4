#include "bre/ingest/dates.h"

#include <array>
#include <cctype>

namespace bre {

namespace {

// A cursor over the text; each read either consumes what it asked for or fails.
struct Cursor {
  std::string_view s;
  std::size_t pos = 0;

  bool done() const { return pos == s.size(); }
  bool lit(char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // Between min_digits and max_digits decimal digits.
  bool number(std::size_t min_digits, std::size_t max_digits, int& out) {
    std::size_t start = pos;
    int v = 0;
    while (pos < s.size() && pos - start < max_digits && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + (s[pos++] - '0');
    if (pos - start < min_digits) return false;
    out = v;
    return true;
  }
};

std::optional<TimeMs> make_time(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  if (month < 1 || day < 1 || !valid_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)))
    return std::nullopt;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return std::nullopt;
  const std::int64_t days = days_from_civil({year, static_cast<unsigned>(month), static_cast<unsigned>(day)});
  return days * kMsPerDay + ((hour * 60LL + minute) * 60LL + second) * 1000LL;
}

// A year of 2 digits is pivoted; 4 digits are taken as written; other widths are refused.
bool year_field(Cursor& c, int& year) {
  std::size_t start = c.pos;
  if (!c.number(2, 4, year)) return false;
  std::size_t width = c.pos - start;
  if (width == 3) return false;
  if (width == 2) year = expand_two_digit_year(year);
  return true;
}

// Optional "H:MM" or "H:MM:SS" after one or more spaces (or a 'T').
bool time_of_day(Cursor& c, int& hour, int& minute, int& second) {
  hour = minute = second = 0;
  if (c.done()) return true;
  if (!c.lit('T') && !c.lit(' ')) return false;
  while (c.lit(' ')) {
  }
  if (!c.number(1, 2, hour) || !c.lit(':') || !c.number(2, 2, minute)) return false;
  if (c.lit(':') && !c.number(2, 2, second)) return false;
  return c.done();
}

std::string_view trim_date_text(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

int expand_two_digit_year(int yy) { return yy >= 69 ? 1900 + yy : 2000 + yy; }

std::optional<TimeMs> parse_day_mon_year(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  Cursor c{text};
  int day = 0, year = 0;
  if (!c.number(1, 2, day) || !c.lit('-')) return std::nullopt;
  if (c.pos + 3 > text.size()) return std::nullopt;
  std::string mon;
  for (std::size_t i = 0; i < 3; ++i) mon.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[c.pos + i]))));
  c.pos += 3;
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (kMonths[i] == mon) month = static_cast<int>(i) + 1;
  if (month == 0 || !c.lit('-') || !year_field(c, year) || !c.done()) return std::nullopt;
  return make_time(year, month, day);
}

std::optional<TimeMs> parse_us_date_time(std::string_view text) {
  Cursor c{text};
  int month = 0, day = 0, year = 0, h = 0, mi = 0, sec = 0;
  if (!c.number(1, 2, month) || !c.lit('/') || !c.number(1, 2, day) || !c.lit('/') || !year_field(c, year))
    return std::nullopt;
  if (!time_of_day(c, h, mi, sec)) return std::nullopt;
  return make_time(year, month, day, h, mi, sec);
}

std::optional<TimeMs> parse_naive_date_time(std::string_view text) {
  Cursor c{text};
  int year = 0, month = 0, day = 0, h = 0, mi = 0, sec = 0;
  if (!c.number(4, 4, year) || !c.lit('-') || !c.number(2, 2, month) || !c.lit('-') || !c.number(2, 2, day))
    return std::nullopt;
  if (!time_of_day(c, h, mi, sec)) return std::nullopt;
  return make_time(year, month, day, h, mi, sec);
}

std::optional<TimeMs> parse_lenient_date_time(std::string_view text) {
  text = trim_date_text(text);
  if (auto t = parse_naive_date_time(text)) return t;
  if (auto t = parse_us_date_time(text)) return t;
  return parse_day_mon_year(text);
}

TimeMs add_calendar_months(TimeMs t, int months) {
  // Floor division so instants before 1970 keep their time of day.
  std::int64_t days = t / kMsPerDay;
  if (t % kMsPerDay < 0) --days;
  const TimeMs time_of_day = t - days * kMsPerDay;
  CivilDate d = civil_from_days(days);
  std::int64_t month_index = static_cast<std::int64_t>(d.year) * 12 + (d.month - 1) + months;
  std::int64_t year = month_index >= 0 ? month_index / 12 : (month_index - 11) / 12;
  unsigned month = static_cast<unsigned>(month_index - year * 12) + 1;
  unsigned day = d.day;
  while (day > 28 && !valid_civil(static_cast<int>(year), month, day)) --day;
  return days_from_civil({static_cast<int>(year), month, day}) * kMsPerDay + time_of_day;
}

}  // namespace bre
