// Which event_ids Silver already holds, within a horizon of event time.
//
// The state is defined by Silver's contents alone, so a restarted job
// rebuilds exactly what the running job had: the ids of Silver rows whose
// event_time >= high_water - horizon, where high_water is the largest
// event_time in Silver. A running job keeps that set in memory (Commit()
// applies a batch's rows and evicts); a restarted one reads it back with
// LoadFromSilver(). A copy of an event older than the horizon is no longer
// recognised: that is the price of bounded state, as in Spark's
// dropDuplicatesWithinWatermark.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/storage/object_store.h"

namespace medallion::delta {
class Snapshot;
}

namespace medallion::transform {

inline constexpr int64_t kDefaultDedupHorizonUs = 48LL * 3600 * 1'000'000;

class DedupState {
 public:
  explicit DedupState(int64_t horizon_us = kDefaultDedupHorizonUs) : horizon_us_(horizon_us) {}

  // True if `event_id` is in Silver (within the horizon) or was accepted
  // earlier in the current batch; otherwise remembers it for this batch.
  bool SeenOrAccept(const std::string& event_id, int64_t event_time_us);

  // The batch's accepted rows became Silver rows: keep those inside the
  // horizon and evict what fell out of it.
  void Commit();
  // The batch was not committed: forget its rows.
  void Abort();

  // Ids inside the horizon; expired ones may still occupy memory until the
  // next sweep.
  size_t size() const;
  int64_t high_water_us() const { return high_water_us_; }

  // Rebuilds the state from a Silver snapshot (columns event_id, event_time,
  // event_date).
  static Result<DedupState> LoadFromSilver(storage::ObjectStore& store, const delta::Snapshot& snapshot,
                                           int64_t horizon_us);

 private:
  int64_t Floor() const;
  // Drops expired ids. A sweep walks every id, so it runs only once the
  // floor has passed the oldest id kept by a quarter of the horizon: live
  // streams never pay it per batch. Lookups test the floor themselves, so
  // when a sweep runs changes memory only, never an answer.
  void MaybeSweep();

  int64_t horizon_us_;
  int64_t high_water_us_ = std::numeric_limits<int64_t>::min();
  int64_t oldest_us_ = std::numeric_limits<int64_t>::max();  // smallest event_time in ids_
  std::unordered_map<std::string, int64_t> ids_;  // event_id -> event_time
  std::vector<std::pair<std::string, int64_t>> pending_;
  std::unordered_set<std::string> pending_ids_;
};

}  // namespace medallion::transform
