#include "medallion/cli/demo_lake.h"

#include <arrow/api.h>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/table.h"
#include "medallion/ingest/demand_truth.h"
#include "medallion/storage/object_store.h"

namespace medallion::cli {

Status WriteDemandTruth(const std::string& lake, const ingest::DemandModel& model, int32_t first, int32_t last) {
  MEDALLION_ASSIGN_OR_RETURN(auto batch, ingest::DailyDemandToArrow(model, model.Truth(first, last)));
  auto data = arrow::Table::FromRecordBatches({batch});
  if (!data.ok()) return Status::Internal(data.status().ToString());
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake, "_truth/daily_demand")));
  delta::CreateOptions create;
  create.schema = ingest::DailyDemandSchema();
  create.name = "daily_demand";
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::OpenOrCreate(store, create));
  auto written = table->OverwritePartitions(*data);
  return written.ok() ? Status::OK() : written.status().WithContext(table->uri());
}

std::function<int64_t()> ChampionProbe(const std::string& lake) {
  return [] { return int64_t{-1}; };
}

}  // namespace medallion::cli
