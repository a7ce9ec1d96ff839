// What the demo shows about itself: per topic the ingest rate, the group's
// lag and the Bronze table's version and rows; Silver and Gold rows; the
// champion model. Sample() refreshes it all (a few log reads and one lag
// query per topic), Line() is the one-line status, WriteJson() publishes
// <lake>/_runs/ingest_status.json for the API:
//   {"updated_at": "...Z", "topics": {"orders": {"rows_per_s", "lag",
//    "bronze_version", "bronze_rows"}, ...}}
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/producer.h"
#include "medallion/storage/object_store.h"

namespace medallion::cli {

struct TopicStatus {
  double rows_per_s = 0;
  int64_t lag = -1;  // -1: unknown
  int64_t bronze_version = -1;
  int64_t bronze_rows = 0;
};

class DemoStatus {
 public:
  // `champion`: the champion's version, or -1 (asked at every Sample).
  // Each topic's lag is its group's "<group_prefix>-<topic>".
  static Result<std::unique_ptr<DemoStatus>> Open(std::string lake, std::string bootstrap, std::string group_prefix,
                                                  std::vector<std::string> topics,
                                                  std::function<int64_t()> champion = {});

  // Re-reads what changed. Errors of one source leave its last values.
  // Every method is thread-safe (the status line's thread and the demo's
  // main thread both sample).
  void Sample();

  // "orders 123/s lag 0 | bronze 45 012 | silver 44 870 | gold 5 400 | champion v3"
  std::string Line() const;
  Status WriteJson() const;

  std::map<std::string, TopicStatus> topics() const;
  int64_t max_lag() const;

 private:
  DemoStatus() = default;
  int64_t Rows(const std::string& table, int64_t* version);

  mutable std::mutex mu_;
  std::string lake_;
  std::shared_ptr<storage::ObjectStore> store_;
  std::map<std::string, std::unique_ptr<ingest::GroupLagProbe>> probes_;  // by topic
  std::function<int64_t()> champion_;
  std::map<std::string, std::shared_ptr<delta::Table>> tables_;
  std::map<std::string, TopicStatus> topics_;
  int64_t silver_rows_ = 0, gold_rows_ = 0, champion_version_ = -1;
  std::chrono::steady_clock::time_point last_sample_{};
};

// "12 345 678" (thin groups: the status line is read at a glance).
std::string GroupDigits(int64_t n);

}  // namespace medallion::cli
