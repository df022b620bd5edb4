#include <doctest/doctest.h>

#include <vector>

#include "bre/ingest/csv.h"

using namespace bre;

namespace {

std::vector<CsvRow> read_all(std::string_view data, std::vector<Problem>* problems = nullptr,
                             TextEncoding enc = TextEncoding::utf8) {
  CsvReader reader(data, "t.csv", enc);
  std::vector<CsvRow> rows;
  CsvRow row;
  Problem p;
  while (reader.next(row, &p)) {
    if (!p.reason.empty() && problems) problems->push_back(p);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("csv: quoting, embedded separators, quotes and newlines") {
  auto rows = read_all("a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,\"two\nlines\",\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].fields == std::vector<std::string>{"1", "x, y", "he said \"hi\""});
  CHECK(rows[2].fields == std::vector<std::string>{"2", "two\nlines", ""});
  CHECK(rows[2].line == 3);
}

TEST_CASE("csv: BOM, CRLF, CR-only line endings and a missing final newline") {
  auto rows = read_all("\xEF\xBB\xBFid,name\r\n1,a\r\n2,b");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].fields[0] == "id");
  CHECK(rows[2].fields == std::vector<std::string>{"2", "b"});
  auto mac = read_all("id,name\r1,a\r2,\"b\rc\"\r3,d\r");
  REQUIRE(mac.size() == 4);
  CHECK(mac[2].fields[1] == "b\nc");
  CHECK(mac[3].line == 5);  // the quoted CR counted as a line
}

TEST_CASE("csv: empty fields and blank lines") {
  auto rows = read_all("a,b,c\n,,\n\n\n1,,3\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].fields == std::vector<std::string>{"", "", ""});
  CHECK(rows[2].fields == std::vector<std::string>{"1", "", "3"});
  CHECK(rows[2].line == 5);
}

TEST_CASE("csv: problems are located, not fatal") {
  std::vector<Problem> problems;
  auto rows = read_all("a,b\n1,\"unterminated\n", &problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 2);
  CHECK(problems[0].reason.find("unterminated") != std::string::npos);
  problems.clear();
  read_all("a,b\n1,\"x\"y\n", &problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].reason == "text after a closing quote");
  problems.clear();
  read_all("a,b\n1,caf\xe9\n", &problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].reason == "field is not valid UTF-8");
}

TEST_CASE("csv: latin-1 input is transcoded to UTF-8") {
  auto rows = read_all("name\nS\xe3o Paulo\n", nullptr, TextEncoding::latin1);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].fields[0] == "S\xc3\xa3o Paulo");
}
