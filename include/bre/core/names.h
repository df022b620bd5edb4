// Display names for snake_case identifiers (metrics, incident types), for
// titles people read: "supplier_delay_rate" → "Supplier Delay Rate".
#pragma once
#include <string>
#include <string_view>

namespace bre {

std::string title_case(std::string_view snake_name);

}  // namespace bre
