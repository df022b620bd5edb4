// The postmortem as Markdown (readable raw in a terminal, rendered on
// GitHub) and as HTML for the UI through cmark.
#include <cstdlib>
#include <memory>

#include <cmark.h>
#include <fmt/format.h>

#include "bre/core/markdown_text.h"
#include "bre/core/business_time.h"
#include "bre/postmortem/build_postmortem.h"
#include "bre/postmortem/render_postmortem.h"

namespace bre {

namespace {

// A table cell: one line, pipes escaped. Text from data has been through
// markdown_text already, so a backslash and the character after it are one
// escape, copied as they are (its pipes are escaped once, not twice).
std::string cell(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) out += c, out += text[++i];
    else if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "|", rule = "|";
  for (const std::string& h : header) out += " " + cell(h) + " |", rule += "---|";
  out += "\n" + rule + "\n";
  for (const auto& row : rows) {
    out += "|";
    for (const std::string& c : row) out += " " + cell(c) + " |";
    out += "\n";
  }
  return out;
}

// Metric readings are stamped at the end of their (local) day: shown as the
// date; other moments as the local date and time.
std::string when(TimeMs t, const BusinessTime& clock) {
  const DayNumber d = clock.local_day(t);
  if (t == clock.day_end(d) || t == clock.day_start(d)) return format_day(d);
  return format_iso8601(clock.to_local(t)).substr(0, 16).replace(10, 1, " ");
}

std::string ids_text(const std::vector<std::string>& ids, std::size_t shown = 2) {
  if (ids.empty()) return "";
  std::string out = fmt::format("{}: ", ids.size());
  for (std::size_t i = 0; i < ids.size() && i < shown; ++i) out += (i ? ", " : "") + markdown_code(ids[i]);
  if (ids.size() > shown) out += ", …";
  return out;
}

// `supplier_delay_rate` (0.566) → `fulfillment_backlog` (0.526) → `delivery_delay_rate` (incident metric, z 9.8)
std::string chain_line(const CausalChain& c) {
  if (c.paths.empty()) return "`" + c.incident_metric + "` (no causal path)";
  std::string out;
  const auto& metrics = c.paths.front().metrics;
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const CausalNode* n = c.node(metrics[i]);
    out += (i ? " → " : "") + ("`" + metrics[i] + "`");
    if (!n) continue;
    if (i + 1 == metrics.size()) out += fmt::format(" (incident metric, z {:.1f})", n->metric_zscore);
    else out += fmt::format(" ({:.3f}, z {:.1f})", n->contribution_score, n->metric_zscore);
  }
  return out;
}

std::string chain_section(const CausalChain& c) {
  std::string out = "**Causal chain:** " + chain_line(c) + "\n\n";
  std::vector<std::vector<std::string>> paths;
  for (const CausalPath& p : c.paths) {
    std::string arrow;
    for (const std::string& m : p.metrics) arrow += (arrow.empty() ? "" : " → ") + m;
    paths.push_back({std::to_string(p.rank), arrow, fmt::format("{:.3f}", p.overall_score)});
  }
  if (!paths.empty()) out += table({"rank", "path", "score"}, paths) + "\n";
  std::vector<std::vector<std::string>> evidence;
  if (!c.paths.empty())
    for (const std::string& m : c.paths.front().metrics)
      if (const CausalNode* n = c.node(m))
        for (const EvidenceCluster& cl : n->evidence_clusters)  // the three largest shares, and the catch-all
          if (cl.entity_type == "all" || &cl - n->evidence_clusters.data() < 3)
            evidence.push_back({m, markdown_text(cl.cluster_label), std::to_string(cl.event_count),
                              cl.entity_type == "all" ? "" : fmt::format("{:.0f}%", 100 * cl.share_of_change),
                              markdown_text(cl.summary)});
  if (!evidence.empty())
    out += "Evidence on path 1 (the JSON has every cluster):\n\n" + table({"metric", "cluster", "events", "share of change", "summary"}, evidence) +
           "\n";
  return out;
}

std::string blast_section(const BlastRadius& b) {
  const auto money = [&](std::int64_t minor) { return format_money_rounded(minor, b.currency, b.minor_digits); };
  std::string downstream;
  for (const std::string& id : b.downstream_incidents_triggered) downstream += (downstream.empty() ? "" : ", ") + id;
  std::string out = markdown_lines(b.narrative) + "\n\n";
  out += table({"measure", "value"},
               {{"customers affected", std::to_string(b.customers_affected)},
                {"orders affected", std::to_string(b.orders_affected)},
                {"products affected", std::to_string(b.products_affected)},
                {"vendors involved", std::to_string(b.vendors_involved)},
                {"estimated revenue exposure", money(b.estimated_revenue_exposure_minor)},
                {"estimated refund exposure", money(b.estimated_refund_exposure_minor)},
                {"customers at churn risk", std::to_string(b.estimated_churn_exposure)},
                {"overdue amount", money(b.overdue_amount_minor)},
                {"severity", b.blast_radius_severity},
                {"downstream incidents", downstream.empty() ? "none" : downstream}});
  return out;
}

}  // namespace

std::string postmortem_markdown(const Postmortem& pm) {
  // Every sentence bre writes around data (names of vendors, customers,
  // products, sellers) goes through markdown_text; the Markdown around it is
  // bre's own.
  std::string md = "# " + markdown_text(pm.title) + "\n\n";
  std::string subject = pm.cascade_id ? fmt::format("cascade {} of {} incidents", *pm.cascade_id, pm.incidents.size())
                                      : fmt::format("incident {}", pm.incident_id);
  md += table({"", ""}, {{"Severity", "**" + pm.severity + "**"},
                         {"Status", pm.status},
                         {"Duration", pm.duration},
                         {"Subject", subject},
                         {"Postmortem", pm.postmortem_id}});

  md += "\n## 1. Summary\n\n" + markdown_lines(pm.one_line_summary) + "\n\n";
  std::vector<std::vector<std::string>> incidents;
  for (const PostmortemIncident& i : pm.incidents)
    incidents.push_back({i.incident_id, i.incident_type, format_day(i.window_start) + " .. " + format_day(i.window_end),
                         i.severity, i.confidence, i.metric, fmt::format("{:.1f}", i.zscore), i.state, i.status});
  md += table({"incident", "type", "window", "severity", "confidence", "metric", "z", "state", "status"}, incidents);

  md += "\n## 2. Timeline\n\n";
  std::vector<std::vector<std::string>> rows;
  const BusinessTime clock(pm.timezone);
  for (const TimelineEntry& e : pm.timeline)
    rows.push_back({when(e.timestamp, clock), e.kind, markdown_text(e.event_description), ids_text(e.evidence_event_ids)});
  md += table({"when (" + markdown_text(pm.timezone) + ")", "kind", "what happened", "evidence"}, rows);

  md += "\n## 3. Root cause\n\n" + markdown_lines(pm.root_cause_summary) + "\n\n";
  for (std::size_t k = 0; k < pm.causal_chains.size(); ++k) {
    if (pm.causal_chains.size() > 1)
      md += fmt::format("### {}. {} ({})\n\n", k + 1, incident_type_title(pm.causal_chains[k].incident_type),
                        pm.causal_chains[k].incident_id);
    md += chain_section(pm.causal_chains[k]);
  }

  md += "## 4. Blast radius\n\n" + blast_section(pm.blast_radius);

  md += "\n## 5. Contributing factors\n\n";
  for (const std::string& f : pm.contributing_factors) md += "- " + markdown_lines(f) + "\n";
  if (pm.contributing_factors.empty()) md += "None beyond the root cause.\n";

  md += "\n## 6. Prevention monitors\n\n";
  std::vector<std::vector<std::string>> monitors;
  for (const MonitorRule& m : pm.monitors)
    monitors.push_back({m.name, m.metric_name, m.condition, fmt::format("{} days", m.baseline_window_days),
                        m.check_frequency, m.severity_if_triggered, m.enabled ? "yes" : "no", m.monitor_id});
  md += table({"monitor", "metric", "condition", "baseline", "checked", "severity", "enabled", "id"}, monitors);

  md += "\n## 7. Recommendations\n\n";
  for (std::size_t i = 0; i < pm.recommendations.size(); ++i) md += fmt::format("{}. {}\n", i + 1, markdown_lines(pm.recommendations[i]));

  md += "\n## 8. Metadata\n\n";
  std::string versions;
  for (const auto& [name, version] : pm.algorithm_versions) versions += (versions.empty() ? "" : ", ") + name + " " + version;
  md += table({"", ""}, {{"data quality score", fmt::format("{:.2f}", pm.data_quality_score)},
                         {"confidence", markdown_text(pm.confidence_note)},
                         {"algorithm versions", versions},
                         {"run", pm.run_id},
                         {"generated at", format_iso8601(pm.generated_at)}});
  return md;
}

namespace {

std::string cmark_html(const std::string& markdown) {
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SAFE), &std::free);
  return html ? std::string(html.get()) : std::string();
}

// A cell's inline Markdown as HTML, without the paragraph cmark wraps it in.
std::string inline_html(const std::string& text) {
  std::string html = cmark_html(text);
  if (html.rfind("<p>", 0) == 0 && html.size() >= 8 && html.compare(html.size() - 5, 5, "</p>\n") == 0)
    html = html.substr(3, html.size() - 8);
  return html;
}

std::vector<std::string> split_row(const std::string& line) {
  std::vector<std::string> cells;
  std::string current;
  for (std::size_t i = 1; i < line.size(); ++i) {  // line[0] is the leading pipe
    if (line[i] == '\\' && i + 1 < line.size()) {
      current += line.substr(i, 2);  // an escape (\| too) is cmark's to read in the cell
      ++i;
    } else if (line[i] == '|') {
      const auto b = current.find_first_not_of(' '), e = current.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : current.substr(b, e - b + 1));
      current.clear();
    } else {
      current += line[i];
    }
  }
  return cells;
}

std::string table_html(const std::vector<std::string>& lines) {
  std::string out = "<table>\n<thead>\n<tr>";
  for (const std::string& c : split_row(lines[0])) out += "<th>" + inline_html(c) + "</th>";
  out += "</tr>\n</thead>\n<tbody>\n";
  for (std::size_t i = 2; i < lines.size(); ++i) {
    out += "<tr>";
    for (const std::string& c : split_row(lines[i])) out += "<td>" + inline_html(c) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string markdown_to_html(const std::string& markdown) {
  std::string html, prose;
  std::vector<std::string> table_lines;
  auto flush_prose = [&] {
    if (!prose.empty()) html += cmark_html(prose);
    prose.clear();
  };
  std::size_t at = 0;
  while (at < markdown.size()) {
    std::size_t end = markdown.find('\n', at);
    if (end == std::string::npos) end = markdown.size();
    const std::string line = markdown.substr(at, end - at);
    at = end + 1;
    if (!line.empty() && line[0] == '|') {
      if (table_lines.empty()) flush_prose();
      table_lines.push_back(line);
      continue;
    }
    if (!table_lines.empty()) {
      html += table_lines.size() >= 2 ? table_html(table_lines) : cmark_html(table_lines[0]);
      table_lines.clear();
    }
    prose += line + "\n";
  }
  if (!table_lines.empty()) html += table_lines.size() >= 2 ? table_html(table_lines) : cmark_html(table_lines[0]);
  flush_prose();
  return html;
}

std::string postmortem_html(const Postmortem& pm) { return markdown_to_html(postmortem_markdown(pm)); }

}  // namespace bre
