// A flowing A4 document over libharu: a cursor that moves down the page and
// breaks to a new one when what comes next does not fit, wrapped paragraphs,
// tables whose rows split across pages under a repeated header, the chart
// layout's primitives, and "Page i of n" footers written once every page
// exists. Coordinates are points from the page's top-left corner (as in the
// chart layout); only this file's implementation flips them for PDF.
// Internal to src/postmortem: nothing outside includes libharu.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hpdf.h>

#include "bre/postmortem/chart.h"

namespace bre::pdf {

// libharu is C built without exception support: its error handler only
// records, and check() throws from C++ afterwards (docs/charts.md).
struct HpdfErrors {
  HPDF_STATUS error = 0, detail = 0;
  int count = 0;
};

struct TableColumn {
  std::string title;
  double share = 1;  // of the table's width, relative to the other columns
};
struct Table {
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;  // each as many cells as columns (missing: empty)
  double font_size = 8;
};

inline constexpr Rgb kInk{33, 33, 33};
inline constexpr Rgb kMuted{100, 100, 100};
inline constexpr Rgb kRule{200, 200, 200};

class Document {
 public:
  static constexpr double kPageWidth = 595.276, kPageHeight = 841.89;  // A4 in points
  static constexpr double kMargin = 50, kTop = 50, kBottom = 60;

  // `font_dir` holds DejaVuSans.ttf and DejaVuSans-Bold.ttf; `created` (epoch
  // ms, 0 for none) becomes the document's creation date, so the same input
  // gives the same bytes.
  Document(const std::string& font_dir, std::int64_t created_ms, const std::string& title);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  double left() const { return kMargin; }
  double width() const { return kPageWidth - 2 * kMargin; }
  double y() const { return y_; }
  std::size_t page_count() const { return pages_.size(); }
  void move_down(double dy) { y_ += dy; }
  // Starts a new page when fewer than `height` points are left on this one.
  void ensure_space(double height);
  void new_page();

  // Text made drawable: valid UTF-8 with '?' for what the font lacks.
  std::string drawable(std::string_view text) const;
  // Width of drawable text.
  double measure(std::string_view text, double size, bool bold) const;
  std::vector<std::string> wrap(std::string_view text, double max_width, double size, bool bold) const;

  // Flowing content.
  void heading(const std::string& text);
  void paragraph(const std::string& text, double size = 10, bool bold = false, Rgb color = kInk, double indent = 0);
  void list(const std::vector<std::string>& items, bool numbered);
  void table(const Table& t);
  // A chart drawing at the cursor, scaled to the content width.
  void chart(const ChartDrawing& drawing);

  // Drawing at fixed places on the current page.
  void text_at(double x, double baseline, std::string_view drawable_text, double size, bool bold, Rgb color);
  void rect(double x, double y, double w, double h, Rgb fill, std::optional<Rgb> stroke = std::nullopt,
            double radius = 0);
  void line(double x0, double y0, double x1, double y1, Rgb color, double width = 0.8);
  void arrow(double x0, double y0, double x1, double y1, Rgb color);

  // Writes the footers and returns the PDF bytes; throws on any libharu error.
  std::string finish(const std::string& footer_left);
  // Throws Error(internal) when libharu recorded an error during `what`.
  void check(const char* what);

 private:
  void set_up(const std::string& font_dir, std::int64_t created_ms, const std::string& title);
  double to_pdf_y(double y) const { return kPageHeight - y; }
  void set_alpha(double opacity);
  void draw_table_header(const Table& t, const std::vector<double>& widths);

  HpdfErrors errors_;
  HPDF_Doc doc_ = nullptr;
  HPDF_Font regular_ = nullptr, bold_ = nullptr;
  // The fonts' own tables: which code points each can draw.
  HPDF_FontDef glyphs_ = nullptr, bold_glyphs_ = nullptr;
  HPDF_Page page_ = nullptr;
  std::vector<HPDF_Page> pages_;
  std::map<int, HPDF_ExtGState> alpha_states_;  // by opacity in percent
  double y_ = 0;
};

}  // namespace bre::pdf
