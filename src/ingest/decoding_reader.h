// Reads canonical JSON Lines and decodes them on worker threads, so that the
// ingest's SQLite writes overlap the parsing. Decoding costs more than the
// writes, so two workers share it: on two cores the load then takes about
// the writes plus half the decoding, instead of the whole decoding.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
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

class LineReader;

// One non-blank input line, decoded and checked as the ingest would inline.
struct DecodedRecord {
  std::uint32_t path_index = 0;
  std::int64_t line = 0;
  std::uint64_t bytes_read = 0;         // of the whole input, up to and including this line
  std::optional<CanonicalEvent> event;  // set when the record has no problem
  std::uint64_t id_hash = 0;            // of event_id, and of everything the encoding holds:
  std::uint64_t content_hash = 0;       // the same id twice must come with the same content
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
  // one-home-currency rule (HomeCurrency::apply: convert at a configured rate
  // or reject) is applied in input order, exactly as the ingest did inline,
  // so an event without a currency gets the home currency the records before
  // it set: while the home currency is still open, blocks are decoded one at
  // a time, in order.
  DecodingReader(std::vector<std::string> paths, HomeCurrency home, TimeMs now, unsigned workers = 2);
  ~DecodingReader();  // stops the workers if the ingest gives up early
  DecodingReader(const DecodingReader&) = delete;
  DecodingReader& operator=(const DecodingReader&) = delete;

  // The next block, in input order; false once the input is exhausted.
  // Rethrows what a worker threw (a missing file, a read error).
  bool next(DecodedBlock& block);

 private:
  struct Lines;  // a block's raw lines, copied out of the reader
  void run();
  bool read_lines(Lines& lines);  // under input_mutex_
  void decode(const Lines& lines, DecodedBlock& block, HomeCurrency& home);
  void publish(std::uint64_t seq, DecodedBlock&& block);

  std::vector<std::string> paths_;
  std::vector<std::string> names_;  // as problems name them: "<stdin>" for "-"
  TimeMs now_;

  // Input side: one reader, handed out a block of lines at a time.
  std::mutex input_mutex_;
  std::unique_ptr<LineReader> reader_;
  std::uint32_t path_index_ = 0;
  std::uint64_t bytes_read_ = 0, next_seq_ = 0;
  HomeCurrency home_;  // guarded by input_mutex_ until its code is set; fixed from then on
  bool input_done_ = false;

  // Output side: decoded blocks put back in input order.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint64_t, DecodedBlock> ready_;
  std::uint64_t next_out_ = 0;
  unsigned worker_count_ = 0;  // set before the first worker starts; workers_ grows while they run
  unsigned running_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> workers_;
};

}  // namespace bre
