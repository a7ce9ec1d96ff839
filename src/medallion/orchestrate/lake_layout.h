// Where the daily tasks find their tables and configuration. Paths are
// relative to the lake root (TaskContext::lake_root; ResolveTableUri makes
// them URIs), so the same tasks run on a local lake and on s3://.
#pragma once

#include <string>

#include "medallion/common/result.h"

namespace medallion::orchestrate {

inline constexpr char kBronzeOrders[] = "bronze/orders";
inline constexpr char kSilverOrders[] = "silver/orders";
inline constexpr char kBronzeTicks[] = "bronze/ticks";
inline constexpr char kSilverTicks[] = "silver/ticks";
inline constexpr char kQualityMetrics[] = "gold/quality_metrics";
inline constexpr char kFeaturesDaily[] = "gold/features_daily";
inline constexpr char kDemandForecast[] = "gold/demand_forecast";
inline constexpr char kTickFeatures[] = "gold/tick_features";

// The expectation suite of `entity` ("orders" -> orders_suite.yaml). Looked
// up in $MEDALLION_QUALITY_DIR, then ./config/quality, then config/quality
// beside the binary's checkout (build*/medallion -> ../config/quality), so
// `medallion task` works from Airflow's working directory too. NotFound
// lists every place tried.
Result<std::string> FindQualitySuite(const std::string& entity);

}  // namespace medallion::orchestrate
