// Tumbling event-time windows with a watermark, for the streaming Gold job.
//
// The watermark is the largest event time seen minus the allowed lateness
// (default 10 minutes). A window [start, start + size) closes once the
// watermark reaches its end; closed windows are emitted once and forgotten.
// An event whose window has already closed is late: it is not added (the
// emitted result is final) but returned by TakeLate() so the caller records
// it in gold/late_events and the next batch recompute of its day includes
// it. Nothing is dropped silently.
#pragma once

#include <arrow/type_fwd.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::transform {

inline constexpr int64_t kMicrosPerMinute = 60'000'000;

struct WindowEvent {
  int64_t event_time_us = 0;  // microseconds since the epoch, UTC
  std::string key;            // e.g. city
  double value = 0;           // e.g. revenue
};

struct WindowResult {
  int64_t window_start_us = 0;
  int64_t window_end_us = 0;  // exclusive
  std::string key;
  int64_t events = 0;
  double sum = 0;
};

struct LateEvent {
  WindowEvent event;
  int64_t window_start_us = 0;
  int64_t watermark_us = 0;  // watermark when the event arrived
  int64_t window_size_us = 0;
};

struct WindowOptions {
  int64_t window_size_us = 5 * kMicrosPerMinute;
  int64_t allowed_lateness_us = 10 * kMicrosPerMinute;
};

class WindowAggregator {
 public:
  explicit WindowAggregator(WindowOptions options);

  // InvalidArgument for a window size <= 0 or a negative lateness.
  static Result<WindowAggregator> Make(WindowOptions options);

  void Add(const WindowEvent& event);

  // Adds every row of `rows`: `time_column` a timestamp (any unit), `key_column`
  // a string, `value_column` a number. Errors name the missing or mistyped column.
  Status AddTable(const arrow::Table& rows, const std::string& time_column, const std::string& key_column,
                  const std::string& value_column);

  // Windows the watermark has passed, by (start, key); they leave the state.
  std::vector<WindowResult> TakeClosed();
  // Every open window (end of input), by (start, key).
  std::vector<WindowResult> TakeAll();
  // Late events since the last call, in arrival order.
  std::vector<LateEvent> TakeLate();

  // INT64_MIN before the first event.
  int64_t watermark_us() const { return watermark_us_; }
  int64_t window_size_us() const { return options_.window_size_us; }
  size_t open_windows() const { return open_.size(); }

  // The window start holding `event_time_us` (floor, also before 1970).
  int64_t WindowStart(int64_t event_time_us) const;

 private:
  struct Accumulator {
    int64_t events = 0;
    double sum = 0;
  };

  WindowOptions options_;
  int64_t watermark_us_ = std::numeric_limits<int64_t>::min();
  std::map<std::pair<int64_t, std::string>, Accumulator> open_;
  std::vector<LateEvent> late_;
};

// window_start, window_end (timestamp[us, UTC]), window_minutes, key, events, sum.
std::shared_ptr<arrow::Table> WindowResultsToTable(const std::vector<WindowResult>& results, int64_t window_size_us,
                                                   const std::string& key_name);

// gold/late_events rows: event_date (partition), event_time, window_start,
// watermark, window_minutes, key, value.
std::shared_ptr<arrow::Table> LateEventsToTable(const std::vector<LateEvent>& late);

}  // namespace medallion::transform
