#include "medallion/ingest/kafka_source.h"

#include <arrow/api.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "medallion/ingest/calendar.h"

namespace medallion::ingest {

namespace {

constexpr int kWatermarkTimeoutMs = 5000;
// Attempts at a seek of an unreadable batch's search before ingest stops.
constexpr int kMaxSeekFailures = 20;
// While records flow, the batch deadline is looked at only every this many
// polls: reading the clock per record was a measurable share of ingest CPU.
constexpr int kPollsPerDeadlineCheck = 64;
constexpr size_t kQueueChunk = 256;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Where(const std::string& topic, int32_t partition) {
  return topic + " [" + std::to_string(partition) + "]";
}

RecordView ViewOf(const rd_kafka_message_t* m, const std::string& topic) {
  RecordView v;
  v.topic = topic;
  v.partition = m->partition;
  v.offset = m->offset;
  rd_kafka_timestamp_type_t type;
  const int64_t ts = rd_kafka_message_timestamp(m, &type);
  if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts >= 0) v.timestamp_ms = ts;
  v.key = static_cast<const char*>(m->key);
  v.key_len = m->key_len;
  v.value = static_cast<const char*>(m->payload);
  v.value_len = m->len;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      v.headers.emplace_back(std::string_view(name),
                             value ? std::optional<std::string_view>(std::string_view(static_cast<const char*>(value), size))
                                   : std::nullopt);
    }
  }
  return v;
}

int64_t SizeOf(const rd_kafka_message_t* m) { return static_cast<int64_t>(m->len + m->key_len); }

// Errors that mean the bytes at an offset cannot be turned into records
// (librdkafka's own decoding, or the broker saying its log is corrupt):
// fetching again returns the same bytes.
bool IsUndecodable(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__BAD_MSG || err == RD_KAFKA_RESP_ERR__BAD_COMPRESSION ||
         err == RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED || err == RD_KAFKA_RESP_ERR_INVALID_MSG;  // the broker's CORRUPT_MESSAGE
}

}  // namespace

Result<std::unique_ptr<KafkaSource>> KafkaSource::Open(KafkaSourceOptions options, OffsetStore* offsets) {
  if (options.bootstrap.empty() || options.topic.empty() || options.group_id.empty()) {
    return Status::InvalidArgument("Kafka source needs bootstrap, topic and group");
  }
  if (!offsets) return Status::InvalidArgument("Kafka source needs an offset store");
  if (options.max_batch_records < 1 || options.max_batch_records > kMaxBatchRecords || options.max_batch_bytes < 1 ||
      options.max_batch_bytes > kMaxBatchBytes || options.max_batch_wait.count() < 1) {
    return Status::InvalidArgument(fmt::format(
        "batch limits must be 1 to {} records, 1 byte to {} MiB and at least 1 ms; got {} records, {} bytes, {} ms",
        kMaxBatchRecords, kMaxBatchBytes >> 20, options.max_batch_records, options.max_batch_bytes,
        options.max_batch_wait.count()));
  }
  if (auto it = options.extra.find("auto.offset.reset"); it != options.extra.end() && it->second != "error") {
    return Status::InvalidArgument("auto.offset.reset=" + it->second +
                                   ": ingest positions from Bronze's txn and must report offsets deleted before it "
                                   "read them (data loss) instead of jumping over them");
  }
  if (auto it = options.extra.find("enable.partition.eof"); it != options.extra.end() && it->second != "true") {
    return Status::InvalidArgument("enable.partition.eof=" + it->second +
                                   ": ingest needs partition end events (--until-idle, unreadable batches)");
  }
  if (auto it = options.extra.find("partition.assignment.strategy");
      it != options.extra.end() && it->second.find("cooperative") != std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "partition.assignment.strategy={}: ingest needs an eager strategy (range, roundrobin), since it commits the "
        "batch in flight before any partition moves and seeks every assigned partition to Bronze's offsets",
        it->second));
  }
  std::unique_ptr<KafkaSource> s(new KafkaSource());
  s->options_ = std::move(options);
  s->offsets_ = offsets;
  KafkaConfig config = {
      {"bootstrap.servers", s->options_.bootstrap},
      {"group.id", s->options_.group_id},
      // Positions come from the offset store; Kafka's commits are only
      // written explicitly, for monitoring.
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // Never jump silently: a missing offset must surface as an error.
      {"auto.offset.reset", "error"},
      // Tells when a partition is read to its end (return_at_end).
      {"enable.partition.eof", "true"},
      // Eager protocol: the callback below assigns whole lists.
      {"partition.assignment.strategy", "range,roundrobin"},
      {"fetch.message.max.bytes", std::to_string(8 << 20)},
      {"queued.max.messages.kbytes", std::to_string(256 * 1024)},
      // librdkafka 2.0 stops fetching a partition once 100 000 records wait
      // in its queue and resumes only on a later fetch round: reading a
      // backlog stalled 0.8-1.6 s per million records (bench/ingest). The
      // byte cap above still bounds the memory.
      {"queued.min.messages", "1000000"},
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "1000"},
      {"log_level", "4"},
  };
  for (const auto& [k, v] : s->options_.extra) config[k] = v;
  MEDALLION_ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(config));
  if (s->options_.fetch_thread_nice != 0) LowerBrokerThreadPriority(conf.get(), s->options_.fetch_thread_nice);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::OnRebalance);
  rd_kafka_conf_set_opaque(conf.get(), s.get());
  MEDALLION_ASSIGN_OR_RETURN(s->rk_, NewKafkaHandle(RD_KAFKA_CONSUMER, std::move(conf)));
  rd_kafka_poll_set_consumer(s->rk_.get());
  s->queue_.reset(rd_kafka_queue_get_consumer(s->rk_.get()));
  if (!s->queue_) return Status::Internal("librdkafka has no consumer queue for '" + s->options_.topic + "'");
  s->LearnPartitionLeaders();
  TopicPartitionList topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), s->options_.topic.c_str(), RD_KAFKA_PARTITION_UA);
  MEDALLION_RETURN_IF_ERROR(
      KafkaError(rd_kafka_subscribe(s->rk_.get(), topics.get()), "subscribe to '" + s->options_.topic + "'"));
  return s;
}

void KafkaSource::LearnPartitionLeaders() {
  // Partitions assigned to start at OFFSET_BEGINNING (a first ingest) need an
  // offset lookup at their leader. If the assignment arrives before
  // librdkafka has the topic's leaders, librdkafka 2.0 retries that lookup on
  // a fixed 500 ms timer: in about half the runs the first record came
  // 0.5 s late (bench/ingest). Asking for the topic's metadata first fills
  // its cache. Best effort: a topic that does not exist yet is fine here.
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk_.get(), options_.topic.c_str(), nullptr);
  if (topic == nullptr) return;
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(rk_.get(), 0, topic, &metadata, kWatermarkTimeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(topic);
}

KafkaSource::~KafkaSource() {
  for (auto* m : pending_) rd_kafka_message_destroy(m);
  pending_.clear();
  for (size_t i = queued_next_; i < queued_.size(); ++i) {
    if (queued_[i]) rd_kafka_message_destroy(queued_[i]);
  }
  queued_.clear();
  if (rk_ && !closed_) (void)Close();
}

void KafkaSource::OnRebalance(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                              void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  if (self->rebalance_barrier_) self->rebalance_barrier_();
  self->counters_.rebalances.fetch_add(1);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    self->Assign(parts);
  } else {
    self->Revoke(parts);
  }
}

void KafkaSource::NoteError(Status st) {
  if (pending_error_.ok()) pending_error_ = std::move(st);
}

void KafkaSource::Assign(rd_kafka_topic_partition_list_t* parts) {
  ++generation_;
  assigned_.clear();
  ForgetPositions();
  for (int i = 0; i < parts->cnt; ++i) {
    rd_kafka_topic_partition_t& tp = parts->elems[i];
    const std::string topic = tp.topic;
    assigned_.push_back(tp.partition);
    auto last = offsets_->LastWritten(KafkaAppId(options_.group_id, topic, tp.partition));
    if (!last.ok()) {
      // Cannot know where to resume: consuming anything would risk
      // duplicates or gaps. Fail the next poll.
      NoteError(last.status().WithContext("offset store for " + Where(topic, tp.partition)));
      tp.offset = RD_KAFKA_OFFSET_END;
      continue;
    }
    int64_t low = 0, high = 0;
    const Status wm = KafkaError(
        rd_kafka_query_watermark_offsets(rk_.get(), topic.c_str(), tp.partition, &low, &high, kWatermarkTimeoutMs),
        "watermarks of " + Where(topic, tp.partition));
    if (last->has_value()) {
      const int64_t next = **last + 1;
      tp.offset = next;
      next_expected_[tp.partition] = next;
      if (wm.ok() && next < low) {
        counters_.data_loss.fetch_add(1);
        NoteError(Status::DataLoss(fmt::format(
            "{}: resuming at offset {} but the log now starts at {}: {} records were deleted before ingest read "
            "them",
            Where(topic, tp.partition), next, low, low - next)));
      } else if (wm.ok() && next > high) {
        counters_.data_loss.fetch_add(1);
        NoteError(Status::DataLoss(fmt::format(
            "{}: Bronze already holds offsets up to {} but the log ends at {}: the topic was recreated or the "
            "broker lost acknowledged records",
            Where(topic, tp.partition), next - 1, high)));
      }
    } else {
      tp.offset = RD_KAFKA_OFFSET_BEGINNING;
      if (wm.ok() && low > 0) {
        spdlog::warn("{}: first ingest starts at offset {}; earlier records are no longer in the log",
                     Where(topic, tp.partition), low);
      }
    }
  }
  counters_.assigned_partitions.store(static_cast<int64_t>(assigned_.size()));
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), parts);
  if (err) NoteError(KafkaError(err, "assign partitions of '" + options_.topic + "'"));
}

void KafkaSource::ForgetPositions() {
  next_expected_.clear();
  at_end_.clear();
  unreadable_.clear();
  seek_retries_.clear();
  unreadable_ranges_.clear();
}

int64_t KafkaSource::DropTaken(const std::function<bool(const rd_kafka_message_t*)>& which) {
  int64_t dropped = 0;
  std::erase_if(pending_, [&](rd_kafka_message_t* m) {
    if (!which(m)) return false;
    rd_kafka_message_destroy(m);
    ++dropped;
    return true;
  });
  for (size_t i = queued_next_; i < queued_.size(); ++i) {
    if (!queued_[i] || !which(queued_[i])) continue;
    rd_kafka_message_destroy(queued_[i]);
    queued_[i] = nullptr;  // skipped by NextQueued
    ++dropped;
  }
  return dropped;
}

void KafkaSource::Revoke(rd_kafka_topic_partition_list_t* parts) {
  ++generation_;
  // The records of revoked partitions polled in this round are not ours to
  // write any more; their new owner re-reads them from the stored offsets.
  auto revoked = [&](const rd_kafka_message_t* m) {
    for (int i = 0; i < parts->cnt; ++i) {
      if (parts->elems[i].partition == m->partition) return true;
    }
    return false;
  };
  counters_.dropped_on_revoke.fetch_add(DropTaken(revoked));
  assigned_.clear();
  ForgetPositions();
  counters_.assigned_partitions.store(0);
  rd_kafka_assign(rk_.get(), nullptr);
}

Status KafkaSource::RewindToStored() {
  const int64_t dropped = DropTaken([](const rd_kafka_message_t*) { return true; });
  counters_.dropped_on_rewind.fetch_add(dropped);
  ForgetPositions();
  if (assigned_.empty()) return Status::OK();
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)> seek(
      rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())), &rd_kafka_topic_partition_list_destroy);
  for (int32_t partition : assigned_) {
    auto last = offsets_->LastWritten(KafkaAppId(options_.group_id, options_.topic, partition));
    if (!last.ok()) return last.status().WithContext("offset store for " + Where(options_.topic, partition));
    rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_add(seek.get(), options_.topic.c_str(), partition);
    if (last->has_value()) {
      tp->offset = **last + 1;
      next_expected_[partition] = tp->offset;
    } else {
      tp->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  if (rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_.get(), seek.get(), kWatermarkTimeoutMs)) {
    const std::string message = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    return Status::IOError("rewinding '" + options_.topic + "' to Bronze's offsets: " + message);
  }
  for (int i = 0; i < seek->cnt; ++i) {
    if (seek->elems[i].err) {
      return KafkaError(seek->elems[i].err, "rewinding " + Where(options_.topic, seek->elems[i].partition));
    }
  }
  spdlog::warn("{}: read again from Bronze's offsets after a refused batch ({} records taken past them dropped)",
               options_.topic, dropped);
  return Status::OK();
}

Result<BronzeBatch> KafkaSource::PollBatch() {
  if (closed_) return Status::Cancelled("Kafka source for '" + options_.topic + "' is closed");
  const auto deadline = std::chrono::steady_clock::now() + options_.max_batch_wait;
  int64_t bytes = 0;
  auto fail = [&](Status st) -> Result<BronzeBatch> {
    for (auto* m : pending_) rd_kafka_message_destroy(m);
    pending_.clear();
    return st;
  };
  for (int polls = 1;
       static_cast<int64_t>(pending_.size()) < options_.max_batch_records && bytes < options_.max_batch_bytes;
       ++polls) {
    if (!pending_error_.ok()) return fail(std::exchange(pending_error_, Status::OK()));
    if (!seek_retries_.empty()) {
      if (Status st = RetrySeeks(); !st.ok()) return fail(st);
    }
    auto time_left = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    };
    if (polls % kPollsPerDeadlineCheck == 0 && time_left() <= 0) break;
    // Take what is queued without waiting; wait (up to the deadline) only
    // when nothing is, unless every partition is at its end and asked to
    // return there.
    rd_kafka_message_t* m = NextQueued();
    const auto at_end = [&] {
      return options_.return_at_end && unreadable_.empty() && (AllAtEnd() || ReachedHighWatermarks());
    };
    if (!m && pending_error_.ok() && !at_end()) {
      const int64_t left = time_left();
      if (left <= 0) break;
      m = rd_kafka_consumer_poll(rk_.get(), static_cast<int>(std::min<int64_t>(left, 100)));
    }
    if (!pending_error_.ok()) {  // set by a rebalance inside that poll
      if (m) rd_kafka_message_destroy(m);
      return fail(std::exchange(pending_error_, Status::OK()));
    }
    if (!m) {
      if (at_end()) break;
      continue;
    }
    if (m->err) {
      const rd_kafka_resp_err_t err = m->err;
      const int32_t partition = m->partition;
      const int64_t offset = m->offset;
      std::string detail = rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      const bool assigned = std::find(assigned_.begin(), assigned_.end(), partition) != assigned_.end();
      if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (!assigned || seek_retries_.count(partition)) continue;  // not ours, or from before a seek to make
        if (auto u = unreadable_.find(partition); u != unreadable_.end() && u->second.probe()) {
          auto settled = OnProbeAnswer(partition, /*read=*/true);  // nothing at the probe: past the batch
          if (!settled.ok()) return fail(settled.status());
          if (*settled) break;
          continue;
        }
        at_end_.insert(partition);
        continue;
      }
      if (assigned && offset >= 0 && IsUndecodable(err)) {
        if (seek_retries_.count(partition)) continue;  // from before a seek that is still to be made
        counters_.consumer_errors.fetch_add(1);
        auto settled = OnUnreadable(partition, err, offset, detail);
        if (!settled.ok()) return fail(settled.status());
        if (*settled) break;  // its dead letters close this batch
        continue;
      }
      if (err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE || err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
        counters_.data_loss.fetch_add(1);
        return fail(Status::DataLoss(fmt::format("{}: offset {} is no longer in the log ({}); records were deleted "
                                                 "before ingest read them",
                                                 Where(options_.topic, partition), offset, detail)));
      }
      char reason[512];
      if (rd_kafka_fatal_error(rk_.get(), reason, sizeof(reason)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return fail(Status::IOError(std::string("Kafka consumer fatal error: ") + reason));
      }
      counters_.consumer_errors.fetch_add(1);
      spdlog::warn("Kafka consumer ({}): {}", options_.topic, detail);
      continue;
    }
    if (seek_retries_.count(m->partition)) {
      rd_kafka_message_destroy(m);  // read again once the seek is made
      continue;
    }
    if (auto u = unreadable_.find(m->partition); u != unreadable_.end() && m->offset >= u->second.start()) {
      UnreadableRange& range = u->second;
      const int32_t partition = m->partition;
      if (!range.confirmed() && m->offset == range.start()) {
        // The failure was a fluke, or not in ingest's way: take it.
        spdlog::warn("{}: offset {} reads; the failing batch at offset {} is not in ingest's way",
                     Where(options_.topic, partition), range.start(), range.base());
        unreadable_.erase(u);
      } else if (!range.confirmed()) {
        // librdkafka moved past the batch by itself (it does after a CRC
        // error): the offsets it skipped are the batch's. `m` is read
        // again after the seek to the batch's end.
        const int64_t next = m->offset;
        rd_kafka_message_destroy(m);
        auto settled = SettleSkipped(partition, next);
        if (!settled.ok()) return fail(settled.status());
        break;
      } else {
        const bool answers = range.probe() && m->offset >= *range.probe();
        rd_kafka_message_destroy(m);  // read again after the final seek
        if (!answers) continue;
        auto settled = OnProbeAnswer(partition, /*read=*/true);
        if (!settled.ok()) return fail(settled.status());
        if (*settled) break;
        continue;
      }
    }
    at_end_.erase(m->partition);
    bytes += SizeOf(m);
    pending_.push_back(m);
  }
  return Build(pending_);
}

rd_kafka_message_t* KafkaSource::NextQueued() {
  while (true) {
    while (queued_next_ < queued_.size()) {
      if (rd_kafka_message_t* m = queued_[queued_next_++]) return m;
    }
    // Serves rebalance callbacks too, as rd_kafka_consumer_poll does, and
    // Revoke looks at queued_ from inside them: it must hold nothing then.
    // Records of a revoked assignment are not returned (librdkafka drops
    // outdated ones).
    queued_.clear();
    queued_next_ = 0;
    std::array<rd_kafka_message_t*, kQueueChunk> taken;
    const ssize_t n = rd_kafka_consume_batch_queue(queue_.get(), 0, taken.data(), taken.size());
    if (n <= 0) return nullptr;
    queued_.assign(taken.begin(), taken.begin() + n);
  }
}

Result<BronzeBatch> KafkaSource::Build(std::vector<rd_kafka_message_t*>& messages) {
  BronzeBatchBuilder bronze;
  DeadLetterBuilder dead;
  std::map<int32_t, PartitionRange> ranges;
  int64_t rows = 0, key_bytes = 0, value_bytes = 0;
  for (const rd_kafka_message_t* m : messages) {
    if (m->len > options_.max_value_bytes) continue;
    ++rows;
    key_bytes += static_cast<int64_t>(m->key_len);
    value_bytes += static_cast<int64_t>(m->len);
  }
  Status st = bronze.Reserve(rows, rows * static_cast<int64_t>(options_.topic.size()), key_bytes, value_bytes);
  int64_t bytes = 0;
  // Records come in runs of one partition: its range and next expected
  // offset are looked up once per run, not per record.
  int32_t partition = -1;
  PartitionRange* range = nullptr;
  auto expected = next_expected_.end();
  for (const rd_kafka_message_t* m : messages) {
    if (!st.ok()) break;
    if (m->partition != partition || !range) {
      partition = m->partition;
      expected = next_expected_.find(partition);
      auto r = ranges.find(partition);
      range = r == ranges.end() ? nullptr : &r->second;
    }
    const bool known = expected != next_expected_.end();
    if (known && m->offset < expected->second) {
      // Taken already: librdkafka before 2.1.1 can deliver records again
      // after a leader change. Writing it again would duplicate it.
      counters_.redelivered.fetch_add(1);
      continue;
    }
    RecordView v = ViewOf(m, options_.topic);
    bytes += SizeOf(m);
    for (const auto& [k, hv] : v.headers) bytes += static_cast<int64_t>(k.size() + (hv ? hv->size() : 0));
    if (!range) {
      // From the position it was read at: offsets without a record before
      // the first one (a transaction marker, compaction) belong to it too,
      // so consecutive batches of a partition always join up.
      const int64_t from = known ? expected->second : m->offset;
      range = &ranges.try_emplace(partition, PartitionRange{partition, from, m->offset, 0}).first->second;
    }
    range->last_offset = m->offset;
    ++range->records;
    if (!known) {
      expected = next_expected_.emplace(partition, m->offset + 1).first;
    } else {
      if (m->offset != expected->second) {
        counters_.offset_gaps.fetch_add(1);
        spdlog::warn("{}: expected offset {} next, got {}", Where(options_.topic, partition), expected->second,
                     m->offset);
      }
      expected->second = m->offset + 1;
    }
    if (m->len > options_.max_value_bytes) {
      st = dead.Append(v, fmt::format("value of {} bytes exceeds the ingest limit of {} bytes", m->len,
                                      options_.max_value_bytes));
    } else {
      st = bronze.Append(v);
    }
  }
  for (auto* m : messages) rd_kafka_message_destroy(m);
  messages.clear();
  // Settled unreadable batches, after the records of their partitions taken
  // before them: every offset a dead letter, so the partition stays
  // contiguous and its txn moves past them.
  for (const auto& [p, unreadable] : unreadable_ranges_) {
    if (!st.ok()) break;
    const std::string reason = fmt::format("Kafka cannot decode the record batch at offset {} (offsets {}..{}): {}",
                                           unreadable.base(), unreadable.start(), unreadable.end() - 1,
                                           unreadable.reason());
    auto known = next_expected_.find(p);
    const int64_t from = known != next_expected_.end() ? known->second : unreadable.start();
    auto [range_it, fresh] = ranges.try_emplace(p, PartitionRange{p, from, unreadable.start(), 0});
    if (known != next_expected_.end() && known->second != unreadable.start()) {
      counters_.offset_gaps.fetch_add(1);
      spdlog::warn("{}: expected offset {} next, got {}", Where(options_.topic, p), known->second, unreadable.start());
    }
    for (int64_t o = unreadable.start(); o < unreadable.end() && st.ok(); ++o) {
      RecordView v;
      v.topic = options_.topic;
      v.partition = p;
      v.offset = o;
      st = dead.Append(v, reason);
    }
    range_it->second.last_offset = unreadable.end() - 1;
    range_it->second.records += unreadable.end() - unreadable.start();
    next_expected_[p] = unreadable.end();
    counters_.unreadable.fetch_add(unreadable.end() - unreadable.start());
  }
  unreadable_ranges_.clear();
  MEDALLION_RETURN_IF_ERROR(st);
  const int64_t now = NowMicros();
  BronzeBatch batch;
  batch.generation = generation_;
  MEDALLION_ASSIGN_OR_RETURN(batch.records, bronze.Finish(now));
  MEDALLION_ASSIGN_OR_RETURN(batch.dead_letters, dead.Finish(now));
  for (const auto& [p, r] : ranges) batch.partitions.push_back(r);
  if (!batch.empty()) {
    counters_.batches.fetch_add(1);
    counters_.records.fetch_add(batch.records->num_rows() + batch.dead_letters->num_rows());
    counters_.dead_letters.fetch_add(batch.dead_letters->num_rows());
    counters_.bytes.fetch_add(bytes);
  }
  return batch;
}

Status KafkaSource::CommitForMonitoring(const BronzeBatch& batch) {
  if (batch.empty() || closed_) return Status::OK();
  TopicPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(batch.partitions.size())));
  for (const auto& r : batch.partitions) {
    rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), r.partition)->offset = r.last_offset + 1;
  }
  const rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), /*async=*/1);
  // Losing the partition meanwhile is normal: the new owner commits.
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET || err == RD_KAFKA_RESP_ERR__STATE) return Status::OK();
  return KafkaError(err, "commit offsets of '" + options_.topic + "' for monitoring");
}

Status KafkaSource::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_.get());
  return KafkaError(err, "leave consumer group '" + options_.group_id + "'");
}

std::vector<int32_t> KafkaSource::assignment() const { return assigned_; }

int64_t KafkaSource::NextToTake(int32_t p) const {
  int64_t next = -1;
  if (auto built = next_expected_.find(p); built != next_expected_.end()) next = built->second;
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    if ((*it)->partition == p) {
      next = std::max(next, (*it)->offset + 1);
      break;
    }
  }
  return next;
}

Status KafkaSource::SeekPartition(int32_t p, int64_t offset) {
  // Records of `p` already taken from librdkafka's queue predate the seek.
  for (size_t i = queued_next_; i < queued_.size(); ++i) {
    if (queued_[i] && queued_[i]->partition == p) {
      rd_kafka_message_destroy(queued_[i]);
      queued_[i] = nullptr;
    }
  }
  TopicPartitionList seek(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(seek.get(), options_.topic.c_str(), p)->offset = offset;
  if (rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_.get(), seek.get(), kWatermarkTimeoutMs)) {
    const std::string message = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    return Status::IOError(fmt::format("seeking {} to offset {}: {}", Where(options_.topic, p), offset, message));
  }
  if (seek->elems[0].err) return KafkaError(seek->elems[0].err, "seeking " + Where(options_.topic, p));
  return Status::OK();
}

Result<bool> KafkaSource::OnUnreadable(int32_t p, rd_kafka_resp_err_t err, int64_t base, const std::string& reason) {
  auto it = unreadable_.find(p);
  if (it == unreadable_.end()) {
    // The first offset not taken yet: the search checks first that it is in
    // the failing batch at all (librdkafka may be refetching older offsets).
    int64_t low = -1, high = -1;
    (void)rd_kafka_get_watermark_offsets(rk_.get(), options_.topic.c_str(), p, &low, &high);
    const int64_t next = NextToTake(p);
    if (next >= 0 && low > next) {
      // Retention deleted what ingest had not read while it was stuck.
      counters_.data_loss.fetch_add(1);
      return Status::DataLoss(fmt::format("{}: offsets {}..{} are no longer in the log; records were deleted before "
                                          "ingest read them (it was stuck at a batch it cannot decode: {})",
                                          Where(options_.topic, p), next, low - 1, reason));
    }
    const int64_t start = next >= 0 ? std::max(base, next) : std::max(base, low);
    spdlog::warn("{}: Kafka cannot decode the record batch at offset {} ({}); checking whether its offsets must go "
                 "to dead letters",
                 Where(options_.topic, p), base, reason);
    unreadable_.emplace(p, UnreadableRange(start, base, reason));
    return OnProbeAnswer(p, /*read=*/false);  // sends the first probe
  }
  UnreadableRange& range = it->second;
  if (!range.probe()) return false;  // librdkafka's own refetch, before a probe went out
  // librdkafka reports its decoding errors at the batch's base offset, the
  // broker's (CORRUPT_MESSAGE) at the offset fetched.
  const bool failed = base == range.base() || (err == RD_KAFKA_RESP_ERR_INVALID_MSG && base == *range.probe());
  if (!failed && !range.confirmed()) {  // not the batch the search began at: start over
    unreadable_.erase(it);
    return OnUnreadable(p, err, base, reason);
  }
  return OnProbeAnswer(p, /*read=*/!failed);
}

Result<bool> KafkaSource::SettleSkipped(int32_t p, int64_t next) {
  UnreadableRange& range = unreadable_.at(p);
  range.SkippedTo(next);
  return OnProbeAnswer(p, /*read=*/true);
}

Result<bool> KafkaSource::OnProbeAnswer(int32_t p, bool read) {
  UnreadableRange& range = unreadable_.at(p);
  if (range.probe()) read ? range.Read() : range.Failed();
  if (range.cleared()) {
    spdlog::warn("{}: offset {} reads: the failing batch at offset {} is not in ingest's way",
                 Where(options_.topic, p), range.start(), range.base());
    unreadable_.erase(p);
    return false;
  }
  if (range.settled()) {
    spdlog::error("{}: offsets {}..{} are in a record batch Kafka cannot decode ({}): they go to dead letters",
                  Where(options_.topic, p), range.start(), range.end() - 1, range.reason());
    SeekOrRetry(p, range.end());
    unreadable_ranges_.emplace_back(p, std::move(range));
    unreadable_.erase(p);
    return true;
  }
  int64_t low = -1, high = -1;
  if (rd_kafka_get_watermark_offsets(rk_.get(), options_.topic.c_str(), p, &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    // Unknown: the search then only steps one offset at a time past what it knows.
    (void)rd_kafka_query_watermark_offsets(rk_.get(), options_.topic.c_str(), p, &low, &high, kWatermarkTimeoutMs);
  }
  if (auto probe = range.NextProbe(high)) SeekOrRetry(p, *probe);
  return false;
}

void KafkaSource::SeekOrRetry(int32_t p, int64_t offset, int failures) {
  seek_retries_.erase(p);
  if (Status st = SeekPartition(p, offset); !st.ok()) {
    if (failures == 0) spdlog::warn("{}; trying again", st.message());
    seek_retries_[p] = SeekRetry{offset, failures + 1, st};
  }
}

Status KafkaSource::RetrySeeks() {
  const auto retries = std::exchange(seek_retries_, {});
  for (const auto& [p, retry] : retries) {
    // A seek that keeps failing (the partition's fetch stopped) ends the run;
    // a restart resumes from Bronze's offsets.
    if (retry.failures >= kMaxSeekFailures) return retry.last_error;
    SeekOrRetry(p, retry.offset, retry.failures);
  }
  return Status::OK();
}

bool KafkaSource::ReachedHighWatermarks() const {
  if (assigned_.empty()) return false;
  for (int32_t p : assigned_) {
    if (at_end_.count(p)) continue;
    const int64_t next = NextToTake(p);
    int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(rk_.get(), options_.topic.c_str(), p, &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0 || next < 0 || next < high) {
      return false;
    }
  }
  return true;
}

std::vector<PartitionLag> KafkaSource::Lag() const {
  std::vector<PartitionLag> out;
  if (assigned_.empty() || closed_) return out;
  TopicPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size())));
  for (int32_t p : assigned_) rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), p);
  rd_kafka_position(rk_.get(), list.get());
  for (int i = 0; i < list->cnt; ++i) {
    PartitionLag l;
    l.partition = list->elems[i].partition;
    l.committed = list->elems[i].offset >= 0 ? list->elems[i].offset : -1;
    if (l.committed < 0) {
      // librdkafka knows no position until a record is consumed, but a
      // partition resumed at its end has none to consume: the offset it was
      // sought to is the position then (or --until-idle would never end).
      auto resumed = next_expected_.find(l.partition);
      if (resumed != next_expected_.end()) l.committed = resumed->second;
    }
    // Watermarks are cached from fetch responses: unknown (negative) until
    // the first fetch of the partition returns.
    if (rd_kafka_get_watermark_offsets(rk_.get(), options_.topic.c_str(), l.partition, &l.low, &l.high) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        l.low >= 0 && l.high >= 0) {
      out.push_back(l);
    }
  }
  return out;
}

}  // namespace medallion::ingest
