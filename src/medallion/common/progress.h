// Progress of a long command (ingest, backfill, OPTIMIZE, training) on stderr.
//
// On a terminal: one line redrawn in place at most every 100 ms with label,
// done/total, percent, rate, ETA and a detail ("bronze/orders v12").
// Otherwise (CI, pipes, services): an spdlog info line at most every 5 s and
// one at Finish(), so JSON logs carry progress too.
//
//   Progress progress("ingest orders", total_rows);
//   for (...) { ...; progress.Add(batch.num_rows()); }
//   progress.Finish();  // or let the destructor do it
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace medallion {

// The figures a progress line shows; pure arithmetic, so tests need no clock.
struct ProgressStats {
  int64_t done = 0;
  int64_t total = -1;  // -1: unknown
  double elapsed_seconds = 0;

  // Average since the start; 0 before any time has passed.
  double rate_per_second() const;
  // nullopt when the total is unknown.
  std::optional<double> percent() const;
  // Seconds left at the current rate; nullopt when the total is unknown or
  // nothing has been done yet.
  std::optional<double> eta_seconds() const;
};

// 999 -> "999", 12345 -> "12.3k", 1234567 -> "1.23M" (k, M, G, T).
std::string FormatCompactCount(double value);
// 7 -> "0:07", 754 -> "12:34", 3723 -> "1:02:03".
std::string FormatDuration(double seconds);

struct ProgressOptions {
  using Clock = std::chrono::steady_clock;

  // Redrawn terminal line or periodic log lines; nullopt: IsTty(stderr).
  std::optional<bool> interactive{};
  // Time source; empty: Clock::now.
  std::function<Clock::time_point()> now{};
  // Where terminal output goes; empty: stderr.
  std::function<void(std::string_view)> write_terminal{};
  std::chrono::milliseconds redraw_interval{100};
  std::chrono::milliseconds log_interval{5000};
};

class Progress {
 public:
  Progress(std::string label, int64_t total /* -1 = unknown */, std::string unit = "rows");
  Progress(std::string label, int64_t total, std::string unit, ProgressOptions options);
  ~Progress();  // finishes

  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Thread-safe; cheap when no redraw is due (an atomic add and a clock read).
  void Add(int64_t n);
  void SetDetail(std::string detail);
  // Draws or logs the final figures once; later calls do nothing.
  void Finish();

  int64_t done() const { return done_.load(std::memory_order_relaxed); }
  ProgressStats Stats() const;
  // The current line without terminal control characters.
  std::string Line() const;

 private:
  using Clock = ProgressOptions::Clock;

  Clock::time_point Now() const;
  std::string LineLocked(const ProgressStats& stats) const;
  void ReportLocked(Clock::time_point now, bool final);

  const std::string label_;
  const int64_t total_;
  const std::string unit_;
  ProgressOptions options_;
  const bool interactive_;
  const Clock::time_point start_;

  std::atomic<int64_t> done_{0};
  // Clock ticks (since the clock's epoch) before which Add() does not report.
  std::atomic<int64_t> next_report_ticks_;

  mutable std::mutex mu_;  // guards detail_, finished_ and the output
  std::string detail_;
  bool finished_ = false;
};

}  // namespace medallion
