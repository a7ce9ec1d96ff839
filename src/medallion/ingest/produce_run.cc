#include "medallion/ingest/produce_run.h"

#include <chrono>
#include <thread>
#include <vector>

#include "medallion/ingest/bad_records.h"
#include "medallion/ingest/calendar.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/ingest/ticks_generator.h"

namespace medallion::ingest {

namespace {

using Clock = std::chrono::steady_clock;

class Run {
 public:
  Run(const ProduceRunOptions& o, Producer& producer, LagProbe* lag, const std::atomic<bool>& stop,
      const std::function<void(const ProduceProgress&)>& progress)
      : o_(o), producer_(producer), lag_(lag), stop_(stop), progress_(progress) {}

  bool done() const { return stop_.load() || (o_.max_events > 0 && state_.sent >= o_.max_events); }

  Status Send(const KafkaRecord& r) {
    MEDALLION_RETURN_IF_ERROR(Gate());
    if (done()) return Status::OK();
    MEDALLION_RETURN_IF_ERROR(producer_.Send(o_.topic, r));
    ++state_.sent;
    if (!r.Header(kBadKindHeader).empty()) ++state_.bad;
    Report(false);
    return Status::OK();
  }

  void Report(bool force) {
    const auto now = Clock::now();
    if (!force && now - last_report_ < std::chrono::seconds(1)) return;
    last_report_ = now;
    state_.delivered = producer_.delivered();
    state_.failed = producer_.failed();
    if (progress_) progress_(state_);
  }

  void set_live() { state_.live = true; }

 private:
  // Waits while the consumer group is too far behind. Lag counts records
  // still in the producer's queue too: they are about to land.
  Status Gate() {
    if (o_.max_lag <= 0 || !lag_) return Status::OK();
    const int64_t check_every = std::max<int64_t>(1, std::min<int64_t>(1000, o_.max_lag / 4));
    if (state_.sent % check_every != 0) return Status::OK();
    for (;;) {
      MEDALLION_ASSIGN_OR_RETURN(const int64_t broker_lag, lag_->MaxLag(o_.topic));
      state_.lag = broker_lag + producer_.in_flight();
      // Hysteresis: once paused, resume at half the limit.
      const int64_t limit = state_.waiting ? o_.max_lag / 2 : o_.max_lag - check_every;
      if (state_.lag <= limit || stop_.load()) {
        state_.waiting = false;
        return Status::OK();
      }
      state_.waiting = true;
      Report(false);
      producer_.Poll(200);
    }
  }

  const ProduceRunOptions& o_;
  Producer& producer_;
  LagProbe* lag_;
  const std::atomic<bool>& stop_;
  const std::function<void(const ProduceProgress&)>& progress_;
  ProduceProgress state_;
  Clock::time_point last_report_ = Clock::now();
};

// Sends `next()` records at `rate` per second until the duration ends.
template <typename Next>
Status Live(const ProduceRunOptions& o, Run& run, Next next) {
  if (o.rate <= 0) return Status::OK();
  run.set_live();
  const auto start = Clock::now();
  int64_t sent = 0;
  while (!run.done()) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (o.duration_s > 0 && elapsed >= o.duration_s) break;
    const int64_t due = static_cast<int64_t>(elapsed * o.rate) + 1;
    if (sent >= due) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      run.Report(false);
      continue;
    }
    std::vector<KafkaRecord> records;
    next(NowMillis(), &records);
    for (const auto& r : records) MEDALLION_RETURN_IF_ERROR(run.Send(r));
    ++sent;
  }
  return Status::OK();
}

}  // namespace

Status RunProduce(const ProduceRunOptions& o, Producer& producer, LagProbe* lag, const std::atomic<bool>& stop,
                  const std::function<void(const ProduceProgress&)>& progress) {
  Run run(o, producer, lag, stop, progress);
  const int32_t end = o.history_end != 0 ? o.history_end : TodayUtc();
  if (o.topic == "orders") {
    OrdersOptions oo;
    oo.seed = o.seed;
    oo.num_products = o.num_products;
    oo.num_customers = o.num_customers;
    oo.total_daily_units = o.daily_units;
    oo.history_end = end;
    oo.history_days = o.history_days;
    OrdersGenerator gen(oo);
    BadRecordOptions bo;
    bo.seed = o.seed;
    bo.fraction = o.bad_fraction;
    bo.heavy_every = o.heavy_bad_every;
    BadRecordMixer mixer(bo);
    for (int32_t d = end - o.history_days; d < end && !run.done(); ++d) {
      for (const auto& e : gen.Day(d)) {
        std::vector<KafkaRecord> records;
        mixer.Mix(gen.Encode(e), &records);
        for (const auto& r : records) MEDALLION_RETURN_IF_ERROR(run.Send(r));
        if (run.done()) break;
      }
    }
    MEDALLION_RETURN_IF_ERROR(Live(o, run, [&](int64_t now, std::vector<KafkaRecord>* out) {
      mixer.Mix(gen.Encode(gen.Live(now)), out);
    }));
  } else if (o.topic == "ticks") {
    TicksOptions to;
    to.seed = o.seed;
    TicksGenerator gen(to);
    for (int32_t d = end - o.history_days; d < end && !run.done(); ++d) {
      for (const auto& t : gen.Day(d)) {
        MEDALLION_RETURN_IF_ERROR(run.Send(gen.Encode(t)));
        if (run.done()) break;
      }
    }
    MEDALLION_RETURN_IF_ERROR(Live(o, run, [&](int64_t now, std::vector<KafkaRecord>* out) {
      out->push_back(gen.Encode(gen.Live(now)));
    }));
  } else {
    return Status::InvalidArgument("unknown topic '" + o.topic + "': the generator knows 'orders' and 'ticks'");
  }
  // Deliver what is queued; keep serving progress while waiting.
  Status flushed;
  for (int i = 0; i < 120; ++i) {
    flushed = producer.Flush(std::chrono::milliseconds(1000));
    run.Report(true);
    if (flushed.code() != StatusCode::kTimeout) break;
  }
  return flushed;
}

}  // namespace medallion::ingest
