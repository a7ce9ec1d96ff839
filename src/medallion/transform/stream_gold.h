// Incremental Gold for Silver orders: the streaming side of gold_job.h,
// same table functions (gold_tables.h), only the event dates that new Silver
// commits touched.
//
// Which partitions a change to day D reaches:
//   revenue_city_hourly, revenue_product_daily, sales_daily, top_products,
//   country_daily, funnel_daily   D only;
//   category_daily                D .. D+7 (previous-day and previous-week
//                                 growth of the following days);
//   customer_rfm, features_daily  everything (RFM is a snapshot over all
//                                 history; features' panel spans all days and
//                                 products), so they are "slow" tables,
//                                 recomputed whole when the caller asks.
// Each table's progress is its own txn gold-<table> = Silver version.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/transform/silver_day_cache.h"
#include "medallion/transform/stream_gold_writer.h"

namespace medallion::transform {

// Tables kept current on every trigger, and the slow ones.
const std::vector<std::string>& FastOrdersGoldTables();
const std::vector<std::string>& SlowOrdersGoldTables();

struct OrdersGoldUpdate {
  int64_t silver_version = -1;  // the Silver snapshot made visible
  std::set<int32_t> dates;      // event dates recomputed
  std::vector<GoldCommit> commits;
  int64_t rows_out = 0;
};

// Which Orders Gold tables a call brings up to the newest Silver snapshot.
struct OrdersGoldPass {
  // revenue_city_hourly, grown by the new Silver rows alone (see
  // AddToRevenueCityHourly): cheap, every trigger.
  bool hourly = true;
  // The other fast tables: they recompute the touched days, which costs the
  // day's size, so a streaming caller runs them at a slower pace.
  bool daily = true;
  // customer_rfm and features_daily: all of Silver.
  bool slow = false;
};

// Silver rows a caller has already read (stream_tail.h ReadAddedRows): those
// added by versions (from, to], each tagged with its version in
// `version_column`. Handed to UpdateOrdersGold so the hourly update does not
// read the same files again.
struct AddedSilverRows {
  std::shared_ptr<arrow::Table> rows;
  int64_t from = -1;  // exclusive
  int64_t to = -1;    // inclusive
  std::string version_column;
};

// Runs `pass`; `commits` is empty when all were current. Two calls may run
// at once (on two threads, each with its own `silver` handle) when their
// passes name different tables. With a `cache` (kept by the caller across
// calls) the daily tables read only the Silver files added since the
// previous call.
// `added`, if given and covering what revenue_city_hourly has not consumed,
// replaces its read of the new Silver files.
Result<OrdersGoldUpdate> UpdateOrdersGold(delta::Table& silver, const std::string& lake_uri, int top_n,
                                          OrdersGoldPass pass, SilverDayCache* cache = nullptr,
                                          const AddedSilverRows* added = nullptr);

// Adds the Silver rows after revenue_city_hourly's txn to its hourly sums;
// false when the table must be recomputed instead (absent, or Silver
// rewrote rows since).
Result<bool> AddToRevenueCityHourly(delta::Table& silver, const delta::Snapshot& snapshot, const std::string& lake_uri,
                                    OrdersGoldUpdate* out, const AddedSilverRows* added = nullptr);

// Silver rows with product_id and customer_id as int64, as the Gold table
// functions (gold_tables.h, features_daily.h, rfm_scores.h) key them: a
// string id keeps its trailing digits ("P00011" -> 11, the generator's
// form); int columns pass through. InvalidArgument names an id without
// digits. (Those functions cast the ids to int64 and fail on Silver's
// string ids; until they take strings, the stream feeds them this view.)
Result<std::shared_ptr<arrow::Table>> WithNumericIds(const std::shared_ptr<arrow::Table>& silver);

}  // namespace medallion::transform
