// Wall and CPU time of the demo's phases, for the lines it prints
// ("history 90 days: 21s (CPU 35s)"). CPU is the whole process's user and
// system time (getrusage): ingest and the DAG run on threads of their own,
// and on a busy machine CPU says what the demo itself cost where wall time
// also counts everyone else's work.
#pragma once

#include <chrono>
#include <string>

namespace medallion::cli {

struct PhaseTime {
  double wall_seconds = 0;
  double cpu_seconds = 0;
};

class PhaseClock {
 public:
  PhaseClock();

  // Time since the previous Lap (or the start); starts the next phase.
  PhaseTime Lap();
  // Time since the start.
  PhaseTime Total() const;

 private:
  struct Mark {
    std::chrono::steady_clock::time_point wall;
    double cpu_seconds;
  };
  static Mark Now();
  static PhaseTime Between(const Mark& from, const Mark& to);

  Mark start_, lap_;
};

// "850ms", "8.3s", "1m12s".
std::string FormatSeconds(double seconds);
// "1m12s (CPU 1m30s)".
std::string FormatPhaseTime(const PhaseTime& time);

}  // namespace medallion::cli
