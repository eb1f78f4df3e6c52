// SplitMix64: a fully specified generator, so unlike std::*_distribution it
// gives the same values with every standard library. The data generator and
// the tests' random data derive values from it with integer arithmetic only.
#pragma once

#include <cstdint>

namespace rollcall {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, bound) for bounds far below 2^64 (bound > 0).
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }
  bool percent(unsigned chance) { return below(100) < chance; }

 private:
  std::uint64_t state_;
};

}  // namespace rollcall
