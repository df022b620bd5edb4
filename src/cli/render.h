// Plain-text and Markdown renderings of command output for people; scripts
// use --format json.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bre::cli {

// Objects as "key: value" lines, arrays of objects as aligned tables.
std::string render_generic(const nlohmann::ordered_json& data, bool markdown);

// A table with the given columns taken from each row object.
std::string render_table(const nlohmann::ordered_json& rows, const std::vector<std::string>& columns, bool markdown);

std::string scalar_text(const nlohmann::ordered_json& v);

}  // namespace bre::cli
