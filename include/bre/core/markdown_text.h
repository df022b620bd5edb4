// Text that comes from data (entity names, and the sentences bre builds
// around them) put into Markdown: it must come out literally, never as
// emphasis, links, headings, lists, table cells or raw HTML. bre's own
// Markdown (headings, **labels**, `metric` spans) is written around it, not
// through it.
#pragma once
#include <string>
#include <string_view>

namespace bre {

// One line of literal text for Markdown, for a table cell, a heading, a list
// item or a paragraph: every character that could start inline syntax
// (* ` [ ] < ~ \ | and an & that could open an entity reference) is
// backslash-escaped; `_` too unless it sits between two ASCII letters or
// digits (where CommonMark never reads it as emphasis, so metric_names stay
// as they are); a leading # > - + or "1." / "1)" that would open a block is
// escaped; leading spaces are dropped and line breaks become spaces. The
// result renders as the same text.
std::string markdown_text(std::string_view text);

// Prose of several lines or paragraphs (bre's summaries): each line through
// markdown_text, the line breaks kept, so "\n\n" still parts paragraphs.
std::string markdown_lines(std::string_view text);

// `text` as a code span, whatever backticks it holds: the fence is one
// backtick longer than its longest run, padded with a space where the text
// starts or ends with a backtick (CommonMark 6.1).
std::string markdown_code(std::string_view text);

}  // namespace bre
