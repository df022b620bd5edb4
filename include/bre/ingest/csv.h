// RFC 4180 CSV with the real world's quirks: a UTF-8 BOM, CRLF, CR-only (old
// Mac) and LF line endings, quoted fields with embedded separators, quotes and
// newlines, empty fields. Line numbers are physical lines, 1-based.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/error.h"

namespace bre {

enum class TextEncoding { utf8, latin1 };

struct CsvRow {
  std::int64_t line = 0;  // physical line the row starts on
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // data must outlive the reader. latin1 input is transcoded to UTF-8.
  CsvReader(std::string_view data, std::string file_name, TextEncoding encoding = TextEncoding::utf8);
  // Next row; false at end of input. A malformed row is returned with its
  // problem in *problem (and the reader moves past it).
  bool next(CsvRow& row, Problem* problem);

 private:
  std::string_view data_;
  std::string file_;
  TextEncoding encoding_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
};

std::string latin1_to_utf8(std::string_view s);

}  // namespace bre
