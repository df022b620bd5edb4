// The business time zone (cli.md §2): event times are UTC instants, and the
// days that metrics, incidents, monitors and timelines count are the
// business's local calendar dates in one IANA zone (the workspace setting
// `timezone`, default UTC). Day d covers [day_start(d), day_start(d + 1)):
// 24 hours, or 23 / 25 across a daylight-saving change, and every query that
// turns a day window into an event_time range uses exactly that range, so an
// event counts on the same day everywhere.
//
// local_day runs once per event of a state build (10^6 per scan): UTC is a
// floor division, and another zone keeps the UTC offset range (sys_info) of
// the last lookup, so most events cost two comparisons and the division. Not
// thread-safe (the cache): copy one per thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/time.h"

namespace date {
class time_zone;
}

namespace bre {

constexpr DayNumber floor_day(TimeMs t) { return t >= 0 ? t / kMsPerDay : -((-t + kMsPerDay - 1) / kMsPerDay); }

class BusinessTime {
 public:
  BusinessTime() = default;  // UTC
  // An IANA zone name ("America/Sao_Paulo"). "UTC" and "Etc/UTC" need no
  // time zone database. A name the database (/usr/share/zoneinfo) lacks is a
  // usage error, UNKNOWN_TIMEZONE.
  explicit BusinessTime(std::string_view zone);

  const std::string& zone() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }

  // The local calendar date of instant t.
  DayNumber local_day(TimeMs t) const { return floor_day(to_local(t)); }
  // The local wall-clock time of instant t, in milliseconds as if it were
  // UTC (format_iso8601 of it shows the local date and time).
  TimeMs to_local(TimeMs t) const {
    if (!zone_) return t;
    if (t < cached_.begin || t >= cached_.end) cached_ = offset_range(t);
    return t + cached_.offset;
  }
  // The first instant of local date d: its midnight, or the moment the day
  // begins when a clock change skips midnight; of two midnights, the first.
  TimeMs day_start(DayNumber d) const;
  // The last millisecond of local date d: when a day's reading is known
  // (an incident's detected_at, an alert's triggered_at).
  TimeMs day_end(DayNumber d) const { return day_start(d + 1) - 1; }
  // The event_time range of days first..last (inclusive): [from, until).
  struct TimeRange {
    TimeMs from = 0, until = 0;
  };
  TimeRange days(DayNumber first, DayNumber last) const { return {day_start(first), day_start(last + 1)}; }

 private:
  // [begin, end) in UTC ms during which local time is UTC + offset.
  struct OffsetRange {
    TimeMs begin = 0, end = 0, offset = 0;
  };
  OffsetRange offset_range(TimeMs t) const;

  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;
  mutable OffsetRange cached_;
  // Every range looked up so far, by begin: events out of time order cost a
  // binary search here rather than a time zone lookup.
  mutable std::vector<OffsetRange> seen_;
};

}  // namespace bre
