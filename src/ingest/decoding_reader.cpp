#include "decoding_reader.h"

#include "bre/core/event_codec.h"
#include "bre/ingest/ingest.h"
#include "bre/ingest/input.h"

namespace bre {

namespace {
// Small enough to keep every thread busy from the start, large enough that
// the hand-over costs nothing per record; a few blocks in flight per worker
// bound memory.
constexpr std::size_t kBlockRecords = 2048, kBlocksInFlightPerWorker = 3;

// Hash of everything encode_event() writes, field by field (so two events hash
// alike exactly when their canonical encodings are equal, up to collisions),
// without building the encoding.
std::uint64_t event_content_hash(const CanonicalEvent& e) {
  const std::hash<std::string_view> h;
  std::uint64_t acc = 0x9e3779b97f4a7c15ull;
  auto mix = [&acc](std::uint64_t v) {
    acc ^= v + 0x9e3779b97f4a7c15ull + (acc << 6) + (acc >> 2);
    acc *= 0xff51afd7ed558ccdull;
  };
  mix(h(e.event_id));
  mix(static_cast<std::uint64_t>(e.event_type));
  mix(static_cast<std::uint64_t>(e.event_time));
  mix(static_cast<std::uint64_t>(e.ingested_at));
  mix(h(e.source));
  mix(h(e.source_entity_id));
  mix(static_cast<std::uint64_t>(e.entity_type));
  mix(h(e.entity_id));
  mix(h(e.related_entity_ids));
  mix(e.amount_minor ? 1 : 0);
  mix(static_cast<std::uint64_t>(e.amount_minor.value_or(0)));
  mix(h(e.currency));
  mix(h(e.attributes));
  mix(e.data_quality_flags.size());
  for (const std::string& f : e.data_quality_flags) mix(h(f));
  mix(static_cast<std::uint64_t>(e.mapping_version));
  return acc;
}
}  // namespace

struct DecodingReader::Lines {
  std::uint64_t seq = 0;
  std::string text;  // the lines, back to back
  struct Line {
    std::uint32_t path_index;
    std::int64_t line;
    std::uint64_t bytes_read;
    std::size_t begin, size;
  };
  std::vector<Line> lines;
  std::vector<std::pair<std::string, std::int64_t>> files;
};

DecodingReader::DecodingReader(std::vector<std::string> paths, HomeCurrency home, TimeMs now, unsigned workers)
    : paths_(std::move(paths)), now_(now), home_(std::move(home)) {
  for (const std::string& p : paths_) names_.push_back(p == "-" ? "<stdin>" : p);
  worker_count_ = running_ = std::max(1u, workers);
  try {
    for (unsigned i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { run(); });
  } catch (...) {
    // No destructor runs for a half-built reader: stop the started workers here.
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : workers_) t.join();
    throw;
  }
}

DecodingReader::~DecodingReader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : workers_) t.join();
}

bool DecodingReader::read_lines(Lines& out) {
  out.text.clear();
  out.lines.clear();
  out.files.clear();
  while (!input_done_ && out.lines.size() < kBlockRecords) {
    if (!reader_) {
      if (path_index_ >= paths_.size()) {
        input_done_ = true;
        break;
      }
      reader_ = std::make_unique<LineReader>(paths_[path_index_]);
    }
    std::string_view line;
    if (!reader_->next(line)) {
      out.files.emplace_back(names_[path_index_], reader_->line_number());
      reader_.reset();
      ++path_index_;
      continue;
    }
    bytes_read_ += line.size() + 1;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    out.lines.push_back({path_index_, reader_->line_number(), bytes_read_, out.text.size(), line.size()});
    out.text.append(line);
  }
  if (out.lines.empty() && out.files.empty()) return false;
  out.seq = next_seq_++;
  return true;
}

void DecodingReader::decode(const Lines& in, DecodedBlock& block, HomeCurrency& home) {
  thread_local EventDecoder decoder;
  DecodeDefaults defaults{home.code(), now_};
  block.records.reserve(in.lines.size());
  for (const Lines::Line& l : in.lines) {
    const std::string_view line(in.text.data() + l.begin, l.size);
    DecodedRecord& r = block.records.emplace_back();
    r.path_index = l.path_index;
    r.line = l.line;
    r.bytes_read = l.bytes_read;
    DecodeResult d = decoder.decode(line, defaults);
    const std::string& file = names_[l.path_index];
    if (d.event && !d.event->currency.empty() && d.event->currency != home.code()) {
      Problem currency_problem{file, r.line, "", ""};
      if (home.apply(*d.event, currency_problem)) {
        defaults.currency = home.code();  // the first money event sets the home currency
      } else {
        d.problems.push_back(std::move(currency_problem));
        d.event.reset();
      }
    }
    if (d.event) {
      flag_timeliness(*d.event);
      r.id_hash = std::hash<std::string_view>()(d.event->event_id);
      r.content_hash = event_content_hash(*d.event);
      r.event = std::move(d.event);
    } else {
      r.problems = std::move(d.problems);
      for (Problem& p : r.problems) {
        p.file = file;
        p.line = r.line;
      }
      r.raw.assign(line);
    }
  }
  block.files = in.files;
}

void DecodingReader::publish(std::uint64_t seq, DecodedBlock&& block) {
  std::unique_lock lock(mutex_);
  // Bounded: a worker far ahead of the consumer waits (the block the
  // consumer needs next is always let through, so this cannot deadlock).
  changed_.wait(lock, [&] { return stopping_ || seq < next_out_ + kBlocksInFlightPerWorker * worker_count_; });
  if (stopping_) return;
  ready_.emplace(seq, std::move(block));
  lock.unlock();
  changed_.notify_all();
}

void DecodingReader::run() {
  try {
    Lines lines;
    std::optional<HomeCurrency> home;  // this worker's copy, once the code is fixed
    while (true) {
      DecodedBlock block;
      std::uint64_t seq;
      {
        std::unique_lock input(input_mutex_);
        if (!read_lines(lines)) break;
        seq = lines.seq;
        if (home_.code().empty()) {
          // The home currency is still open: this block decides it (or not)
          // before any later block is decoded.
          decode(lines, block, home_);
          input.unlock();
          publish(seq, std::move(block));
          continue;
        }
        if (!home) home = home_;
      }
      decode(lines, block, *home);
      publish(seq, std::move(block));
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::current_exception();
    stopping_ = true;
  }
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  changed_.notify_all();
}

bool DecodingReader::next(DecodedBlock& block) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return ready_.count(next_out_) || running_ == 0 || error_; });
  if (error_) std::rethrow_exception(error_);
  auto it = ready_.find(next_out_);
  if (it == ready_.end()) return false;
  block = std::move(it->second);
  ready_.erase(it);
  ++next_out_;
  lock.unlock();
  changed_.notify_all();
  return true;
}

}  // namespace bre
