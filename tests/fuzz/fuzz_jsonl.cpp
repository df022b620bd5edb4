// The canonical JSON Lines hot path of `bre ingest --source events`: the input
// bytes become a file (an in-memory memfd, read through /proc/self/fd like any
// path), LineReader splits it and one EventDecoder decodes every non-blank
// line, as ingest_canonical does.
//  - LineReader yields exactly the LF-separated lines of the input, a final CR
//    stripped, no empty phantom line at the end, numbered 1, 2, 3...
//  - every event the decoder accepts is strict JSON, validates, and survives
//    encode -> decode -> encode byte for byte (see fuzz_support.h).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bre/core/event_codec.h"
#include "bre/ingest/input.h"
#include "fuzz_support.h"

namespace {

constexpr const char* kTarget = "fuzz_jsonl";

std::vector<std::string_view> expected_lines(std::string_view data) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t nl = data.find('\n', pos);
    std::string_view line = data.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

int memory_file() {
  static int fd = [] {
    int f = memfd_create("bre_fuzz_jsonl", 0);
    if (f < 0) bre_fuzz::fail(kTarget, "memfd_create failed");
    return f;
  }();
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  const int fd = memory_file();
  if (ftruncate(fd, 0) != 0) bre_fuzz::fail(kTarget, "ftruncate failed");
  for (std::size_t done = 0; done < size;) {
    ssize_t n = pwrite(fd, bytes + done, size - done, static_cast<off_t>(done));
    if (n <= 0) bre_fuzz::fail(kTarget, "pwrite failed");
    done += static_cast<std::size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);

  static bre::EventDecoder decoder;  // reused across inputs, as on the hot path
  const bre::DecodeDefaults defaults{"USD", 1709251200000};  // 2024-03-01T00:00:00Z
  const std::vector<std::string_view> expected = expected_lines(data);
  bre::LineReader reader(path);
  std::string_view line;
  std::size_t k = 0;
  while (reader.next(line)) {
    if (k >= expected.size() || line != expected[k]) bre_fuzz::fail(kTarget, "LineReader line differs from the input", line);
    ++k;
    if (reader.line_number() != static_cast<std::int64_t>(k)) bre_fuzz::fail(kTarget, "line_number is off", line);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string copy(line);  // decode may reuse buffers; keep the input stable for the oracle
    bre::DecodeResult r = decoder.decode(copy, defaults);
    if (r.event.has_value() == !r.problems.empty()) bre_fuzz::fail(kTarget, "an event with problems, or neither", copy);
    if (r.event) bre_fuzz::check_accepted_event(kTarget, decoder, copy, *r.event, defaults);
  }
  if (k != expected.size()) bre_fuzz::fail(kTarget, "LineReader dropped lines");
  return 0;
}
