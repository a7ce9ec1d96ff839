// Where a Kafka record batch that cannot be decoded ends.
//
// librdkafka reports such a batch (bad compression, an unknown codec, a
// record it cannot parse) as an error at the batch's base offset, and
// fetches the same offset again after a back-off: the partition is stuck
// there. Ingest dead-letters every offset of the batch and moves past it,
// but no API tells where the batch ends. Fetching from any offset inside it
// fails the same way, and from the first offset past it reads, so the end
// is found by seeking: doubling steps, then bisection (about 2 log2(n)
// fetches for a batch of n records). Offsets past the batch that hold no
// record (compaction, transaction markers) read as past it too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace medallion::ingest {

class UnreadableRange {
 public:
  // `start`: the first offset ingest has not taken; `base`: the failing
  // batch's first offset; `reason`: librdkafka's message.
  UnreadableRange(int64_t start, int64_t base, std::string reason);

  int64_t start() const { return start_; }
  int64_t base() const { return base_; }
  const std::string& reason() const { return reason_; }

  // The offset to seek to next (at most `high_watermark`, where a fetch
  // reports the partition's end); nullopt once settled or cleared. The
  // first probe is `start` itself: whether the failing batch is in the way
  // at all (librdkafka may have been refetching older offsets, or failed
  // once by fluke). A probe stays outstanding until Failed or Read.
  std::optional<int64_t> NextProbe(int64_t high_watermark);
  std::optional<int64_t> probe() const { return probe_; }

  // What fetching from the outstanding probe gave: the same batch again, or
  // something readable (a record, another batch, the partition's end). Only
  // the probe itself counts: offsets after it that held nothing librdkafka
  // would deliver (a marker, compaction, or a batch it skipped without a
  // word) are not taken for the batch's, so no record is ever called
  // unreadable; a batch librdkafka skips silently (an unknown magic byte)
  // leaves a counted gap instead.
  void Failed();
  void Read();
  // librdkafka delivered `next` after failing, having skipped the batch by
  // itself: [start, next) are its offsets.
  void SkippedTo(int64_t next);

  bool confirmed() const { return confirmed_; }  // `start` fails
  bool cleared() const { return cleared_; }       // `start` reads: nothing to do
  // Settled: offsets [start, end) are the unreadable batch's.
  bool settled() const { return confirmed_ && past_ && *past_ == bad_upto_ + 1; }
  int64_t end() const { return *past_; }

 private:
  int64_t start_;
  int64_t base_;
  std::string reason_;
  bool confirmed_ = false;
  bool cleared_ = false;
  int64_t bad_upto_;               // highest offset known to be in the batch
  std::optional<int64_t> past_;    // lowest offset known to be past it
  std::optional<int64_t> probe_;   // the fetch outstanding
};

}  // namespace medallion::ingest
