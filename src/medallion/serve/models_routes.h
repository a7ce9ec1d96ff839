// The model registry routes (see models_routes.cc).
#pragma once

#include <memory>

#include "medallion/common/status.h"
#include "medallion/serve/model_catalog.h"
#include "medallion/serve/router.h"

namespace medallion::serve {

Status AddModelRoutes(Router& router, std::shared_ptr<ModelCatalog> models);

}  // namespace medallion::serve
