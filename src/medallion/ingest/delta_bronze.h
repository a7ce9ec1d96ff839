// Bronze on the Delta engine: the OffsetStore reads txn versions from the
// Bronze log, and the sink commits each batch with txn{appId, last offset}
// per partition, expecting the log to hold exactly the version this member
// resumed from (or last wrote). A member that lost its partitions finds a
// newer txn in the log and gets Conflict: its batch is dropped, never
// written twice.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "medallion/common/result.h"
#include "medallion/ingest/ingest_loop.h"
#include "medallion/ingest/offset_store.h"

namespace medallion::delta {
class Table;
}

namespace medallion::ingest {

// Opens bronze/<topic> (or creates it: BronzeSchema(), partitioned by
// ingest_date).
Result<std::shared_ptr<delta::Table>> OpenBronzeTable(const std::string& uri);
// Opens the dead-letter table (DeadLetterSchema(), partitioned by failed_date).
Result<std::shared_ptr<delta::Table>> OpenDeadLetterTable(const std::string& uri);

class DeltaOffsetStore : public OffsetStore {
 public:
  explicit DeltaOffsetStore(std::shared_ptr<delta::Table> bronze) : bronze_(std::move(bronze)) {}
  // Re-reads the log, so a reassigned partition starts after whatever its
  // previous owner committed.
  Result<std::optional<int64_t>> LastWritten(const std::string& app_id) override;
  // The version this member last read or wrote for `app_id`.
  std::optional<int64_t> Known(const std::string& app_id);
  void SetKnown(const std::string& app_id, int64_t version);

 private:
  std::mutex mu_;
  std::shared_ptr<delta::Table> bronze_;
  std::map<std::string, std::optional<int64_t>> known_;
};

class DeltaBronzeSink : public BronzeSink {
 public:
  // `dead_letters` may be null (dead letters are then an error).
  DeltaBronzeSink(std::shared_ptr<delta::Table> bronze, std::shared_ptr<delta::Table> dead_letters,
                  DeltaOffsetStore* offsets, std::string group, std::string topic);
  Status Write(const BronzeBatch& batch) override;

 private:
  Status WriteDeadLetters(const BronzeBatch& batch);

  std::shared_ptr<delta::Table> bronze_, dead_letters_;
  DeltaOffsetStore* offsets_;
  std::string group_, topic_;
};

}  // namespace medallion::ingest
