// The batch Gold job: reads Silver `orders`, recomputes every Gold table for
// a range of event dates and replaces those dates' partitions in
// <lake>/gold/<table> (OverwritePartitions), so running it twice for the same
// range leaves the same rows, never duplicates. customer_rfm is a snapshot as
// of the range's last day and is replaced whole.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/transform/gold_tables.h"
#include "medallion/transform/window_aggregator.h"

namespace medallion::transform {

struct GoldJobOptions {
  std::string silver_uri;  // <lake>/silver/orders
  std::string lake_uri;    // Gold goes to <lake>/gold/<table>
  std::optional<int32_t> from, to;  // default: Silver's first and last event_date
  int top_n = 10;
};

struct GoldTableReport {
  std::string table;
  int64_t rows = 0;
  int64_t version = -1;  // -1: nothing written
};

struct GoldJobReport {
  DateRange range;
  int64_t silver_rows = 0;
  std::vector<GoldTableReport> tables;
};

// Names of the tables RunGoldJob writes, in order.
const std::vector<std::string>& GoldTableNames();

Result<GoldJobReport> RunGoldJob(const GoldJobOptions& options);

// "2026-01-31" -> days since the epoch; InvalidArgument naming the text.
Result<int32_t> ParseIsoDate(const std::string& text);

// Appends late events to <lake>/gold/late_events (partitioned by event_date).
Status AppendLateEvents(const std::string& lake_uri, const std::vector<LateEvent>& late);

}  // namespace medallion::transform
