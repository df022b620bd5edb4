// Metric charts: one model, one layout, two backends. A MetricChart holds a
// metric's daily values with the detection baseline's normal band, the
// incident triggers' threshold lines and the incident windows; the layout
// turns one or more of them into drawing primitives (stacked panels on one
// date axis) in abstract units; the SVG backend (here) serves
// `bre metrics history --format svg` and the PDF backend
// (postmortem_pdf.cpp) draws the same primitives into the postmortem, so the
// terminal and the printed page show the same picture. Pure: no I/O.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bre/detect/incidents.h"
#include "bre/state/daily_metrics.h"

namespace bre {

// An incident drawn over the days it covered (both ends inclusive).
struct IncidentWindow {
  DayNumber from = 0, to = 0;
  std::string label;     // "inc_3f2a… refund_spike"
  std::string severity;  // low | medium | high | critical: the shade
};

// A level that alerts, one value per day: an incident trigger at z k sits at
// baseline + direction·k·scale, which moves with the baseline.
struct ThresholdLine {
  std::string label;  // "refund_spike trigger z 3.0"
  MetricValues values;
};

struct MetricChart {
  std::string metric;
  DayNumber first_day = 0;
  MetricValues values;  // one per day from first_day; null days break the line
  // The normal range: baseline ± band_z·scale of the detection baseline
  // (score_day), null where the baseline has too little history; not below
  // zero for a metric whose values in the range are all non-negative.
  MetricValues band_lower, band_upper;
  double band_z = 2;
  std::vector<ThresholdLine> thresholds;
  std::vector<IncidentWindow> windows;
  DayNumber last_day() const { return first_day + static_cast<DayNumber>(values.size()) - 1; }
};

// The chart of `metric` over [from, to] (clamped to the days computed), with
// the detection baseline of `detect` and a threshold line per incident
// trigger that watches the metric. An unknown metric or an empty range gives
// a chart without days. The band and thresholds read the z scale linearly
// (baseline + z·scale): exact for level scores, the local reading for
// Poisson-tested counts and log-change stocks.
MetricChart metric_chart(const DailyMetrics& metrics, std::string_view metric, DayNumber from, DayNumber to,
                         const DetectConfig& detect, std::vector<IncidentWindow> windows);

// ---- layout -------------------------------------------------------------

// Width of `text` (UTF-8) at `font_size`, in the same units as the page.
using TextWidth = std::function<double(std::string_view text, double font_size, bool bold)>;
// An estimate for backends without font metrics (SVG): 0.56 em a character.
double approximate_text_width(std::string_view text, double font_size, bool bold);

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};
struct Point {
  double x = 0, y = 0;  // y grows downwards, from the drawing's top-left corner
};

// Each primitive has a role ("series", "band", "threshold", "window",
// "grid", "axis", "legend", "frame") that SVG writes as its class.
struct ShapeRect {
  double x = 0, y = 0, width = 0, height = 0;
  Rgb fill;
  double opacity = 1;
  std::optional<Rgb> stroke;
  std::string role;
};
struct ShapePolygon {
  std::vector<Point> points;
  Rgb fill;
  double opacity = 1;
  std::string role;
};
struct ShapeLine {  // an open polyline: one point is a dot, two or more a line
  std::vector<Point> points;
  Rgb color;
  double width = 1;
  bool dashed = false;
  std::string role;
};
enum class Anchor { start, middle, end };
struct ShapeText {
  Point at;  // the baseline point of the text
  std::string text;
  double size = 8;
  bool bold = false;
  Rgb color;
  Anchor anchor = Anchor::start;
  std::string role;
};

// Drawn in this order: rects, polygons, lines, texts.
struct ChartDrawing {
  double width = 0, height = 0;
  std::vector<ShapeRect> rects;
  std::vector<ShapePolygon> polygons;
  std::vector<ShapeLine> lines;
  std::vector<ShapeText> texts;
};

struct ChartLayoutOptions {
  double width = 720;
  double panel_height = 170;  // per chart, legend included
  double font_size = 8;
  TextWidth text_width = approximate_text_width;
};

// Stacked panels, one per chart, on the union of their day ranges; date
// labels under the last panel only.
ChartDrawing layout_charts(const std::vector<MetricChart>& charts, const ChartLayoutOptions& options = {});

// About `target` round ticks (1, 2, 2.5 or 5 × 10^k apart) covering [lo, hi]:
// the first at or below lo, the last at or above hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// Days to label on [from, to]: every day, every 2nd, Mondays, every other
// Monday, then the 1st of every 1, 2, 3, 6 or 12 months, the first step
// that gives at most max_labels.
std::vector<DayNumber> date_ticks(DayNumber from, DayNumber to, int max_labels = 8);

// "5 Mar" ("5 Mar 2026" when with_year).
std::string short_date(DayNumber day, bool with_year);

// The drawing as a standalone SVG document.
std::string chart_svg(const ChartDrawing& drawing, std::string_view title);

}  // namespace bre
