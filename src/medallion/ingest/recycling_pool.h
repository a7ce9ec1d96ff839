// An Arrow memory pool that keeps large freed blocks for the next batch
// instead of handing them back to the allocator.
//
// Ingest builds every batch in fresh buffers of the same few sizes (tens of
// MiB of Kafka values) and frees them once the batch is written. The default
// allocator returns such blocks to the OS, so each batch paid for the kernel
// zeroing new pages on first touch: about a tenth of ingest's CPU. Blocks of
// at least kMinRecycledBytes are kept here, up to a byte limit, and reused
// for any request they can hold; smaller ones go straight to the base pool.
#pragma once

#include <arrow/memory_pool.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace medallion::ingest {

class RecyclingMemoryPool : public arrow::MemoryPool {
 public:
  static constexpr int64_t kMinRecycledBytes = int64_t{1} << 20;

  RecyclingMemoryPool(arrow::MemoryPool* base, int64_t max_cached_bytes);
  ~RecyclingMemoryPool() override;

  using arrow::MemoryPool::Allocate;
  using arrow::MemoryPool::Free;
  using arrow::MemoryPool::Reallocate;

  arrow::Status Allocate(int64_t size, int64_t alignment, uint8_t** out) override;
  arrow::Status Reallocate(int64_t old_size, int64_t new_size, int64_t alignment, uint8_t** ptr) override;
  void Free(uint8_t* buffer, int64_t size, int64_t alignment) override;
  void ReleaseUnused() override;

  int64_t bytes_allocated() const override { return base_->bytes_allocated(); }
  int64_t total_bytes_allocated() const override { return base_->total_bytes_allocated(); }
  int64_t num_allocations() const override { return base_->num_allocations(); }
  std::string backend_name() const override { return "recycling(" + base_->backend_name() + ")"; }

  // Blocks reused instead of allocated (for tests).
  int64_t reuses() const;

 private:
  bool Recycles(int64_t size, int64_t alignment) const {
    return size >= kMinRecycledBytes && alignment == arrow::kDefaultBufferAlignment;
  }

  arrow::MemoryPool* base_;
  const int64_t max_cached_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<uint8_t*, int64_t> live_;  // recyclable blocks in use -> capacity
  std::multimap<int64_t, uint8_t*> cached_;     // capacity -> free block
  int64_t cached_bytes_ = 0;
  int64_t reuses_ = 0;
};

// The pool ingest's batch builders allocate from: one per process, never
// destroyed (buffers may outlive any owner we could name).
arrow::MemoryPool* IngestMemoryPool();

}  // namespace medallion::ingest
