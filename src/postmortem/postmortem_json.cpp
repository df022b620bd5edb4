// The postmortem as JSON: the design's field names, the chain, blast radius
// and monitors embedded in their own stored JSON forms.
#include "bre/core/json_text.h"
#include "bre/postmortem/render_postmortem.h"
#include "bre/store/incident_store.h"

namespace bre {

namespace {

// The incident with the stored Incident's field names.
std::string incident_json(const PostmortemIncident& i) {
  return JsonObjectWriter()
      .string("incident_id", i.incident_id)
      .string("incident_type", i.incident_type)
      .string("severity", i.severity)
      .string("confidence", i.confidence)
      .string("state", i.state)
      .string("status", i.status)
      .string("incident_window_start", format_day(i.window_start))
      .string("incident_window_end", format_day(i.window_end))
      .string("detected_at", format_iso8601(i.detected_at))
      .string("primary_metric", i.metric)
      .number("primary_metric_value", i.value)
      .number("primary_metric_baseline", i.baseline)
      .number("primary_metric_zscore", i.zscore)
      .raw("detection_methods", json_string_array(i.detection_methods))
      .raw("supporting_metrics", json_array_of(i.supporting, metric_reading_json))
      .raw("evidence_event_ids", json_string_array(i.evidence_event_ids))
      .integer("evidence_event_count", i.evidence_event_count)
      .raw("explanation", json_string_array(i.notes))
      .str();
}

std::string timeline_entry_json(const TimelineEntry& e) {
  JsonObjectWriter w;
  w.string("timestamp", format_iso8601(e.timestamp)).string("kind", e.kind).string("event_description", e.event_description);
  if (e.metric_name) w.string("metric_name", *e.metric_name);
  else w.null("metric_name");
  if (e.metric_value) w.number("metric_value", *e.metric_value);
  else w.null("metric_value");
  return w.raw("evidence_event_ids", json_string_array(e.evidence_event_ids)).str();
}

}  // namespace

std::string postmortem_json(const Postmortem& pm) {
  const int digits = pm.blast_radius.minor_digits;
  auto chain_json = [&](const CausalChain& c) { return causal_chain_json(c, digits); };
  JsonObjectWriter w;
  w.string("postmortem_id", pm.postmortem_id).string("incident_id", pm.incident_id);
  if (pm.cascade_id) w.string("cascade_id", *pm.cascade_id);
  else w.null("cascade_id");
  w.string("generated_at", format_iso8601(pm.generated_at))
      .raw("incidents", json_array_of(pm.incidents, incident_json))
      .string("title", pm.title)
      .string("severity", pm.severity)
      .string("duration", pm.duration)
      .string("status", pm.status)
      .string("one_line_summary", pm.one_line_summary)
      .raw("timeline", json_array_of(pm.timeline, timeline_entry_json));
  if (pm.causal_chains.empty()) w.null("causal_chain");
  else w.raw("causal_chain", chain_json(pm.causal_chains.front()));
  std::string versions = "{";
  for (const auto& [name, version] : pm.algorithm_versions)
    versions += (versions.size() > 1 ? "," : "") + json_string(name) + ":" + json_string(version);
  return w.raw("causal_chains", json_array_of(pm.causal_chains, chain_json))
      .string("root_cause_summary", pm.root_cause_summary)
      .raw("blast_radius", blast_radius_json(pm.blast_radius))
      .raw("contributing_factors", json_string_array(pm.contributing_factors))
      .raw("monitors", json_array_of(pm.monitors, monitor_rule_json))
      .raw("recommendations", json_string_array(pm.recommendations))
      .number("data_quality_score", pm.data_quality_score)
      .string("confidence_note", pm.confidence_note)
      .string("algorithm_version", pm.algorithm_version)
      .raw("algorithm_versions", versions + "}")
      .string("run_id", pm.run_id)
      .string("timezone", pm.timezone)
      .string("schema_version", kPostmortemVersion)
      .str();
}

}  // namespace bre
