#include "bre/ingest/source_records.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "bre/ingest/csv.h"
#include "bre/ingest/input.h"

namespace bre {

void read_source_records(const std::string& path, const Adapter& adapter, std::vector<SourceRecord>& records,
                  std::vector<Problem>& read_problems) {
  const std::string file = path == "-" ? "<stdin>" : path;
  const std::string data = read_whole_input(path);
  const std::size_t first = data.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && (data[first] == '[' || data[first] == '{')) {
    std::vector<std::pair<std::int64_t, nlohmann::ordered_json>> objects;
    if (data[first] == '[') {
      auto parsed = nlohmann::ordered_json::parse(data, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_array())
        throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "malformed JSON array", file);
      std::int64_t n = 0;
      for (auto& o : parsed) objects.emplace_back(++n, std::move(o));
    } else {
      std::int64_t line_no = 0;
      std::size_t pos = 0;
      while (pos < data.size()) {
        std::size_t nl = data.find('\n', pos);
        std::string_view line(data.data() + pos, (nl == std::string::npos ? data.size() : nl) - pos);
        pos = nl == std::string::npos ? data.size() : nl + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto parsed = nlohmann::ordered_json::parse(line, nullptr, false);
        if (parsed.is_discarded()) {
          read_problems.push_back({file, line_no, "", "malformed JSON"});
          continue;
        }
        objects.emplace_back(line_no, std::move(parsed));
      }
    }
    for (auto& [line_no, obj] : objects) {
      if (!obj.is_object()) {
        read_problems.push_back({file, line_no, "", "record is not a JSON object"});
        continue;
      }
      auto columns = std::make_shared<std::vector<std::string>>();
      SourceRecord r{file, line_no, "", nullptr, {}};
      for (auto& [k, v] : obj.items()) {
        columns->push_back(k);
        r.values.push_back(v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump());
      }
      r.kind = adapter.classify(*columns);
      if (r.kind.empty()) {
        read_problems.push_back({file, line_no, "", fmt::format("not a recognised {} record", adapter.source())});
        continue;
      }
      r.columns = std::move(columns);
      records.push_back(std::move(r));
    }
    return;
  }
  // CSV: the header decides which table of the source this is and its encoding.
  CsvReader probe(data, file);
  CsvRow header;
  Problem problem;
  if (!probe.next(header, &problem))
    throw Error(ErrorKind::data_invalid, "INPUT_INVALID", "empty file: no header row", file);
  const TextEncoding encoding = adapter.encoding(header.fields);
  CsvReader reader(data, file, encoding);
  reader.next(header, &problem);
  auto columns = std::make_shared<const std::vector<std::string>>(header.fields);
  const std::string kind = adapter.classify(header.fields);
  if (kind.empty())
    throw Error(ErrorKind::data_invalid, "UNRECOGNISED_FILE",
                fmt::format("header is not a known {} table (first columns: {})", adapter.source(),
                            fmt::join(header.fields.begin(),
                                      header.fields.begin() + std::min<std::size_t>(4, header.fields.size()), ", ")),
                file);
  CsvRow row;
  while (reader.next(row, &problem)) {
    if (!problem.reason.empty()) {
      read_problems.push_back(problem);
      continue;
    }
    if (row.fields.size() != columns->size()) {
      read_problems.push_back({file, row.line, "",
                               fmt::format("has {} fields, the header has {} (truncated or unquoted separator?)",
                                           row.fields.size(), columns->size())});
      continue;
    }
    records.push_back({file, row.line, kind, columns, std::move(row.fields)});
  }
}

}  // namespace bre
