// The CPU of POST /api/v1/predict without the network: parsing the JSON body
// into feature rows and one XGBoost call, on a model of the shape bench/serve.py
// serves (24 features, 200 trees of depth 6). bench/serve.py gives the
// end-to-end figure against FastAPI; this one says which part of a request's
// ~30 us is ours to cut, and what predicting several requests' rows in one
// call would save per row.
//
//   ninja -C build serve_predict_bench && build/bench/serve_predict_bench
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "medallion/ml/xgboost_model.h"
#include "medallion/serve/model_predictor.h"
#include "medallion/serve/predict_route.h"

namespace {

using medallion::serve::FeatureMatrix;
using medallion::serve::Predictor;

constexpr int kFeatures = 24;

std::vector<std::string> FeatureNames() {
  std::vector<std::string> names;
  for (int i = 0; i < kFeatures; ++i) names.push_back(fmt::format("f{:02d}", i));
  return names;
}

// The synthetic target of bench/serve.py's make_model, trained here so the
// benchmark needs no file.
std::shared_ptr<const Predictor> TrainedPredictor() {
  static std::shared_ptr<const Predictor> predictor = [] {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal;
    medallion::ml::FeatureMatrix x(FeatureNames());
    std::vector<double> y;
    std::vector<double> row(kFeatures);
    for (int i = 0; i < 20'000; ++i) {
      for (auto& v : row) v = normal(rng);
      if (!x.AppendRow(row).ok()) std::abort();
      y.push_back(row[0] * 3 + std::sin(row[1]) + row[2] * row[3] + 0.1 * normal(rng));
    }
    auto model = medallion::ml::XGBoostModel::Create(
        {{"num_boost_round", 200}, {"max_depth", 6}, {"eta", 0.1}, {"nthread", 2}});
    if (!model.ok() || !(*model)->Fit(x, y).ok()) std::abort();
    auto made = medallion::serve::MakePredictor({"bench", "1"}, std::move(*model));
    if (!made.ok()) std::abort();
    return *made;
  }();
  return predictor;
}

// A body like bench/serve.py's: one object per row, 24 features with the
// digits of a float32 printed as a double.
std::string Body(int rows) {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal;
  std::string body = R"({"rows": [)";
  for (int r = 0; r < rows; ++r) {
    if (r > 0) body += ", ";
    body += "{";
    for (int i = 0; i < kFeatures; ++i) {
      body += fmt::format(R"({}"f{:02d}": {})", i ? ", " : "", i, static_cast<double>(normal(rng)));
    }
    body += "}";
  }
  return body + "]}";
}

void BM_ParsePredictBody(benchmark::State& state) {
  auto predictor = TrainedPredictor();
  const std::string body = Body(static_cast<int>(state.range(0)));
  FeatureMatrix matrix;
  for (auto _ : state) {
    auto error = medallion::serve::ParsePredictBody(body, predictor.get(), matrix);
    if (error) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(matrix.values.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ParsePredictBody)->Arg(1)->Arg(8);

// One XGBoost call for range(0) rows: items/s is rows per second, so the
// per-row time at 8 against 1 is the saving of predicting requests together.
void BM_PredictOneCall(benchmark::State& state) {
  auto predictor = TrainedPredictor();
  FeatureMatrix matrix;
  if (medallion::serve::ParsePredictBody(Body(static_cast<int>(state.range(0))), predictor.get(), matrix)) {
    state.SkipWithError("parse failed");
    return;
  }
  for (auto _ : state) {
    auto predictions = predictor->Predict(matrix);
    if (!predictions.ok()) state.SkipWithError("predict failed");
    benchmark::DoNotOptimize(predictions->data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PredictOneCall)->Arg(1)->Arg(4)->Arg(8)->Arg(16);

}  // namespace

BENCHMARK_MAIN();
