#include "medallion/serve/predict_route.h"

#include <limits>
#include <unordered_map>

namespace medallion::serve {

namespace {

constexpr double kFloatMax = std::numeric_limits<float>::max();

BodyError Invalid(std::string message, std::string field) {
  return {400, "invalid_body", std::move(message), std::move(field)};
}

}  // namespace

std::variant<FeatureMatrix, BodyError> ParsePredictBody(std::string_view body,
                                                        const std::vector<std::string>& feature_names) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return BodyError{400, "malformed_json", "request body is not valid JSON", "body"};
  if (!doc.is_object()) return Invalid("request body must be a JSON object", "body");
  for (const auto& [key, _] : doc.items()) {
    if (key != "rows") return Invalid("unknown field", key);
  }
  auto rows_it = doc.find("rows");
  if (rows_it == doc.end()) return Invalid("is required", "rows");
  const nlohmann::json& rows = *rows_it;
  if (!rows.is_array()) return Invalid("must be an array of objects", "rows");
  if (rows.empty()) return Invalid("must hold at least one row", "rows");
  if (rows.size() > kMaxPredictRows) {
    // 400, not 413: the bytes fit, the request breaks a documented rule
    // (maxItems), and clients treat 400 as "fix the request".
    return BodyError{400, "too_many_rows",
                     "at most " + std::to_string(kMaxPredictRows) + " rows per request, got " +
                         std::to_string(rows.size()),
                     "rows"};
  }

  std::unordered_map<std::string, size_t> column_of;
  for (size_t i = 0; i < feature_names.size(); ++i) column_of[feature_names[i]] = i;
  const bool check_names = !feature_names.empty();

  FeatureMatrix matrix;
  if (check_names) {
    matrix.feature_names = feature_names;
    matrix.num_rows = rows.size();
    matrix.values.assign(rows.size() * feature_names.size(), std::numeric_limits<float>::quiet_NaN());
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::string row_field = "rows[" + std::to_string(r) + "]";
    if (!rows[r].is_object()) return Invalid("must be an object of feature values", row_field);
    for (const auto& [name, value] : rows[r].items()) {
      const std::string field = row_field + "." + name;
      if (!value.is_null() && !value.is_number()) return Invalid("must be a number or null", field);
      double v = value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
      if (!value.is_null() && !(v >= -kFloatMax && v <= kFloatMax)) {
        return Invalid("is outside the float32 range", field);
      }
      if (!check_names) continue;
      auto col = column_of.find(name);
      if (col == column_of.end()) return Invalid("is not a feature of the champion model", field);
      matrix.values[r * feature_names.size() + col->second] = static_cast<float>(v);
    }
  }
  return matrix;
}

nlohmann::json PredictRequestSchema(const PredictorSlot& slot) {
  nlohmann::json value_schema = {{"type", {"number", "null"}}, {"minimum", -kFloatMax}, {"maximum", kFloatMax}};
  nlohmann::json row = {{"type", "object"}};
  if (auto predictor = slot.Get()) {
    nlohmann::json properties = nlohmann::json::object();
    for (const auto& name : predictor->feature_names()) properties[name] = value_schema;
    row["properties"] = std::move(properties);
    row["additionalProperties"] = false;
  } else {
    row["additionalProperties"] = value_schema;
  }
  return {
      {"type", "object"},
      {"required", {"rows"}},
      {"additionalProperties", false},
      {"properties",
       {{"rows", {{"type", "array"}, {"minItems", 1}, {"maxItems", kMaxPredictRows}, {"items", std::move(row)}}}}},
  };
}

Status AddPredictRoute(Router& router, std::shared_ptr<PredictorSlot> slot) {
  RouteSpec spec;
  spec.method = Method::kPost;
  spec.path = "/api/v1/predict";
  spec.operation_id = "predict";
  spec.summary = "Predict with the champion model (up to 1000 feature rows)";
  spec.tag = "models";
  spec.request_schema = [slot] { return PredictRequestSchema(*slot); };
  spec.responses = {{200,
                     "One prediction per row, in order",
                     "application/json",
                     {{"type", "object"},
                      {"required", {"model", "predictions"}},
                      {"properties",
                       {{"model",
                         {{"type", "object"},
                          {"required", {"name", "version"}},
                          {"properties", {{"name", {{"type", "string"}}}, {"version", {{"type", "string"}}}}}}},
                        {"predictions", {{"type", "array"}, {"items", {{"type", {"number", "null"}}}}}}}}}}};
  spec.error_responses = {ErrorSpec(503, "No champion model is loaded yet")};
  return router.Add(std::move(spec), [slot](const Request& request) {
    std::shared_ptr<const Predictor> predictor = slot->Get();
    auto parsed = ParsePredictBody(request.body, predictor ? predictor->feature_names() : std::vector<std::string>{});
    if (auto* error = std::get_if<BodyError>(&parsed)) {
      return ErrorResponse(error->status, error->code, error->message, error->field);
    }
    if (!predictor) return ErrorResponse(503, "no_champion", "no champion model is loaded yet");
    const auto& matrix = std::get<FeatureMatrix>(parsed);
    auto predictions = predictor->Predict(matrix);
    if (!predictions.ok()) {
      int status = HttpStatusFor(predictions.status());
      return ErrorResponse(status, "prediction_failed",
                           status >= 500 ? "the model could not predict" : predictions.status().message());
    }
    nlohmann::json out = {{"model", {{"name", predictor->model().name}, {"version", predictor->model().version}}},
                          {"predictions", nlohmann::json::array()}};
    for (double p : *predictions) out["predictions"].push_back(std::isfinite(p) ? nlohmann::json(p) : nlohmann::json());
    return JsonResponse(200, out);
  });
}

}  // namespace medallion::serve
