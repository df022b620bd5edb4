// A seeded random source that gives the same numbers on every platform and
// compiler. std::mt19937_64's raw output is fixed by the standard, but the
// std::uniform_*_distribution adaptors are implementation-defined, so the
// uniforms are derived here from the raw 64-bit words.
#pragma once
#include <cstdint>
#include <random>

namespace bre {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1) with 53 random bits, the full precision of a double.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Uniform in [low, high); returns low when the interval is empty.
  double uniform(double low, double high) {
    const double x = low + (high - low) * uniform();
    return x < high ? x : low;  // rounding can reach high; keep the interval half-open
  }

  // Uniform integer in [0, n), n > 0, without modulo bias: words from the
  // incomplete last block of size n are rejected.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t word = engine_();
    while (word >= limit) word = engine_();
    return word % n;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace bre
