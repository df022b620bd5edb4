// The postmortem as a PDF a manager would print (A4, libharu): title block
// with a severity badge, summary, the incident metric's chart (the same
// layout as `bre metrics history --format svg`), the causal chain drawn as
// boxes and arrows, root cause, blast radius, timeline and evidence tables
// that break across pages under a repeated header, contributing factors,
// monitors, recommendations, metadata and "Page i of n" footers. Text is
// wrapped, never cut off; any bytes render (invalid UTF-8 and characters the
// font lacks become '?'). Same input, same bytes. Layout: docs/charts.md.
#pragma once
#include <string>
#include <vector>

#include "bre/postmortem/chart.h"
#include "bre/postmortem/postmortem.h"

namespace bre {

struct PdfOptions {
  // DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian fonts-dejavu-core), embedded.
  std::string font_dir = "/usr/share/fonts/truetype/dejavu";
};

// The PDF bytes. `charts` are drawn in the "Incident metric" section as
// stacked panels (usually the incident metric's, from metric_chart). Throws
// Error(internal) when libharu fails or a font file is missing.
std::string render_postmortem_pdf(const Postmortem& pm, const std::vector<MetricChart>& charts,
                                  const PdfOptions& options = {});

}  // namespace bre
