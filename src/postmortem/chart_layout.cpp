// layout_charts: metric charts to drawing primitives (chart.h).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "bre/core/time.h"
#include "bre/postmortem/chart.h"
#include "bre/postmortem/text_layout.h"

namespace bre {

namespace {

constexpr Rgb kSeries{31, 78, 140};
constexpr Rgb kBand{147, 190, 230};
constexpr Rgb kThreshold{200, 40, 40};
constexpr Rgb kGrid{225, 225, 225};
constexpr Rgb kFrame{150, 150, 150};
constexpr Rgb kText{60, 60, 60};
constexpr Rgb kWhite{255, 255, 255};

Rgb severity_color(const std::string& severity) {
  if (severity == "critical") return {150, 20, 30};
  if (severity == "high") return {220, 60, 50};
  if (severity == "medium") return {240, 150, 40};
  return {235, 200, 60};
}

// Days counted from Thursday 1970-01-01; Monday is 0.
int weekday_from_monday(DayNumber d) { return static_cast<int>(((d + 3) % 7 + 7) % 7); }

// A tick label with as many decimals as the step needs; k and M above 10,000.
std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0;
  const double mag = std::max(std::abs(v), step);
  if (mag >= 1e7 && step >= 1e5) return fmt::format("{:g}M", v / 1e6);
  if (mag >= 1e4 && step >= 100) return fmt::format("{:g}k", v / 1e3);
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  if (std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6) ++decimals;
  return fmt::format("{:.{}f}", v, decimals);
}

// Every finite value a panel must show: the line, the band and the thresholds.
std::pair<double, double> value_range(const MetricChart& c) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  // Values beyond 1e15 are no business metric's (a corrupt row): they are
  // drawn off the plot rather than flattening every real value to a line.
  auto take = [&](const MetricValues& vs) {
    for (const auto& v : vs)
      if (v && std::abs(*v) <= 1e15) lo = std::min(lo, *v), hi = std::max(hi, *v);
  };
  take(c.values);
  take(c.band_lower);
  take(c.band_upper);
  for (const ThresholdLine& t : c.thresholds) take(t.values);
  if (lo > hi) return {0, 1};
  if (lo == hi) {
    const double pad = std::max(1.0, std::abs(lo) * 0.1);
    return {lo - pad, hi + pad};
  }
  return {lo, hi};
}

// Maximal runs of consecutive days where `defined(i)` holds.
template <class Defined>
std::vector<std::pair<std::size_t, std::size_t>> runs(std::size_t n, Defined defined) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < n;) {
    if (!defined(i)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < n && defined(j + 1)) ++j;
    out.emplace_back(i, j);
    i = j + 1;
  }
  return out;
}

struct PanelGeometry {
  double left, top, width, height;  // the plot area
  DayNumber d0;
  double day_width;
  double ylo, yhi;
  double x_center(DayNumber d) const { return left + (static_cast<double>(d - d0) + 0.5) * day_width; }
  double x_edge(DayNumber d) const { return left + static_cast<double>(d - d0) * day_width; }
  double y(double v) const { return top + height * (yhi - v) / (yhi - ylo); }
};

// The metric's name and a swatch for each element present, from the
// drawing's left edge, flowing onto more lines when the width runs out.
// Returns the height it takes from the panel's top.
double add_legend(ChartDrawing& out, const MetricChart& c, bool has_window, double top, const ChartLayoutOptions& o) {
  const double fs = o.font_size, line = fs + 5;
  double y = top + 12;
  const std::vector<std::string> title =
      wrap_text(c.metric, o.width, [&](std::string_view s) { return o.text_width(s, fs + 1, true); });
  for (std::size_t i = 0; i < title.size(); ++i) {
    if (i > 0) y += line;
    out.texts.push_back({{0, y}, title[i], fs + 1, true, kText, Anchor::start, "legend"});
  }
  double x = o.text_width(title.back(), fs + 1, true) + 14;
  auto item = [&](const std::string& label, auto draw_swatch) {
    const double w = 18 + o.text_width(label, fs, false);
    if (x + w > o.width) x = 0, y += line;
    draw_swatch(x, y - fs * 0.35);
    out.texts.push_back({{x + 18, y}, label, fs, false, kText, Anchor::start, "legend"});
    x += w + 12;
  };
  item("value", [&](double sx, double sy) {
    out.lines.push_back({{{sx, sy}, {sx + 14, sy}}, kSeries, 1.5, false, "legend"});
  });
  item(fmt::format("normal range (\u00B1{:g}\u03C3)", c.band_z), [&](double sx, double sy) {
    out.rects.push_back({sx, sy - 4, 14, 8, kBand, 0.6, std::nullopt, "legend"});
  });
  if (!c.thresholds.empty())
    item("incident trigger", [&](double sx, double sy) {
      out.lines.push_back({{{sx, sy}, {sx + 14, sy}}, kThreshold, 1, true, "legend"});
    });
  if (has_window)
    item("incident window", [&](double sx, double sy) {
      out.rects.push_back({sx, sy - 4, 14, 8, severity_color("high"), 0.25, std::nullopt, "legend"});
    });
  return y - top + 6;
}

void add_panel(ChartDrawing& out, const MetricChart& c, const PanelGeometry& g, DayNumber d1,
               const std::vector<double>& yticks, const std::vector<DayNumber>& xticks, const ChartLayoutOptions& o) {
  out.rects.push_back({g.left, g.top, g.width, g.height, kWhite, 1, kFrame, "frame"});
  // Horizontal grid and value labels.
  const double step = yticks.size() > 1 ? yticks[1] - yticks[0] : 1;
  for (double t : yticks) {
    const double y = g.y(t);
    out.lines.push_back({{{g.left, y}, {g.left + g.width, y}}, kGrid, 0.5, false, "grid"});
    out.texts.push_back({{g.left - 4, y + o.font_size * 0.35}, tick_label(t, step), o.font_size, false, kText,
                         Anchor::end, "axis"});
  }
  for (DayNumber d : xticks)
    out.lines.push_back({{{g.x_center(d), g.top}, {g.x_center(d), g.top + g.height}}, kGrid, 0.5, false, "grid"});

  // Incident windows, clipped to the panel's days.
  for (const IncidentWindow& w : c.windows) {
    const DayNumber from = std::max(w.from, g.d0), to = std::min(w.to, d1);
    if (from > to) continue;
    const double x0 = g.x_edge(from), x1 = g.x_edge(to + 1);
    out.rects.push_back({x0, g.top, x1 - x0, g.height, severity_color(w.severity), 0.22, std::nullopt, "window"});
    // The label starts at the window but stays inside the plot.
    const double label_width = o.text_width(w.label, o.font_size - 1, false);
    const double label_x = std::max(g.left + 2, std::min(x0 + 2, g.left + g.width - label_width - 2));
    out.texts.push_back({{label_x, g.top + o.font_size + 1}, w.label, o.font_size - 1, false, kText, Anchor::start,
                         "window"});
  }

  // The band, the thresholds, then the series on top; nulls break each.
  const DayNumber offset = c.first_day - g.d0;
  auto x_of = [&](std::size_t i) { return g.x_center(g.d0 + offset + static_cast<DayNumber>(i)); };
  const std::size_t n = c.values.size();
  for (auto [a, b] : runs(std::min({n, c.band_lower.size(), c.band_upper.size()}),
                          [&](std::size_t i) { return c.band_lower[i] && c.band_upper[i]; })) {
    ShapePolygon band{{}, kBand, 0.45, "band"};
    for (std::size_t i = a; i <= b; ++i) band.points.push_back({x_of(i), g.y(*c.band_upper[i])});
    for (std::size_t i = b + 1; i-- > a;) band.points.push_back({x_of(i), g.y(*c.band_lower[i])});
    out.polygons.push_back(std::move(band));
  }
  for (const ThresholdLine& t : c.thresholds)
    for (auto [a, b] : runs(t.values.size(), [&](std::size_t i) { return t.values[i].has_value(); })) {
      ShapeLine line{{}, kThreshold, 1, true, "threshold"};
      for (std::size_t i = a; i <= b; ++i) line.points.push_back({x_of(i), g.y(*t.values[i])});
      out.lines.push_back(std::move(line));
    }
  for (auto [a, b] : runs(n, [&](std::size_t i) { return c.values[i] && std::isfinite(*c.values[i]); })) {
    ShapeLine line{{}, kSeries, 1.5, false, "series"};
    for (std::size_t i = a; i <= b; ++i) line.points.push_back({x_of(i), g.y(*c.values[i])});
    out.lines.push_back(std::move(line));
  }
}

}  // namespace

double approximate_text_width(std::string_view text, double font_size, bool bold) {
  return static_cast<double>(decode_utf8(text).size()) * font_size * (bold ? 0.6 : 0.56);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) return {lo};
  if (!std::isfinite(hi - lo)) return {lo, hi};
  const double rough = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(rough)));
  const double residual = rough / mag;
  const double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  const double step = nice * mag;
  // The small slack keeps 0.3 / 0.1 = 2.9999… from adding a tick below or above.
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  // Ranges beyond double's precision (or overflowing it) get their two ends.
  if (!std::isfinite(first) || !std::isfinite(last) || last - first > 1000 || first + 1 == first) return {lo, hi};
  std::vector<double> ticks;
  for (int k = 0; k <= static_cast<int>(last - first); ++k) {
    const double t = (first + k) * step;
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::vector<DayNumber> date_ticks(DayNumber from, DayNumber to, int max_labels) {
  std::vector<DayNumber> ticks;
  if (from > to) return ticks;
  auto by_days = [&](int step, bool mondays) {
    ticks.clear();
    for (DayNumber d = from; d <= to; ++d) {
      if (mondays ? weekday_from_monday(d) == 0 && ((d - 4) / 7) % (step / 7) == 0 : (d - from) % step == 0)
        ticks.push_back(d);
    }
    return static_cast<int>(ticks.size()) <= max_labels;
  };
  if (by_days(1, false) || by_days(2, false) || by_days(7, true) || by_days(14, true)) return ticks;
  for (int months : {1, 2, 3, 6, 12, 24, 60, 120, 1200}) {
    ticks.clear();
    const CivilDate a = civil_from_days(from);
    int y = a.year, m = static_cast<int>(a.month);
    for (DayNumber d = days_from_civil({y, static_cast<unsigned>(m), 1}); d <= to;) {
      if (d >= from && (y * 12 + m - 1) % months == 0) ticks.push_back(d);
      if (++m > 12) m = 1, ++y;
      d = days_from_civil({y, static_cast<unsigned>(m), 1});
    }
    if (static_cast<int>(ticks.size()) <= max_labels) break;
  }
  return ticks;
}

std::string short_date(DayNumber day, bool with_year) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilDate c = civil_from_days(day);
  return with_year ? fmt::format("{} {} {}", c.day, kMonths[c.month - 1], c.year)
                   : fmt::format("{} {}", c.day, kMonths[c.month - 1]);
}

ChartDrawing layout_charts(const std::vector<MetricChart>& charts, const ChartLayoutOptions& o) {
  constexpr double kPanelGap = 8, kDateLabels = 16, kLeft = 52, kRight = 10;
  ChartDrawing out;
  out.width = o.width;
  out.height = static_cast<double>(charts.size()) * o.panel_height + kDateLabels;
  DayNumber d0 = std::numeric_limits<DayNumber>::max(), d1 = std::numeric_limits<DayNumber>::min();
  for (const MetricChart& c : charts)
    if (!c.values.empty()) d0 = std::min(d0, c.first_day), d1 = std::max(d1, c.last_day());
  if (d0 > d1) d0 = d1 = 0;  // nothing to draw: empty frames on a one-day axis
  const std::vector<DayNumber> xticks = date_ticks(d0, d1, std::max(2, static_cast<int>(o.width / 70)));
  const double plot_width = o.width - kLeft - kRight;
  const double day_width = plot_width / static_cast<double>(d1 - d0 + 1);

  for (std::size_t k = 0; k < charts.size(); ++k) {
    const MetricChart& c = charts[k];
    const double top = static_cast<double>(k) * o.panel_height;
    bool has_window = false;
    for (const IncidentWindow& w : c.windows) has_window |= w.from <= d1 && w.to >= d0;
    const double legend = add_legend(out, c, has_window, top, o);
    const auto [lo, hi] = value_range(c);
    const std::vector<double> yticks = nice_ticks(lo, hi, 4);
    const double plot_height = std::max(20.0, o.panel_height - legend - kPanelGap);
    const PanelGeometry g{kLeft, top + legend, plot_width, plot_height, d0, day_width, yticks.front(), yticks.back()};
    add_panel(out, c, g, d1, yticks, xticks, o);
  }
  const double axis_y = static_cast<double>(charts.size()) * o.panel_height - kPanelGap + o.font_size + 4;
  for (std::size_t i = 0; i < xticks.size(); ++i) {
    // Centred under its day, but never past the drawing's edges.
    const std::string label = short_date(xticks[i], i == 0);
    const double half = o.text_width(label, o.font_size, false) / 2;
    const double x = std::clamp(kLeft + (static_cast<double>(xticks[i] - d0) + 0.5) * day_width, half, o.width - half);
    out.texts.push_back({{x, axis_y}, label, o.font_size, false, kText, Anchor::middle, "axis"});
  }
  return out;
}

}  // namespace bre
