// Text from data in Markdown: markdown_text and markdown_code by hand, then a
// postmortem whose vendor names are Markdown and HTML, rendered by cmark: the
// names come out as text, and create no element of their own.
#include <doctest/doctest.h>

#include <cmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <regex>

#include "bre/core/markdown_text.h"
#include "bre/postmortem/build_postmortem.h"
#include "bre/postmortem/render_postmortem.h"

using namespace bre;

namespace {

// cmark with raw HTML let through (not CMARK_OPT_SAFE): what a Markdown
// viewer that trusts the file would show.
std::string unsafe_html(const std::string& md) {
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(md.data(), md.size(), CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE), &std::free);
  return html.get();
}

// How many of each element (<em>, <a, <script ...) an HTML text opens.
std::map<std::string, int> elements(const std::string& html) {
  std::map<std::string, int> out;
  static const std::regex open("<([a-zA-Z][a-zA-Z0-9]*)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), open); it != std::sregex_iterator(); ++it)
    ++out[(*it)[1].str()];
  return out;
}

const std::vector<std::string> kTrickyNames = {
    "*Acme* Supplies",   "__Borax__",        "`rm -rf`",        "[Evil](http://x.test)", "<script>alert(1)</script>",
    "<b>Bold</b> & Co",  "# Heading Ltd",    "- Dash Corp",     "1. First Foods",        "> Quote Inc",
    "Pipe | Co",         "back\\slash\\",    "snake_case_name", "&amp; Sons",            "~~gone~~",
    "![img](x.png)",     "line\nbreak",      "   indented",     "_lead",                 "trail_",
};

}  // namespace

TEST_CASE("markdown_text: each tricky name escaped by hand") {
  CHECK(markdown_text("*Acme* Supplies") == "\\*Acme\\* Supplies");
  CHECK(markdown_text("<script>alert(1)</script>") == "\\<script>alert(1)\\</script>");
  CHECK(markdown_text("[Evil](http://x.test)") == "\\[Evil\\](http://x.test)");
  CHECK(markdown_text("# Heading Ltd") == "\\# Heading Ltd");
  CHECK(markdown_text("1. First Foods") == "1\\. First Foods");
  CHECK(markdown_text("1.5 tons") == "1.5 tons");  // not a list item
  CHECK(markdown_text("- Dash Corp") == "\\- Dash Corp");
  CHECK(markdown_text("> Quote Inc") == "\\> Quote Inc");
  CHECK(markdown_text("zscore > 2.5") == "zscore > 2.5");  // a '>' inside a line is text
  CHECK(markdown_text("Pipe | Co") == "Pipe \\| Co");
  CHECK(markdown_text("back\\slash") == "back\\\\slash");
  CHECK(markdown_text("`x`") == "\\`x\\`");
  CHECK(markdown_text("&amp; Sons & Co") == "\\&amp; Sons & Co");  // only an & that could open an entity
  // Underscores inside a word are never emphasis: metric names stay as written.
  CHECK(markdown_text("delivery_delay_rate's") == "delivery_delay_rate's");
  CHECK(markdown_text("__Borax__") == "\\_\\_Borax\\_\\_");
  CHECK(markdown_text("line\nbreak\r\tx") == "line break  x");
  CHECK(markdown_text("   indented") == "indented");
  CHECK(markdown_text("São Paulo — Ltda.") == "São Paulo — Ltda.");

  CHECK(markdown_lines("# A\n\n- b *c*") == "\\# A\n\n\\- b \\*c\\*");  // paragraphs kept, each line escaped

  CHECK(markdown_code("ev_1") == "`ev_1`");
  CHECK(markdown_code("a`b") == "``a`b``");
  CHECK(markdown_code("`x") == "`` `x ``");
}

TEST_CASE("markdown_text: cmark renders every tricky name as the same text, and nothing else") {
  for (const std::string& name : kTrickyNames) {
    CAPTURE(name);
    std::string expected = name;
    for (char& c : expected)
      if (c == '\n') c = ' ';
    expected = expected.substr(expected.find_first_not_of(' '));
    // As a paragraph of its own, and as a list item: one <p> (and <ul><li>), the name as text.
    const std::string p = unsafe_html(markdown_text(name) + "\n");
    CHECK(elements(p) == std::map<std::string, int>{{"p", 1}});
    const std::string li = unsafe_html("- " + markdown_text(name) + "\n");
    CHECK(elements(li) == std::map<std::string, int>{{"li", 1}, {"ul", 1}});
    const std::string code = unsafe_html(markdown_code(name) + "\n");
    CHECK(elements(code) == std::map<std::string, int>{{"code", 1}, {"p", 1}});
    // cmark's HTML escapes < > & "; the text between the tags is the name.
    const std::string html_text = p.substr(3, p.size() - 8);
    std::string text;
    for (std::size_t i = 0; i < html_text.size();) {
      bool entity = false;
      for (auto [name, ch] : {std::pair{"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&amp;", '&'}})
        if (html_text.compare(i, std::strlen(name), name) == 0) {
          text += ch, i += std::strlen(name), entity = true;
          break;
        }
      if (!entity) text += html_text[i++];
    }
    CHECK(text == expected);
  }
}

TEST_CASE("postmortem Markdown: entity names from data come out literally") {
  // A postmortem whose vendor names are the tricky names, in its evidence
  // table, timeline, root cause and summaries; beside the same postmortem
  // with plain names, cmark must build the very same elements.
  auto postmortem_with = [](const std::vector<std::string>& names) {
    PostmortemInput in;
    in.incidents = {[] {
      PostmortemIncident i;
      i.incident_id = "inc_x";
      i.incident_type = "fulfillment_sla_degradation";
      i.window_start = day_of(*parse_date("2026-03-06"));
      i.window_end = i.window_start + 9;
      i.severity = "high";
      i.confidence = "high";
      i.metric = "supplier_delay_rate";
      i.zscore = 9.8;
      i.state = "resolved";
      i.status = "open";
      return i;
    }()};
    CausalChain c;
    c.chain_id = "chn_x";
    c.incident_id = "inc_x";
    c.incident_type = "fulfillment_sla_degradation";
    c.incident_metric = "supplier_delay_rate";
    c.root_cause = "supplier_delay_rate";
    c.causal_from = in.incidents[0].window_start - 9;
    c.causal_to = in.incidents[0].window_end;
    CausalNode root;
    root.metric_name = "supplier_delay_rate";
    root.contribution_score = 1;
    root.metric_zscore = 9.8;
    root.implicated = true;
    root.peak_day = in.incidents[0].window_start + 2;
    root.anomaly_from = in.incidents[0].window_start;
    root.anomaly_to = root.peak_day;
    for (std::size_t k = 0; k < names.size(); ++k) {
      EvidenceCluster cl;
      cl.entity_type = "vendor";
      cl.entity_id = "v" + std::to_string(k);
      cl.entity_name = names[k];
      cl.cluster_label = "vendor " + names[k];
      cl.event_count = static_cast<std::int64_t>(names.size() - k);
      cl.share_of_change = 1.0 / static_cast<double>(names.size());
      cl.summary = fmt::format("{} shipment delays from {}", cl.event_count, names[k]);
      cl.event_ids = {"ev_" + std::to_string(k)};
      root.evidence_clusters.push_back(cl);
    }
    c.nodes = {root};
    c.top_candidates = {"supplier_delay_rate"};
    c.paths = {{1, 1.0, true, {"supplier_delay_rate"}, {}}};
    in.chains = {c};
    in.blast_radius.incident_id = "inc_x";
    in.blast_radius.narrative = "This incident involved " + names.front() + " and " + names.back() + ".";
    MonitorRule m;
    m.monitor_id = "mon_x";
    m.name = "Supplier Delay Rate Watch";
    m.metric_name = "supplier_delay_rate";
    m.condition = "zscore > 2.5";
    m.baseline_window_days = 30;
    m.check_frequency = "daily";
    m.severity_if_triggered = "high";
    m.enabled = true;
    m.source_incident_id = "inc_x";
    in.monitors = {m};
    in.quality_weights = {{"supplier_delay_rate", 1.0}};
    for (std::size_t k = 0; k < names.size(); ++k) in.evidence_event_times["ev_" + std::to_string(k)] = in.incidents[0].window_start * kMsPerDay;
    in.run_id = "run_x";
    in.generated_at = 1'780'000'000'000;
    return build_postmortem(in, DailyMetrics{});
  };
  // The evidence table shows a node's three largest clusters: three names a postmortem.
  std::string md, html, ui;
  for (std::size_t at = 0; at < kTrickyNames.size(); at += 3) {
    std::vector<std::string> names, plain;
    for (std::size_t k = at; k < std::min(at + 3, kTrickyNames.size()); ++k)
      names.push_back(kTrickyNames[k]), plain.push_back("Vendor" + std::to_string(k));
    CAPTURE(names.front());
    const std::string one_md = postmortem_markdown(postmortem_with(names));
    const std::string plain_md = postmortem_markdown(postmortem_with(plain));
    // No <em>, <a>, <script>, <h1>, <li>, <blockquote> of a name's own.
    CHECK(elements(unsafe_html(one_md)) == elements(unsafe_html(plain_md)));
    CHECK(elements(markdown_to_html(one_md)) == elements(markdown_to_html(plain_md)));  // bre's HTML, tables cell by cell
    md += one_md, html += unsafe_html(one_md), ui += markdown_to_html(one_md);
  }
  CHECK(md.find("\\*Acme\\* Supplies") != std::string::npos);  // the names did reach the Markdown
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("*Acme* Supplies") != std::string::npos);
  CHECK(html.find("[Evil](http://x.test)") != std::string::npos);

  CHECK(ui.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(ui.find("vendor Pipe | Co") != std::string::npos);  // the pipe stays inside its cell
}
