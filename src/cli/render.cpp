#include "render.h"

#include <algorithm>
#include <fmt/format.h>

#include "bre/core/markdown_text.h"

namespace bre::cli {

std::string scalar_text(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.4g}", v.get<double>());
  return v.dump();
}

namespace {

// Display width in code points, so accented names line up.
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A value in Markdown: strings come from data (names, notes) and are escaped;
// numbers, null's "-" and bre's own words need nothing.
std::string md_value(const nlohmann::ordered_json& v) {
  return v.is_string() ? markdown_text(v.get<std::string>()) : scalar_text(v);
}

}  // namespace

std::string render_table(const nlohmann::ordered_json& rows, const std::vector<std::string>& columns, bool markdown) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (const auto& c : columns) {
      if (!row.contains(c)) line.push_back("-");
      else line.push_back(markdown ? md_value(row[c]) : scalar_text(row[c]));
    }
    cells.push_back(std::move(line));
  }
  std::string out;
  if (markdown) {
    out += "| " + fmt::format("{}", fmt::join(columns, " | ")) + " |\n|";
    for (std::size_t i = 0; i < columns.size(); ++i) out += "---|";
    out += "\n";
    for (const auto& line : cells) out += "| " + fmt::format("{}", fmt::join(line, " | ")) + " |\n";
    return out;
  }
  std::vector<std::size_t> w(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) w[i] = width(columns[i]);
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i) w[i] = std::max(w[i], width(line[i]));
  auto emit_line = [&](const std::vector<std::string>& line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(w[i] - width(line[i]) + 2, ' ');
    }
    out += "\n";
  };
  emit_line(columns);
  for (const auto& line : cells) emit_line(line);
  return out;
}

std::string render_generic(const nlohmann::ordered_json& data, bool markdown) {
  if (data.is_array()) {
    if (data.empty()) return markdown ? "_(none)_\n" : "(none)\n";
    std::vector<std::string> columns;
    if (data.front().is_object())
      for (auto& [k, v] : data.front().items())
        if (!v.is_structured()) columns.push_back(k);
    if (columns.empty()) {
      std::string out;
      for (const auto& v : data) out += markdown ? "- " + md_value(v) + "\n" : scalar_text(v) + "\n";
      return out;
    }
    return render_table(data, columns, markdown);
  }
  if (!data.is_object()) return scalar_text(data) + "\n";
  std::string out;
  std::size_t key_width = 0;
  for (auto& [k, v] : data.items()) key_width = std::max(key_width, k.size());
  for (auto& [k, v] : data.items()) {
    if (v.is_structured()) continue;
    if (markdown) out += fmt::format("- **{}**: {}\n", k, md_value(v));
    else out += fmt::format("{:<{}}  {}\n", k, key_width, scalar_text(v));
  }
  for (auto& [k, v] : data.items()) {
    if (!v.is_structured() || v.empty()) continue;
    out += markdown ? fmt::format("\n### {}\n\n", k) : fmt::format("\n{}:\n", k);
    out += render_generic(v, markdown);
  }
  return out;
}

}  // namespace bre::cli
