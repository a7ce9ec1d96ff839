#include "medallion/transform/currency_rates.h"

#include <arrow/api.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "medallion/common/arrow_status.h"
#include "medallion/delta/scan.h"
#include "medallion/transform/gold_columns.h"
#include "medallion/transform/table_open.h"

namespace medallion::transform {

namespace {

// Two processes opening a fresh lake at once must not both seed it: the seed
// commit carries this txn and expects none, so the loser gets Conflict. The
// txn also tells a seeded table that was emptied on purpose from a new one.
constexpr char kSeedAppId[] = "currency-rates-seed";

std::shared_ptr<arrow::Schema> RatesSchema() {
  static const auto kSchema = arrow::schema({arrow::field("currency", arrow::utf8(), false),
                                             arrow::field("units_per_usd", arrow::float64(), false)});
  return kSchema;
}

Result<std::shared_ptr<arrow::Table>> RatesTable(const std::map<std::string, double>& rates) {
  arrow::StringBuilder currencies;
  arrow::DoubleBuilder units;
  for (const auto& [currency, per_usd] : rates) {
    MEDALLION_RETURN_IF_ARROW_ERROR(currencies.Append(currency));
    MEDALLION_RETURN_IF_ARROW_ERROR(units.Append(per_usd));
  }
  std::shared_ptr<arrow::Array> a, b;
  MEDALLION_RETURN_IF_ARROW_ERROR(currencies.Finish(&a));
  MEDALLION_RETURN_IF_ARROW_ERROR(units.Finish(&b));
  return arrow::Table::Make(RatesSchema(), {a, b});
}

Status Seed(delta::Table& table) {
  MEDALLION_ASSIGN_OR_RETURN(auto rows, RatesTable(CurrencyRates::Defaults().units_per_usd()));
  delta::WriteOptions write;
  write.txns = {delta::Txn{kSeedAppId, 0, std::nullopt}};
  write.expected_txns = {{kSeedAppId, std::nullopt}};
  auto written = table.Append(rows, write);
  if (written.ok()) {
    spdlog::info("{}: created with the rates of {} currencies; update it to change them", table.uri(), rows->num_rows());
    return Status::OK();
  }
  if (!written.status().IsConflict()) return written.status().WithContext(table.uri());
  // Usually another process seeded it first. A conflict can also mean the
  // commit gave up retrying: then the table is still empty, and reading it
  // would quarantine every order, so that is an error to retry instead.
  MEDALLION_ASSIGN_OR_RETURN(auto snapshot, table.Refresh());
  if (snapshot->TxnVersion(kSeedAppId) || !snapshot->files().empty()) return Status::OK();
  return written.status().WithContext(table.uri() + ": could not seed the currency rates; run again");
}

// The last two segments of the table URI: "silver/currency_rates" for the
// lake's table, whatever the lake root is.
std::string LakeRelativeName(const std::string& uri) {
  std::string name = uri;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  const size_t last = name.rfind('/');
  if (last == std::string::npos || last == 0) return name;
  const size_t before = name.rfind('/', last - 1);
  return before == std::string::npos ? name : name.substr(before + 1);
}

}  // namespace

CurrencyRates CurrencyRates::Defaults() {
  return CurrencyRates({{"AUD", 1.52}, {"BRL", 5.0}, {"CAD", 1.36}, {"EUR", 0.92}, {"GBP", 0.79}, {"INR", 83.0},
                        {"JPY", 151.0}, {"USD", 1.0}},
                       "built-in defaults");
}

Result<std::shared_ptr<delta::Table>> CurrencyRates::OpenOrSeed(const std::string& uri) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenOrCreateTable(uri, RatesSchema(), {}));
  // A table someone filled before us (Spark, delta-rs) is used as it is.
  if (!table->snapshot()->TxnVersion(kSeedAppId) && table->snapshot()->files().empty()) {
    MEDALLION_RETURN_IF_ERROR(Seed(*table));
    MEDALLION_RETURN_IF_ERROR(table->Refresh().status());
  }
  return table;
}

Result<CurrencyRates> CurrencyRates::LoadOrSeed(const std::string& uri) {
  MEDALLION_ASSIGN_OR_RETURN(auto table, OpenOrSeed(uri));
  return Read(*table, *table->snapshot());
}

Result<CurrencyRates> CurrencyRates::Read(delta::Table& table, const delta::Snapshot& snapshot) {
  const std::string& uri = table.uri();
  auto rows = delta::ScanToTable(table.store(), snapshot, {});
  if (!rows.ok()) return rows.status().WithContext(fmt::format("{} version {}", uri, snapshot.version()));
  MEDALLION_ASSIGN_OR_RETURN(auto currencies, ReadString(**rows, "currency"));
  MEDALLION_ASSIGN_OR_RETURN(auto units, ReadDouble(**rows, "units_per_usd"));
  CurrencyRates rates;
  rates.source_ = LakeRelativeName(uri);
  rates.version_ = snapshot.version();
  for (size_t i = 0; i < currencies.size(); ++i) {
    if (!std::isfinite(units[i]) || units[i] <= 0) {
      return Status::InvalidArgument(
          fmt::format("{}: currency '{}' has units_per_usd {}; a rate must be a positive number", uri, currencies[i], units[i]));
    }
    if (!rates.units_per_usd_.emplace(currencies[i], units[i]).second) {
      return Status::InvalidArgument(
          fmt::format("{}: currency '{}' has more than one rate; keep one row per currency", uri, currencies[i]));
    }
  }
  return rates;
}

std::optional<double> CurrencyRates::ToUsd(const std::string& currency, double amount) const {
  auto it = units_per_usd_.find(currency);
  if (it == units_per_usd_.end()) return std::nullopt;
  return amount / it->second;
}

}  // namespace medallion::transform
