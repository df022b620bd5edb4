// The causal chain drawn as boxes and arrows: one box per metric of a path,
// root cause first, the incident metric last, each with its z on its peak
// day and its contribution; up to four boxes a row, a longer path continues
// on the next row through an elbow arrow.
#include <algorithm>

#include <fmt/format.h>

#include "bre/postmortem/chart.h"
#include "pdf_sections.h"

namespace bre::pdf {

namespace {

constexpr std::size_t kPerRow = 4;
constexpr double kGap = 24, kPad = 5, kTitleSize = 8.5, kSize = 7.5;

struct Box {
  std::vector<std::string> title, details;  // wrapped lines
  Rgb fill, stroke;
  double height = 0;
};

Box make_box(const Document& doc, const CausalChain& chain, const std::string& metric, bool root, double width) {
  Box b;
  const double inner = width - 2 * kPad;
  b.title = doc.wrap(metric, inner, kTitleSize, true);
  std::vector<std::string> facts;
  if (const CausalNode* n = chain.node(metric)) {
    facts.push_back(fmt::format("z {:.1f} on {}", n->metric_zscore, short_date(n->peak_day, true)));
    facts.push_back(metric == chain.incident_metric ? std::string("incident metric")
                                                    : fmt::format("contribution {:.3f}", n->contribution_score));
    if (!n->evidence_clusters.empty() && n->evidence_clusters.front().entity_type != "all")
      facts.push_back(fmt::format("{} ({:.0f}% of the change)", n->evidence_clusters.front().cluster_label,
                                  n->evidence_clusters.front().share_of_change * 100));
  } else {
    facts.push_back(metric == chain.incident_metric ? "incident metric" : "not scored");
  }
  for (const std::string& f : facts)
    for (std::string& l : doc.wrap(f, inner, kSize, false)) b.details.push_back(std::move(l));
  const bool incident = metric == chain.incident_metric;
  b.fill = root ? Rgb{253, 232, 228} : incident ? Rgb{225, 236, 250} : Rgb{243, 243, 243};
  b.stroke = root ? Rgb{200, 70, 50} : incident ? Rgb{60, 100, 170} : Rgb{150, 150, 150};
  b.height = 2 * kPad + static_cast<double>(b.title.size()) * kTitleSize * 1.25 +
             static_cast<double>(b.details.size()) * kSize * 1.3;
  return b;
}

void draw_box(Document& doc, const Box& b, double x, double y, double width, double height) {
  doc.rect(x, y, width, height, b.fill, b.stroke, 4);
  double baseline = y + kPad;
  for (const std::string& l : b.title) {
    baseline += kTitleSize * 1.25;
    doc.text_at(x + kPad, baseline - 2, l, kTitleSize, true, kInk);
  }
  for (const std::string& l : b.details) {
    baseline += kSize * 1.3;
    doc.text_at(x + kPad, baseline - 2, l, kSize, false, kInk);
  }
}

}  // namespace

void draw_causal_path(Document& doc, const CausalChain& chain, const CausalPath& path) {
  const std::size_t first_row = std::min(kPerRow, std::max<std::size_t>(path.metrics.size(), 1));
  const double first_width = (doc.width() - static_cast<double>(first_row - 1) * kGap) / static_cast<double>(first_row);
  double first_height = 0;
  for (std::size_t i = 0; i < std::min(first_row, path.metrics.size()); ++i)
    first_height = std::max(first_height, make_box(doc, chain, path.metrics[i], i == 0, first_width).height);
  doc.ensure_space(first_height + 30);  // the path's title stays with its first row of boxes
  doc.paragraph(fmt::format("Path {}: score {:.3f}{}", path.rank, path.overall_score,
                            path.root_unexplained ? " (nothing upstream moved first: the root is unexplained)" : ""),
                9, true);
  const std::vector<std::string>& metrics = path.metrics;
  if (metrics.empty()) return;
  const std::size_t per_row = std::min(kPerRow, metrics.size());
  const double width = (doc.width() - static_cast<double>(per_row - 1) * kGap) / static_cast<double>(per_row);
  double previous_bottom = 0, previous_center = 0;
  for (std::size_t start = 0; start < metrics.size(); start += per_row) {
    const std::size_t end = std::min(metrics.size(), start + per_row);
    std::vector<Box> row;
    double height = 0;
    for (std::size_t i = start; i < end; ++i) {
      row.push_back(make_box(doc, chain, metrics[i], i == 0, width));
      height = std::max(height, row.back().height);
    }
    const double elbow = start == 0 ? 0 : 14;  // room for the arrow down from the row above
    const std::size_t page_before = doc.page_count();
    doc.ensure_space(elbow + height + 8);
    const bool continued_here = start > 0 && doc.page_count() == page_before;
    const double top = doc.y() + elbow;
    if (continued_here) {
      // Elbow: down from the last box above, across, down into the first box.
      const double mid = previous_bottom + elbow / 2;
      const double first_center = doc.left() + width / 2;
      doc.line(previous_center, previous_bottom, previous_center, mid, kMuted, 1.2);
      doc.line(previous_center, mid, first_center, mid, kMuted, 1.2);
      doc.arrow(first_center, mid, first_center, top, kMuted);
    } else if (start > 0) {
      doc.paragraph("(continued from the previous page)", 7.5, false, kMuted);
    }
    const double row_top = continued_here ? top : doc.y();
    for (std::size_t k = 0; k < row.size(); ++k) {
      const double x = doc.left() + static_cast<double>(k) * (width + kGap);
      draw_box(doc, row[k], x, row_top, width, height);
      if (k + 1 < row.size()) doc.arrow(x + width + 3, row_top + height / 2, x + width + kGap - 3, row_top + height / 2, kMuted);
    }
    previous_bottom = row_top + height;
    previous_center = doc.left() + static_cast<double>(row.size() - 1) * (width + kGap) + width / 2;
    doc.move_down(previous_bottom - doc.y() + 8);
  }
}

}  // namespace bre::pdf
