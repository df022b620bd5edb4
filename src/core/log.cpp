#include "bre/core/log.h"

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "bre/core/json_text.h"
#include "bre/core/time.h"

namespace bre {

std::optional<LogLevel> parse_log_level(std::string_view s) {
  if (s == "debug") return LogLevel::debug;
  if (s == "info") return LogLevel::info;
  if (s == "warn") return LogLevel::warn;
  if (s == "error") return LogLevel::error;
  return std::nullopt;
}

static std::string_view level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

LogField::LogField(std::string k, std::string_view text) : key(std::move(k)), json(json_string(text)) {}
LogField::LogField(std::string k, double v) : key(std::move(k)), json(json_number(v)) {}

Logger::Logger(LogLevel min_level, std::string run_id, Sink sink)
    : min_(min_level), run_id_(std::move(run_id)), sink_(std::move(sink)) {}

void Logger::log(LogLevel level, std::string_view component, std::string_view event,
                 std::initializer_list<LogField> fields, double duration_ms) const {
  if (!sink_ || level < min_) return;
  std::string line = "{\"ts\":";
  append_json_string(line, format_iso8601(now_ms()));
  line += ",\"level\":\"";
  line += level_name(level);
  line += "\",\"run_id\":";
  append_json_string(line, run_id_);
  line += ",\"request_id\":";
  if (request_id_.empty()) line += "null";
  else append_json_string(line, request_id_);
  line += ",\"component\":";
  append_json_string(line, component);
  line += ",\"event\":";
  append_json_string(line, event);
  line += ",\"duration_ms\":";
  line += duration_ms >= 0 ? fmt::format("{:.3f}", duration_ms) : "null";
  for (const LogField& f : fields) {
    line.push_back(',');
    append_json_string(line, f.key);
    line.push_back(':');
    line += f.json;
  }
  line += "}";
  sink_(line);
}

static std::int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ScopedTimer::ScopedTimer(const Logger& log, std::string_view component, std::string_view event)
    : log_(log), component_(component), event_(event), start_ns_(mono_ns()) {}
ScopedTimer::~ScopedTimer() { log_.log(LogLevel::info, component_, event_, {}, elapsed_ms()); }
double ScopedTimer::elapsed_ms() const { return static_cast<double>(mono_ns() - start_ns_) / 1e6; }

std::string new_run_id() {
  std::random_device rd;
  return fmt::format("run_{}_{:08x}", compact_timestamp(now_ms()), rd());
}

}  // namespace bre
