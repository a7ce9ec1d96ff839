#include "medallion/ingest/recycling_pool.h"

#include <cstring>

namespace medallion::ingest {

namespace {

// A cached block serves a request at most this many times its size, so a
// small request never pins a huge block.
constexpr int64_t kMaxWasteFactor = 4;
// New blocks get an eighth more than asked: batches differ a little in size.
constexpr int64_t kHeadroomDivisor = 8;
// Two batches' buffers at the default 128 MiB batch limit.
constexpr int64_t kIngestCachedBytes = int64_t{256} << 20;

}  // namespace

RecyclingMemoryPool::RecyclingMemoryPool(arrow::MemoryPool* base, int64_t max_cached_bytes)
    : base_(base), max_cached_bytes_(max_cached_bytes) {}

RecyclingMemoryPool::~RecyclingMemoryPool() { ReleaseUnused(); }

arrow::Status RecyclingMemoryPool::Allocate(int64_t size, int64_t alignment, uint8_t** out) {
  if (!Recycles(size, alignment)) return base_->Allocate(size, alignment, out);
  {
    std::lock_guard lock(mu_);
    auto it = cached_.lower_bound(size);
    if (it != cached_.end() && it->first <= size * kMaxWasteFactor) {
      *out = it->second;
      live_[it->second] = it->first;
      cached_bytes_ -= it->first;
      cached_.erase(it);
      ++reuses_;
      return arrow::Status::OK();
    }
  }
  // Headroom, so the next batch's block of nearly the same size fits this one.
  const int64_t wanted = size + size / kHeadroomDivisor;
  const int64_t capacity = (wanted + kMinRecycledBytes - 1) / kMinRecycledBytes * kMinRecycledBytes;
  ARROW_RETURN_NOT_OK(base_->Allocate(capacity, alignment, out));
  std::lock_guard lock(mu_);
  live_[*out] = capacity;
  return arrow::Status::OK();
}

arrow::Status RecyclingMemoryPool::Reallocate(int64_t old_size, int64_t new_size, int64_t alignment,
                                              uint8_t** ptr) {
  int64_t capacity = -1;
  {
    std::lock_guard lock(mu_);
    if (auto it = live_.find(*ptr); it != live_.end()) capacity = it->second;
  }
  if (capacity < 0 && !Recycles(new_size, alignment)) return base_->Reallocate(old_size, new_size, alignment, ptr);
  if (new_size <= capacity) return arrow::Status::OK();  // the block already holds it
  uint8_t* grown = nullptr;
  ARROW_RETURN_NOT_OK(Allocate(new_size, alignment, &grown));
  std::memcpy(grown, *ptr, static_cast<size_t>(std::min(old_size, new_size)));
  Free(*ptr, old_size, alignment);
  *ptr = grown;
  return arrow::Status::OK();
}

void RecyclingMemoryPool::Free(uint8_t* buffer, int64_t size, int64_t alignment) {
  int64_t capacity = -1;
  {
    std::lock_guard lock(mu_);
    if (auto it = live_.find(buffer); it != live_.end()) {
      capacity = it->second;
      live_.erase(it);
      if (cached_bytes_ + capacity <= max_cached_bytes_) {
        cached_.emplace(capacity, buffer);
        cached_bytes_ += capacity;
        return;
      }
    }
  }
  base_->Free(buffer, capacity < 0 ? size : capacity, alignment);
}

void RecyclingMemoryPool::ReleaseUnused() {
  std::multimap<int64_t, uint8_t*> cached;
  {
    std::lock_guard lock(mu_);
    cached.swap(cached_);
    cached_bytes_ = 0;
  }
  for (const auto& [capacity, block] : cached) base_->Free(block, capacity, arrow::kDefaultBufferAlignment);
  base_->ReleaseUnused();
}

int64_t RecyclingMemoryPool::reuses() const {
  std::lock_guard lock(mu_);
  return reuses_;
}

arrow::MemoryPool* IngestMemoryPool() {
  static auto* pool = new RecyclingMemoryPool(arrow::default_memory_pool(), kIngestCachedBytes);
  return pool;
}

}  // namespace medallion::ingest
