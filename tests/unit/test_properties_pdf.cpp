// Properties of the text and PDF code (RapidCheck inside doctest):
//  (a) wrapping loses no character and keeps every line within the width
//      unless it is a single code point;
//  (b) any bytes at all — invalid UTF-8, surrogates, emoji, control
//      characters, huge words — in any text field render to a PDF without a
//      crash or an exception.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "bre/postmortem/postmortem_pdf.h"
#include "bre/postmortem/text_layout.h"
#include "pdf_test_support.h"
#include "property_support.h"

using namespace bre;

namespace {

// Text made of pieces that stress the renderer, mixed with arbitrary bytes.
rc::Gen<std::string> nasty_text() {
  const std::vector<std::string> pieces = {
      "S\xC3\xA3o", " ", "\n", "\t", "\xE2\x80\x94", "\xF0\x9F\x98\x80", "\xFF", "\xC3", "\xED\xA0\x80", "\xC0\xAF",
      "ergon\xC3\xB4mica", "\xE4\xB8\xAD\xE6\x96\x87", "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", "\x01\x7F", "%PDF",
      "(unbalanced", "\\", std::string(300, 'W'), "a"};
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(
          rc::gen::oneOf(rc::gen::elementOf(pieces), rc::gen::container<std::string>(rc::gen::arbitrary<char>()))),
      [](const std::vector<std::string>& parts) {
        std::string s;
        for (const std::string& p : parts) s += p;
        return s;
      });
}

double code_points(std::string_view s) { return static_cast<double>(decode_utf8(s).size()); }


}  // namespace

TEST_CASE("property: wrap_text keeps every character and respects the width") {
  CHECK(rc::check("wrap(sanitize(s)) loses nothing, lines fit", [] {
    const std::string text = sanitize_utf8(*nasty_text());
    const double width = *rc::gen::inRange(1, 40);
    const std::vector<std::string> lines = wrap_text(text, width, code_points);
    std::string in, out;
    for (char c : text)
      if (c != ' ' && c != '\n') in += c;
    for (const std::string& l : lines) {
      RC_ASSERT(code_points(l) <= width || code_points(l) == 1);
      for (char c : l)
        if (c != ' ') out += c;
    }
    RC_ASSERT(in == out);
  }));
}

TEST_CASE("property: any bytes in any text field render to a PDF") {
  CHECK(bre_test::check_cases("render_postmortem_pdf never crashes or throws on arbitrary text", 25, [] {
    Postmortem pm = test::long_postmortem(*rc::gen::inRange(0, 12));
    pm.title = *nasty_text();
    pm.severity = *nasty_text();
    pm.one_line_summary = *nasty_text();
    pm.root_cause_summary = *nasty_text();
    pm.blast_radius.narrative = *nasty_text();
    pm.blast_radius.currency = *nasty_text();
    pm.contributing_factors = {*nasty_text(), *nasty_text()};
    pm.recommendations = {*nasty_text()};
    pm.confidence_note = *nasty_text();
    for (TimelineEntry& e : pm.timeline) e.event_description = *nasty_text();
    pm.causal_chains[1].paths[0].metrics[0] = *nasty_text();
    pm.causal_chains[1].nodes[0].metric_name = pm.causal_chains[1].paths[0].metrics[0];
    pm.causal_chains[1].nodes[1].evidence_clusters[0].cluster_label = *nasty_text();
    pm.monitors[0].name = *nasty_text();
    std::vector<MetricChart> charts = test::sample_charts();
    charts[0].metric = *nasty_text();
    charts[0].windows[0].label = *nasty_text();
    const std::string bytes = render_postmortem_pdf(pm, charts);
    RC_ASSERT(bytes.rfind("%PDF-", 0) == 0);
    RC_ASSERT(bytes.find("%%EOF") != std::string::npos);
  }));
}
