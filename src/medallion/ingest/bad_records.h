// Malformed and hostile records mixed into `orders` so every later stage
// (Bronze, quality, Silver) is exercised on them. Each bad record carries its
// kind in the `medallion.bad_kind` header (and the field it damaged in
// `medallion.bad_field`), so tests can check where each one ended up.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/ingest/kafka_record.h"

namespace medallion::ingest {

enum class BadKind {
  kInvalidJson,
  kTruncatedJson,
  kEmptyValue,
  kNonObjectJson,
  kMissingField,
  kNullField,
  kWrongType,
  kNumberAsString,
  kNegativeQuantity,
  kZeroQuantity,
  kAbsurdQuantity,
  kNegativePrice,
  kNanValue,
  kInfinityValue,
  kIntegerOverflow,
  kUnknownEventType,
  kUnknownCurrency,
  kBadCountryCode,
  kMalformedTimestamp,
  kFutureTimestamp,
  kAncientTimestamp,
  kInvalidUtf8,
  kControlCharacters,
  kByteOrderMark,
  kDuplicateKeys,
  kDeepNesting,
  kUnknownExtraFields,
  kEmptyId,
  kDuplicateEvent,  // an exact copy of a good event (same event_id)
  // Heavy kinds: megabytes each, so they are rationed (see heavy_every).
  kHugeString,
  kOversizedMessage,
};

std::string_view BadKindName(BadKind kind);
const std::vector<BadKind>& AllBadKinds();
bool IsHeavy(BadKind kind);

// The fields every good `orders` event has.
const std::vector<std::string>& RequiredOrderFields();

struct BadRecordOptions {
  uint64_t seed = 42;
  double fraction = 0;  // chance that a good record is followed by a bad one
  // Every heavy_every-th bad record is a heavy kind, so a run with many bad
  // records does not turn into gigabytes of junk.
  int heavy_every = 500;
  size_t huge_string_bytes = 1 << 20;  // "1 MB string field"
  // Above ingest's default record limit (kDefaultMaxValueBytes), below the
  // broker limit scripts/kafka sets: it reaches ingest and is dead-lettered.
  size_t oversized_bytes = 3 << 20;
};

class BadRecordMixer {
 public:
  explicit BadRecordMixer(BadRecordOptions options);

  // Appends `good` to `out`; then, with probability `fraction`, a bad
  // record made from it. `good.value` must be a good event's JSON object.
  void Mix(KafkaRecord good, std::vector<KafkaRecord>* out);

  // The next kind in the rotation: light kinds cycle in order, heavy kinds
  // take every heavy_every-th slot. Any run of len(light) + ... covers all.
  BadKind NextKind();

  // A bad record of `kind` derived from the good one (same key).
  KafkaRecord Make(BadKind kind, const KafkaRecord& good);

  const std::map<BadKind, int64_t>& counts() const { return counts_; }

 private:
  BadRecordOptions options_;
  std::mt19937_64 rng_;
  int64_t produced_ = 0;
  int64_t light_index_ = 0;
  int64_t heavy_index_ = 0;
  std::map<BadKind, int64_t> counts_;
};

}  // namespace medallion::ingest
