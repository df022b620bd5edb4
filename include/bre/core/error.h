// One error model for the whole product: a bre::Error carries a category that
// maps to a sysexits exit code and an HTTP status, an UPPER_SNAKE code for
// machines, a message for people, and the place the problem was found.
// The core throws it; only the CLI and the server turn it into output.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bre {

enum class ErrorKind {
  internal,      // exit 1,  HTTP 500
  usage,         // exit 2,  HTTP 400
  data_invalid,  // exit 65, HTTP 422
  no_input,      // exit 66, HTTP 404
  not_found,     // exit 66, HTTP 404 (an id that names nothing)
  unavailable,   // exit 69, HTTP 502
  cant_create,   // exit 73, HTTP 500
  io,            // exit 74, HTTP 500
  temp_failure,  // exit 75, HTTP 503
  not_authorised // exit 77, HTTP 401
};

int exit_code(ErrorKind kind);
int http_status(ErrorKind kind);

// One located problem in input data: file, line (1-based, 0 when unknown),
// field, and why it was refused.
struct Problem {
  std::string file;
  std::int64_t line = 0;
  std::string field;
  std::string reason;
  std::string to_string() const;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string code, std::string message, std::string where = {});
  Error(ErrorKind kind, std::string code, std::string message, std::vector<Problem> problems);

  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& where() const { return where_; }
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  ErrorKind kind_;
  std::string code_;
  std::string where_;
  std::vector<Problem> problems_;
};

// Shorthands for the common cases, so call sites read as what went wrong.
[[noreturn]] void throw_usage(std::string message);
[[noreturn]] void throw_io(std::string message, std::string where);
[[noreturn]] void throw_internal(std::string message);

}  // namespace bre
