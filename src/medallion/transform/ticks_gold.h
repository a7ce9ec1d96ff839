// gold/tick_features from silver/ticks, for a set of event dates: the same
// TickFeatures (ticks_features.h) the batch recompute uses, fed with enough
// earlier ticks per symbol for the indicators, written by replacing those
// dates' partitions.
//
// Why a recomputed range starts one trading day early: the last tick before
// new ticks changes its next_direction label (null -> 0/1), and it may sit on
// the previous day. Why lookback: RSI and the EMAs of MACD are recursive, so
// a symbol's values depend on all earlier ticks; with `lookback_ticks`
// earlier ticks the difference from a full-history run has decayed below
// (25/27)^lookback of the price (about 1e-65 for 2000), i.e. nothing.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"

namespace medallion::transform {

inline constexpr int64_t kDefaultTickLookback = 2000;

// TickFeatures' columns plus event_date (the partition), rows of `from`..`to` only.
Result<std::shared_ptr<arrow::Table>> TickFeaturesForDates(delta::Table& silver_ticks, const delta::Snapshot& snapshot,
                                                           int32_t from, int32_t to,
                                                           int64_t lookback_ticks = kDefaultTickLookback);

struct TickFeaturesWrite {
  int32_t from = 0, to = -1;  // recomputed dates (to < from: nothing)
  int64_t rows = 0;
  int64_t version = -1;  // gold/tick_features version written (-1: none)
};

// Recomputes the dates Silver versions (consumed, silver version] touched,
// where `consumed` is gold/tick_features' txn gold-tick_features, and commits
// with txn{gold-tick_features, silver version}. `all_dates`: every date
// (the batch recompute).
Result<TickFeaturesWrite> UpdateTickFeatures(delta::Table& silver_ticks, const std::string& lake_uri,
                                             bool all_dates = false, int64_t lookback_ticks = kDefaultTickLookback);

}  // namespace medallion::transform
