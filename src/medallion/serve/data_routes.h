// The data routes of /api/v1: tables, KPIs, sales, forecasts, quality,
// pipeline health, ticks and customers, all read from the lake through one
// LakeReader. Each Add* function lives in its own file beside the route's
// response schema (which is what /openapi.json publishes).
#pragma once

#include <memory>

#include "medallion/common/status.h"
#include "medallion/serve/lake_reader.h"
#include "medallion/serve/router.h"

namespace medallion::serve {

class ModelCatalog;

Status AddTableRoutes(Router& router, std::shared_ptr<LakeReader> lake);
Status AddKpiRoutes(Router& router, std::shared_ptr<LakeReader> lake);
Status AddSalesRoutes(Router& router, std::shared_ptr<LakeReader> lake);
Status AddForecastRoutes(Router& router, std::shared_ptr<LakeReader> lake, std::shared_ptr<ModelCatalog> models);
Status AddQualityRoutes(Router& router, std::shared_ptr<LakeReader> lake);
Status AddPipelineRoutes(Router& router, std::shared_ptr<LakeReader> lake);
Status AddTickRoutes(Router& router, std::shared_ptr<LakeReader> lake);
Status AddCustomerRoutes(Router& router, std::shared_ptr<LakeReader> lake);

}  // namespace medallion::serve
