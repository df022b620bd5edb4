// The flowing A4 document over libharu (pdf_document.h).
#include "pdf_document.h"

#include <hpdf_font.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "bre/core/error.h"
#include "bre/core/time.h"
#include "bre/postmortem/text_layout.h"

namespace bre::pdf {

namespace {

void record_error(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
  auto* e = static_cast<HpdfErrors*>(user_data);
  if (e->count++ == 0) e->error = error, e->detail = detail;  // the first error explains the rest
}

float channel(std::uint8_t c) { return static_cast<float>(c) / 255.0f; }

// The TrueType font's own tables, to ask whether it has a glyph: libharu
// draws a code point it lacks as an empty box, so such code points are
// replaced by '?' before they reach it. Needs libharu's internal font record.
HPDF_FontDef fontdef_of(HPDF_Font font) {
  if (font == nullptr || font->attr == nullptr) return nullptr;
  return static_cast<HPDF_FontAttr>(font->attr)->fontdef;
}

// libharu 2.3.0 reads a font file's table directory without bounds checks
// and crashes on a file that is not TrueType, so the header and directory
// are checked first: an sfnt version of 1.0 or 'true', and room for the
// tables it announces.
bool looks_like_truetype(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char header[12] = {};
  if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return false;
  const bool version = (header[0] == 0 && header[1] == 1 && header[2] == 0 && header[3] == 0) ||
                       (header[0] == 't' && header[1] == 'r' && header[2] == 'u' && header[3] == 'e');
  const unsigned tables = header[4] << 8 | header[5];
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return version && tables > 0 && !ec && size >= 12 + 16 * static_cast<std::uintmax_t>(tables);
}

HPDF_Font load_font(HPDF_Doc doc, const std::string& path) {
  if (!std::filesystem::exists(path))
    throw Error(ErrorKind::internal, "FONT_MISSING",
                fmt::format("the PDF font {} is missing (Debian package fonts-dejavu-core)", path));
  if (!looks_like_truetype(path))
    throw Error(ErrorKind::internal, "FONT_INVALID", fmt::format("the PDF font {} is not a TrueType font", path));
  const char* name = HPDF_LoadTTFontFromFile(doc, path.c_str(), HPDF_TRUE);  // embedded
  return name == nullptr ? nullptr : HPDF_GetFont(doc, name, "UTF-8");
}

}  // namespace

Document::Document(const std::string& font_dir, std::int64_t created_ms, const std::string& title) {
  doc_ = HPDF_New(record_error, &errors_);
  if (doc_ == nullptr) throw Error(ErrorKind::internal, "PDF_FAILED", "libharu could not create a document");
  try {
    set_up(font_dir, created_ms, title);
  } catch (...) {
    HPDF_Free(doc_);  // a constructor that throws runs no destructor
    throw;
  }
}

void Document::set_up(const std::string& font_dir, std::int64_t created_ms, const std::string& title) {
  HPDF_SetCompressionMode(doc_, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings(doc_);
  HPDF_SetCurrentEncoder(doc_, "UTF-8");
  regular_ = load_font(doc_, font_dir + "/DejaVuSans.ttf");
  bold_ = load_font(doc_, font_dir + "/DejaVuSans-Bold.ttf");
  check("loading the fonts");
  glyphs_ = fontdef_of(regular_);
  bold_glyphs_ = fontdef_of(bold_);
  if (glyphs_ == nullptr || bold_glyphs_ == nullptr)
    throw Error(ErrorKind::internal, "PDF_FAILED", "libharu loaded no TrueType font from " + font_dir);
  HPDF_SetInfoAttr(doc_, HPDF_INFO_CREATOR, "bre");
  HPDF_SetInfoAttr(doc_, HPDF_INFO_TITLE, drawable(title).c_str());
  if (created_ms > 0) {
    const CivilDate c = civil_from_days(created_ms / kMsPerDay);
    const std::int64_t s = (created_ms % kMsPerDay) / 1000;
    HPDF_Date d{c.year, static_cast<HPDF_INT>(c.month), static_cast<HPDF_INT>(c.day), static_cast<HPDF_INT>(s / 3600),
                static_cast<HPDF_INT>(s / 60 % 60), static_cast<HPDF_INT>(s % 60), 'Z', 0, 0};
    HPDF_SetInfoDateAttr(doc_, HPDF_INFO_CREATION_DATE, d);
  }
  check("setting up the document");
  new_page();
}

Document::~Document() {
  if (doc_ != nullptr) HPDF_Free(doc_);
}

void Document::check(const char* what) {
  if (errors_.count == 0) return;
  const HpdfErrors e = errors_;
  errors_ = {};
  HPDF_ResetError(doc_);
  throw Error(ErrorKind::internal, "PDF_FAILED",
              fmt::format("libharu error 0x{:04X} (detail {}) while {}", e.error, e.detail, what));
}

void Document::new_page() {
  page_ = HPDF_AddPage(doc_);
  HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  pages_.push_back(page_);
  y_ = kTop;
  check("adding a page");
}

void Document::ensure_space(double height) {
  if (y_ + height > kPageHeight - kBottom && y_ > kTop) new_page();
}

std::string Document::drawable(std::string_view text) const {
  return sanitize_utf8(text, [this](char32_t cp) {
    if (cp > 0xFFFF) return false;  // libharu's glyph lookup is 16-bit
    const auto u = static_cast<HPDF_UINT16>(cp);
    return HPDF_TTFontDef_GetGlyphid(glyphs_, u) != 0 && HPDF_TTFontDef_GetGlyphid(bold_glyphs_, u) != 0;
  });
}

double Document::measure(std::string_view text, double size, bool bold) const {
  if (text.empty()) return 0;
  const HPDF_TextWidth w = HPDF_Font_TextWidth(bold ? bold_ : regular_, reinterpret_cast<const HPDF_BYTE*>(text.data()),
                                               static_cast<HPDF_UINT>(text.size()));
  return static_cast<double>(w.width) * size / 1000.0;
}

std::vector<std::string> Document::wrap(std::string_view text, double max_width, double size, bool bold) const {
  return wrap_text(drawable(text), max_width, [&](std::string_view s) { return measure(s, size, bold); });
}

void Document::text_at(double x, double baseline, std::string_view drawable_text, double size, bool bold, Rgb c) {
  if (drawable_text.empty()) return;
  const std::string s(drawable_text);  // libharu wants a NUL-terminated string
  HPDF_Page_BeginText(page_);
  HPDF_Page_SetFontAndSize(page_, bold ? bold_ : regular_, static_cast<HPDF_REAL>(size));
  HPDF_Page_SetRGBFill(page_, channel(c.r), channel(c.g), channel(c.b));
  HPDF_Page_TextOut(page_, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(to_pdf_y(baseline)), s.c_str());
  HPDF_Page_EndText(page_);
}

void Document::rect(double x, double y, double w, double h, Rgb fill, std::optional<Rgb> stroke, double radius) {
  HPDF_Page_SetRGBFill(page_, channel(fill.r), channel(fill.g), channel(fill.b));
  if (stroke) {
    HPDF_Page_SetRGBStroke(page_, channel(stroke->r), channel(stroke->g), channel(stroke->b));
    HPDF_Page_SetLineWidth(page_, 0.6f);
  }
  const auto f = [](double v) { return static_cast<HPDF_REAL>(v); };
  const double bottom = to_pdf_y(y + h);
  radius = std::min({radius, w / 2, h / 2});
  if (radius <= 0) {
    HPDF_Page_Rectangle(page_, f(x), f(bottom), f(w), f(h));
  } else {
    // Four straight sides joined by quarter circles (Bézier, k = 0.5523).
    const double k = radius * 0.5523, top = bottom + h, right = x + w;
    HPDF_Page_MoveTo(page_, f(x + radius), f(bottom));
    HPDF_Page_LineTo(page_, f(right - radius), f(bottom));
    HPDF_Page_CurveTo(page_, f(right - radius + k), f(bottom), f(right), f(bottom + radius - k), f(right),
                      f(bottom + radius));
    HPDF_Page_LineTo(page_, f(right), f(top - radius));
    HPDF_Page_CurveTo(page_, f(right), f(top - radius + k), f(right - radius + k), f(top), f(right - radius), f(top));
    HPDF_Page_LineTo(page_, f(x + radius), f(top));
    HPDF_Page_CurveTo(page_, f(x + radius - k), f(top), f(x), f(top - radius + k), f(x), f(top - radius));
    HPDF_Page_LineTo(page_, f(x), f(bottom + radius));
    HPDF_Page_CurveTo(page_, f(x), f(bottom + radius - k), f(x + radius - k), f(bottom), f(x + radius), f(bottom));
    HPDF_Page_ClosePath(page_);
  }
  if (stroke) HPDF_Page_FillStroke(page_);
  else HPDF_Page_Fill(page_);
}

void Document::line(double x0, double y0, double x1, double y1, Rgb c, double width) {
  HPDF_Page_SetRGBStroke(page_, channel(c.r), channel(c.g), channel(c.b));
  HPDF_Page_SetLineWidth(page_, static_cast<HPDF_REAL>(width));
  HPDF_Page_MoveTo(page_, static_cast<HPDF_REAL>(x0), static_cast<HPDF_REAL>(to_pdf_y(y0)));
  HPDF_Page_LineTo(page_, static_cast<HPDF_REAL>(x1), static_cast<HPDF_REAL>(to_pdf_y(y1)));
  HPDF_Page_Stroke(page_);
}

void Document::arrow(double x0, double y0, double x1, double y1, Rgb c) {
  const double len = std::hypot(x1 - x0, y1 - y0);
  if (len <= 0) return;
  const double ux = (x1 - x0) / len, uy = (y1 - y0) / len, head = 5;
  line(x0, y0, x1 - ux * head, y1 - uy * head, c, 1.2);
  HPDF_Page_SetRGBFill(page_, channel(c.r), channel(c.g), channel(c.b));
  const auto f = [](double v) { return static_cast<HPDF_REAL>(v); };
  HPDF_Page_MoveTo(page_, f(x1), f(to_pdf_y(y1)));
  HPDF_Page_LineTo(page_, f(x1 - ux * head - uy * head * 0.6), f(to_pdf_y(y1 - uy * head + ux * head * 0.6)));
  HPDF_Page_LineTo(page_, f(x1 - ux * head + uy * head * 0.6), f(to_pdf_y(y1 - uy * head - ux * head * 0.6)));
  HPDF_Page_ClosePath(page_);
  HPDF_Page_Fill(page_);
}

void Document::set_alpha(double opacity) {
  const int percent = std::clamp(static_cast<int>(std::lround(opacity * 100)), 0, 100);
  auto [it, inserted] = alpha_states_.try_emplace(percent, nullptr);
  if (inserted) {
    it->second = HPDF_CreateExtGState(doc_);
    HPDF_ExtGState_SetAlphaFill(it->second, static_cast<HPDF_REAL>(percent) / 100.0f);
    HPDF_ExtGState_SetAlphaStroke(it->second, static_cast<HPDF_REAL>(percent) / 100.0f);
  }
  HPDF_Page_SetExtGState(page_, it->second);
}

void Document::heading(const std::string& text) {
  move_down(10);
  ensure_space(72);  // a heading is never the last line of a page
  for (const std::string& l : wrap(text, width(), 13, true)) {
    move_down(15);
    text_at(left(), y_, l, 13, true, kInk);
  }
  move_down(5);
  line(left(), y_, left() + width(), y_, kRule, 0.6);
  move_down(6);
}

void Document::paragraph(const std::string& text, double size, bool bold, Rgb color, double indent) {
  const double leading = size * 1.35;
  for (const std::string& l : wrap(text, width() - indent, size, bold)) {
    ensure_space(leading);
    move_down(leading);
    text_at(left() + indent, y_ - size * 0.3, l, size, bold, color);
  }
  move_down(size * 0.4);
}

void Document::list(const std::vector<std::string>& items, bool numbered) {
  constexpr double kSize = 10, kIndent = 16;
  const double leading = kSize * 1.35;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::vector<std::string> lines = wrap(items[i], width() - kIndent, kSize, false);
    for (std::size_t k = 0; k < lines.size(); ++k) {
      ensure_space(leading);
      move_down(leading);
      if (k == 0) text_at(left(), y_ - kSize * 0.3, numbered ? fmt::format("{}.", i + 1) : "\u2022", kSize, false, kInk);
      text_at(left() + kIndent, y_ - kSize * 0.3, lines[k], kSize, false, kInk);
    }
    move_down(2);
  }
  move_down(kSize * 0.4);
}

void Document::draw_table_header(const Table& t, const std::vector<double>& widths) {
  const double size = t.font_size, leading = size * 1.3, pad = 3;
  std::vector<std::vector<std::string>> cells;
  std::size_t lines = 1;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    cells.push_back(wrap(t.columns[c].title, widths[c] - 2 * pad, size, true));
    lines = std::max(lines, cells.back().size());
  }
  const double h = static_cast<double>(lines) * leading + 2 * pad;
  rect(left(), y_, width(), h, {225, 230, 238});
  double x = left();
  for (std::size_t c = 0; c < cells.size(); ++c) {
    for (std::size_t k = 0; k < cells[c].size(); ++k)
      text_at(x + pad, y_ + pad + static_cast<double>(k + 1) * leading - size * 0.3, cells[c][k], size, true, kInk);
    x += widths[c];
  }
  move_down(h);
}

void Document::table(const Table& t) {
  const double size = t.font_size, leading = size * 1.3, pad = 3;
  double total_share = 0;
  for (const TableColumn& c : t.columns) total_share += c.share;
  std::vector<double> widths;
  for (const TableColumn& c : t.columns) widths.push_back(width() * c.share / total_share);

  // What a fresh page holds under a header of up to three lines.
  const auto full_page_lines =
      static_cast<std::size_t>(std::floor((kPageHeight - kBottom - kTop - 4 * pad) / leading)) - 3;
  ensure_space(2 * (leading + 2 * pad) + leading);  // the header never ends a page alone
  draw_table_header(t, widths);
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::vector<std::string>> cells;
    std::size_t lines = 1;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const std::string& text = c < t.rows[r].size() ? t.rows[r][c] : std::string();
      cells.push_back(wrap(text, widths[c] - 2 * pad, size, false));
      lines = std::max(lines, cells.back().size());
    }
    // A row that does not fit what is left moves to the next page; only a row
    // taller than a whole page goes on in slices, each page under the header again.
    for (std::size_t from = 0; from < lines;) {
      const double room = kPageHeight - kBottom - y_ - 2 * pad;
      auto fit = static_cast<std::size_t>(std::max(0.0, std::floor(room / leading)));
      if (fit == 0 || (from == 0 && fit < lines && lines <= full_page_lines)) {
        new_page();
        draw_table_header(t, widths);
        continue;
      }
      const std::size_t to = std::min(lines, from + fit);
      const double h = static_cast<double>(to - from) * leading + 2 * pad;
      if (r % 2 == 1) rect(left(), y_, width(), h, {246, 247, 250});
      double x = left();
      for (std::size_t c = 0; c < cells.size(); ++c) {
        for (std::size_t k = from; k < std::min(to, cells[c].size()); ++k)
          text_at(x + pad, y_ + pad + static_cast<double>(k - from + 1) * leading - size * 0.3, cells[c][k], size,
                  false, kInk);
        x += widths[c];
      }
      move_down(h);
      line(left(), y_, left() + width(), y_, {228, 228, 228}, 0.4);
      from = to;
    }
  }
  move_down(8);
  check("drawing a table");
}

void Document::chart(const ChartDrawing& d) {
  if (d.width <= 0) return;
  const double scale = width() / d.width, x0 = left();
  ensure_space(d.height * scale + 6);
  const double y0 = y_;
  const auto px = [&](double x) { return static_cast<HPDF_REAL>(x0 + x * scale); };
  const auto py = [&](double y) { return static_cast<HPDF_REAL>(to_pdf_y(y0 + y * scale)); };
  for (const ShapeRect& r : d.rects) {
    set_alpha(r.opacity);
    rect(x0 + r.x * scale, y0 + r.y * scale, r.width * scale, r.height * scale, r.fill, r.stroke);
  }
  for (const ShapePolygon& p : d.polygons) {
    if (p.points.size() < 3) continue;
    set_alpha(p.opacity);
    HPDF_Page_SetRGBFill(page_, channel(p.fill.r), channel(p.fill.g), channel(p.fill.b));
    HPDF_Page_MoveTo(page_, px(p.points[0].x), py(p.points[0].y));
    for (std::size_t i = 1; i < p.points.size(); ++i) HPDF_Page_LineTo(page_, px(p.points[i].x), py(p.points[i].y));
    HPDF_Page_ClosePath(page_);
    HPDF_Page_Fill(page_);
  }
  set_alpha(1);
  static const HPDF_UINT16 kDash[] = {4, 3};
  for (const ShapeLine& l : d.lines) {
    if (l.points.empty()) continue;
    const Rgb c = l.color;
    if (l.points.size() == 1) {  // a value between two null days: a dot
      HPDF_Page_SetRGBFill(page_, channel(c.r), channel(c.g), channel(c.b));
      HPDF_Page_Circle(page_, px(l.points[0].x), py(l.points[0].y), static_cast<HPDF_REAL>(l.width * 1.2 * scale));
      HPDF_Page_Fill(page_);
      continue;
    }
    HPDF_Page_SetRGBStroke(page_, channel(c.r), channel(c.g), channel(c.b));
    HPDF_Page_SetLineWidth(page_, static_cast<HPDF_REAL>(l.width * scale));
    HPDF_Page_SetLineJoin(page_, HPDF_ROUND_JOIN);
    if (l.dashed) HPDF_Page_SetDash(page_, kDash, 2, 0);
    HPDF_Page_MoveTo(page_, px(l.points[0].x), py(l.points[0].y));
    for (std::size_t i = 1; i < l.points.size(); ++i) HPDF_Page_LineTo(page_, px(l.points[i].x), py(l.points[i].y));
    HPDF_Page_Stroke(page_);
    if (l.dashed) HPDF_Page_SetDash(page_, nullptr, 0, 0);
  }
  for (const ShapeText& t : d.texts) {
    const std::string s = drawable(t.text);
    const double size = t.size * scale, w = measure(s, size, t.bold);
    const double x = x0 + t.at.x * scale - (t.anchor == Anchor::middle ? w / 2 : t.anchor == Anchor::end ? w : 0);
    text_at(x, y0 + t.at.y * scale, s, size, t.bold, t.color);
  }
  move_down(d.height * scale + 6);
  check("drawing a chart");
}

std::string Document::finish(const std::string& footer_left) {
  const std::string left_text = drawable(footer_left);
  for (std::size_t i = 0; i < pages_.size(); ++i) {
    page_ = pages_[i];
    const std::string number = fmt::format("Page {} of {}", i + 1, pages_.size());
    const double baseline = kPageHeight - kBottom / 2;
    line(left(), baseline - 12, left() + width(), baseline - 12, kRule, 0.5);
    text_at(left(), baseline, left_text, 7.5, false, kMuted);
    text_at(left() + width() - measure(number, 7.5, false), baseline, number, 7.5, false, kMuted);
  }
  check("writing the page numbers");
  HPDF_SaveToStream(doc_);
  check("saving");
  std::string bytes(HPDF_GetStreamSize(doc_), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  const HPDF_STATUS read = HPDF_ReadFromStream(doc_, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  // Reading the whole stream ends at its end, which libharu reports as an error.
  if (read == HPDF_STREAM_EOF && errors_.error == HPDF_STREAM_EOF) errors_ = {}, HPDF_ResetError(doc_);
  bytes.resize(size);
  check("reading the saved document");
  return bytes;
}

}  // namespace bre::pdf
