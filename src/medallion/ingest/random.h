// Deterministic hashing helpers: factors that must be the same whenever they
// are asked for (promotions, customer traits) are hashed from the seed rather
// than drawn from a stream whose position depends on what ran before.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace medallion::ingest {

// SplitMix64 finaliser of (a, b): well-mixed 64 bits.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9E3779B97F4A7C15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) from 53 bits of `h`.
inline double UnitInterval(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

// A version-4 UUID string drawn from `rng`.
std::string RandomUuid(std::mt19937_64& rng);

}  // namespace medallion::ingest
