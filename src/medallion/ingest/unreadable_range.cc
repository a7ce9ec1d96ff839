#include "medallion/ingest/unreadable_range.h"

#include <algorithm>
#include <utility>

namespace medallion::ingest {

UnreadableRange::UnreadableRange(int64_t start, int64_t base, std::string reason)
    : start_(start), base_(base), reason_(std::move(reason)), bad_upto_(start) {}

std::optional<int64_t> UnreadableRange::NextProbe(int64_t high_watermark) {
  if (cleared_ || settled()) return std::nullopt;
  if (probe_) return probe_;
  int64_t next;
  if (!confirmed_) {
    next = start_;
  } else if (past_) {
    next = bad_upto_ + (*past_ - bad_upto_) / 2;  // > bad_upto_: not settled
  } else {
    // Double the span known to be unreadable.
    next = bad_upto_ + std::max<int64_t>(1, bad_upto_ - start_ + 1);
    next = std::min(next, std::max(high_watermark, bad_upto_ + 1));
  }
  probe_ = next;
  return probe_;
}

void UnreadableRange::Failed() {
  if (!probe_) return;
  if (!confirmed_) {
    confirmed_ = true;
  } else {
    bad_upto_ = std::max(bad_upto_, *probe_);
  }
  probe_.reset();
}

void UnreadableRange::Read() {
  if (!probe_) return;
  if (!confirmed_) {
    cleared_ = true;
  } else {
    past_ = past_ ? std::min(*past_, *probe_) : *probe_;
    // Answers that contradict earlier ones (they should not): the batch
    // reaches at least as far as any offset seen failing.
    if (*past_ <= bad_upto_) past_ = bad_upto_ + 1;
  }
  probe_.reset();
}

void UnreadableRange::SkippedTo(int64_t next) {
  confirmed_ = true;
  bad_upto_ = std::max(bad_upto_, next - 1);
  past_ = past_ ? std::min(*past_, next) : next;
  probe_.reset();
}

}  // namespace medallion::ingest
