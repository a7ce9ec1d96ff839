#include "medallion/transform/northwind_quality.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/scan.h"
#include "medallion/delta/schema.h"
#include "medallion/delta/table.h"
#include "medallion/quality/row_triage.h"
#include "medallion/quality/suite_parser.h"
#include "medallion/quality/validator.h"
#include "medallion/storage/object_store.h"

namespace medallion::transform {

namespace {

using TablePtr = std::shared_ptr<arrow::Table>;

Result<TablePtr> ReadCurrentBronze(const std::string& lake_root, const std::string& table,
                                   const std::vector<std::string>& key) {
  MEDALLION_ASSIGN_OR_RETURN(auto bronze, ingest::ReadPgBronze(lake_root, table));
  auto rows = ingest::CurrentRows(bronze, key);
  if (!rows.ok()) return rows.status().WithContext("bronze/pg_" + table);
  return *rows;
}

Result<ingest::WrittenTable> AppendMetrics(const std::string& lake_root, const TablePtr& rows) {
  const std::string name = "gold/quality_metrics";
  MEDALLION_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(storage::JoinPath(lake_root, name)));
  delta::CreateOptions create;
  create.schema = quality::QualityMetricsSchema();
  MEDALLION_ASSIGN_OR_RETURN(auto table, delta::Table::OpenOrCreate(store, create));
  auto written = table->Append(rows);
  if (!written.ok()) return written.status().WithContext(name);
  return ingest::WrittenTable{name, rows->num_rows(), written->version};
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

const std::vector<std::string>& NorthwindSilverTables() {
  static const std::vector<std::string> tables = {"customers", "products",  "categories",
                                                  "employees", "shippers", "order_facts"};
  return tables;
}

Result<std::map<std::string, quality::Suite>> LoadNorthwindSuites(const std::string& suites_dir) {
  std::map<std::string, quality::Suite> suites;
  for (const auto& table : NorthwindSilverTables()) {
    const std::string path = (std::filesystem::path(suites_dir) / (table + ".yaml")).string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return Status::NotFound(fmt::format("no quality suite for silver/{}: {} does not exist", table, path));
    }
    MEDALLION_ASSIGN_OR_RETURN(suites[table], quality::LoadSuiteFile(path));
  }
  return suites;
}

Result<CheckedTable> ApplySuite(const quality::Suite& suite, const TablePtr& data, const std::string& run_id) {
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto batch, data->CombineChunksToBatch());
  quality::ValidateOptions options;
  options.run_id = run_id;
  options.evaluated_at_us = NowMicros();
  CheckedTable out;
  MEDALLION_ASSIGN_OR_RETURN(out.result, quality::Validate(suite, *batch, options));
  MEDALLION_RETURN_IF_ERROR(quality::StopStatus(out.result));
  MEDALLION_ASSIGN_OR_RETURN(auto triage, quality::TriageRows(out.result, *batch));
  MEDALLION_ASSIGN_OR_RETURN(auto split, quality::SplitByFate(triage, batch));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(out.kept, arrow::Table::FromRecordBatches(split.kept->schema(), {split.kept}));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(out.quarantined,
                                   arrow::Table::FromRecordBatches(split.quarantined->schema(), {split.quarantined}));
  out.dropped = split.dropped;
  return out;
}

Result<NorthwindQualityReport> BuildCheckedNorthwindModel(const std::string& lake_root,
                                                          const std::string& suites_dir) {
  // Suites first: a typo in one is reported before any Bronze is read.
  MEDALLION_ASSIGN_OR_RETURN(auto suites, LoadNorthwindSuites(suites_dir));
  const std::vector<std::pair<std::string, std::vector<std::string>>> sources = {
      {"orders", {"order_id"}},        {"order_details", {"order_id", "product_id"}},
      {"customers", {"customer_id"}},  {"products", {"product_id"}},
      {"categories", {"category_id"}}, {"employees", {"employee_id"}},
      {"shippers", {"shipper_id"}}};
  std::map<std::string, TablePtr> current;
  for (const auto& [name, key] : sources) {
    MEDALLION_ASSIGN_OR_RETURN(current[name], ReadCurrentBronze(lake_root, name, key));
  }

  const std::string run_id = fmt::format("northwind-{}", NowMicros());
  std::map<std::string, CheckedTable> checked;
  auto check = [&](const std::string& table, const TablePtr& data) -> Status {
    auto result = ApplySuite(suites.at(table), data, run_id);
    if (!result.ok()) return result.status().WithContext("silver/" + table);
    checked[table] = std::move(*result);
    return Status::OK();
  };
  for (const auto& table : NorthwindSilverTables()) {
    if (table != "order_facts") MEDALLION_RETURN_IF_ERROR(check(table, current[table]));
  }
  ingest::NorthwindSources s{current["orders"],
                             current["order_details"],
                             checked["customers"].kept,
                             checked["products"].kept,
                             checked["categories"].kept,
                             checked["employees"].kept,
                             checked["shippers"].kept};
  MEDALLION_ASSIGN_OR_RETURN(auto facts, ingest::BuildOrderFacts(s));
  MEDALLION_RETURN_IF_ERROR(check("order_facts", facts));
  MEDALLION_ASSIGN_OR_RETURN(auto gold, ingest::BuildNorthwindGold(checked["order_facts"].kept));

  NorthwindQualityReport report;
  std::vector<TablePtr> metrics;
  for (const auto& table : NorthwindSilverTables()) {
    const CheckedTable& c = checked[table];
    MEDALLION_ASSIGN_OR_RETURN(auto quarantine, ingest::ReplaceTable(lake_root, "silver/" + table + "_quarantine", c.quarantined));
    report.written.push_back(quarantine);
    MEDALLION_ASSIGN_OR_RETURN(auto silver, ingest::ReplaceTable(lake_root, "silver/" + table, c.kept));
    report.written.push_back(silver);
    report.quarantined[table] = c.quarantined->num_rows();
    report.dropped[table] = c.dropped;
    report.success[c.result.suite_name] = c.result.success;
    MEDALLION_ASSIGN_OR_RETURN(auto rows, quality::ToQualityMetricsTable(c.result));
    metrics.push_back(rows);
  }
  for (const auto& [name, table] : std::vector<std::pair<std::string, TablePtr>>{
           {"gold/revenue_by_country", gold.revenue_by_country},
           {"gold/top_countries", gold.top_countries},
           {"gold/category_performance", gold.category_performance},
           {"gold/monthly_revenue", gold.monthly_revenue},
           {"gold/customer_rfm", gold.customer_rfm},
           {"gold/vip_customers", gold.vip_customers}}) {
    MEDALLION_ASSIGN_OR_RETURN(auto w, ingest::ReplaceTable(lake_root, name, table));
    report.written.push_back(w);
  }
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto all_metrics, arrow::ConcatenateTables(metrics));
  MEDALLION_ASSIGN_OR_RETURN(auto w, AppendMetrics(lake_root, all_metrics));
  report.written.push_back(w);
  return report;
}

}  // namespace medallion::transform
