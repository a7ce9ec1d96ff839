#include "medallion/ingest/demand_truth.h"

#include <arrow/api.h>

#include "medallion/common/arrow_status.h"
#include "medallion/ingest/pg_northwind.h"

namespace medallion::ingest {

std::shared_ptr<arrow::Schema> DailyDemandSchema() {
  return arrow::schema({
      arrow::field("date", arrow::date32(), false),
      arrow::field("product_id", arrow::utf8(), false),
      arrow::field("category", arrow::utf8(), false),
      arrow::field("expected_units", arrow::float64(), false),
      arrow::field("price_usd", arrow::float64(), false),
      arrow::field("promo", arrow::boolean(), false),
      arrow::field("discount", arrow::float64(), false),
      arrow::field("holiday_factor", arrow::float64(), false),
  });
}

Result<std::shared_ptr<arrow::RecordBatch>> DailyDemandToArrow(const DemandModel& model,
                                                               const std::vector<DailyDemand>& rows) {
  arrow::Date32Builder date;
  arrow::StringBuilder product_id, category;
  arrow::DoubleBuilder expected, price, discount, holiday;
  arrow::BooleanBuilder promo;
  const auto& products = model.products();
  for (const DailyDemand& r : rows) {
    if (r.product < 0 || r.product >= static_cast<int>(products.size())) {
      return Status::InvalidArgument("daily demand row names product index " + std::to_string(r.product) +
                                     " outside the catalogue");
    }
    const Product& p = products[r.product];
    MEDALLION_RETURN_IF_ARROW_ERROR(date.Append(r.date));
    MEDALLION_RETURN_IF_ARROW_ERROR(product_id.Append(p.product_id));
    MEDALLION_RETURN_IF_ARROW_ERROR(category.Append(Categories()[p.category].name));
    MEDALLION_RETURN_IF_ARROW_ERROR(expected.Append(r.expected_units));
    MEDALLION_RETURN_IF_ARROW_ERROR(price.Append(r.price_usd));
    MEDALLION_RETURN_IF_ARROW_ERROR(promo.Append(r.promo));
    MEDALLION_RETURN_IF_ARROW_ERROR(discount.Append(r.discount));
    MEDALLION_RETURN_IF_ARROW_ERROR(holiday.Append(r.holiday_factor));
  }
  std::vector<std::shared_ptr<arrow::Array>> columns(8);
  MEDALLION_RETURN_IF_ARROW_ERROR(date.Finish(&columns[0]));
  MEDALLION_RETURN_IF_ARROW_ERROR(product_id.Finish(&columns[1]));
  MEDALLION_RETURN_IF_ARROW_ERROR(category.Finish(&columns[2]));
  MEDALLION_RETURN_IF_ARROW_ERROR(expected.Finish(&columns[3]));
  MEDALLION_RETURN_IF_ARROW_ERROR(price.Finish(&columns[4]));
  MEDALLION_RETURN_IF_ARROW_ERROR(promo.Finish(&columns[5]));
  MEDALLION_RETURN_IF_ARROW_ERROR(discount.Finish(&columns[6]));
  MEDALLION_RETURN_IF_ARROW_ERROR(holiday.Finish(&columns[7]));
  return arrow::RecordBatch::Make(DailyDemandSchema(), static_cast<int64_t>(rows.size()), std::move(columns));
}

Result<int64_t> WriteDemandTruth(const std::string& lake_uri, const DemandModel& model, int32_t first_date,
                                 int32_t last_date) {
  if (last_date <= first_date) return Status::InvalidArgument("demand truth: empty date range");
  MEDALLION_ASSIGN_OR_RETURN(auto batch, DailyDemandToArrow(model, model.Truth(first_date, last_date)));
  MEDALLION_ASSIGN_OR_RETURN_ARROW(auto table, arrow::Table::FromRecordBatches({batch}));
  MEDALLION_ASSIGN_OR_RETURN(auto written, ReplaceTable(lake_uri, kDemandTruthTable, table));
  return written.version;
}

}  // namespace medallion::ingest
