// Structured logs: one JSON object per line with ts, level, run_id,
// request_id, component, event, duration_ms and fields. The core only calls a
// Logger; where the lines go (stderr, a test buffer) is the shell's choice.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace bre {

enum class LogLevel { debug, info, warn, error };
std::optional<LogLevel> parse_log_level(std::string_view s);

// A field whose value is already JSON text.
struct LogField {
  std::string key;
  std::string json;
  LogField(std::string k, std::string_view text);
  LogField(std::string k, const char* text) : LogField(std::move(k), std::string_view(text)) {}
  LogField(std::string k, const std::string& text) : LogField(std::move(k), std::string_view(text)) {}
  LogField(std::string k, std::int64_t v) : key(std::move(k)), json(std::to_string(v)) {}
  LogField(std::string k, int v) : key(std::move(k)), json(std::to_string(v)) {}
  LogField(std::string k, std::size_t v) : key(std::move(k)), json(std::to_string(v)) {}
  LogField(std::string k, double v);
};

class Logger {
 public:
  using Sink = std::function<void(const std::string& line)>;
  Logger() = default;  // discards everything
  Logger(LogLevel min_level, std::string run_id, Sink sink);

  void log(LogLevel level, std::string_view component, std::string_view event,
           std::initializer_list<LogField> fields = {}, double duration_ms = -1) const;
  void debug(std::string_view c, std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::debug, c, e, f); }
  void info(std::string_view c, std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::info, c, e, f); }
  void warn(std::string_view c, std::string_view e, std::initializer_list<LogField> f = {}) const { log(LogLevel::warn, c, e, f); }
  const std::string& run_id() const { return run_id_; }
  void set_request_id(std::string id) { request_id_ = std::move(id); }

 private:
  LogLevel min_ = LogLevel::error;
  std::string run_id_;
  std::string request_id_;
  Sink sink_;
};

// Measures one step and logs it with duration_ms when it goes out of scope.
class ScopedTimer {
 public:
  ScopedTimer(const Logger& log, std::string_view component, std::string_view event);
  ~ScopedTimer();
  double elapsed_ms() const;

 private:
  const Logger& log_;
  std::string component_, event_;
  std::int64_t start_ns_;
};

std::string new_run_id();

}  // namespace bre
