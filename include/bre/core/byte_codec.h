// Snapshots of derived totals as bytes (the state builder's, the blast-radius
// facts'): fixed-width little-endian numbers, length-prefixed strings and
// vectors. A cache format, read back only by the same build of bre: each
// snapshot carries its own format number.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "bre/core/error.h"

namespace bre {

namespace byte_codec_detail {
template <class T>
struct IsPair : std::false_type {};
template <class A, class B>
struct IsPair<std::pair<A, B>> : std::true_type {};
}  // namespace byte_codec_detail

class ByteWriter {
 public:
  template <class A, class B>
  void put(const std::pair<A, B>& p) {
    put(p.first), put(p.second);
  }
  template <class T>
  void put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(std::string_view s) {
    put<std::uint64_t>(s.size());
    out_.append(s);
  }
  template <class T>
  void put_all(const std::vector<T>& v) {
    put<std::uint64_t>(v.size());
    for (const T& x : v) put(x);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what ByteWriter wrote; bytes it did not write (truncated, a count
// larger than what is left) throw Error(internal, corrupt_code).
class ByteReader {
 public:
  ByteReader(std::string_view in, const char* corrupt_code, const char* what)
      : in_(in), corrupt_code_(corrupt_code), what_(what) {}
  template <class T>
  T get() {
    if constexpr (byte_codec_detail::IsPair<T>::value) {
      auto first = get<typename T::first_type>();
      return T(first, get<typename T::second_type>());
    } else {
      T v;
      need(sizeof v);
      std::memcpy(&v, in_.data() + at_, sizeof v);
      at_ += sizeof v;
      return v;
    }
  }
  std::string_view text() {
    const auto n = get<std::uint64_t>();
    need(n);
    const std::string_view s = in_.substr(at_, n);
    at_ += n;
    return s;
  }
  template <class T>
  void get_all(std::vector<T>& v) {
    const auto n = get<std::uint64_t>();
    need(n);  // at least a byte each: a corrupt count cannot ask for terabytes
    v.resize(n);
    for (T& x : v) x = get<T>();
  }
  bool at_end() const { return at_ == in_.size(); }
  // Throws unless every byte was read.
  void expect_done() const {
    if (at_ != in_.size()) fail("has trailing bytes");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(ErrorKind::internal, corrupt_code_, what_ + (" " + why));
  }

 private:
  void need(std::uint64_t n) const {
    if (n > in_.size() - at_) fail("is truncated");
  }
  std::string_view in_;
  std::size_t at_ = 0;
  const char* corrupt_code_;
  std::string what_;
};

}  // namespace bre
