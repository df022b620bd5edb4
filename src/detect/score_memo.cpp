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

constexpr std::int32_t kMaxIdleSaves = 8;  // a table no run served in this many saves is dropped

void put_bocpd(ByteWriter& out, const ScoreMemo::BocpdRun& r) {
  out.put_all(r.values);
  out.put<std::uint64_t>(r.at.size());
  for (std::size_t a : r.at) out.put<std::uint64_t>(a);
  out.put<std::uint64_t>(r.steps.size());
  for (const BocpdStep& st : r.steps)
    out.put<std::uint64_t>(st.map_run_length), out.put(st.change_probability), out.put<std::uint64_t>(st.likely_change);
  out.put(std::string_view(r.state));
}

void get_bocpd(ByteReader& in, ScoreMemo::BocpdRun& r) {
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

}  // namespace

std::string ScoreMemo::save() {
  for (auto it = scores_.begin(); it != scores_.end();) {
    Scores& sc = it->second;
    sc.idle = sc.served ? 0 : sc.idle + 1;
    it = sc.idle > kMaxIdleSaves ? scores_.erase(it) : std::next(it);
  }
  ByteWriter out;
  out.put(std::string_view(kScoreMemoFormat));
  out.put<std::uint64_t>(metrics_.size());
  for (const auto& [name, mt] : metrics_) {
    out.put(std::string_view(name));
    out.put<std::uint64_t>(mt.values.size());
    for (const std::optional<double>& v : mt.values) {
      out.put<std::uint8_t>(v.has_value());
      if (v) out.put(*v);
    }
    out.put<std::uint8_t>(mt.bocpd.has_value());
    if (mt.bocpd) put_bocpd(out, *mt.bocpd);
  }
  out.put<std::uint64_t>(scores_.size());
  for (const auto& [key, sc] : scores_) {
    out.put(std::string_view(key.first));
    out.put(std::string_view(key.second));
    out.put(sc.idle);
    put_slots(out, sc.day);
    put_slots(out, sc.sustained);
  }
  for (const Forest& f : forest_) {
    out.put(std::string_view(f.basis));
    out.put(f.first_day);
    out.put_all(f.flags);
  }
  return out.take();
}

ScoreMemo ScoreMemo::load(std::string_view bytes) {
  ScoreMemo memo;
  if (bytes.empty()) return memo;
  ByteReader in(bytes, kCorrupt, "the score memo");
  if (in.text() != kScoreMemoFormat) return memo;
  for (auto n = in.get<std::uint64_t>(); n > 0; --n) {
    Metric& mt = memo.metrics_[std::string(in.text())];
    mt.values.resize(in.get<std::uint64_t>());
    for (std::optional<double>& v : mt.values)
      if (in.get<std::uint8_t>()) v = in.get<double>();
    if (in.get<std::uint8_t>()) get_bocpd(in, mt.bocpd.emplace());
  }
  for (auto n = in.get<std::uint64_t>(); n > 0; --n) {
    std::string metric(in.text());
    std::string basis(in.text());
    const auto of = memo.metrics_.find(metric);
    if (of == memo.metrics_.end()) in.fail("has scores of an unknown metric");
    Scores& sc = memo.scores_[{std::move(metric), std::move(basis)}];
    sc.idle = in.get<std::int32_t>();
    get_slots(in, sc.day);
    get_slots(in, sc.sustained);
    if (sc.day.size() != of->second.values.size() || sc.sustained.size() != of->second.values.size())
      in.fail("has slots off its days");
  }
  for (Forest& f : memo.forest_) {
    f.basis = std::string(in.text());
    f.first_day = in.get<DayNumber>();
    in.get_all(f.flags);
  }
  in.expect_done();
  return memo;
}

void ScoreMemo::bind(const DailyMetrics& m, std::string_view forest_basis) {
  bound_ = &m;
  bound_metrics_.clear();
  served_.clear();
  std::array<std::size_t, 3> forest_same;  // per domain: days before any of its metrics changed
  forest_same.fill(m.days);
  std::map<std::string, Metric, std::less<>> kept;
  for (std::size_t k = 0; k < m.names.size(); ++k) {
    const MetricValues& today = m.values[k];
    const std::string name(m.names[k]);
    Metric mt;
    if (auto old = metrics_.find(name); old != metrics_.end()) mt = std::move(old->second);
    std::size_t same = 0;  // days whose values and everything before them are unchanged
    while (same < today.size() && same < mt.values.size() && same_value(today[same], mt.values[same])) ++same;
    if (const MetricInfo* info = find_metric(name)) {
      std::size_t& f = forest_same[static_cast<std::size_t>(info->domain)];
      f = std::min(f, same);
    }
    mt.values = today;  // BOCPD's run is checked against them when it is asked for
    for (auto it = scores_.lower_bound({name, ""}); it != scores_.end() && it->first.first == name; ++it) {
      Scores& sc = it->second;
      sc.served = false;
      sc.day.resize(std::min(sc.day.size(), same)), sc.sustained.resize(std::min(sc.sustained.size(), same));
      sc.day.resize(today.size()), sc.sustained.resize(today.size());
    }
    kept.emplace(name, std::move(mt));
    bound_metrics_[&today] = m.names[k];
  }
  metrics_ = std::move(kept);
  for (auto it = scores_.begin(); it != scores_.end();)
    it = metrics_.count(it->first.first) ? std::next(it) : scores_.erase(it);
  // Verdicts are dropped from the domain's first changed day on whoever
  // binds; only a detection (which names its forest) drops them for new
  // parameters.
  for (std::size_t d = 0; d < forest_.size(); ++d) {
    Forest& f = forest_[d];
    if (f.first_day != m.first_day || (!forest_basis.empty() && f.basis != forest_basis)) f.flags.clear();
    if (!forest_basis.empty()) f.basis = std::string(forest_basis);
    f.first_day = m.first_day;
    f.flags.resize(std::min(f.flags.size(), forest_same[d]));
    f.flags.resize(m.days, -1);
  }
}

void ScoreMemo::serve(const BaselineRules& rules) {
  if (!bound_) return;
  for (std::size_t k = 0; k < bound_->names.size(); ++k) {
    const std::string_view name = bound_->names[k];
    Scores& sc = scores_[{std::string(name), basis_of(name, rules, bound_->first_day)}];
    if (recompute_) sc.day.clear(), sc.sustained.clear();
    sc.day.resize(bound_->days), sc.sustained.resize(bound_->days);  // a new table: nothing known yet
    sc.served = true;
    served_[{&rules, &bound_->values[k]}] = &sc;
  }
}

void ScoreMemo::recompute() {
  recompute_ = true;
  for (auto& [name, mt] : metrics_) mt.bocpd.reset();
  for (Forest& f : forest_) std::fill(f.flags.begin(), f.flags.end(), std::int8_t{-1});
}

ScoreMemo::Slot* ScoreMemo::slot(std::vector<Slot> Scores::*which, std::string_view metric,
                                 const MetricValues& series, std::size_t i, DayNumber first_day,
                                 const BaselineRules& rules) {
  if (!bound_ || first_day != bound_->first_day) return nullptr;
  const auto name = bound_metrics_.find(&series);
  if (name == bound_metrics_.end() || name->second != metric) return nullptr;
  const auto it = served_.find({&rules, &series});
  if (it == served_.end()) return nullptr;
  std::vector<Slot>& slots = it->second->*which;
  if (i >= slots.size()) return nullptr;
  ++(slots[i].known ? reused_ : computed_);
  return &slots[i];
}

ScoreMemo::Slot* ScoreMemo::day_slot(std::string_view metric, const MetricValues& series, std::size_t i,
                                     DayNumber first_day, const BaselineRules& rules) {
  return slot(&Scores::day, metric, series, i, first_day, rules);
}

ScoreMemo::Slot* ScoreMemo::sustained_slot(std::string_view metric, const MetricValues& series, std::size_t i,
                                           DayNumber first_day, const BaselineRules& rules) {
  return slot(&Scores::sustained, metric, series, i, first_day, rules);
}

ScoreMemo::BocpdRun* ScoreMemo::bocpd_run(const MetricValues& series) {
  const auto name = bound_metrics_.find(&series);
  if (name == bound_metrics_.end()) return nullptr;
  Metric& mt = metrics_.find(name->second)->second;
  return mt.bocpd ? &*mt.bocpd : nullptr;
}

void ScoreMemo::set_bocpd_run(const MetricValues& series, BocpdRun run) {
  if (const auto name = bound_metrics_.find(&series); name != bound_metrics_.end())
    metrics_.find(name->second)->second.bocpd = std::move(run);
}

std::int8_t* ScoreMemo::forest_slot(Domain domain, std::size_t day) {
  std::vector<std::int8_t>& flags = forest_[static_cast<std::size_t>(domain)].flags;
  if (day >= flags.size()) return nullptr;
  ++(flags[day] >= 0 ? reused_ : computed_);
  return &flags[day];
}

}  // namespace bre
