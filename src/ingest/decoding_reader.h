// Reads canonical JSON Lines and decodes them on a worker thread, so that the
// ingest's SQLite writes overlap the parsing: the two cost about the same, and
// on two cores a batch then takes about the longer of them, not their sum.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bre/core/error.h"
#include "bre/core/event.h"
#include "bre/core/time.h"
#include "bre/ingest/currency_conversion.h"

namespace bre {

// One non-blank input line, decoded and checked as the ingest would inline.
struct DecodedRecord {
  std::uint32_t path_index = 0;
  std::int64_t line = 0;
  std::uint64_t bytes_read = 0;         // of the whole input, up to and including this line
  std::optional<CanonicalEvent> event;  // set when the record has no problem
  std::vector<Problem> problems;        // each with file and line
  std::string raw;                      // the line, kept only when it has problems
};

struct DecodedBlock {
  std::vector<DecodedRecord> records;                       // in input order
  std::vector<std::pair<std::string, std::int64_t>> files;  // files finished in this block, with their line counts
};

class DecodingReader {
 public:
  // `home` holds the workspace currency ("" while unset) and its rates. The
  // worker applies the one-home-currency rule (HomeCurrency::apply: convert at
  // a configured rate or reject) in input order, exactly as the ingest did,
  // so an event without a currency gets the home currency the records before
  // it set.
  DecodingReader(std::vector<std::string> paths, HomeCurrency home, TimeMs now);
  ~DecodingReader();  // stops the worker if the ingest gives up early
  DecodingReader(const DecodingReader&) = delete;
  DecodingReader& operator=(const DecodingReader&) = delete;

  // The next block; false once the input is exhausted. Rethrows what the
  // worker threw (a missing file, a read error).
  bool next(DecodedBlock& block);

 private:
  void run();
  void publish(DecodedBlock&& block);

  std::vector<std::string> paths_;
  HomeCurrency home_;
  TimeMs now_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<DecodedBlock> ready_;
  bool finished_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread worker_;
};

}  // namespace bre
