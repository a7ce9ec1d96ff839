#include "medallion/cli/demo_status.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace medallion::cli {

std::string GroupDigits(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

Result<std::unique_ptr<DemoStatus>> DemoStatus::Open(std::string lake, std::string bootstrap, std::string group_prefix,
                                                     std::vector<std::string> topics,
                                                     std::function<int64_t()> champion) {
  std::unique_ptr<DemoStatus> status(new DemoStatus());
  MEDALLION_ASSIGN_OR_RETURN(status->store_, storage::OpenObjectStore(lake));
  status->lake_ = std::move(lake);
  status->champion_ = std::move(champion);
  for (auto& topic : topics) {
    MEDALLION_ASSIGN_OR_RETURN(status->probes_[topic],
                               ingest::GroupLagProbe::Open(bootstrap, group_prefix + "-" + topic));
    status->topics_[topic] = TopicStatus{};
  }
  return status;
}

int64_t DemoStatus::Rows(const std::string& table, int64_t* version) {
  auto it = tables_.find(table);
  if (it == tables_.end()) {
    auto opened = delta::Table::Open(storage::JoinPath(lake_, table));
    if (!opened.ok()) return 0;  // not created yet
    it = tables_.emplace(table, *opened).first;
  }
  auto snapshot = it->second->Refresh();
  if (!snapshot.ok()) snapshot = it->second->snapshot();
  if (version != nullptr) *version = (*snapshot)->version();
  return (*snapshot)->num_rows();
}

void DemoStatus::Sample() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  const double seconds = last_sample_ == std::chrono::steady_clock::time_point{}
                             ? 0
                             : std::chrono::duration<double>(now - last_sample_).count();
  last_sample_ = now;
  for (auto& [topic, t] : topics_) {
    const int64_t before = t.bronze_rows;
    t.bronze_rows = Rows("bronze/" + topic, &t.bronze_version);
    if (seconds > 0) t.rows_per_s = std::max<double>(0, static_cast<double>(t.bronze_rows - before) / seconds);
    auto lags = probes_.at(topic)->Lag(topic);
    if (lags.ok()) {
      t.lag = 0;
      for (const auto& p : *lags) t.lag += std::max<int64_t>(0, p.lag());
    }
  }
  silver_rows_ = Rows("silver/orders", nullptr);
  gold_rows_ = Rows("gold/features_daily", nullptr);
  if (champion_) champion_version_ = champion_();
}

std::map<std::string, TopicStatus> DemoStatus::topics() const {
  std::lock_guard<std::mutex> lock(mu_);
  return topics_;
}

int64_t DemoStatus::max_lag() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t lag = 0;
  for (const auto& [topic, t] : topics_) lag = std::max(lag, t.lag);
  return lag;
}

std::string DemoStatus::Line() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string line;
  int64_t bronze = 0;
  for (const auto& [topic, t] : topics_) {
    line += fmt::format("{} {:.0f}/s lag {} | ", topic, t.rows_per_s, t.lag < 0 ? "?" : GroupDigits(t.lag));
    bronze += t.bronze_rows;
  }
  line += fmt::format("bronze {} | silver {} | gold {} | champion {}", GroupDigits(bronze), GroupDigits(silver_rows_),
                      GroupDigits(gold_rows_), champion_version_ < 0 ? "none yet" : fmt::format("v{}", champion_version_));
  return line;
}

Status DemoStatus::WriteJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json doc;
  doc["updated_at"] = fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(std::time(nullptr)));
  doc["topics"] = nlohmann::json::object();
  for (const auto& [topic, t] : topics_) {
    doc["topics"][topic] = {{"rows_per_s", t.rows_per_s},
                            {"lag", t.lag},
                            {"bronze_version", t.bronze_version},
                            {"bronze_rows", t.bronze_rows}};
  }
  return store_->Write("_runs/ingest_status.json", doc.dump());
}

}  // namespace medallion::cli
