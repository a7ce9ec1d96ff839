// POST /api/v1/predict: {"rows": [{"feature": number|null, ...}, ...]} ->
// {"model": {...}, "predictions": [...]}, with the champion in the slot.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

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

// Parses and validates a predict body into `matrix` (reused across calls:
// its buffer is kept) over the model's feature columns. With no model (no
// champion yet) only the shape is checked and the matrix is empty. Missing
// features and nulls become NaN (missing for XGBoost); unknown features are
// refused, since a typo would otherwise silently predict from a missing value.
std::optional<BodyError> ParsePredictBody(std::string_view body, const Predictor* model, FeatureMatrix& matrix);

// The same, appending the body's rows after those already in `matrix` (whose
// num_cols must be the model's); a refused body leaves `matrix` as it was.
std::optional<BodyError> AppendPredictBody(std::string_view body, const Predictor* model, FeatureMatrix& matrix);

// Answers predict requests with one prediction call for all their rows: the
// per-call cost (XGBoost parses its config and input description and runs two
// OpenMP regions per call, ~7 us of the ~9 us one row takes) is paid once.
// A refused body gets its own 400; the others are unaffected.
std::vector<Response> PredictAll(const PredictorSlot& slot, std::span<const Request> requests);

// The body schema for the current champion's features.
nlohmann::json PredictRequestSchema(const PredictorSlot& slot);

Status AddPredictRoute(Router& router, std::shared_ptr<PredictorSlot> slot);

}  // namespace medallion::serve
