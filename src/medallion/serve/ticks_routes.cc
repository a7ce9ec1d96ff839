// GET /api/v1/ticks (symbols) and /api/v1/ticks/{symbol}: prices with RSI
// and MACD from gold/tick_features, direction predictions from
// gold/tick_predictions, and their accuracy against what happened
// (tick_features.next_direction at the same tick).
#include <algorithm>
#include <map>

#include "medallion/serve/data_routes.h"
#include "medallion/serve/route_support.h"

namespace medallion::serve {

namespace {

namespace s = schema;

constexpr const char* kFeatures = "gold/tick_features";
constexpr const char* kPredictions = "gold/tick_predictions";

// Whether the model was fitted on this tick's period (gold/tick_predictions'
// in_sample); unknown for tables written before the column existed.
std::optional<bool> InSample(const Json& row) {
  auto it = row.find("in_sample");
  if (it == row.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::vector<const Json*> RowsOf(const JsonRows& rows, const std::string& symbol) {
  std::vector<const Json*> out;
  for (const auto& row : rows) {
    if (TextField(row, "symbol") == symbol) out.push_back(&row);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Json* a, const Json* b) { return TextField(*a, "ts") < TextField(*b, "ts"); });
  return out;
}

Status AddSymbolsRoute(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/ticks", "tickSymbols", "Symbols with their latest price and RSI", "markets",
                            s::Object({{"symbols", s::Array(s::Object({{"symbol", s::String()},
                                                                        {"ticks", s::Integer()},
                                                                        {"last_ts", s::Nullable(s::DateTime())},
                                                                        {"last_price", s::Nullable(s::Number())},
                                                                        {"rsi_14", s::Nullable(s::Number())}}))},
                                       s::MissingProperty()}));
  return router.Add(std::move(spec), Guarded([lake](const Request&) -> Result<Json> {
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto features, ReadOrNote(*lake, kFeatures, missing, {"symbol", "ts", "price", "rsi_14"}));
    std::map<std::string, std::pair<int64_t, const Json*>> symbols;  // ticks, latest row
    for (const auto& row : *features.rows) {
      auto& [ticks, latest] = symbols[TextField(row, "symbol")];
      ++ticks;
      if (!latest || TextField(*latest, "ts") <= TextField(row, "ts")) latest = &row;
    }
    Json out = {{"symbols", Json::array()}, {"missing", missing}};
    for (const auto& [symbol, st] : symbols) {
      std::string ts = TextField(*st.second, "ts");
      out["symbols"].push_back({{"symbol", symbol},
                                {"ticks", st.first},
                                {"last_ts", ts.empty() ? Json() : Json(ts)},
                                {"last_price", NumberOrNull(NumberField(*st.second, "price"))},
                                {"rsi_14", NumberOrNull(NumberField(*st.second, "rsi_14"))}});
    }
    return out;
  }));
}

Json SymbolSchema() {
  return s::Object({{"symbol", s::String()},
                    {"points", s::Array(s::Object({{"ts", s::DateTime()},
                                                   {"price", s::Nullable(s::Number())},
                                                   {"volume", s::Nullable(s::Number())},
                                                   {"rsi_14", s::Nullable(s::Number())},
                                                   {"macd", s::Nullable(s::Number())},
                                                   {"macd_signal", s::Nullable(s::Number())},
                                                   {"macd_hist", s::Nullable(s::Number())}}))},
                    {"predictions", s::Array(s::Object({{"ts", s::DateTime()},
                                                        {"prob_up", s::Nullable(s::Number())},
                                                        {"predicted_direction", s::Nullable(s::Integer())},
                                                        {"actual_direction", s::Nullable(s::Integer())},
                                                        {"model_version", s::Nullable(s::Integer())},
                                                        {"in_sample", s::Nullable(s::Boolean())}}))},
                    {"direction_accuracy", s::Nullable(s::Number())},
                    {"predictions_scored", s::Integer()},
                    s::MissingProperty()});
}

Status AddSymbolRoute(Router& router, std::shared_ptr<LakeReader> lake) {
  RouteSpec spec = GetRoute("/api/v1/ticks/{symbol}", "tickSeries",
                            "Prices, RSI and MACD of one symbol, its direction predictions and their accuracy "
                            "(out of sample: only ticks after the model's training period are scored)",
                            "markets", SymbolSchema());
  ParamSpec symbol = PathParam("symbol", "Ticker symbol");
  symbol.max_length = 64;
  ParamSpec limit = QueryParam("limit", ParamType::kInteger, false, "Latest ticks to return (default 300)");
  limit.minimum = 1;
  limit.maximum = 5000;
  spec.params = {symbol, limit};
  return router.Add(std::move(spec), Guarded([lake](const Request& request) -> Result<Json> {
    const std::string symbol = request.path_params.at("symbol");
    const size_t limit = static_cast<size_t>(request.params.Int("limit").value_or(300));
    Json missing = Json::array();
    MEDALLION_ASSIGN_OR_RETURN(auto features, ReadOrNote(*lake, kFeatures, missing));
    MEDALLION_ASSIGN_OR_RETURN(auto predictions, ReadOrNote(*lake, kPredictions, missing));
    std::vector<const Json*> points = RowsOf(*features.rows, symbol);
    if (points.empty()) return Status::NotFound("no ticks for symbol " + symbol);

    std::map<std::string, std::optional<double>> actual;  // ts -> next_direction
    for (const Json* row : points) actual[TextField(*row, "ts")] = NumberField(*row, "next_direction");
    std::vector<const Json*> predicted = RowsOf(*predictions.rows, symbol);
    int64_t scored = 0, correct = 0;
    Json prediction_points = Json::array();
    size_t first_prediction = predicted.size() > limit ? predicted.size() - limit : 0;
    for (size_t i = 0; i < predicted.size(); ++i) {
      const Json& row = *predicted[i];
      auto direction = NumberField(row, "predicted_direction");
      auto it = actual.find(TextField(row, "ts"));
      std::optional<double> truth = it == actual.end() ? std::nullopt : it->second;
      const std::optional<bool> in_sample = InSample(row);
      if (direction && truth && in_sample == false) {
        ++scored;
        correct += (*direction == *truth) ? 1 : 0;
      }
      if (i < first_prediction) continue;
      prediction_points.push_back({{"ts", TextField(row, "ts")},
                                   {"prob_up", NumberOrNull(NumberField(row, "prob_up"))},
                                   {"predicted_direction", IntOrNull(direction)},
                                   {"actual_direction", IntOrNull(truth)},
                                   {"model_version", IntOrNull(NumberField(row, "model_version"))},
                                   {"in_sample", in_sample ? Json(*in_sample) : Json()}});
    }
    Json price_points = Json::array();
    for (size_t i = points.size() > limit ? points.size() - limit : 0; i < points.size(); ++i) {
      const Json& row = *points[i];
      price_points.push_back({{"ts", TextField(row, "ts")},
                              {"price", NumberOrNull(NumberField(row, "price"))},
                              {"volume", NumberOrNull(NumberField(row, "volume"))},
                              {"rsi_14", NumberOrNull(NumberField(row, "rsi_14"))},
                              {"macd", NumberOrNull(NumberField(row, "macd"))},
                              {"macd_signal", NumberOrNull(NumberField(row, "macd_signal"))},
                              {"macd_hist", NumberOrNull(NumberField(row, "macd_hist"))}});
    }
    return Json{{"symbol", symbol},
                {"points", price_points},
                {"predictions", prediction_points},
                {"direction_accuracy", scored > 0 ? Json(static_cast<double>(correct) / scored) : Json()},
                {"predictions_scored", scored},
                {"missing", missing}};
  }));
}

}  // namespace

Status AddTickRoutes(Router& router, std::shared_ptr<LakeReader> lake) {
  MEDALLION_RETURN_IF_ERROR(AddSymbolsRoute(router, lake));
  return AddSymbolRoute(router, std::move(lake));
}

}  // namespace medallion::serve
