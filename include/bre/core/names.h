// Display names for snake_case identifiers (metrics, incident types), for
// titles people read: "supplier_delay_rate" → "Supplier Delay Rate"; and
// the one case-folding of protocol names.
#pragma once
#include <string>
#include <string_view>

namespace bre {

std::string title_case(std::string_view snake_name);
// ASCII only: the names compared this way (HTTP headers, QuickBooks entity
// and webhook keys) are ASCII, and the C locale must not change them.
std::string ascii_lower(std::string_view s);

}  // namespace bre
