#include "bre/ingest/input.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "bre/core/error.h"

namespace bre {

namespace {

std::FILE* open_input(const std::string& path) {
  if (path == "-") return stdin;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(ErrorKind::no_input, "INPUT_NOT_FOUND", "input file does not exist", path);
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorKind::no_input, "INPUT_IS_DIRECTORY", "input is a directory, not a file", path);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw_io(fmt::format("cannot open input: {}", std::strerror(errno)), path);
  return f;
}

}  // namespace

std::string read_whole_input(const std::string& path) {
  std::FILE* f = open_input(path);
  std::string data;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool failed = std::ferror(f);
  if (f != stdin) std::fclose(f);
  if (failed) throw_io("read error", path);
  return data;
}

LineReader::LineReader(const std::string& path) : path_(path) {
  file_ = open_input(path);
  owns_ = file_ != stdin;
  std::size_t capacity = 1 << 20;
  if (owns_) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);  // fails for pipes and devices
    if (!ec) {
      size_hint_ = size;
      // A small file needs no 1 MiB buffer (zero-filled up front): its size,
      // rounded up to 4 KiB, is read in one go; longer lines still grow it.
      if (size < capacity) capacity = static_cast<std::size_t>((size + 4096) & ~std::uintmax_t{4095});
    }
  }
  buffer_.resize(capacity);
}

LineReader::~LineReader() {
  if (owns_) std::fclose(file_);
}

bool LineReader::refill() {
  if (eof_) return false;
  // Keep the partial line, then read more behind it.
  std::size_t keep = end_ - begin_;
  if (begin_ > 0) std::memmove(buffer_.data(), buffer_.data() + begin_, keep);
  begin_ = 0;
  end_ = keep;
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
  std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  if (n == 0) {
    if (std::ferror(file_)) throw_io("read error", path_);
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl) {
      std::size_t len = static_cast<const char*>(nl) - start;
      line = std::string_view(start, len);
      begin_ += len + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      return true;
    }
    if (!refill()) {
      if (begin_ == end_) return false;
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);
      begin_ = end_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      return true;
    }
  }
}

}  // namespace bre
