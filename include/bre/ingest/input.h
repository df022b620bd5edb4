// Reading inputs: whole files for the adapters, line by line for the
// canonical JSON Lines hot path. "-" is standard input.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace bre {

// Throws INPUT_NOT_FOUND (exit 66) or IO_ERROR (exit 74).
std::string read_whole_input(const std::string& path);

class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  // The next line without its terminator (LF, CRLF); false at end of input.
  bool next(std::string_view& line);
  std::int64_t line_number() const { return line_no_; }
  std::uint64_t size_hint() const { return size_hint_; }

 private:
  bool refill();
  std::FILE* file_ = nullptr;
  bool owns_ = false;
  std::string buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::int64_t line_no_ = 0;
  std::uint64_t size_hint_ = 0;
  std::string path_;
};

}  // namespace bre
