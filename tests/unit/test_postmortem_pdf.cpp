// The postmortem PDF read back with poppler: it opens, runs over several A4
// pages, every section is there, the Portuguese names come back exactly, the
// last timeline row is printed (nothing cut off) and pages are numbered.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "bre/core/error.h"
#include "bre/postmortem/postmortem_pdf.h"
#include "pdf_test_support.h"
#include "test_support.h"

using namespace bre;

namespace {

std::string run_command(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get())) out.append(buf.data(), n);
  return out;
}

// pdftotext breaks wrapped text into lines: compare with whitespace collapsed.
std::string collapse_space(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
    if (!space) out += c;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  return out;
}

int pdf_pages(const std::string& info) {
  const auto at = info.find("Pages:");
  return at == std::string::npos ? 0 : std::stoi(info.substr(at + 6));
}

// The largest yMax and xMax of any word pdftotext -bbox finds: text drawn
// past the page's edge shows there.
std::pair<double, double> text_extent(const std::string& path) {
  const std::string boxes = run_command("pdftotext -bbox '" + path + "' - 2>/dev/null");
  double y = 0, x = 0;
  for (auto at = boxes.find("<word "); at != std::string::npos; at = boxes.find("<word ", at + 1)) {
    const auto value = [&](const char* key) {
      const auto k = boxes.find(key, at);
      return std::stod(boxes.substr(k + std::string(key).size()));
    };
    y = std::max(y, value("yMax=\""));
    x = std::max(x, value("xMax=\""));
  }
  return {x, y};
}

}  // namespace

TEST_CASE("postmortem PDF: sections, Portuguese names, last timeline row, page numbers (pdfinfo, pdftotext)") {
  const TempDir dir;
  const std::string bytes = render_postmortem_pdf(test::long_postmortem(), test::sample_charts());
  REQUIRE(bytes.rfind("%PDF-", 0) == 0);
  const std::string path = dir.write("postmortem.pdf", bytes);

  const std::string info = run_command("pdfinfo '" + path + "' 2>&1");
  const int pages = pdf_pages(info);
  CHECK(pages >= 3);
  CHECK(info.find("A4") != std::string::npos);

  const std::string text = collapse_space(run_command("pdftotext -enc UTF-8 '" + path + "' - 2>/dev/null"));
  for (const char* heading : {"Summary", "Incident metric", "Causal chain", "Root cause", "Blast radius", "Timeline",
                              "Evidence", "Contributing factors", "Prevention monitors", "Recommendations", "Metadata"})
    CHECK_MESSAGE(text.find(heading) != std::string::npos, heading);
  CHECK(text.find(test::kVendorName) != std::string::npos);
  CHECK(text.find("Jo\xC3\xA3o Gon\xC3\xA7\x61lves") != std::string::npos);
  CHECK(text.find("Recovered: row 90 of 90") != std::string::npos);
  CHECK(text.find("Shipment 4088 from") != std::string::npos);
  CHECK(text.find("HIGH") != std::string::npos);  // the badge
  CHECK(text.find("Page 1 of " + std::to_string(pages)) != std::string::npos);
  CHECK(text.find("Page " + std::to_string(pages) + " of " + std::to_string(pages)) != std::string::npos);
  // The repeated table header: the timeline's column titles on more than one page.
  std::size_t headers = 0;
  for (auto at = text.find("What happened"); at != std::string::npos; at = text.find("What happened", at + 1))
    ++headers;
  CHECK(headers >= 2);
  // Nothing past the margins: every word inside the page, right of the content and above the footer's edge.
  const auto [x_max, y_max] = text_extent(path);
  CHECK(x_max <= 595.3 - 50 + 1);
  CHECK(y_max <= 841.9 - 60 / 2 + 2);
  // Wrapped, not cut: the 80-character identifier comes back whole (broken across lines at most).
  const std::string long_word = "Transportadora_Ipiranga_Filhos_Armaz\xC3\xA9m_Central_Guarulhos_Doca_17_Recebimento";
  std::string joined = text;
  std::erase(joined, ' ');
  CHECK(joined.find(long_word) != std::string::npos);
}

TEST_CASE("postmortem PDF: many charts are split so that each drawing fits a page") {
  const TempDir dir;
  std::vector<MetricChart> charts;
  for (int i = 0; i < 9; ++i) {
    charts.push_back(test::sample_charts().front());
    charts.back().metric = "metric_number_" + std::to_string(i);
  }
  const std::string path = dir.write("charts.pdf", render_postmortem_pdf(test::long_postmortem(5), charts));
  const std::string text = run_command("pdftotext -enc UTF-8 '" + path + "' - 2>/dev/null");
  for (int i = 0; i < 9; ++i) CHECK(text.find("metric_number_" + std::to_string(i)) != std::string::npos);
  CHECK(text_extent(path).second <= 841.9 - 60 / 2 + 2);
}

TEST_CASE("postmortem PDF: the same postmortem gives the same bytes") {
  const Postmortem pm = test::long_postmortem(20);
  CHECK(render_postmortem_pdf(pm, test::sample_charts()) == render_postmortem_pdf(pm, test::sample_charts()));
}

TEST_CASE("postmortem PDF: an empty postmortem still renders, and a missing font is a clear error") {
  const TempDir dir;
  const std::string bytes = render_postmortem_pdf(Postmortem{}, {});
  const std::string path = dir.write("empty.pdf", bytes);
  const int pages = pdf_pages(run_command("pdfinfo '" + path + "' 2>&1"));
  CHECK(pages >= 1);
  const std::string text = run_command("pdftotext -enc UTF-8 '" + path + "' - 2>/dev/null");
  CHECK(text.find("UNKNOWN") != std::string::npos);  // the badge of a postmortem without a severity
  CHECK(text.find("Page " + std::to_string(pages) + " of " + std::to_string(pages)) != std::string::npos);
  PdfOptions nowhere;
  nowhere.font_dir = dir.file("no-fonts-here");
  CHECK_THROWS_AS(render_postmortem_pdf(Postmortem{}, {}, nowhere), Error);
  // Files that are no fonts (libharu 2.3.0 itself would crash on them): refused, not a crash.
  PdfOptions broken;
  broken.font_dir = dir.file("");
  dir.write("DejaVuSans.ttf", "not a font");
  dir.write("DejaVuSans-Bold.ttf", "");
  CHECK_THROWS_AS(render_postmortem_pdf(Postmortem{}, {}, broken), Error);
}
