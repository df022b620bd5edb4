// CsvReader over arbitrary bytes, in both encodings. Beyond "no crash, no
// sanitizer report", every input must keep the reader's invariants:
//  - each next() that returns true consumes input (the loop terminates);
//  - row.line is strictly increasing and never past the last physical line;
//  - a row has at least one field and no field holds a CR (CRLF and CR-only
//    line breaks inside quotes are normalised to LF);
//  - latin1 output is always valid UTF-8; utf8 output is valid UTF-8 unless
//    the row carries a problem;
//  - a problem names the file and the row's line;
//  - clean rows survive a round trip: written back as RFC 4180 (every field
//    quoted) and read again, they give the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/json_text.h"
#include "bre/ingest/csv.h"

namespace {

[[noreturn]] void fail(const char* what, std::int64_t line) {
  std::fprintf(stderr, "fuzz_csv invariant violated: %s (line %lld)\n", what, static_cast<long long>(line));
  std::abort();
}

std::int64_t physical_lines(std::string_view d) {
  std::int64_t n = 1;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '\n') ++n;
    else if (d[i] == '\r' && (i + 1 >= d.size() || d[i + 1] != '\n')) ++n;
  }
  return n;
}

void quote_into(std::string& out, const std::string& field) {
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void run(std::string_view data, bre::TextEncoding encoding) {
  bre::CsvReader reader(data, "fuzz.csv", encoding);
  const std::int64_t max_line = physical_lines(data);
  std::vector<std::vector<std::string>> clean;
  std::string rewritten;
  bre::CsvRow row;
  bre::Problem problem;
  std::int64_t last_line = 0;
  std::size_t rows = 0;
  while (reader.next(row, &problem)) {
    if (++rows > data.size() + 1) fail("more rows than input bytes (no progress)", row.line);
    if (row.line <= last_line) fail("row.line not strictly increasing", row.line);
    if (row.line > max_line) fail("row.line past the last physical line", row.line);
    last_line = row.line;
    if (row.fields.empty()) fail("row without fields", row.line);
    for (const std::string& f : row.fields) {
      if (f.find('\r') != std::string::npos) fail("CR left in a field", row.line);
      if ((encoding == bre::TextEncoding::latin1 || problem.reason.empty()) && !bre::valid_utf8(f))
        fail("invalid UTF-8 in a field", row.line);
    }
    if (!problem.reason.empty()) {
      if (problem.file != "fuzz.csv" || problem.line != row.line) fail("problem not located at its row", row.line);
      continue;
    }
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      if (i) rewritten.push_back(',');
      quote_into(rewritten, row.fields[i]);
    }
    rewritten.push_back('\n');
    clean.push_back(row.fields);
  }
  // The rewrite is UTF-8 whatever the input encoding was.
  bre::CsvReader again(rewritten, "rewritten.csv", bre::TextEncoding::utf8);
  std::size_t k = 0;
  while (again.next(row, &problem)) {
    if (!problem.reason.empty()) fail("rewritten clean row has a problem", row.line);
    if (k >= clean.size() || row.fields != clean[k]) fail("clean row does not survive a rewrite", row.line);
    ++k;
  }
  if (k != clean.size()) fail("rewrite lost rows", static_cast<std::int64_t>(k));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  // libFuzzer's buffer is exactly size bytes, so ASan sees any read past the end.
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  run(data, bre::TextEncoding::utf8);
  run(data, bre::TextEncoding::latin1);
  const std::string utf8 = bre::latin1_to_utf8(data);
  if (!bre::valid_utf8(utf8)) fail("latin1_to_utf8 produced invalid UTF-8", 0);
  return 0;
}
