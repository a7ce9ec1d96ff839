// POST /api/v1/predict: {"rows": [{"feature": number|null, ...}, ...]} ->
// {"model": {...}, "predictions": [...]}, with the champion in the slot.
#pragma once

#include <memory>
#include <variant>

#include <nlohmann/json.hpp>

#include "medallion/serve/predictor.h"
#include "medallion/serve/router.h"

namespace medallion::serve {

inline constexpr size_t kMaxPredictRows = 1000;

// Why a predict body was refused: HTTP status, error code, message, field.
struct BodyError {
  int status;
  std::string code;
  std::string message;
  std::string field;
};

// Parses and validates a predict body into a matrix over `feature_names`.
// With `feature_names` empty (no champion yet) only the shape is checked and
// the matrix is empty. Missing features and nulls become NaN (missing for
// XGBoost); unknown features are refused, since a typo would otherwise
// silently predict from a missing value.
std::variant<FeatureMatrix, BodyError> ParsePredictBody(std::string_view body,
                                                        const std::vector<std::string>& feature_names);

// The body schema for the current champion's features.
nlohmann::json PredictRequestSchema(const PredictorSlot& slot);

Status AddPredictRoute(Router& router, std::shared_ptr<PredictorSlot> slot);

}  // namespace medallion::serve
