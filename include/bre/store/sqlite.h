// A thin RAII layer over the SQLite C API: errors become bre::Error, statements
// are prepared once and reset, transactions roll back unless committed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace bre {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, double v);
  Statement& bind(int index, std::string_view v);  // bound as text, copied
  Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  // Bound without a copy: the text must stay alive and unchanged until the
  // statement is stepped and reset (hot insert loops).
  Statement& bind_static(int index, std::string_view v);
  Statement& bind_null(int index);
  // Bytes bound as a BLOB without a copy, alive until the statement is stepped.
  Statement& bind_blob_static(int index, std::string_view bytes);
  Statement& bind(int index, std::optional<std::int64_t> v) { return v ? bind(index, *v) : bind_null(index); }
  Statement& bind(int index, std::optional<double> v) { return v ? bind(index, *v) : bind_null(index); }

  bool step();  // true while a row is available
  void run();   // step to completion, then reset
  void reset();
  // Reset keeping the bindings, for loops that rebind every parameter anyway.
  void rewind();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step
  std::string_view blob_view(int col) const;  // valid until the next step

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Database {
 public:
  enum class Mode { read_write, create };
  Database(const std::string& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  std::int64_t changes() const;
  std::int64_t query_int(std::string_view sql);
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit()ed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace bre
