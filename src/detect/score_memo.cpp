#include "bre/detect/score_memo.h"

#include <cstring>

#include <fmt/format.h>

#include "bre/core/byte_codec.h"
#include "bre/core/metric_catalog.h"

namespace bre {

namespace {

constexpr const char* kCorrupt = "score_memo_corrupt";

// Everything a metric's scores depend on besides its values. The scoring
// code itself is covered by the format and the version of bre.
std::string basis_of(std::string_view metric, const BaselineRules& r, DayNumber first_day) {
  std::string b = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{:a}|{:a}|{:a}|{}|{}|", kScoreMemoFormat, BRE_VERSION,
                              metric, first_day, r.baseline_days, r.min_history_days, r.profile_days, r.scale_days,
                              r.stock_warmup_days, r.poisson_below, r.min_relative_effect, r.tail_quantile,
                              r.sustained_days, r.change_days);
  if (const auto it = r.excluded_days.find(metric); it != r.excluded_days.end())
    for (const DayRange& d : it->second) b += fmt::format("{}..{},", d.from, d.to);
  return b;
}

bool same_value(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::memcmp(&*a, &*b, sizeof(double)) == 0;  // the bits: a score reads them
}

void put_slots(ByteWriter& out, const std::vector<ScoreMemo::Slot>& slots) {
  out.put<std::uint64_t>(slots.size());
  for (const ScoreMemo::Slot& s : slots) {
    out.put<std::uint8_t>(!s.known ? 0 : s.score ? 2 : 1);
    if (!s.known || !s.score) continue;
    const BaselineScore& b = *s.score;
    out.put(b.value), out.put(b.baseline), out.put(b.scale), out.put(b.z);
    out.put<std::int32_t>(b.history), out.put<std::int32_t>(b.span);
    out.put<std::uint8_t>(b.seasonal), out.put<std::uint8_t>(b.practical);
    out.put(std::string_view(b.method));
  }
}

void get_slots(ByteReader& in, std::vector<ScoreMemo::Slot>& slots) {
  slots.resize(in.get<std::uint64_t>());
  for (ScoreMemo::Slot& s : slots) {
    const auto kind = in.get<std::uint8_t>();
    if (kind > 2) in.fail("has a slot of unknown kind");
    s.known = kind != 0;
    if (kind != 2) continue;
    BaselineScore b;
    b.value = in.get<double>(), b.baseline = in.get<double>(), b.scale = in.get<double>(), b.z = in.get<double>();
    b.history = in.get<std::int32_t>(), b.span = in.get<std::int32_t>();
    b.seasonal = in.get<std::uint8_t>() != 0, b.practical = in.get<std::uint8_t>() != 0;
    b.method = std::string(in.text());
    s.score = std::move(b);
  }
}

}  // namespace

std::string ScoreMemo::save() const {
  ByteWriter out;
  out.put(std::string_view(kScoreMemoFormat));
  out.put<std::uint64_t>(series_.size());
  for (const auto& [metric, s] : series_) {
    out.put(std::string_view(metric));
    out.put(std::string_view(s.basis));
    out.put<std::uint64_t>(s.values.size());
    for (const std::optional<double>& v : s.values) {
      out.put<std::uint8_t>(v.has_value());
      if (v) out.put(*v);
    }
    put_slots(out, s.day);
    put_slots(out, s.sustained);
    out.put<std::uint8_t>(s.bocpd.has_value());
    if (s.bocpd) {
      out.put_all(s.bocpd->values);
      out.put<std::uint64_t>(s.bocpd->at.size());
      for (std::size_t a : s.bocpd->at) out.put<std::uint64_t>(a);
      out.put<std::uint64_t>(s.bocpd->steps.size());
      for (const BocpdStep& st : s.bocpd->steps)
        out.put<std::uint64_t>(st.map_run_length), out.put(st.change_probability),
            out.put<std::uint64_t>(st.likely_change);
      out.put(std::string_view(s.bocpd->state));
    }
  }
  for (const Forest& f : forest_) {
    out.put(std::string_view(f.basis));
    out.put_all(f.flags);
  }
  return out.take();
}

ScoreMemo ScoreMemo::load(std::string_view bytes) {
  ScoreMemo memo;
  if (bytes.empty()) return memo;
  ByteReader in(bytes, kCorrupt, "the score memo");
  if (in.text() != kScoreMemoFormat) return memo;
  const auto n = in.get<std::uint64_t>();
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::string metric(in.text());
    Series& s = memo.series_[metric];
    s.basis = std::string(in.text());
    s.values.resize(in.get<std::uint64_t>());
    for (std::optional<double>& v : s.values)
      if (in.get<std::uint8_t>()) v = in.get<double>();
    get_slots(in, s.day);
    get_slots(in, s.sustained);
    if (s.day.size() != s.values.size() || s.sustained.size() != s.values.size()) in.fail("has slots off its days");
    if (in.get<std::uint8_t>()) {
      BocpdRun& r = s.bocpd.emplace();
      in.get_all(r.values);
      r.at.resize(in.get<std::uint64_t>());
      for (std::size_t& a : r.at) a = in.get<std::uint64_t>();
      r.steps.resize(in.get<std::uint64_t>());
      for (BocpdStep& st : r.steps) {
        st.map_run_length = in.get<std::uint64_t>();
        st.change_probability = in.get<double>();
        st.likely_change = in.get<std::uint64_t>();
      }
      r.state = std::string(in.text());
      if (r.at.size() != r.values.size() || r.steps.size() != r.values.size()) in.fail("has a BOCPD run off its values");
    }
  }
  for (Forest& f : memo.forest_) {
    f.basis = std::string(in.text());
    in.get_all(f.flags);
  }
  in.expect_done();
  return memo;
}

void ScoreMemo::bind(const DailyMetrics& m, const BaselineRules& rules, std::string_view forest_basis) {
  bound_.clear();
  rules_ = &rules;
  first_day_ = m.first_day;
  std::array<std::size_t, 3> forest_same;  // per domain: days before any of its metrics changed
  forest_same.fill(m.days);
  std::map<std::string, Series, std::less<>> kept;
  for (std::size_t k = 0; k < m.names.size(); ++k) {
    const MetricValues& today = m.values[k];
    Series s;
    if (auto old = series_.find(m.names[k]); old != series_.end()) s = std::move(old->second);
    s.metric = std::string(m.names[k]);
    std::size_t same = 0;  // days whose values and everything before them are unchanged
    while (same < today.size() && same < s.values.size() && same_value(today[same], s.values[same])) ++same;
    if (const MetricInfo* info = find_metric(m.names[k])) {
      std::size_t& f = forest_same[static_cast<std::size_t>(info->domain)];
      f = std::min(f, same);
    }
    const std::string basis = basis_of(m.names[k], rules, m.first_day);
    if (s.basis != basis) same = 0;
    s.basis = basis;
    s.values = today;
    s.day.resize(same), s.sustained.resize(same);
    s.day.resize(today.size()), s.sustained.resize(today.size());
    // BOCPD's run is checked against today's values when it is asked for.
    auto [it, _] = kept.emplace(std::string(m.names[k]), std::move(s));
    bound_[&today] = &it->second;
  }
  series_ = std::move(kept);
  const std::string basis = fmt::format("{}|{}|{}", kScoreMemoFormat, forest_basis, m.first_day);
  for (std::size_t d = 0; d < forest_.size(); ++d) {
    Forest& f = forest_[d];
    if (f.basis != basis) f.flags.clear();
    f.basis = basis;
    f.flags.resize(std::min(f.flags.size(), forest_same[d]));
    f.flags.resize(m.days, -1);
  }
}

std::int8_t* ScoreMemo::forest_slot(Domain domain, std::size_t day) {
  std::vector<std::int8_t>& flags = forest_[static_cast<std::size_t>(domain)].flags;
  if (day >= flags.size()) return nullptr;
  ++(flags[day] >= 0 ? reused_ : computed_);
  return &flags[day];
}

ScoreMemo::Slot* ScoreMemo::slot(std::vector<Slot> Series::*which, std::string_view metric, const MetricValues& series,
                                 std::size_t i, DayNumber first_day, const BaselineRules& rules) {
  if (&rules != rules_ || first_day != first_day_) return nullptr;
  const auto it = bound_.find(&series);
  if (it == bound_.end() || it->second->metric != metric) return nullptr;
  std::vector<Slot>& slots = it->second->*which;
  if (i >= slots.size()) return nullptr;
  ++(slots[i].known ? reused_ : computed_);
  return &slots[i];
}

ScoreMemo::Slot* ScoreMemo::day_slot(std::string_view metric, const MetricValues& series, std::size_t i,
                                     DayNumber first_day, const BaselineRules& rules) {
  return slot(&Series::day, metric, series, i, first_day, rules);
}

ScoreMemo::Slot* ScoreMemo::sustained_slot(std::string_view metric, const MetricValues& series, std::size_t i,
                                           DayNumber first_day, const BaselineRules& rules) {
  return slot(&Series::sustained, metric, series, i, first_day, rules);
}

ScoreMemo::BocpdRun* ScoreMemo::bocpd_run(const MetricValues& series) {
  const auto it = bound_.find(&series);
  if (it == bound_.end() || !it->second->bocpd) return nullptr;
  return &*it->second->bocpd;
}

void ScoreMemo::set_bocpd_run(const MetricValues& series, BocpdRun run) {
  if (const auto it = bound_.find(&series); it != bound_.end()) it->second->bocpd = std::move(run);
}

}  // namespace bre
