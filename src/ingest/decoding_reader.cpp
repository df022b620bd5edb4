#include "decoding_reader.h"

#include "bre/core/event_codec.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/input.h"

namespace bre {

namespace {
// Small enough to keep both threads busy from the start, large enough that
// the hand-over costs nothing per record; a few blocks in flight bound memory.
constexpr std::size_t kBlockRecords = 2048, kBlocksInFlight = 4;
}  // namespace

DecodingReader::DecodingReader(std::vector<std::string> paths, HomeCurrency home, TimeMs now)
    : paths_(std::move(paths)), home_(std::move(home)), now_(now), worker_([this] { run(); }) {}

DecodingReader::~DecodingReader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void DecodingReader::publish(DecodedBlock&& block) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return stopping_ || ready_.size() < kBlocksInFlight; });
  if (stopping_) return;
  ready_.push_back(std::move(block));
  lock.unlock();
  changed_.notify_all();
}

void DecodingReader::run() {
  try {
    EventDecoder decoder;
    HomeCurrency home = home_;
    DecodeDefaults defaults{home.code(), now_};
    std::uint64_t bytes_read = 0;
    DecodedBlock block;
    block.records.reserve(kBlockRecords);
    for (std::uint32_t pi = 0; pi < paths_.size(); ++pi) {
      const std::string file = paths_[pi] == "-" ? "<stdin>" : paths_[pi];
      LineReader reader(paths_[pi]);
      std::string_view line;
      while (reader.next(line)) {
        bytes_read += line.size() + 1;
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        DecodedRecord& r = block.records.emplace_back();
        r.path_index = pi;
        r.line = reader.line_number();
        r.bytes_read = bytes_read;
        DecodeResult d = decoder.decode(line, defaults);
        if (d.event && !d.event->currency.empty() && d.event->currency != home.code()) {
          Problem currency_problem{file, r.line, "", ""};
          if (home.apply(*d.event, currency_problem)) {
            defaults.currency = home.code();  // the first money event may set the home currency
          } else {
            d.problems.push_back(std::move(currency_problem));
            d.event.reset();
          }
        }
        if (d.event) {
          flag_timeliness(*d.event);
          r.event = std::move(d.event);
        } else {
          r.problems = std::move(d.problems);
          for (Problem& p : r.problems) {
            p.file = file;
            p.line = r.line;
          }
          r.raw.assign(line);
        }
        if (block.records.size() >= kBlockRecords) {
          publish(std::move(block));
          block = {};
          block.records.reserve(kBlockRecords);
          std::lock_guard lock(mutex_);
          if (stopping_) return;
        }
      }
      block.files.emplace_back(file, reader.line_number());
    }
    publish(std::move(block));
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

bool DecodingReader::next(DecodedBlock& block) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
  if (!ready_.empty()) {
    block = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return true;
  }
  if (error_) std::rethrow_exception(error_);
  return false;
}

}  // namespace bre
