// The SVG backend of the chart layout: each primitive one element, its role
// as the class, so a stylesheet (or a test) can pick out the series, the band,
// the thresholds and the incident windows.
#include <fmt/format.h>

#include "bre/postmortem/chart.h"
#include "bre/postmortem/text_layout.h"

namespace bre {

namespace {

std::string xml_escape(std::string_view raw) {
  const std::string text = sanitize_utf8(raw, [](char32_t) { return true; });
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

std::string points(const std::vector<Point>& ps) {
  std::string out;
  for (const Point& p : ps) out += fmt::format("{}{:.2f},{:.2f}", out.empty() ? "" : " ", p.x, p.y);
  return out;
}

}  // namespace

std::string chart_svg(const ChartDrawing& d, std::string_view title) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.2f} {1:.2f}\" "
      "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n<title>{2}</title>\n"
      "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{0:.2f}\" height=\"{1:.2f}\" fill=\"#ffffff\"/>\n",
      d.width, d.height, xml_escape(title));
  for (const ShapeRect& r : d.rects)
    out += fmt::format(
        "<rect class=\"{}\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\" "
        "fill-opacity=\"{:.2f}\"{}/>\n",
        r.role, r.x, r.y, r.width, r.height, hex(r.fill), r.opacity,
        r.stroke ? fmt::format(" stroke=\"{}\" stroke-width=\"0.6\"", hex(*r.stroke)) : std::string());
  for (const ShapePolygon& p : d.polygons)
    out += fmt::format("<polygon class=\"{}\" points=\"{}\" fill=\"{}\" fill-opacity=\"{:.2f}\"/>\n", p.role,
                       points(p.points), hex(p.fill), p.opacity);
  for (const ShapeLine& l : d.lines) {
    if (l.points.size() == 1) {  // a value between two null days: a dot
      out += fmt::format("<circle class=\"{}\" cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.2f}\" fill=\"{}\"/>\n", l.role,
                         l.points[0].x, l.points[0].y, l.width * 1.2, hex(l.color));
    } else if (l.points.size() > 1) {
      out += fmt::format(
          "<polyline class=\"{}\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{:.2f}\" "
          "stroke-linejoin=\"round\"{}/>\n",
          l.role, points(l.points), hex(l.color), l.width, l.dashed ? " stroke-dasharray=\"4 3\"" : "");
    }
  }
  for (const ShapeText& t : d.texts) {
    const char* anchor = t.anchor == Anchor::start ? "start" : t.anchor == Anchor::middle ? "middle" : "end";
    out += fmt::format(
        "<text class=\"{}\" x=\"{:.2f}\" y=\"{:.2f}\" font-size=\"{:.1f}\"{} text-anchor=\"{}\" fill=\"{}\">{}</text>\n",
        t.role, t.at.x, t.at.y, t.size, t.bold ? " font-weight=\"bold\"" : "", anchor, hex(t.color),
        xml_escape(t.text));
  }
  out += "</svg>\n";
  return out;
}

}  // namespace bre
