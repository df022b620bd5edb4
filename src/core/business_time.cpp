#include "bre/core/business_time.h"

#include <date/tz.h>

#include <algorithm>

#include "bre/core/error.h"

namespace bre {

namespace {

// sys_info bounds the first and last ranges with far-off years; clamped so
// that milliseconds stay well inside int64.
constexpr std::int64_t kFarSeconds = 100'000'000'000'000;  // ~3 million years

TimeMs to_ms(date::sys_seconds s) {
  return std::clamp<std::int64_t>(s.time_since_epoch().count(), -kFarSeconds, kFarSeconds) * 1000;
}

// The names taken as UTC without a time zone database lookup.
bool is_utc_zone_name(std::string_view zone) { return zone == "UTC" || zone == "Etc/UTC"; }

}  // namespace

BusinessTime::BusinessTime(std::string_view zone) : name_(zone) {
  if (is_utc_zone_name(zone)) return;
  try {
    zone_ = date::locate_zone(zone);
  } catch (const std::exception&) {
    // locate_zone throws std::runtime_error both for an unknown name and for
    // a missing database; either way this name cannot be used here.
    throw Error(ErrorKind::usage, "UNKNOWN_TIMEZONE",
                "unknown time zone '" + name_ + "' (an IANA name such as America/Sao_Paulo, or UTC)");
  }
}

BusinessTime::OffsetRange BusinessTime::offset_range(TimeMs t) const {
  auto after = std::upper_bound(seen_.begin(), seen_.end(), t,
                                [](TimeMs v, const OffsetRange& r) { return v < r.begin; });
  if (after != seen_.begin() && t < std::prev(after)->end) return *std::prev(after);
  const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds{t}};
  const date::sys_info info = zone_->get_info(date::floor<std::chrono::seconds>(at));
  const OffsetRange r{to_ms(info.begin), to_ms(info.end), info.offset.count() * 1000LL};
  seen_.insert(after, r);
  return r;
}

TimeMs BusinessTime::day_start(DayNumber d) const {
  if (!zone_) return d * kMsPerDay;
  // choose::earliest: of two midnights (clocks set back over midnight) the
  // first; a skipped midnight gives the moment the clocks jump, the first
  // instant that is on day d.
  const date::local_seconds midnight{date::days{d}};
  return zone_->to_sys(midnight, date::choose::earliest).time_since_epoch().count() * 1000;
}

}  // namespace bre
