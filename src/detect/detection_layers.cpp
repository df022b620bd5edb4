#include "detection_layers.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "bre/core/hash.h"
#include "bre/detect/bocpd.h"
#include "bre/detect/isolation_forest.h"

namespace bre::detail {

int severity_level(double z, const std::array<double, 3>& bands) {
  z = std::abs(z);
  if (z >= bands[2]) return 3;
  if (z >= bands[1]) return 2;
  if (z >= bands[0]) return 1;
  return 0;
}

const char* severity_name(int level) {
  static const char* const names[] = {"low", "medium", "high", "critical"};
  return names[std::clamp(level, 0, 3)];
}

MetricReading reading(const std::string& metric, const BaselineScore& s) {
  return {metric, s.value, s.baseline, s.z, s.method, s.seasonal, s.span};
}

bool layer1_fires(const TriggerRule& t, const BaselineScore& s, const DetectConfig& cfg) {
  // The design's second satisfaction trigger is absolute: a slope below -0.1 a day.
  if (t.metric == "review_score_trend") return s.value < cfg.trend_threshold;
  return t.direction * s.z >= t.z_threshold;
}

bool DomainForest::flags(Domain domain, std::size_t day) {
  const auto key = std::make_pair(static_cast<int>(domain), day);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::int8_t* remembered = cfg_.baseline.memo ? cfg_.baseline.memo->forest_slot(domain, day) : nullptr;
  if (remembered && *remembered >= 0) {
    if (verdicts_) verdicts_->answered_elsewhere = true;
    return cache_[key] = *remembered != 0;
  }
  const bool flagged = compute(domain, day);
  if (remembered) *remembered = flagged ? 1 : 0;
  return cache_[key] = flagged;
}

bool DomainForest::compute(Domain domain, std::size_t day) const {
  const std::size_t span = static_cast<std::size_t>(cfg_.forest_days);
  if (day + 1 < 30) return false;
  const std::size_t from = day + 1 > span ? day + 1 - span : 0;
  std::vector<std::vector<double>> columns;
  for (const MetricInfo& info : metric_catalog()) {
    if (info.domain != domain) continue;
    const MetricValues& v = *m_.find(info.name);
    std::vector<double> present;
    for (std::size_t j = from; j <= day; ++j)
      if (v[j]) present.push_back(*v[j]);
    if (present.size() < (day + 1 - from) / 2) continue;  // mostly undefined: leave it out
    std::nth_element(present.begin(), present.begin() + static_cast<long>(present.size() / 2), present.end());
    const double fill = present[present.size() / 2];
    std::vector<double> column;
    for (std::size_t j = from; j <= day; ++j) column.push_back(v[j] ? *v[j] : fill);
    columns.push_back(std::move(column));
  }
  if (columns.empty()) return false;
  std::vector<std::vector<double>> rows(day + 1 - from, std::vector<double>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c)
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r][c] = columns[c][r];
  IsolationForestParams p;
  p.seed = cfg_.forest_seed;
  if (!verdicts_) return IsolationForest::fit(rows, p).is_anomaly(rows.back());
  std::string key = forest_verdict_key(rows, p);
  verdicts_->used.insert(key);
  if (const auto known = verdicts_->known.find(key); known != verdicts_->known.end()) {
    ++verdicts_->hits;
    return known->second;
  }
  ++verdicts_->fits;
  const bool flagged = IsolationForest::fit(rows, p).is_anomaly(rows.back());
  verdicts_->computed.emplace(std::move(key), flagged);
  return flagged;
}

namespace {

// The means of up to `days` defined values before and from position cp.
MeanShift shift_at(const ChangepointRuns::Run& p, std::size_t cp, std::size_t days) {
  const std::vector<double>& v = p.values;
  const std::size_t lo = cp > days ? cp - days : 0, hi = std::min(v.size(), cp + days);
  double before = 0, after = 0;
  for (std::size_t j = lo; j < cp; ++j) before += v[j];
  for (std::size_t j = cp; j < hi; ++j) after += v[j];
  return {p.at[cp], before / static_cast<double>(cp - lo), after / static_cast<double>(hi - cp)};
}

constexpr std::size_t kMinBocpdValues = 45;  // its prior needs 30 days and the window some more

bool starts_with(const std::vector<double>& all, const std::vector<double>& prefix) {
  return prefix.size() <= all.size() &&
         std::memcmp(all.data(), prefix.data(), prefix.size() * sizeof(double)) == 0;  // the bits BOCPD read
}

// bocpd(values), going on from the memo's run when its values begin today's
// (then its steps are today's first steps: BOCPD is online and its prior
// comes from the first 30 values); the run is remembered for the next time.
std::vector<BocpdStep> bocpd_resumed(ScoreMemo& memo, const MetricValues& series, const std::vector<double>& values,
                                     const std::vector<std::size_t>& at) {
  const BocpdParams params;
  const NormalGammaPrior prior =
      prior_from_baseline(std::span(values).first(std::min(params.prior_baseline, values.size())));
  Bocpd detector(prior, params);
  std::vector<BocpdStep> steps;
  if (const ScoreMemo::BocpdRun* old = memo.bocpd_run(series);
      old && old->values.size() >= kMinBocpdValues && starts_with(values, old->values)) {
    try {
      ByteReader in(old->state, "score_memo_corrupt", "a remembered BOCPD state");
      detector.restore(in);
      in.expect_done();
      if (detector.observations() == old->values.size()) steps = old->steps;
    } catch (const Error&) {
    }
    if (steps.empty()) detector = Bocpd(prior, params);
  }
  steps.reserve(values.size());
  for (std::size_t j = steps.size(); j < values.size(); ++j) steps.push_back(detector.observe(values[j]));
  ByteWriter state;
  detector.save(state);
  memo.set_bocpd_run(series, {values, at, steps, state.take()});
  return steps;
}

}  // namespace

const ChangepointRuns::Run* ChangepointRuns::of(const MetricValues& series) {
  auto [it, fresh] = runs_.try_emplace(&series);
  if (fresh) {
    Run run;
    bool finite = true;
    for (std::size_t j = 0; j < series.size() && finite; ++j)
      if (series[j]) {
        finite = std::isfinite(*series[j]);
        run.values.push_back(*series[j]), run.at.push_back(j);
      }
    if (finite && run.values.size() >= kMinBocpdValues) {
      run.steps = memo_ ? bocpd_resumed(*memo_, series, run.values, run.at) : bocpd(run.values);
      it->second = std::move(run);
    }
  }
  return it->second ? &*it->second : nullptr;
}

std::optional<MeanShift> changepoint_near(ChangepointRuns& runs, const MetricValues& series, std::size_t from,
                                          std::size_t to) {
  // Found online, on the values up to the window end (the run's first steps);
  // the means it reports use the days after it that are known by now.
  const ChangepointRuns::Run* run = runs.of(series);
  if (!run) return std::nullopt;
  const auto known = static_cast<std::size_t>(std::upper_bound(run->at.begin(), run->at.end(), to) - run->at.begin());
  if (known < kMinBocpdValues) return std::nullopt;
  const std::vector<BocpdStep> steps(run->steps.begin(), run->steps.begin() + static_cast<std::ptrdiff_t>(known));
  for (std::size_t cp : bocpd_change_points(steps))
    if (cp > 0 && cp < known && run->at[cp] + 3 >= from && run->at[cp] <= to) return shift_at(*run, cp, 14);
  return std::nullopt;
}

std::vector<MeanShift> mean_shifts(ChangepointRuns& runs, const MetricValues& series, std::size_t days) {
  std::vector<MeanShift> out;
  const ChangepointRuns::Run* run = runs.of(series);
  if (!run) return out;
  for (std::size_t cp : bocpd_change_points(run->steps))
    if (cp >= 3 && cp + 3 <= run->values.size()) out.push_back(shift_at(*run, cp, days));
  return out;
}

std::string describe_shift(const std::string& metric, const MeanShift& shift, const DailyMetrics& m) {
  return fmt::format("mean of {} shifted from {:.4g} to {:.4g} starting {}", metric, shift.before, shift.after,
                     format_day(m.day(shift.index)));
}

std::string incident_id(const std::string& type, DayNumber window_start) {
  return "inc_" + sha256_hex(type + "|" + format_day(window_start)).substr(0, 16);
}

std::vector<std::pair<std::size_t, std::size_t>> group_windows(const std::vector<std::size_t>& days,
                                                               const DetectConfig& cfg) {
  const auto max_gap = static_cast<std::size_t>(cfg.quiet_days_to_end + cfg.reopen_days);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t a = 0; a < days.size();) {
    std::size_t b = a;
    while (b + 1 < days.size() && days[b + 1] - days[b] <= max_gap) ++b;
    out.emplace_back(a, b);
    a = b + 1;
  }
  return out;
}

void add_supporting(DetectedIncident& inc, const IncidentRule& rule, const DailyMetrics& m, std::size_t day,
                    const DetectConfig& cfg) {
  for (const TriggerRule& t : rule.triggers) {
    if (t.metric == inc.primary.metric) continue;
    if (const MetricValues* series = m.find(t.metric))
      if (auto s = score_day(t.metric, *series, day, m.first_day, cfg.baseline))
        inc.supporting.push_back(reading(t.metric, *s));
  }
}

void explain_reading(DetectedIncident& inc) {
  const std::string& method = inc.primary.method;
  auto has = [&](std::string_view part) { return method.find(part) != std::string::npos; };
  if (inc.primary.seasonal) inc.notes.push_back("compared with the same weekday (weekly profile)");
  if (inc.primary.span > 1)
    inc.notes.push_back("a sustained shift: the mean of the last " + std::to_string(inc.primary.span) +
                        " days against earlier spans of as many days");
  if (has("poisson")) inc.notes.push_back("small counts: Poisson test, p-value as z");
  if (has("log_change")) inc.notes.push_back("a stock that trends: its weekly change (log ratio) against earlier weekly changes");
  if (has("tail")) inc.notes.push_back("a lumpy metric: scale from the 90th percentile of its deviations, not the MAD");
  if (has("floor") || has("mean_abs_dev"))
    inc.notes.push_back(std::string("flat baseline (MAD 0): scale from the ") +
                        (has("floor") ? "floor" : "mean absolute deviation"));
}

}  // namespace bre::detail
