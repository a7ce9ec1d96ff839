#include "medallion/transform/stream_windows.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "medallion/common/arrow_compute.h"
#include "medallion/common/arrow_status.h"
#include "medallion/delta/predicate.h"
#include "medallion/ingest/calendar.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/stream_tail.h"

namespace medallion::transform {

namespace {

namespace cp = arrow::compute;

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

int32_t DayOf(int64_t us) { return static_cast<int32_t>(us >= 0 ? us / kMicrosPerDay : -((-us + kMicrosPerDay - 1) / kMicrosPerDay)); }

// The order rows (order_created) of `rows` for which `keep` holds.
Result<std::shared_ptr<arrow::Table>> OrderRows(const std::shared_ptr<arrow::Table>& rows, const cp::Expression& keep) {
  auto is_order = cp::equal(cp::field_ref("event_type"), cp::literal("order_created"));
  return FilterRows(rows, cp::and_(is_order, keep));
}

std::shared_ptr<arrow::Table> WithEventDate(const std::vector<WindowResult>& windows, int64_t size_us) {
  auto table = WindowResultsToTable(windows, size_us, "city");
  std::vector<int32_t> days;
  for (const auto& w : windows) days.push_back(DayOf(w.window_start_us));
  return *table->AddColumn(0, arrow::field("event_date", arrow::date32(), false),
                           std::make_shared<arrow::ChunkedArray>(Date32Array(days)));
}

}  // namespace

Result<std::unique_ptr<CityRevenueWindows>> CityRevenueWindows::Restore(delta::Table& silver,
                                                                         const std::string& lake_uri,
                                                                         WindowOptions options, std::string label) {
  MEDALLION_ASSIGN_OR_RETURN(auto aggregator, WindowAggregator::Make(options));
  const std::string table = "revenue_city_" + label;
  MEDALLION_ASSIGN_OR_RETURN(auto consumed, GoldConsumedVersion(lake_uri, table));
  MEDALLION_ASSIGN_OR_RETURN(auto late_consumed, GoldConsumedVersion(lake_uri, "late_events", "gold-late_events-" + label));
  std::unique_ptr<CityRevenueWindows> windows(new CityRevenueWindows(
      std::move(aggregator), lake_uri, std::move(label), consumed.value_or(-1), late_consumed.value_or(-1)));
  windows->committed_ = consumed.value_or(-1);
  if (!consumed) return windows;

  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, silver.SnapshotAt(*consumed));
  MEDALLION_ASSIGN_OR_RETURN(auto live, LiveDatePartitions(*snapshot, "event_date"));
  if (live.empty()) return windows;
  auto scan_days = [&](int32_t from, int32_t to) -> Result<std::shared_ptr<arrow::Table>> {
    delta::ScanOptions scan;
    MEDALLION_ASSIGN_OR_RETURN(scan.filter, delta::ParsePredicate(fmt::format("event_date >= '{}' AND event_date <= '{}'",
                                                                              ingest::FormatDate(from), ingest::FormatDate(to)),
                                                                  *snapshot->schema()));
    return delta::ScanToTable(silver.store(), *snapshot, scan);
  };
  // The largest order event time sits in the newest day holding an order.
  std::optional<int64_t> max_time;
  for (auto day = live.rbegin(); day != live.rend() && !max_time; ++day) {
    MEDALLION_ASSIGN_OR_RETURN(auto rows, scan_days(*day, *day));
    MEDALLION_ASSIGN_OR_RETURN(auto orders, OrderRows(rows, cp::literal(true)));
    MEDALLION_ASSIGN_OR_RETURN(auto times, ReadInt64(*orders, "event_time"));
    if (!times.empty()) max_time = *std::max_element(times.begin(), times.end());
  }
  if (!max_time) return windows;
  const int64_t watermark = *max_time - options.allowed_lateness_us;
  // Open windows end after the watermark, so they start after watermark - size.
  const int64_t open_from = watermark - options.window_size_us;
  MEDALLION_ASSIGN_OR_RETURN(auto rows, scan_days(DayOf(open_from), *live.rbegin()));
  MEDALLION_ASSIGN_OR_RETURN(auto candidates, OrderRows(rows, cp::literal(true)));
  MEDALLION_ASSIGN_OR_RETURN(auto times, ReadInt64(*candidates, "event_time"));
  MEDALLION_ASSIGN_OR_RETURN(auto cities, ReadString(*candidates, "city"));
  MEDALLION_ASSIGN_OR_RETURN(auto amounts, ReadDouble(*candidates, "total_amount_usd"));
  // The row holding the largest time is among them, so the watermark ends
  // where the previous run left it, and no added row is late.
  for (size_t i = 0; i < times.size(); ++i) {
    if (windows->aggregator_.WindowStart(times[i]) + options.window_size_us > watermark) {
      windows->aggregator_.Add({times[i], cities[i], amounts[i]});
    }
  }
  return windows;
}

Result<WindowAdvance> CityRevenueWindows::Advance(const std::shared_ptr<arrow::Table>& silver_rows,
                                                  const std::string& version_column, int64_t target) {
  WindowAdvance out;
  out.consumed = consumed_;
  if (target <= consumed_) return out;
  // A crash between the late_events and the windows commit: redo exactly that batch.
  const int64_t end = late_committed_ > consumed_ ? std::min(late_committed_, target) : target;
  auto in_batch =
      cp::and_(cp::greater(cp::field_ref(version_column), cp::literal(consumed_)),
               cp::less_equal(cp::field_ref(version_column), cp::literal(end)));
  MEDALLION_ASSIGN_OR_RETURN(auto rows, OrderRows(silver_rows, in_batch));
  MEDALLION_RETURN_IF_ERROR(aggregator_.AddTable(*rows, "event_time", "city", "total_amount_usd"));
  auto closed = aggregator_.TakeClosed();
  auto late = aggregator_.TakeLate();
  auto expected = [](int64_t v) { return v < 0 ? std::optional<int64_t>() : std::optional<int64_t>(v); };
  // Only batches with output commit: an idle window table is not rewritten
  // every trigger, and a restart rebuilds the same state from its older txn.
  if (!late.empty() && late_committed_ < end) {
    MEDALLION_ASSIGN_OR_RETURN(auto commit, CommitGold(lake_uri_, "late_events", LateEventsToTable(late),
                                                       GoldWriteMode::kAppend, expected(late_committed_), end,
                                                       late_app_id_));
    late_committed_ = end;
    out.late_events = commit.rows;
  }
  if (!closed.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(auto commit, CommitGold(lake_uri_, table_, WithEventDate(closed, aggregator_.window_size_us()),
                                                       GoldWriteMode::kAppend, expected(committed_), end));
    committed_ = end;
    out.windows_out = commit.rows;
  }
  consumed_ = end;
  out.consumed = end;
  return out;
}

}  // namespace medallion::transform
