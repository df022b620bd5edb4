// The postmortem's renderings from the one model (the PDF is
// render_postmortem_pdf, beside it): JSON with the design's field names,
// Markdown for terminals and GitHub, HTML (cmark) for the UI. Pure and
// deterministic: the same Postmortem gives the same text.
#pragma once
#include <string>

#include "bre/postmortem/postmortem.h"

namespace bre {

// The design's Postmortem as one JSON object; causal_chain is the first
// chain (causal_chain_json), causal_chains all of them (a cascade's in path
// order), blast_radius is blast_radius_json, monitors monitor_rule_json.
std::string postmortem_json(const Postmortem& pm);

// Headings for the eight sections, tables for the timeline, evidence and
// monitors, and the causal chain as `root → … → metric` with its scores.
std::string postmortem_markdown(const Postmortem& pm);

// The Markdown as an HTML fragment. cmark (CommonMark, CMARK_OPT_SAFE: raw
// HTML and unsafe links dropped) renders the prose; CommonMark has no
// tables, so the pipe tables are turned into <table> here, their cells
// through cmark too.
std::string postmortem_html(const Postmortem& pm);
std::string markdown_to_html(const std::string& markdown);

}  // namespace bre
