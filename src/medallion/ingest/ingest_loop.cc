#include "medallion/ingest/ingest_loop.h"

#include <arrow/api.h>
#include <spdlog/spdlog.h>

#include <time.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace medallion::ingest {

namespace {

bool Drained(const KafkaSource& source) {
  if (source.assignment().empty()) return false;  // not joined yet
  const auto lags = source.Lag();
  if (lags.size() != source.assignment().size()) return false;
  for (const auto& l : lags) {
    // committed holds the consumer position here; -1 before the first fetch.
    if (l.committed < 0 ? l.high > l.low : l.committed < l.high) return false;
  }
  return true;
}

// One batch being written on the writer thread while the polling thread
// reads and builds the next one (double buffering: reading never waits for
// Parquet encoding or the Delta commit). At most one write is in flight, so
// batches still commit in poll order. Only the polling thread calls these.
// The writer is one thread for the whole run, not one per batch: a fresh
// thread starts with a fresh allocator heap, and the Parquet writer's
// buffers then came from new pages the kernel had to fault in and zero
// (about a tenth of ingest's CPU).
class WriteInFlight {
 public:
  explicit WriteInFlight(BronzeSink& sink) : sink_(sink), thread_([this] { Run(); }) {}
  ~WriteInFlight() {
    Settle();
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void Start(BronzeBatch batch) {
    {
      std::lock_guard lock(mu_);
      batch_ = std::move(batch);
      state_ = State::kWriting;
    }
    changed_.notify_all();
  }

  // Waits for the write in flight, if any, to end.
  void Settle() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return state_ != State::kWriting; });
  }

  // After Settle: the batch written, how its write went and the CPU
  // seconds it took, once.
  bool TakeFinished(BronzeBatch* batch, Status* status, double* cpu_seconds) {
    std::lock_guard lock(mu_);
    if (state_ != State::kFinished) return false;
    state_ = State::kIdle;
    *batch = std::move(batch_);
    *status = std::move(status_);
    *cpu_seconds = cpu_seconds_;
    return true;
  }

 private:
  enum class State { kIdle, kWriting, kFinished };

  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      changed_.wait(lock, [this] { return quit_ || state_ == State::kWriting; });
      if (state_ != State::kWriting) return;  // quit_ with nothing to write
      lock.unlock();
      const double cpu_before = ThreadCpuSeconds();
      Status status = WriteCatching();
      const double cpu = ThreadCpuSeconds() - cpu_before;
      lock.lock();
      status_ = std::move(status);
      cpu_seconds_ = cpu;
      state_ = State::kFinished;
      changed_.notify_all();
    }
  }

  // An exception (an allocation failure) must not end the process on this
  // thread with the consumer still in its group: it becomes the write's error.
  Status WriteCatching() {
    try {
      return sink_.Write(batch_);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("writing a batch: ") + e.what());
    } catch (...) {
      return Status::Internal("writing a batch: unknown exception");
    }
  }

  BronzeSink& sink_;
  std::mutex mu_;
  std::condition_variable changed_;
  State state_ = State::kIdle;
  bool quit_ = false;
  BronzeBatch batch_;  // the writer's alone while kWriting
  Status status_;
  double cpu_seconds_ = 0;
  std::thread thread_;  // last: starts once the members it uses exist
};

// Clears the barrier on the way out: it refers to this loop's locals.
struct BarrierGuard {
  KafkaSource& source;
  ~BarrierGuard() { source.SetRebalanceBarrier({}); }
};

}  // namespace

double ThreadCpuSeconds() {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Status RunIngestLoop(KafkaSource& source, BronzeSink& sink, const IngestLoopOptions& options,
                     const std::atomic<bool>& stop, const std::function<void(const IngestProgress&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  IngestProgress p;
  WriteInFlight writing(sink);
  // A partition changes owner only once the batch in flight is committed
  // (or rejected): the next owner resumes after what this member wrote.
  source.SetRebalanceBarrier([&writing] { writing.Settle(); });
  BarrierGuard clear_barrier{source};

  // Set when a batch was refused: the one polled behind it (and everything
  // taken since) is dropped and the partitions are read again from Bronze.
  bool rewind = false;
  // Accounts for the write in flight once it has ended.
  auto finish_write = [&]() -> Status {
    writing.Settle();
    BronzeBatch batch;
    Status written;
    double cpu_seconds = 0;
    if (!writing.TakeFinished(&batch, &written, &cpu_seconds)) return Status::OK();
    p.writer_cpu_seconds += cpu_seconds;
    if (written.IsConflict()) {
      // Usually another member owns these partitions now and wrote them (the
      // rebalance that tells us so reaches us in a poll); or the commit gave
      // up. Either way the batches polled behind this one no longer follow
      // what Bronze holds: writing them would leave a gap.
      ++p.conflicts;
      rewind = true;
      spdlog::warn("dropped a batch the Bronze log refused: {}", written.message());
      return Status::OK();
    }
    MEDALLION_RETURN_IF_ERROR(written);
    ++p.batches;
    p.records += batch.records->num_rows();
    p.dead_letters += batch.dead_letters->num_rows();
    if (const Status st = source.CommitForMonitoring(batch); !st.ok()) {
      spdlog::warn("{}", st.message());  // monitoring only; the data is safe
    }
    if (progress) progress(p);
    return Status::OK();
  };

  int idle = 0;
  while (!stop.load()) {
    if (options.max_seconds > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= options.max_seconds) {
      break;
    }
    Result<BronzeBatch> polled = source.PollBatch();
    // A failed write is the first error; a failed poll the second.
    MEDALLION_RETURN_IF_ERROR(finish_write());
    if (rewind) {
      rewind = false;
      MEDALLION_RETURN_IF_ERROR(source.RewindToStored());
      continue;  // `polled` is read again
    }
    MEDALLION_RETURN_IF_ERROR(polled.status());
    if (polled->empty()) {
      if (options.until_idle) {
        if (Drained(source) && ++idle >= options.idle_polls) break;
        // Every partition reported its end, but not at the high watermark
        // (an open transaction holds the stable offset below it): the poll
        // returns at once, so wait a little instead of spinning.
        if (!Drained(source)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      continue;
    }
    idle = 0;
    writing.Start(std::move(*polled));
  }
  return finish_write();
}

}  // namespace medallion::ingest
