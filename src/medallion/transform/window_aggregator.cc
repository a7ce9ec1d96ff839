#include "medallion/transform/window_aggregator.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <algorithm>

#include "medallion/common/arrow_status.h"
#include "medallion/transform/gold_columns.h"

namespace medallion::transform {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::shared_ptr<arrow::Array> TimestampArray(const std::vector<int64_t>& micros) {
  arrow::TimestampBuilder builder(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  for (int64_t v : micros) (void)builder.Append(v);
  std::shared_ptr<arrow::Array> out;
  (void)builder.Finish(&out);
  return out;
}

}  // namespace

WindowAggregator::WindowAggregator(WindowOptions options) : options_(options) {}

Result<WindowAggregator> WindowAggregator::Make(WindowOptions options) {
  if (options.window_size_us <= 0) {
    return Status::InvalidArgument(fmt::format("window size must be positive, got {} us", options.window_size_us));
  }
  if (options.allowed_lateness_us < 0) {
    return Status::InvalidArgument(
        fmt::format("allowed lateness must not be negative, got {} us", options.allowed_lateness_us));
  }
  return WindowAggregator(options);
}

int64_t WindowAggregator::WindowStart(int64_t t) const {
  return FloorDiv(t, options_.window_size_us) * options_.window_size_us;
}

void WindowAggregator::Add(const WindowEvent& event) {
  int64_t start = WindowStart(event.event_time_us);
  if (start + options_.window_size_us <= watermark_us_) {
    late_.push_back({event, start, watermark_us_, options_.window_size_us});
    return;
  }
  auto& acc = open_[{start, event.key}];
  acc.events += 1;
  acc.sum += event.value;
  watermark_us_ = std::max(watermark_us_, event.event_time_us - options_.allowed_lateness_us);
}

Status WindowAggregator::AddTable(const arrow::Table& rows, const std::string& time_column,
                                  const std::string& key_column, const std::string& value_column) {
  auto time = rows.GetColumnByName(time_column);
  if (!time) return Status::InvalidArgument(fmt::format("window input has no column '{}'", time_column));
  if (time->type()->id() != arrow::Type::TIMESTAMP) {
    return Status::InvalidArgument(
        fmt::format("window time column '{}' is {}, not a timestamp", time_column, time->type()->ToString()));
  }
  auto unit = static_cast<const arrow::TimestampType&>(*time->type()).unit();
  MEDALLION_ASSIGN_OR_RETURN(auto raw, ReadInt64(rows, time_column));
  MEDALLION_ASSIGN_OR_RETURN(auto keys, ReadString(rows, key_column));
  MEDALLION_ASSIGN_OR_RETURN(auto values, ReadDouble(rows, value_column));
  for (size_t i = 0; i < raw.size(); ++i) {
    int64_t micros = raw[i];
    switch (unit) {
      case arrow::TimeUnit::SECOND: micros *= 1'000'000; break;
      case arrow::TimeUnit::MILLI: micros *= 1'000; break;
      case arrow::TimeUnit::MICRO: break;
      case arrow::TimeUnit::NANO: micros = FloorDiv(micros, 1'000); break;
    }
    Add({micros, keys[i], values[i]});
  }
  return Status::OK();
}

std::vector<WindowResult> WindowAggregator::TakeClosed() {
  std::vector<WindowResult> out;
  for (auto it = open_.begin(); it != open_.end();) {
    int64_t end = it->first.first + options_.window_size_us;
    // The map is ordered by start: every later window ends later.
    if (end > watermark_us_) break;
    out.push_back({it->first.first, end, it->first.second, it->second.events, it->second.sum});
    it = open_.erase(it);
  }
  return out;
}

std::vector<WindowResult> WindowAggregator::TakeAll() {
  std::vector<WindowResult> out;
  for (const auto& [k, acc] : open_) out.push_back({k.first, k.first + options_.window_size_us, k.second, acc.events, acc.sum});
  open_.clear();
  return out;
}

std::vector<LateEvent> WindowAggregator::TakeLate() { return std::exchange(late_, {}); }

std::shared_ptr<arrow::Table> WindowResultsToTable(const std::vector<WindowResult>& results, int64_t window_size_us,
                                                   const std::string& key_name) {
  std::vector<int64_t> start, end, events;
  std::vector<int32_t> minutes;
  std::vector<std::string> keys;
  std::vector<double> sums;
  for (const auto& r : results) {
    start.push_back(r.window_start_us);
    end.push_back(r.window_end_us);
    minutes.push_back(static_cast<int32_t>(window_size_us / kMicrosPerMinute));
    keys.push_back(r.key);
    events.push_back(r.events);
    sums.push_back(r.sum);
  }
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  auto schema = arrow::schema({arrow::field("window_start", ts), arrow::field("window_end", ts),
                               arrow::field("window_minutes", arrow::int32()), arrow::field(key_name, arrow::utf8()),
                               arrow::field("events", arrow::int64()), arrow::field("sum", arrow::float64())});
  return arrow::Table::Make(schema, {TimestampArray(start), TimestampArray(end), Int32Array(minutes),
                                     StringArray(keys), Int64Array(events), DoubleArray(sums)});
}

std::shared_ptr<arrow::Table> LateEventsToTable(const std::vector<LateEvent>& late) {
  std::vector<int32_t> dates, minutes;
  std::vector<int64_t> times, starts, watermarks;
  std::vector<std::string> keys;
  std::vector<double> values;
  for (const auto& l : late) {
    dates.push_back(static_cast<int32_t>(FloorDiv(l.event.event_time_us, kMicrosPerDay)));
    times.push_back(l.event.event_time_us);
    starts.push_back(l.window_start_us);
    watermarks.push_back(l.watermark_us);
    minutes.push_back(static_cast<int32_t>(l.window_size_us / kMicrosPerMinute));
    keys.push_back(l.event.key);
    values.push_back(l.event.value);
  }
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  auto schema = arrow::schema({arrow::field("event_date", arrow::date32()), arrow::field("event_time", ts),
                               arrow::field("window_start", ts), arrow::field("watermark", ts),
                               arrow::field("window_minutes", arrow::int32()), arrow::field("key", arrow::utf8()),
                               arrow::field("value", arrow::float64())});
  return arrow::Table::Make(schema, {Date32Array(dates), TimestampArray(times), TimestampArray(starts),
                                     TimestampArray(watermarks), Int32Array(minutes), StringArray(keys),
                                     DoubleArray(values)});
}

}  // namespace medallion::transform
