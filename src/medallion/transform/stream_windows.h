// Streaming windowed revenue per city: tumbling windows on event time with a
// watermark (window_aggregator.h), one writer per window size.
//
//   gold/revenue_city_<label>  closed windows, appended once each
//                              (txn gold-revenue_city_<label>)
//   gold/late_events           events whose window had closed when they
//                              arrived (txn gold-late_events-<label>); the
//                              next batch recompute of their day counts them
//
// Restart: the aggregator's state is a function of the Silver snapshot at
// the version the window table consumed, so it is rebuilt from Silver: the
// watermark is the largest order event time at that version minus the
// lateness, and the open windows are exactly the order rows whose window
// ends after it (such a row was never late, since the watermark only grows).
// late_events is committed before the windows; if a crash fell between the
// two, the first Advance ends at the late txn so that batch is re-run with
// the same output and its late events are not written twice.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/transform/stream_gold_writer.h"
#include "medallion/transform/window_aggregator.h"

namespace medallion::transform {

struct WindowAdvance {
  int64_t windows_out = 0;
  int64_t late_events = 0;
  int64_t consumed = -1;  // Silver version the state now reflects
};

class CityRevenueWindows {
 public:
  // `label`: "5min", "1h" (table gold/revenue_city_<label>).
  static Result<std::unique_ptr<CityRevenueWindows>> Restore(delta::Table& silver, const std::string& lake_uri,
                                                             WindowOptions options, std::string label);

  const std::string& table() const { return table_; }
  // Silver version the state reflects (-1: none).
  int64_t consumed() const { return consumed_; }

  // Feeds the rows of `silver_rows` (Silver rows tagged with `version_column`)
  // whose version is in (consumed, target], then commits closed windows and
  // late events (when there are any) with txn `target`. May stop short of `target` after a crash
  // (see the header); call again until consumed() == target.
  Result<WindowAdvance> Advance(const std::shared_ptr<arrow::Table>& silver_rows, const std::string& version_column,
                                int64_t target);

 private:
  CityRevenueWindows(WindowAggregator aggregator, std::string lake_uri, std::string label, int64_t consumed,
                     int64_t late_committed)
      : aggregator_(std::move(aggregator)),
        lake_uri_(std::move(lake_uri)),
        table_("revenue_city_" + label),
        late_app_id_("gold-late_events-" + label),
        consumed_(consumed),
        late_committed_(late_committed) {}

  WindowAggregator aggregator_;
  std::string lake_uri_, table_, late_app_id_;
  int64_t consumed_;        // Silver version the in-memory state reflects
  int64_t committed_ = -1;  // txn of the window table
  int64_t late_committed_;  // txn of our late_events writer
};

}  // namespace medallion::transform
