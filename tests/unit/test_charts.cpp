// Chart layout (ticks, band geometry, null gaps, windows), the SVG backend,
// and the text helpers the PDF wraps with. Expected numbers are worked out by
// hand from the layout constants: a 720-wide drawing has its plot from x 52
// to 710 (658 wide); a 170-high panel has its plot from y 18 to 162.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "bre/core/time.h"
#include "bre/postmortem/chart.h"
#include "bre/postmortem/text_layout.h"

using namespace bre;

namespace {

DayNumber day(const char* iso) { return *parse_date(iso) / kMsPerDay; }

std::vector<const ShapeLine*> lines_with_role(const ChartDrawing& d, const std::string& role) {
  std::vector<const ShapeLine*> out;
  for (const ShapeLine& l : d.lines)
    if (l.role == role) out.push_back(&l);
  return out;
}

// Each code point is one unit wide: widths by hand.
double code_points(std::string_view s) { return static_cast<double>(decode_utf8(s).size()); }

}  // namespace

TEST_CASE("nice_ticks: round steps of 1, 2, 2.5 or 5 × 10^k that cover the range") {
  CHECK(nice_ticks(0, 97, 5) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(nice_ticks(-3, 7, 5) == std::vector<double>{-4, -2, 0, 2, 4, 6, 8});
  CHECK(nice_ticks(120, 1180, 5) == std::vector<double>{0, 250, 500, 750, 1000, 1250});
  const std::vector<double> small = nice_ticks(0.013, 0.087, 4);
  REQUIRE(small.size() == 6);
  for (std::size_t i = 0; i < small.size(); ++i) CHECK(small[i] == doctest::Approx(0.02 * static_cast<double>(i)));
  // 0.3 / 0.1 is 2.9999… in binary: no extra tick below or above.
  const std::vector<double> tenths = nice_ticks(0.3, 0.7, 4);
  REQUIRE(tenths.size() == 5);
  CHECK(tenths.front() == doctest::Approx(0.3));
  CHECK(tenths.back() == doctest::Approx(0.7));
  CHECK(nice_ticks(5, 5) == std::vector<double>{5});
  CHECK(nice_ticks(-1e308, 1e308) == std::vector<double>{-1e308, 1e308});  // the span overflows: its ends
}

TEST_CASE("date_ticks: days, every other day, Mondays, every other Monday, then months") {
  const DayNumber mar1 = day("2026-03-01");  // a Sunday
  CHECK(date_ticks(mar1, mar1 + 4, 8) == std::vector<DayNumber>{mar1, mar1 + 1, mar1 + 2, mar1 + 3, mar1 + 4});
  CHECK(date_ticks(mar1, mar1 + 9, 8) == std::vector<DayNumber>{mar1, mar1 + 2, mar1 + 4, mar1 + 6, mar1 + 8});
  // 60 days hold nine Mondays, one too many: every other Monday.
  CHECK(date_ticks(mar1, mar1 + 59, 8) == std::vector<DayNumber>{day("2026-03-02"), day("2026-03-16"),
                                                                  day("2026-03-30"), day("2026-04-13"),
                                                                  day("2026-04-27")});
  // A year: twelve 1sts of the month are too many, the odd months are six.
  CHECK(date_ticks(day("2026-01-01"), day("2026-12-31"), 8) ==
        std::vector<DayNumber>{day("2026-01-01"), day("2026-03-01"), day("2026-05-01"), day("2026-07-01"),
                               day("2026-09-01"), day("2026-11-01")});
  CHECK(short_date(day("2026-03-05"), false) == "5 Mar");
  CHECK(short_date(day("2026-03-05"), true) == "5 Mar 2026");
}

TEST_CASE("layout: null days break the series, the band is one polygon per defined run") {
  MetricChart c;
  c.metric = "refund_rate";
  c.first_day = day("2026-03-01");
  c.values = {1, 2, std::nullopt, 4, 5, std::nullopt, 7};
  c.band_lower = {std::nullopt, std::nullopt, 0, 0, 0, 0, std::nullopt};
  c.band_upper = {std::nullopt, std::nullopt, 10, 10, 10, 10, std::nullopt};
  const ChartDrawing d = layout_charts({c});
  CHECK(d.width == 720);
  CHECK(d.height == 170 + 16);

  // Three runs: days 0–1, 3–4 and day 6 alone (a dot); no point for a null day.
  const auto series = lines_with_role(d, "series");
  REQUIRE(series.size() == 3);
  CHECK(series[0]->points.size() == 2);
  CHECK(series[1]->points.size() == 2);
  CHECK(series[2]->points.size() == 1);
  // Day centres: 52 + (i + 0.5) × 658 / 7 = 52 + (i + 0.5) × 94.
  CHECK(series[0]->points[0].x == doctest::Approx(99));
  CHECK(series[0]->points[1].x == doctest::Approx(193));
  CHECK(series[1]->points[0].x == doctest::Approx(381));
  CHECK(series[2]->points[0].x == doctest::Approx(663));
  // Values 0…10 give ticks 0, 2.5, …, 10: value v at y = 18 + 144 × (10 − v) / 10.
  CHECK(series[0]->points[0].y == doctest::Approx(18 + 144 * 0.9));
  CHECK(series[2]->points[0].y == doctest::Approx(18 + 144 * 0.3));

  REQUIRE(d.polygons.size() == 1);
  const ShapePolygon& band = d.polygons[0];
  CHECK(band.role == "band");
  REQUIRE(band.points.size() == 8);  // upper edge left to right, lower edge back
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(band.points[i].x == doctest::Approx(52 + (static_cast<double>(i) + 2.5) * 94));
    CHECK(band.points[i].y == doctest::Approx(18));        // upper 10: the plot's top
    CHECK(band.points[7 - i].x == doctest::Approx(band.points[i].x));
    CHECK(band.points[7 - i].y == doctest::Approx(162));   // lower 0: the plot's bottom
  }
}

TEST_CASE("layout: incident windows cover their days, thresholds are dashed, panels stack") {
  MetricChart a;
  a.metric = "delivery_delay_rate";
  a.first_day = day("2026-03-01");
  a.values = {0.1, 0.1, 0.4, 0.5, 0.2, 0.1, 0.1};
  a.thresholds = {{"fulfillment_sla_degradation trigger z 3.0", {0.3, 0.3, 0.3, std::nullopt, 0.3, 0.3, 0.3}}};
  a.windows = {{a.first_day + 2, a.first_day + 3, "fulfillment_sla_degradation (high)", "high"},
               {a.first_day + 40, a.first_day + 45, "outside the days drawn", "low"}};
  MetricChart b = a;
  b.metric = "refund_rate";
  b.windows.clear();
  b.thresholds.clear();
  const ChartDrawing d = layout_charts({a, b});
  CHECK(d.height == 2 * 170 + 16);

  std::vector<const ShapeRect*> windows;
  for (const ShapeRect& r : d.rects)
    if (r.role == "window") windows.push_back(&r);
  REQUIRE(windows.size() == 1);  // the second lies outside the days drawn
  CHECK(windows[0]->x == doctest::Approx(52 + 2 * 94));
  CHECK(windows[0]->width == doctest::Approx(2 * 94));
  CHECK(windows[0]->y == doctest::Approx(18));
  CHECK(windows[0]->height == doctest::Approx(144));

  const auto thresholds = lines_with_role(d, "threshold");
  REQUIRE(thresholds.size() == 2);  // the null day breaks it too
  CHECK(thresholds[0]->dashed);
  CHECK(thresholds[0]->points.size() == 3);
  CHECK(thresholds[1]->points.size() == 3);

  // The second panel starts 170 lower, with its own series.
  const auto series = lines_with_role(d, "series");
  REQUIRE(series.size() == 2);
  CHECK(std::all_of(series[1]->points.begin(), series[1]->points.end(),
                    [](const Point& p) { return p.y >= 170 + 18 && p.y <= 170 + 162; }));
  // Date labels once, under the last panel.
  int dates = 0;
  for (const ShapeText& t : d.texts) dates += t.role == "axis" && t.anchor == Anchor::middle;
  CHECK(dates == 7);
}

TEST_CASE("layout: an absurd value does not flatten the others, and every coordinate is finite") {
  MetricChart c;
  c.metric = "order_volume";
  c.first_day = day("2026-03-01");
  c.values = {10, 20, 1e300, -1e300, 15};
  const ChartDrawing d = layout_charts({c});
  const auto series = lines_with_role(d, "series");
  REQUIRE(series.size() == 1);
  // 10…20 span the plot (ticks 10 to 20): day 0 at the bottom, day 1 at the top.
  CHECK(series[0]->points[0].y == doctest::Approx(162));
  CHECK(series[0]->points[1].y == doctest::Approx(18));
  for (const ShapeLine& l : d.lines)
    for (const Point& p : l.points) CHECK((std::isfinite(p.x) && std::isfinite(p.y)));
}

TEST_CASE("metric_chart: values, band and trigger lines from the detection baseline") {
  DailyMetrics m;
  m.first_day = day("2026-01-01");
  m.days = 60;
  m.names = {"refund_rate"};
  MetricValues v;
  for (int i = 0; i < 60; ++i) v.push_back(i == 20 ? std::nullopt : std::optional(0.02 + 0.002 * (i % 5)));
  v[55] = 0.2;
  m.values = {v};
  const MetricChart c = metric_chart(m, "refund_rate", day("2026-02-01"), day("2026-03-31"), DetectConfig{}, {});
  CHECK(c.first_day == day("2026-02-01"));
  REQUIRE(c.values.size() == 29);  // clamped to the last computed day, 2026-03-01
  CHECK(c.values[24] == doctest::Approx(0.2));
  REQUIRE(c.band_lower.size() == 29);
  REQUIRE(c.band_upper[0].has_value());
  CHECK(*c.band_lower[0] < *c.band_upper[0]);
  // refund_spike watches refund_rate: its trigger line lies above the band.
  REQUIRE(!c.thresholds.empty());
  CHECK(c.thresholds[0].label.find("refund_spike") != std::string::npos);
  REQUIRE(c.thresholds[0].values[0].has_value());
  CHECK(*c.thresholds[0].values[0] > *c.band_upper[0]);
  // A rate that swings between 0 and 1 has baseline − 2σ below zero; its band stops at 0.
  DailyMetrics swing = m;
  for (std::size_t i = 0; i < swing.days; ++i) swing.values[0][i] = static_cast<double>(i % 2);
  const MetricChart s = metric_chart(swing, "refund_rate", day("2026-02-01"), day("2026-03-01"), DetectConfig{}, {});
  CHECK(std::all_of(s.band_lower.begin(), s.band_lower.end(), [](const auto& v) { return !v || *v >= 0; }));
  CHECK(std::any_of(s.band_lower.begin(), s.band_lower.end(), [](const auto& v) { return v && *v == 0; }));
  CHECK(metric_chart(m, "no_such_metric", m.first_day, m.first_day + 10, DetectConfig{}, {}).values.empty());
}

TEST_CASE("chart_svg: one element per primitive, its role as the class, text escaped") {
  MetricChart c;
  c.metric = "refund_rate";
  c.first_day = day("2026-03-01");
  c.values = {1, 2, 3};
  c.band_lower = {0, 0, 0};
  c.band_upper = {4, 4, 4};
  c.windows = {{c.first_day, c.first_day, "refund_spike <high> & more", "high"}};
  const std::string svg = chart_svg(layout_charts({c}), "S\xC3\xA3o Paulo & co");
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(svg.find("<polyline class=\"series\"") != std::string::npos);
  CHECK(svg.find("<polygon class=\"band\"") != std::string::npos);
  CHECK(svg.find("<rect class=\"window\"") != std::string::npos);
  CHECK(svg.find("<title>S\xC3\xA3o Paulo &amp; co</title>") != std::string::npos);
  CHECK(svg.find("refund_spike &lt;high&gt; &amp; more") != std::string::npos);
  CHECK(svg.find("</svg>") != std::string::npos);
}

TEST_CASE("wrap_text: words kept whole, long words broken between code points, nothing lost") {
  CHECK(wrap_text("the quick brown fox", 10, code_points) == std::vector<std::string>{"the quick", "brown fox"});
  CHECK(wrap_text("abcdefghijklmnop", 5, code_points) ==
        std::vector<std::string>{"abcde", "fghij", "klmno", "p"});
  // "São Paulo" is nine code points (eleven bytes): it fits nine exactly.
  CHECK(wrap_text("S\xC3\xA3o Paulo Eletr\xC3\xB4nicos", 9, code_points) ==
        std::vector<std::string>{"S\xC3\xA3o Paulo", "Eletr\xC3\xB4nic", "os"});
  // Identifiers break after '_', '-', '/' or '.' when they must break at all.
  CHECK(wrap_text("supplier_delay_severity", 16, code_points) ==
        std::vector<std::string>{"supplier_delay_", "severity"});
  CHECK(wrap_text("a-b/c.d_e", 4, code_points) == std::vector<std::string>{"a-b/", "c.d_", "e"});
  CHECK(wrap_text("a\n\nb  c", 10, code_points) == std::vector<std::string>{"a", "", "b c"});
  CHECK(wrap_text("", 10, code_points) == std::vector<std::string>{""});
  // Narrower than one character: one code point a line, still ends.
  CHECK(wrap_text("\xC3\xA3" "b", 0.5, code_points) == std::vector<std::string>{"\xC3\xA3", "b"});
}

TEST_CASE("sanitize_utf8: invalid bytes and undrawable code points become '?', controls a space") {
  CHECK(sanitize_utf8("ok\xFF") == "ok?");
  CHECK(sanitize_utf8("\xC3") == "?");                 // truncated
  CHECK(sanitize_utf8("\xC0\xAF") == "??");            // overlong '/'
  CHECK(sanitize_utf8("\xED\xA0\x80") == "???");       // a surrogate
  CHECK(sanitize_utf8("tab\there\nnext") == "tab here\nnext");
  CHECK(sanitize_utf8("\xF0\x9F\x98\x80") == "?");     // U+1F600: outside the BMP
  CHECK(sanitize_utf8("S\xC3\xA3o", [](char32_t cp) { return cp != U'\u00E3'; }) == "S?o");
  CHECK(sanitize_utf8("ergon\xC3\xB4mica \xE2\x80\x94 ok") == "ergon\xC3\xB4mica \xE2\x80\x94 ok");
}
