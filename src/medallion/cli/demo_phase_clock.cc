#include "medallion/cli/demo_phase_clock.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <cmath>

namespace medallion::cli {

namespace {

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

}  // namespace

PhaseClock::PhaseClock() : start_(Now()), lap_(start_) {}

PhaseClock::Mark PhaseClock::Now() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return Mark{std::chrono::steady_clock::now(), Seconds(usage.ru_utime) + Seconds(usage.ru_stime)};
}

PhaseTime PhaseClock::Between(const Mark& from, const Mark& to) {
  return PhaseTime{std::chrono::duration<double>(to.wall - from.wall).count(), to.cpu_seconds - from.cpu_seconds};
}

PhaseTime PhaseClock::Lap() {
  const Mark now = Now();
  const PhaseTime lap = Between(lap_, now);
  lap_ = now;
  return lap;
}

PhaseTime PhaseClock::Total() const { return Between(start_, Now()); }

std::string FormatSeconds(double seconds) {
  if (seconds < 1) return fmt::format("{:.0f}ms", seconds * 1000);
  if (seconds < 10) return fmt::format("{:.1f}s", seconds);
  const auto whole = static_cast<int64_t>(std::lround(seconds));
  if (whole < 60) return fmt::format("{}s", whole);
  return fmt::format("{}m{:02}s", whole / 60, whole % 60);
}

std::string FormatPhaseTime(const PhaseTime& time) {
  return fmt::format("{} (CPU {})", FormatSeconds(time.wall_seconds), FormatSeconds(time.cpu_seconds));
}

}  // namespace medallion::cli
