// The API's routes: health, readiness, metrics, the OpenAPI document and its
// docs page, predictions, the model registry, the data routes over the lake
// (tables, KPIs, sales, forecasts, quality, pipeline, ticks, customers; see
// data_routes.h) and the dashboard's static files.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "medallion/common/result.h"
#include "medallion/serve/admin_auth.h"
#include "medallion/serve/lake_reader.h"
#include "medallion/serve/metrics.h"
#include "medallion/serve/model_catalog.h"
#include "medallion/serve/openapi.h"
#include "medallion/serve/predictor.h"
#include "medallion/serve/router.h"

namespace medallion::serve {

struct ApiOptions {
  // Readiness probe for GET /ready: OK -> 200, an error -> 503 with its
  // message. Empty: ready as soon as the server listens.
  std::function<Status()> readiness;
  std::string static_dir;  // dashboard files; empty: none
  AdminAuth admin_auth;
  std::shared_ptr<PredictorSlot> predictor;  // null: an empty slot (no champion)
  MetricsRegistry* metrics = nullptr;        // null: MetricsRegistry::Default()
  std::shared_ptr<LakeReader> lake;          // null: no data routes
  std::shared_ptr<ModelCatalog> models;      // null: no model registry routes
  ApiInfo info;
};

// NotFound if static_dir is set but missing.
Result<std::shared_ptr<Router>> BuildApiRouter(ApiOptions options);

}  // namespace medallion::serve
