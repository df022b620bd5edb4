#include "bre/ingest/csv.h"

#include "bre/core/json_text.h"

namespace bre {

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

CsvReader::CsvReader(std::string_view data, std::string file_name, TextEncoding encoding)
    : data_(data), file_(std::move(file_name)), encoding_(encoding) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::next(CsvRow& row, Problem* problem) {
  row.fields.clear();
  if (problem) *problem = Problem{};
  // Skip blank lines between records.
  while (pos_ < data_.size() && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= data_.size()) return false;
  row.line = line_;
  std::string field;
  bool quoted = false, in_quotes = false, field_started = false;
  std::string error;
  bool row_done = false;
  auto end_field = [&] {
    if (encoding_ == TextEncoding::latin1) field = latin1_to_utf8(field);
    else if (error.empty() && !valid_utf8(field)) error = "field is not valid UTF-8";
    row.fields.push_back(std::move(field));
    field.clear();
    quoted = false;
    field_started = false;
  };
  while (pos_ < data_.size()) {
    char c = data_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        in_quotes = false;
        ++pos_;
        continue;
      }
      if (c == '\r' || c == '\n') {
        // A newline inside quotes is data; normalise CRLF and CR to LF.
        if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') ++pos_;
        field.push_back('\n');
        ++line_;
        ++pos_;
        continue;
      }
      field.push_back(c);
      ++pos_;
      continue;
    }
    if (c == ',') {
      end_field();
      ++pos_;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      end_field();
      row_done = true;
      break;
    }
    if (c == '"' && !field_started) {
      quoted = in_quotes = field_started = true;
      ++pos_;
      continue;
    }
    if (quoted && error.empty()) error = "text after a closing quote";
    field_started = true;
    field.push_back(c);
    ++pos_;
  }
  if (!row_done) {  // end of input without a final line break
    if (in_quotes && error.empty()) error = "unterminated quoted field at end of file (truncated?)";
    end_field();
  }
  if (!error.empty() && problem) *problem = Problem{file_, row.line, "", error};
  return true;
}

}  // namespace bre
