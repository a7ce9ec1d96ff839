// Small things the demo reads or writes in the lake besides the pipeline's
// own tables.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "medallion/common/status.h"
#include "medallion/ingest/demand_model.h"

namespace medallion::cli {

// The generator's expected units per product and day from `first` to `last`
// (exclusive) into <lake>/_truth/daily_demand, replacing what was there, so
// evaluate_model can score forecasts against the best possible ones.
Status WriteDemandTruth(const std::string& lake, const ingest::DemandModel& model, int32_t first, int32_t last);

// The champion version of the demand model in the lake's registry, or -1.
std::function<int64_t()> ChampionProbe(const std::string& lake);

}  // namespace medallion::cli
