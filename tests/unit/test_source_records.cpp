#include <doctest/doctest.h>

#include <filesystem>

#include "bre/core/json_text.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/input.h"
#include "bre/store/event_store.h"
#include "test_support.h"

using namespace bre;

namespace {

// The first rows of a real CSV, as a JSON array and as JSON Lines with the same column names.
struct Converted {
  std::string csv, json_array, json_lines;
};

Converted convert(const std::string& path, int rows) {
  const std::string data = read_whole_input(path);
  CsvReader reader(data, path);
  CsvRow header, row;
  Problem p;
  reader.next(header, &p);
  Converted out;
  out.csv = data.substr(0, data.find('\n') + 1);
  out.json_array = "[";
  for (int i = 0; i < rows && reader.next(row, &p); ++i) {
    JsonObjectWriter w;
    std::string line;
    for (std::size_t c = 0; c < header.fields.size(); ++c) {
      w.string(header.fields[c], row.fields[c]);
      line += (c ? "," : "") + row.fields[c];
    }
    out.csv += line + "\n";
    out.json_array += (i ? "," : "") + w.str();
    out.json_lines += w.str() + "\n";
  }
  out.json_array += "]";
  return out;
}

std::string stored_events(const std::string& workspace) {
  auto ws = Workspace::open(workspace, false);
  Statement s = ws->db().prepare("SELECT event_id, attributes FROM events ORDER BY event_id");
  std::string out;
  while (s.step()) out += s.text(0) + " " + s.text(1) + "\n";
  return out;
}

}  // namespace

TEST_CASE("source records: CSV, a JSON array and JSON Lines of the same records give the same events") {
  const std::string telco = shared_data_dir() + "/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv";
  if (!std::filesystem::exists(telco)) {
    MESSAGE("skipped: no shared data at " << telco);
    return;
  }
  TempDir dir;
  Converted c = convert(telco, 25);
  std::vector<std::string> results;
  for (const auto& [name, content] : {std::pair{"t.csv", c.csv}, {"t.json", c.json_array}, {"t.jsonl", c.json_lines}}) {
    const std::string ws_path = dir.file(std::string(name) + ".sqlite");
    auto ws = Workspace::open(ws_path, true);
    IngestRequest req;
    req.source = "telco_churn";
    req.paths = {dir.write(name, content)};
    req.options.as_of = *parse_date("2018-02-01");
    IngestResult r = ingest_files(*ws, req, Logger{});
    CHECK(r.records == 25);
    CHECK(r.rejected == 0);
    results.push_back(stored_events(ws_path));
  }
  CHECK_FALSE(results[0].empty());
  CHECK(results[0] == results[1]);
  CHECK(results[0] == results[2]);
}

TEST_CASE("source records: a file that is no table of the source is refused whole") {
  TempDir dir;
  auto ws = Workspace::open(dir.file("ws.sqlite"), true);
  IngestRequest req;
  req.source = "olist";
  req.paths = {dir.write("x.csv", "foo,bar\n1,2\n")};
  try {
    ingest_files(*ws, req, Logger{});
    FAIL("expected UNRECOGNISED_FILE");
  } catch (const Error& e) {
    CHECK(e.code() == "UNRECOGNISED_FILE");
    CHECK(exit_code(e.kind()) == 65);
  }
}
