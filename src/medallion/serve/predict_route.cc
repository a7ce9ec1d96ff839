#include "medallion/serve/predict_route.h"

#include <cmath>
#include <limits>
#include <span>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace medallion::serve {

namespace {

constexpr double kFloatMax = std::numeric_limits<float>::max();

BodyError Invalid(std::string message, std::string field) {
  return {400, "invalid_body", std::move(message), std::move(field)};
}

// Written directly (fmt's shortest round-trip doubles, as nlohmann would
// print them) rather than through a JSON tree: this is the hot route.
Response PredictionsResponse(const ModelInfo& info, std::span<const double> predictions) {
  Response response;
  auto out = std::back_inserter(response.body);
  fmt::format_to(out, R"({{"model":{{"name":{},"version":{}}},"predictions":[)", nlohmann::json(info.name).dump(),
                 nlohmann::json(info.version).dump());
  for (size_t i = 0; i < predictions.size(); ++i) {
    if (i > 0) response.body.push_back(',');
    if (std::isfinite(predictions[i])) {
      fmt::format_to(out, "{}", predictions[i]);
    } else {
      response.body += "null";
    }
  }
  response.body += "]}";
  return response;
}

// Streams the body into the matrix as RapidJSON's SAX reader reads it: no
// JSON tree, no per-value allocations. RapidJSON rather than nlohmann (which
// builds the rest of the API's JSON) because this is the hot route: nlohmann
// reads a character at a time through an input adapter and converts numbers
// with strtod, about 5 us of a single-row request's ~18. (Arrow bundles its
// own RapidJSON in namespace arrow::rapidjson, so Debian's does not clash.)
// Any callback returning false stops the parse; `error` then says why
// (unset: the JSON itself was malformed). The callbacks refuse anything
// nested deeper than a row's values, which bounds the reader's recursion.
class PredictBodyReader final {
 public:
  PredictBodyReader(const Predictor* model, FeatureMatrix& matrix)
      : model_(model), matrix_(matrix), first_row_(matrix.num_rows) {}

  std::optional<BodyError> error;
  bool saw_rows = false;

  bool Null() { return Value(std::numeric_limits<double>::quiet_NaN(), /*is_null=*/true); }
  bool Bool(bool) { return NotANumber(); }
  bool Int(int v) { return Value(v, false); }
  bool Uint(unsigned v) { return Value(v, false); }
  bool Int64(int64_t v) { return Value(static_cast<double>(v), false); }
  bool Uint64(uint64_t v) { return Value(static_cast<double>(v), false); }
  bool Double(double v) { return Value(v, false); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return NotANumber(); }  // not enabled
  bool String(const char*, rapidjson::SizeType, bool) { return NotANumber(); }

  bool StartObject() {
    switch (depth_++) {
      case 0: return true;
      case 1: return Fail(Invalid("must be an array of objects", "rows"));
      case 2: return StartRow();
      default: return NotANumber();
    }
  }
  bool Key(const char* name, rapidjson::SizeType length, bool) {
    const std::string_view key(name, length);
    if (depth_ == 1) {
      if (key != "rows") return Fail(Invalid("unknown field", std::string(key)));
      saw_rows = true;
      return true;
    }
    key_.assign(key);  // depth 3: a feature of the current row
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    if (--depth_ == 2) ++matrix_.num_rows;
    return true;
  }
  bool StartArray() {
    switch (depth_++) {
      case 0: return Fail(Invalid("request body must be a JSON object", "body"));
      case 1: return true;
      case 2: return Fail(Invalid("must be an object of feature values", RowField()));
      default: return NotANumber();
    }
  }
  bool EndArray(rapidjson::SizeType) {
    if (--depth_ == 1 && matrix_.num_rows == first_row_) return Fail(Invalid("must hold at least one row", "rows"));
    return true;
  }

 private:
  bool Fail(BodyError e) {
    error = std::move(e);
    return false;
  }
  std::string RowField() const { return fmt::format("rows[{}]", matrix_.num_rows - first_row_); }
  std::string FeatureField() const { return fmt::format("rows[{}].{}", matrix_.num_rows - first_row_, key_); }

  bool StartRow() {
    if (matrix_.num_rows - first_row_ == kMaxPredictRows) {
      // 400, not 413: the bytes fit, the request breaks a documented rule
      // (maxItems), and clients treat 400 as "fix the request".
      return Fail({400, "too_many_rows", fmt::format("at most {} rows per request, got more", kMaxPredictRows),
                   "rows"});
    }
    matrix_.values.resize(matrix_.values.size() + matrix_.num_cols, std::numeric_limits<float>::quiet_NaN());
    next_column_ = 0;
    return true;
  }

  // A scalar: the top-level body, an element of "rows", or a feature value.
  bool Value(double v, bool is_null) {
    switch (depth_) {
      case 0: return Fail(Invalid("request body must be a JSON object", "body"));
      case 1: return Fail(Invalid("must be an array of objects", "rows"));
      case 2: return Fail(Invalid("must be an object of feature values", RowField()));
      default: break;
    }
    if (depth_ > 3) return NotANumber();
    if (!is_null && !(v >= -kFloatMax && v <= kFloatMax)) {
      return Fail(Invalid("is outside the float32 range", FeatureField()));
    }
    if (model_ == nullptr) return true;
    auto column = ColumnOfKey();
    if (!column) return Fail(Invalid("is not a feature of the champion model", FeatureField()));
    matrix_.values[matrix_.num_rows * matrix_.num_cols + *column] = static_cast<float>(v);
    next_column_ = *column + 1;
    return true;
  }

  // Clients usually send a row's features in the model's order (they build
  // rows from the same feature list), so the column after the previous one
  // is tried before the name lookup: one string compare instead of a hash.
  std::optional<size_t> ColumnOfKey() const {
    const auto& names = model_->feature_names();
    if (next_column_ < names.size() && names[next_column_] == key_) return next_column_;
    return model_->ColumnOf(key_);
  }

  bool NotANumber() {
    if (depth_ < 3) return Value(0, false);  // the same shape errors as any other scalar
    return Fail(Invalid("must be a number or null", FeatureField()));
  }

  const Predictor* model_;
  FeatureMatrix& matrix_;
  const size_t first_row_;  // this body's rows start here (several bodies share one matrix)
  int depth_ = 0;
  std::string key_;
  size_t next_column_ = 0;  // the column a row's next feature most likely is
};

}  // namespace

std::optional<BodyError> ParsePredictBody(std::string_view body, const Predictor* model, FeatureMatrix& matrix) {
  matrix.num_rows = 0;
  matrix.num_cols = model ? model->feature_names().size() : 0;
  matrix.values.clear();
  return AppendPredictBody(body, model, matrix);
}

std::optional<BodyError> AppendPredictBody(std::string_view body, const Predictor* model, FeatureMatrix& matrix) {
  const size_t first_row = matrix.num_rows;
  PredictBodyReader reader(model, matrix);
  rapidjson::MemoryStream stream(body.data(), body.size());
  thread_local rapidjson::Reader parser;  // reused: keeps its parse stack between bodies
  // Strict JSON: one document, valid UTF-8, no NaN/comments/trailing commas
  // (RapidJSON's defaults), numbers in full precision. RapidJSON takes a NUL
  // byte for the end of its input, so a body holding one is refused first
  // (otherwise "{...}\0anything" would pass).
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;
  const bool parsed =
      body.find('\0') == std::string_view::npos && !parser.Parse<kFlags>(stream, reader).IsError();
  std::optional<BodyError> error;
  if (reader.error) error = std::move(reader.error);
  else if (!parsed) error = BodyError{400, "malformed_json", "request body is not valid JSON", "body"};
  else if (!reader.saw_rows) error = Invalid("is required", "rows");
  if (error) {
    matrix.num_rows = first_row;
    matrix.values.resize(first_row * matrix.num_cols);
  }
  return error;
}

std::vector<Response> PredictAll(const PredictorSlot& slot, std::span<const Request> requests) {
  std::shared_ptr<const Predictor> predictor = slot.Get();  // one model for the whole batch
  thread_local FeatureMatrix matrix;  // reused: its buffer outlives the requests
  matrix.num_rows = 0;
  matrix.num_cols = predictor ? predictor->feature_names().size() : 0;
  matrix.values.clear();
  std::vector<Response> responses(requests.size());
  std::vector<std::optional<std::pair<size_t, size_t>>> rows(requests.size());  // [first, end) in the matrix
  for (size_t i = 0; i < requests.size(); ++i) {
    const size_t first = matrix.num_rows;
    if (auto error = AppendPredictBody(requests[i].body, predictor.get(), matrix)) {
      responses[i] = ErrorResponse(error->status, error->code, error->message, error->field);
    } else {
      rows[i] = {first, matrix.num_rows};
    }
  }
  std::optional<Response> failed;  // every accepted body's answer when there are no predictions
  std::vector<double> predictions;
  if (!predictor) {
    failed = ErrorResponse(503, "no_champion", "no champion model is loaded yet");
  } else if (matrix.num_rows > 0) {
    auto predicted = predictor->Predict(matrix);
    if (predicted.ok() && predicted->size() != matrix.num_rows) {
      // A model adapter bug, not the client's: never read past the answers.
      spdlog::error("predict: the model returned {} predictions for {} rows", predicted->size(), matrix.num_rows);
      failed = ErrorResponse(500, "prediction_failed", "the model could not predict");
    } else if (predicted.ok()) {
      predictions = std::move(*predicted);
    } else {
      const int status = HttpStatusFor(predicted.status());
      failed = ErrorResponse(status, "prediction_failed",
                             status >= 500 ? "the model could not predict" : predicted.status().message());
    }
  }
  const ModelInfo info = predictor ? predictor->model() : ModelInfo{};
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!rows[i]) continue;
    responses[i] = failed ? *failed
                          : PredictionsResponse(info, std::span<const double>(predictions)
                                                          .subspan(rows[i]->first, rows[i]->second - rows[i]->first));
  }
  return responses;
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
  return router.Add(
      std::move(spec),
      [slot](const Request& request) { return std::move(PredictAll(*slot, std::span<const Request>(&request, 1))[0]); },
      [slot](std::span<const Request> requests) { return PredictAll(*slot, requests); });
}

}  // namespace medallion::serve
