// render_postmortem_pdf: the postmortem's sections, top to bottom, on the
// flowing document (pdf_document.h). Every word printed comes from the model.
#include "bre/postmortem/postmortem_pdf.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "bre/core/business_time.h"
#include "bre/core/time.h"
#include "pdf_document.h"
#include "pdf_sections.h"

namespace bre {

namespace {

using pdf::Document;
using pdf::Table;

Rgb severity_badge_color(const std::string& severity) {
  if (severity == "critical") return {150, 20, 30};
  if (severity == "high") return {205, 50, 40};
  if (severity == "medium") return {225, 125, 15};
  if (severity == "low") return {70, 130, 70};
  return {110, 110, 110};
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "2026-03-05 10:00" in the postmortem's business time zone: a table cell,
// not a data field.
std::string minute(TimeMs t, const std::string& zone) {
  const std::string iso = format_iso8601(BusinessTime(zone).to_local(t));
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

std::string evidence_cell(const std::vector<std::string>& ids) {
  if (ids.empty()) return "";
  std::string out = fmt::format("{} event{}: ", ids.size(), ids.size() == 1 ? "" : "s");
  const std::size_t shown = std::min<std::size_t>(ids.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > shown) out += fmt::format(" and {} more", ids.size() - shown);
  return out;
}

void title_block(Document& doc, const Postmortem& pm) {
  doc.paragraph("POSTMORTEM", 8.5, true, pdf::kMuted);
  doc.paragraph(pm.title.empty() ? pm.incident_id : pm.title, 19, true);
  doc.move_down(4);
  // The badge: the severity in white on its colour, then the facts beside it.
  const std::string label = doc.drawable(upper(pm.severity.empty() ? "unknown" : pm.severity));
  const double badge_width = doc.measure(label, 10, true) + 16, badge_height = 18;
  doc.ensure_space(badge_height + 6);
  doc.rect(doc.left(), doc.y(), badge_width, badge_height, severity_badge_color(pm.severity), std::nullopt, 5);
  doc.text_at(doc.left() + 8, doc.y() + 12.8, label, 10, true, {255, 255, 255});
  std::vector<std::string> facts;
  if (!pm.status.empty()) facts.push_back("status " + pm.status);
  if (!pm.duration.empty()) facts.push_back("duration " + pm.duration);
  if (pm.cascade_id) facts.push_back(fmt::format("cascade of {} incidents", pm.incidents.size()));
  std::string line;
  for (const std::string& f : facts) line += (line.empty() ? "" : "   \u00B7   ") + f;
  const double x = doc.left() + badge_width + 10;
  const std::vector<std::string> lines = doc.wrap(line, doc.left() + doc.width() - x, 9.5, false);
  for (std::size_t i = 0; i < lines.size(); ++i)
    doc.text_at(x, doc.y() + 12.8 + static_cast<double>(i) * 12, lines[i], 9.5, false, pdf::kInk);
  doc.move_down(std::max(badge_height, static_cast<double>(lines.size()) * 12 + 4) + 6);
}

void summary(Document& doc, const Postmortem& pm) {
  doc.heading("Summary");
  if (!pm.one_line_summary.empty()) doc.paragraph(pm.one_line_summary, 10.5);
  Table t{{{"Incident", 1.3}, {"Type", 1.3}, {"Window", 1.2}, {"Primary metric", 1.6}, {"Severity", 0.8},
           {"Confidence", 0.9}},
          {}, 8};
  for (const PostmortemIncident& inc : pm.incidents) {
    std::string methods;
    for (const std::string& m : inc.detection_methods) methods += (methods.empty() ? "" : ", ") + m;
    t.rows.push_back({inc.incident_id, inc.incident_type,
                      format_day(inc.window_start) + " to " + format_day(inc.window_end) +
                          (inc.detected_at ? "\ndetected " + minute(inc.detected_at, pm.timezone) : ""),
                      fmt::format("{} {:.4g} against a baseline of {:.4g} (z {:.1f})", inc.metric, inc.value,
                                  inc.baseline, inc.zscore),
                      inc.severity, inc.confidence + (methods.empty() ? "" : "\n" + methods)});
  }
  if (!t.rows.empty()) doc.table(t);
}

void metric_charts(Document& doc, const std::vector<MetricChart>& charts) {
  doc.heading("Incident metric");
  if (charts.empty()) {
    doc.paragraph("No metric history was available to chart.", 10, false, pdf::kMuted);
    return;
  }
  ChartLayoutOptions o;
  o.width = doc.width();
  o.panel_height = charts.size() == 1 ? 200 : 150;
  o.font_size = 7.5;
  o.text_width = [&doc](std::string_view s, double size, bool bold) { return doc.measure(doc.drawable(s), size, bold); };
  // At most four 150-point panels a drawing, so that each fits on one page.
  for (std::size_t i = 0; i < charts.size(); i += 4)
    doc.chart(layout_charts({charts.begin() + static_cast<std::ptrdiff_t>(i),
                             charts.begin() + static_cast<std::ptrdiff_t>(std::min(charts.size(), i + 4))},
                            o));
  doc.paragraph("The line is the metric's daily value (gaps are days without a value); the shaded band is the "
                "detection baseline's normal range, the dashed line the incident trigger, the coloured spans "
                "the incident windows.",
                7.5, false, pdf::kMuted);
}

void causal_chains(Document& doc, const Postmortem& pm) {
  doc.heading("Causal chain");
  if (pm.causal_chains.empty()) doc.paragraph("No causal chain was computed.", 10, false, pdf::kMuted);
  for (const CausalChain& chain : pm.causal_chains) {
    doc.ensure_space(150);  // a chain's title and note stay with its first path
    if (pm.causal_chains.size() > 1)
      doc.paragraph(fmt::format("{} ({}): {}", chain.incident_id, chain.incident_type, chain.incident_metric), 10,
                    true);
    doc.paragraph(fmt::format("Scored from {} to {} with {} on dependency graph {}.", format_day(chain.causal_from),
                              format_day(chain.causal_to), chain.algorithm_version, chain.dependency_graph_version),
                  8, false, pdf::kMuted);
    const std::size_t shown = std::min<std::size_t>(chain.paths.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) pdf::draw_causal_path(doc, chain, chain.paths[i]);
    if (chain.paths.size() > shown)
      doc.paragraph(fmt::format("{} more path(s) in the JSON postmortem.", chain.paths.size() - shown), 8, false,
                    pdf::kMuted);
  }
  doc.heading("Root cause");
  doc.paragraph(pm.root_cause_summary.empty() ? "No root cause was found." : pm.root_cause_summary);
}

void blast_radius(Document& doc, const Postmortem& pm) {
  const BlastRadius& b = pm.blast_radius;
  doc.heading("Blast radius");
  if (!b.narrative.empty()) doc.paragraph(b.narrative);
  const auto money = [&](std::int64_t minor) { return format_money_rounded(minor, b.currency, b.minor_digits); };
  Table t{{{"Measure", 1.2}, {"Value", 2}}, {}, 8.5};
  t.rows = {{"Severity", b.blast_radius_severity},
            {"Events affected", std::to_string(b.events_affected)},
            {"Customers affected", std::to_string(b.customers_affected)},
            {"Orders affected", std::to_string(b.orders_affected)},
            {"Products affected", std::to_string(b.products_affected)},
            {"Vendors involved", std::to_string(b.vendors_involved)},
            {"Invoices affected", std::to_string(b.invoices_affected)},
            {"Estimated revenue exposure", money(b.estimated_revenue_exposure_minor)},
            {"Estimated refund exposure", money(b.estimated_refund_exposure_minor)},
            {"Customers at churn risk", std::to_string(b.estimated_churn_exposure)}};
  if (b.overdue_amount_minor != 0) t.rows.push_back({"Overdue invoice balances", money(b.overdue_amount_minor)});
  if (b.expense_amount_minor != 0) t.rows.push_back({"Expenses posted", money(b.expense_amount_minor)});
  if (b.exposure_ratio)
    t.rows.push_back({"Share of trailing 30-day revenue", fmt::format("{:.1f}%", *b.exposure_ratio * 100)});
  if (!b.downstream_incidents_triggered.empty()) {
    std::string ids;
    for (const std::string& id : b.downstream_incidents_triggered) ids += (ids.empty() ? "" : ", ") + id;
    t.rows.push_back({"Downstream incidents", ids});
  }
  doc.table(t);
}

void timeline(Document& doc, const Postmortem& pm) {
  doc.heading("Timeline");
  Table t{{{"Time (" + pm.timezone + ")", 1.25}, {"Kind", 1}, {"What happened", 3}, {"Value", 0.6}, {"Evidence", 1.8}}, {}, 7.5};
  for (const TimelineEntry& e : pm.timeline)
    t.rows.push_back({minute(e.timestamp, pm.timezone), e.kind, e.event_description,
                      e.metric_value ? fmt::format("{:.4g}", *e.metric_value) : "",
                      evidence_cell(e.evidence_event_ids)});
  if (t.rows.empty()) doc.paragraph("No timeline entries.", 10, false, pdf::kMuted);
  else doc.table(t);
}

void evidence(Document& doc, const Postmortem& pm) {
  doc.heading("Evidence");
  Table t{{{"Metric", 1.2}, {"Cluster", 1.3}, {"Events", 0.5}, {"Share", 0.5}, {"Summary", 2.6}}, {}, 7.5};
  // A cascade's chains share metrics over the same days: each metric's clusters once.
  std::set<std::string> shown;
  for (const CausalChain& chain : pm.causal_chains) {
    if (chain.paths.empty()) continue;
    for (const std::string& metric : chain.paths.front().metrics)
      if (const CausalNode* n = chain.node(metric); n != nullptr && shown.insert(metric).second)
        for (const EvidenceCluster& c : n->evidence_clusters)
          t.rows.push_back({metric, c.cluster_label, std::to_string(c.event_count),
                            fmt::format("{:.0f}%", c.share_of_change * 100), c.summary});
  }
  if (t.rows.empty()) doc.paragraph("No evidence clusters on the top causal path.", 10, false, pdf::kMuted);
  else doc.table(t);
}

void factors_monitors_recommendations(Document& doc, const Postmortem& pm) {
  doc.heading("Contributing factors");
  if (pm.contributing_factors.empty()) doc.paragraph("None recorded.", 10, false, pdf::kMuted);
  else doc.list(pm.contributing_factors, false);

  doc.heading("Prevention monitors");
  Table t{{{"Monitor", 1.6}, {"Metric", 1.3}, {"Condition", 1}, {"Window", 0.6}, {"Severity", 0.7}, {"State", 0.6}},
          {}, 8};
  for (const MonitorRule& m : pm.monitors)
    t.rows.push_back({m.name + (m.description.empty() ? "" : "\n" + m.description), m.metric_name, m.condition,
                      fmt::format("{} day{}", m.window_days, m.window_days == 1 ? "" : "s"), m.severity_if_triggered,
                      m.enabled ? "enabled" : "disabled"});
  if (t.rows.empty()) doc.paragraph("No monitors.", 10, false, pdf::kMuted);
  else doc.table(t);

  doc.heading("Recommendations");
  if (pm.recommendations.empty()) doc.paragraph("None.", 10, false, pdf::kMuted);
  else doc.list(pm.recommendations, true);
}

void metadata(Document& doc, const Postmortem& pm) {
  doc.heading("Metadata");
  Table t{{{"Field", 1}, {"Value", 2.6}}, {}, 8};
  t.rows = {{"Postmortem", pm.postmortem_id},
            {"Incident", pm.incident_id},
            {"Generated at", pm.generated_at ? format_iso8601(pm.generated_at) : ""},
            {"Data quality score", fmt::format("{:.2f}", pm.data_quality_score)},
            {"Confidence", pm.confidence_note},
            {"Algorithm version", pm.algorithm_version},
            {"Run", pm.run_id}};
  if (pm.cascade_id) t.rows.insert(t.rows.begin() + 2, {"Cascade", *pm.cascade_id});
  for (const CausalChain& c : pm.causal_chains)
    t.rows.push_back({"Causal chain", fmt::format("{} ({}, graph {})", c.chain_id, c.algorithm_version,
                                                  c.dependency_graph_version)});
  doc.table(t);
}

}  // namespace

std::string render_postmortem_pdf(const Postmortem& pm, const std::vector<MetricChart>& charts,
                                  const PdfOptions& options) {
  Document doc(options.font_dir, pm.generated_at, pm.title.empty() ? pm.postmortem_id : pm.title);
  title_block(doc, pm);
  summary(doc, pm);
  metric_charts(doc, charts);
  causal_chains(doc, pm);
  blast_radius(doc, pm);
  timeline(doc, pm);
  evidence(doc, pm);
  factors_monitors_recommendations(doc, pm);
  metadata(doc, pm);
  return doc.finish("bre postmortem " + pm.postmortem_id);
}

}  // namespace bre
