// train_model, evaluate_model, promote_model, predict: the forecasting stage.
// They call ml::TrainDemandModel / EvaluateDemand / PredictDemand and
// ml::Registry::Promote, whose implementations are being written (train and
// registry work); until they land each task fails with "waiting for ...",
// a permanent error the runner does not retry.
#include <fmt/format.h>

#include "medallion/orchestrate/daily_tasks.h"

namespace medallion::orchestrate {

namespace {

Task Waiting(std::string name, std::string description, std::string waiting_for) {
  const std::string message = fmt::format("{}: waiting for {}", name, waiting_for);
  return DailyTask(std::move(name), std::move(description), [message](const TaskContext& ctx) -> Status {
    ctx.log.Write(message);
    return Status::NotImplemented(message);
  });
}

}  // namespace

void RegisterModelTasks(TaskRegistry& registry) {
  registry.Replace("train_model", [] {
    return Waiting("train_model", "train the demand model on gold/features_daily and register it",
                   "ml::TrainDemandModel (src/medallion/ml/train_job.cc)");
  });
  registry.Replace("evaluate_model", [] {
    return Waiting("evaluate_model", "score past forecasts against actuals, seasonal naive and the oracle",
                   "ml::EvaluateDemand (src/medallion/ml/evaluate_job.cc)");
  });
  registry.Replace("promote_model", [] {
    return Waiting("promote_model", "promote the challenger when it beats the champion and seasonal naive",
                   "ml::Registry::Promote (src/medallion/ml/registry.cc)");
  });
  registry.Replace("predict", [] {
    return Waiting("predict", "J+1..J+7 forecasts of the champion to gold/demand_forecast",
                   "ml::PredictDemand (src/medallion/ml/predict_job.cc)");
  });
}

}  // namespace medallion::orchestrate
