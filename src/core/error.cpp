#include "bre/core/error.h"

#include <fmt/format.h>

namespace bre {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::internal: return 1;
    case ErrorKind::usage: return 2;
    case ErrorKind::data_invalid: return 65;
    case ErrorKind::no_input: return 66;
    case ErrorKind::not_found: return 66;
    case ErrorKind::unavailable: return 69;
    case ErrorKind::cant_create: return 73;
    case ErrorKind::io: return 74;
    case ErrorKind::temp_failure: return 75;
    case ErrorKind::not_authorised: return 77;
  }
  return 1;
}

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::internal: return 500;
    case ErrorKind::usage: return 400;
    case ErrorKind::data_invalid: return 422;
    case ErrorKind::no_input: return 404;
    case ErrorKind::not_found: return 404;
    case ErrorKind::unavailable: return 502;
    case ErrorKind::cant_create: return 500;
    case ErrorKind::io: return 500;
    case ErrorKind::temp_failure: return 503;
    case ErrorKind::not_authorised: return 401;
  }
  return 500;
}

std::string Problem::to_string() const {
  const std::string_view name = file.empty() ? std::string_view("<input>") : std::string_view(file);
  const std::string at = line > 0 ? fmt::format("{}:{}", name, line) : std::string(name);
  if (field.empty()) return fmt::format("{}: {}", at, reason);
  return fmt::format("{}: field '{}': {}", at, field, reason);
}

Error::Error(ErrorKind kind, std::string code, std::string message, std::string where)
    : std::runtime_error(std::move(message)), kind_(kind), code_(std::move(code)), where_(std::move(where)) {}

Error::Error(ErrorKind kind, std::string code, std::string message, std::vector<Problem> problems)
    : std::runtime_error(std::move(message)), kind_(kind), code_(std::move(code)), problems_(std::move(problems)) {
  if (!problems_.empty()) {
    const Problem& first = problems_.front();
    where_ = first.line > 0 ? fmt::format("{}:{}", first.file, first.line) : first.file;
  }
}

void throw_usage(std::string message) { throw Error(ErrorKind::usage, "USAGE", std::move(message)); }
void throw_io(std::string message, std::string where) {
  throw Error(ErrorKind::io, "IO_ERROR", std::move(message), std::move(where));
}
void throw_internal(std::string message) { throw Error(ErrorKind::internal, "INTERNAL", std::move(message)); }

}  // namespace bre
