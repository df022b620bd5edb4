// Pieces of the postmortem PDF that have files of their own.
#pragma once
#include "bre/rca/bre_rca.h"
#include "pdf_document.h"

namespace bre::pdf {

// One ranked path of a chain as boxes and arrows, root cause first.
void draw_causal_path(Document& doc, const CausalChain& chain, const CausalPath& path);

}  // namespace bre::pdf
