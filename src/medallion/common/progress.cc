#include "medallion/common/progress.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "medallion/common/env.h"

namespace medallion {
namespace {

// Erase from the cursor to the end of the line, so a shorter redraw leaves no
// tail of the previous one.
constexpr std::string_view kClearToEndOfLine = "\x1b[K";

void WriteToStderr(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

double ProgressStats::rate_per_second() const {
  if (elapsed_seconds <= 0) return 0;
  return static_cast<double>(done) / elapsed_seconds;
}

std::optional<double> ProgressStats::percent() const {
  if (total < 0) return std::nullopt;
  if (total == 0) return 100.0;
  return 100.0 * static_cast<double>(done) / static_cast<double>(total);
}

std::optional<double> ProgressStats::eta_seconds() const {
  if (total < 0) return std::nullopt;
  if (done >= total) return 0.0;
  const double rate = rate_per_second();
  if (rate <= 0) return std::nullopt;
  return static_cast<double>(total - done) / rate;
}

std::string FormatCompactCount(double value) {
  static constexpr std::string_view kSuffixes[] = {"", "k", "M", "G", "T"};
  const bool negative = value < 0;
  double magnitude = std::fabs(value);
  size_t suffix = 0;
  // Round first so 999,999 becomes "1.00M" rather than "1000k".
  while (suffix + 1 < std::size(kSuffixes) && magnitude >= 999.5) {
    magnitude /= 1000;
    ++suffix;
  }
  std::string digits;
  if (suffix == 0) {
    // Counts are whole; slow rates ("0.5 files/s") keep one decimal.
    const bool whole = magnitude == std::floor(magnitude) || magnitude >= 99.95;
    digits = whole ? fmt::format("{:.0f}", magnitude) : fmt::format("{:.1f}", magnitude);
  } else if (magnitude < 9.995) {
    digits = fmt::format("{:.2f}", magnitude);
  } else if (magnitude < 99.95) {
    digits = fmt::format("{:.1f}", magnitude);
  } else {
    digits = fmt::format("{:.0f}", magnitude);
  }
  return (negative ? "-" : "") + digits + std::string(kSuffixes[suffix]);
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<int64_t>(std::llround(seconds));
  const int64_t hours = total / 3600;
  const int64_t minutes = (total / 60) % 60;
  const int64_t secs = total % 60;
  if (hours > 0) return fmt::format("{}:{:02}:{:02}", hours, minutes, secs);
  return fmt::format("{}:{:02}", minutes, secs);
}

Progress::Progress(std::string label, int64_t total, std::string unit)
    : Progress(std::move(label), total, std::move(unit), ProgressOptions{}) {}

Progress::Progress(std::string label, int64_t total, std::string unit, ProgressOptions options)
    : label_(std::move(label)),
      total_(total < 0 ? -1 : total),
      unit_(std::move(unit)),
      options_(std::move(options)),
      interactive_(options_.interactive.value_or(IsTty(STDERR_FILENO))),
      start_(Now()) {
  if (!options_.write_terminal) options_.write_terminal = &WriteToStderr;
  // A terminal shows the line at the first Add(); a log waits one interval so
  // short commands log only their final line.
  const auto first = interactive_ ? start_ : start_ + options_.log_interval;
  next_report_ticks_.store(first.time_since_epoch().count(), std::memory_order_relaxed);
}

Progress::~Progress() { Finish(); }

Progress::Clock::time_point Progress::Now() const { return options_.now ? options_.now() : Clock::now(); }

void Progress::Add(int64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  const Clock::time_point now = Now();
  if (now.time_since_epoch().count() < next_report_ticks_.load(std::memory_order_relaxed)) return;
  // Another thread drawing right now will show our count too.
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || finished_) return;
  if (now.time_since_epoch().count() < next_report_ticks_.load(std::memory_order_relaxed)) return;
  ReportLocked(now, /*final=*/false);
}

void Progress::SetDetail(std::string detail) {
  std::lock_guard lock(mu_);
  detail_ = std::move(detail);
}

void Progress::Finish() {
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  ReportLocked(Now(), /*final=*/true);
}

ProgressStats Progress::Stats() const {
  ProgressStats stats;
  stats.done = done();
  stats.total = total_;
  stats.elapsed_seconds = std::chrono::duration<double>(Now() - start_).count();
  return stats;
}

std::string Progress::Line() const {
  std::lock_guard lock(mu_);
  return LineLocked(Stats());
}

std::string Progress::LineLocked(const ProgressStats& stats) const {
  std::string line = label_ + "  " + FormatCompactCount(static_cast<double>(stats.done));
  if (stats.total >= 0) line += "/" + FormatCompactCount(static_cast<double>(stats.total));
  line += " " + unit_;
  if (std::optional<double> percent = stats.percent()) line += fmt::format("  {:.1f}%", *percent);
  line += "  " + FormatCompactCount(stats.rate_per_second()) + " " + unit_ + "/s";
  if (std::optional<double> eta = stats.eta_seconds(); eta && stats.done < stats.total) {
    line += "  ETA " + FormatDuration(*eta);
  }
  if (!detail_.empty()) line += "  " + detail_;
  return line;
}

void Progress::ReportLocked(Clock::time_point now, bool final) {
  const ProgressStats stats = Stats();
  if (interactive_) {
    std::string text = "\r" + LineLocked(stats);
    if (final) text += "  in " + FormatDuration(stats.elapsed_seconds);
    text += kClearToEndOfLine;
    if (final) text += "\n";
    options_.write_terminal(text);
  } else if (final) {
    spdlog::info("{}: done, {} {} in {:.1f}s ({} {}/s){}", label_, stats.done, unit_, stats.elapsed_seconds,
                 FormatCompactCount(stats.rate_per_second()), unit_, detail_.empty() ? "" : "; " + detail_);
  } else {
    spdlog::info("{}", LineLocked(stats));
  }
  const auto interval = interactive_ ? options_.redraw_interval : options_.log_interval;
  next_report_ticks_.store((now + interval).time_since_epoch().count(), std::memory_order_relaxed);
}

}  // namespace medallion
