// The data routes on real Gold tables (Silver rows -> RunGoldJob) and small
// hand-written tables in a temporary lake, dispatched without a socket.
#include "medallion/serve/data_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/serve/api.h"
#include "medallion/serve/test_lake.h"
#include "medallion/transform/gold_job.h"
#include "medallion/transform/gold_test_support.h"

namespace medallion::serve {
namespace {

using ::testing::HasSubstr;
using testing::Get;
using testing::Reply;
using Json = nlohmann::json;

class DataRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LakeReader::Options options;
    options.refresh_interval = std::chrono::milliseconds(0);  // see every commit at once
    auto lake = LakeReader::Open(lake_.path(), options);
    ASSERT_TRUE(lake.ok()) << lake.status();
    ApiOptions api;
    api.metrics = &metrics_;
    api.lake = *lake;
    auto router = BuildApiRouter(std::move(api));
    ASSERT_TRUE(router.ok()) << router.status();
    router_ = *router;
  }

  // Silver orders on two days, then the batch Gold job over them.
  void BuildGold() {
    using transform::testing::SilverRow;
    std::vector<SilverRow> rows(3);
    rows[0].date = "2026-01-04";
    rows[1].date = "2026-01-05";
    rows[1].quantity = 2;
    rows[2].date = "2026-01-05";
    rows[2].hour = 14;
    rows[2].customer_id = 2;
    rows[2].product_id = 101;
    rows[2].category = "books";
    rows[2].city = "Paris";
    rows[2].country = "FR";
    rows[2].unit_price = 50;
    auto silver = transform::testing::MakeSilver(rows);
    auto store = storage::OpenObjectStore(lake_ / "silver/orders");
    ASSERT_TRUE(store.ok());
    delta::CreateOptions create;
    create.schema = silver->schema();
    auto table = delta::Table::Create(*store, create);
    ASSERT_TRUE(table.ok()) << table.status();
    ASSERT_TRUE((*table)->Append(silver).ok());
    transform::GoldJobOptions gold;
    gold.silver_uri = lake_ / "silver/orders";
    gold.lake_uri = lake_.path();
    auto report = transform::RunGoldJob(gold);
    ASSERT_TRUE(report.ok()) << report.status();
  }

  // GETs `target`, expects `status`, and checks a 200 body against the
  // route's declared schema.
  Json Expect(int status, const std::string& target, const std::string& route = "") {
    Reply reply = Get(*router_, target);
    EXPECT_EQ(reply.status, status) << target << ": " << reply.body.dump();
    if (status == 200) {
      std::string path = route.empty() ? target.substr(0, target.find('?')) : route;
      Json schema = testing::ResponseSchema(*router_, Method::kGet, path);
      EXPECT_FALSE(schema.is_null()) << path;
      EXPECT_EQ(testing::SchemaMismatch(schema, reply.body), "") << target;
    }
    return reply.body;
  }

  testing::TempLake lake_;
  MetricsRegistry metrics_;
  std::shared_ptr<Router> router_;
};

TEST_F(DataRoutesTest, EmptyLakeAnswersEmptyDataNamingWhatIsMissing) {
  for (const char* target : {"/api/v1/kpis", "/api/v1/sales", "/api/v1/forecast", "/api/v1/forecast/series",
                             "/api/v1/quality", "/api/v1/ticks", "/api/v1/customers"}) {
    Json body = Expect(200, target);
    EXPECT_FALSE(body["missing"].empty()) << target;
  }
  EXPECT_THAT(Expect(200, "/api/v1/kpis")["missing"].dump(), HasSubstr("gold/sales_daily"));
  EXPECT_EQ(Expect(200, "/api/v1/tables")["tables"].size(), 0u);
  Json pipeline = Expect(200, "/api/v1/pipeline");
  EXPECT_TRUE(pipeline["consumer_lag"].is_null());
  EXPECT_TRUE(pipeline["freshness_p99_ms"].is_null());
  Expect(404, "/api/v1/ticks/AAA", "/api/v1/ticks/{symbol}");
  Expect(404, "/api/v1/tables/gold/sales_daily/history");
}

TEST_F(DataRoutesTest, KpisComeFromTheLatestGoldDay) {
  BuildGold();
  Json kpis = Expect(200, "/api/v1/kpis");
  EXPECT_EQ(kpis["as_of"], "2026-01-05");
  EXPECT_DOUBLE_EQ(kpis["revenue_today"].get<double>(), 70.0);
  EXPECT_EQ(kpis["orders_today"], 2);
  EXPECT_EQ(kpis["units_today"], 3);
  EXPECT_DOUBLE_EQ(kpis["revenue_prev_day"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(kpis["revenue_dod_growth"].get<double>(), 6.0);
  ASSERT_EQ(kpis["top_products"].size(), 2u);
  EXPECT_EQ(kpis["top_products"][0]["product_id"], "101");
  EXPECT_EQ(kpis["top_products"][0]["rank"], 1);
  ASSERT_EQ(kpis["top_countries"].size(), 2u);
  EXPECT_EQ(kpis["top_countries"][0]["country"], "FR");
  EXPECT_DOUBLE_EQ(kpis["top_countries"][1]["revenue"].get<double>(), 20.0);
  EXPECT_EQ(kpis["category_growth"][0]["category"], "books");
  EXPECT_EQ(kpis["customers"], 2);
  int64_t in_segments = 0;
  for (const auto& s : kpis["rfm_segments"]) in_segments += s["customers"].get<int64_t>();
  EXPECT_EQ(in_segments, 2);
  EXPECT_EQ(kpis["vip_count"], 0);  // two customers: m_scores 1 and 2, no VIP
  EXPECT_TRUE(kpis["missing"].empty());
}

TEST_F(DataRoutesTest, SalesHasCityHourProductDayAndCountries) {
  BuildGold();
  Json sales = Expect(200, "/api/v1/sales?days=7");
  EXPECT_EQ(sales["as_of"], "2026-01-05");
  EXPECT_EQ(sales["from"], "2025-12-30");
  EXPECT_EQ(sales["products"], Json({"100", "101"}));  // by units: 3, then 1
  EXPECT_EQ(sales["product_day"].size(), 3u);
  ASSERT_EQ(sales["city_hour"].size(), 2u);
  for (const auto& cell : sales["city_hour"]) {
    if (cell["city"] == "Paris") {
      EXPECT_EQ(cell["hour"], 14);
      EXPECT_DOUBLE_EQ(cell["revenue"].get<double>(), 50.0);
    } else {
      EXPECT_EQ(cell["city"], "Berlin");
      EXPECT_EQ(cell["hour"], 10);
    }
  }
  EXPECT_EQ(sales["daily"].size(), 2u);
  EXPECT_EQ(sales["top_countries"][0]["country"], "FR");
  EXPECT_EQ(Expect(400, "/api/v1/sales?days=0")["error"]["field"], "days");
}

TEST_F(DataRoutesTest, TablesListEveryLayerAndHistoryRefusesNonTables) {
  BuildGold();
  Json tables = Expect(200, "/api/v1/tables")["tables"];
  bool saw_silver = false, saw_gold = false;
  for (const auto& t : tables) {
    if (t["layer"] == "silver" && t["name"] == "orders") saw_silver = t["rows"] == 3;
    if (t["layer"] == "gold" && t["name"] == "sales_daily") saw_gold = t["version"].get<int64_t>() >= 0;
  }
  EXPECT_TRUE(saw_silver) << tables.dump();
  EXPECT_TRUE(saw_gold) << tables.dump();
  Json history = Expect(200, "/api/v1/tables/silver/orders/history", "/api/v1/tables/{layer}/{name}/history");
  ASSERT_EQ(history["history"].size(), 2u);  // create, append
  EXPECT_EQ(history["history"][0]["version"], 1);
  Expect(404, "/api/v1/tables/gold/nothing_here/history");
  Expect(404, "/api/v1/tables/gold/../history");
  Expect(404, "/api/v1/tables/gold/..%2F..%2Fsilver/history");
  EXPECT_EQ(Expect(400, "/api/v1/tables/etc/passwd/history")["error"]["field"], "layer");
}

const char* kForecastRows = R"(
{"as_of_date":"2026-01-05","target_date":"2026-01-06","horizon":1,"level":"product","key":"A","forecast":10,"lower":8,"upper":12,"model_name":"demand","model_version":1}
{"as_of_date":"2026-01-05","target_date":"2026-01-07","horizon":2,"level":"product","key":"A","forecast":11,"lower":8,"upper":14,"model_name":"demand","model_version":1}
{"as_of_date":"2026-01-05","target_date":"2026-01-06","horizon":1,"level":"product","key":"B","forecast":5,"lower":4,"upper":6,"model_name":"demand","model_version":1}
{"as_of_date":"2026-01-05","target_date":"2026-01-06","horizon":1,"level":"category","key":"toys","forecast":100,"lower":90,"upper":110,"model_name":"demand","model_version":1}
{"as_of_date":"2026-01-06","target_date":"2026-01-07","horizon":1,"level":"product","key":"A","forecast":12,"lower":10,"upper":14,"model_name":"demand","model_version":2}
{"as_of_date":"2026-01-06","target_date":"2026-01-08","horizon":2,"level":"product","key":"A","forecast":13,"lower":10,"upper":16,"model_name":"demand","model_version":2}
)";

std::shared_ptr<arrow::Schema> ForecastSchema() {
  return arrow::schema({arrow::field("as_of_date", arrow::date32()), arrow::field("target_date", arrow::date32()),
                        arrow::field("horizon", arrow::int32()), arrow::field("level", arrow::utf8()),
                        arrow::field("key", arrow::utf8()), arrow::field("forecast", arrow::float64()),
                        arrow::field("lower", arrow::float64()), arrow::field("upper", arrow::float64()),
                        arrow::field("model_name", arrow::utf8()), arrow::field("model_version", arrow::int64())});
}

std::vector<double> Points(const Json& body) {
  std::vector<double> out;
  for (const auto& f : body["forecasts"]) out.push_back(f["forecast"].get<double>());
  return out;
}

TEST_F(DataRoutesTest, ForecastTakesTheNewestRunBeforeEachTargetDate) {
  ASSERT_TRUE(testing::AppendJsonRows(lake_.path(), "gold/demand_forecast", ForecastSchema(), kForecastRows).ok());
  Json a = Expect(200, "/api/v1/forecast?product_id=A&date=2026-01-06&horizon=3");
  EXPECT_EQ(Points(a), std::vector<double>({10, 12, 13}));
  EXPECT_EQ(a["to"], "2026-01-08");
  EXPECT_EQ(a["forecasts"][1]["as_of_date"], "2026-01-06");
  EXPECT_EQ(a["forecasts"][1]["model_version"], 2);
  EXPECT_DOUBLE_EQ(a["forecasts"][1]["lower"].get<double>(), 10.0);

  Json next = Expect(200, "/api/v1/forecast");  // from the day after the newest run, every product
  EXPECT_EQ(next["from"], "2026-01-07");
  EXPECT_EQ(Points(next), std::vector<double>({12, 13}));
  EXPECT_EQ(Points(Expect(200, "/api/v1/forecast?level=category&date=2026-01-06")), std::vector<double>({100}));

  EXPECT_EQ(Expect(400, "/api/v1/forecast?horizon=0")["error"]["field"], "horizon");
  EXPECT_EQ(Expect(400, "/api/v1/forecast?date=2026-02-30")["error"]["field"], "date");
  EXPECT_EQ(Expect(400, "/api/v1/forecast?level=planet")["error"]["field"], "level");

  Json series = Expect(200, "/api/v1/forecast/series?product_id=A");
  EXPECT_EQ(series["product_id"], "A");
  EXPECT_EQ(Points(series), std::vector<double>({10, 12, 13}));
  EXPECT_TRUE(series["champion"].is_null());
}

TEST_F(DataRoutesTest, QualityHasPassRatesAndQuarantineByRule) {
  auto metrics_schema = arrow::schema(
      {arrow::field("run_id", arrow::utf8()), arrow::field("suite", arrow::utf8()),
       arrow::field("expectation", arrow::utf8()), arrow::field("column", arrow::utf8()),
       arrow::field("success", arrow::boolean()), arrow::field("element_count", arrow::int64()),
       arrow::field("unexpected_count", arrow::int64()), arrow::field("unexpected_percent", arrow::float64()),
       arrow::field("evaluated_at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
  ASSERT_TRUE(testing::AppendJsonRows(lake_.path(), "gold/quality_metrics", metrics_schema, R"(
{"run_id":"r1","suite":"orders","expectation":"expect_column_values_to_not_be_null","column":"customer_id","success":true,"element_count":100,"unexpected_count":0,"unexpected_percent":0,"evaluated_at":"2026-01-05T10:00:00Z"}
{"run_id":"r2","suite":"orders","expectation":"expect_column_values_to_not_be_null","column":"customer_id","success":false,"element_count":100,"unexpected_count":10,"unexpected_percent":10,"evaluated_at":"2026-01-05T11:00:00Z"}
)").ok());
  auto quarantine_schema = arrow::schema(
      {arrow::field("topic", arrow::utf8()), arrow::field("partition", arrow::int32()),
       arrow::field("offset", arrow::int64()), arrow::field("value", arrow::utf8()),
       arrow::field("failed_rules", arrow::list(arrow::utf8())), arrow::field("quarantine_reason", arrow::utf8()),
       arrow::field("ingest_time", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"))});
  ASSERT_TRUE(testing::AppendJsonRows(lake_.path(), "silver/orders_quarantine", quarantine_schema, R"(
{"topic":"orders","partition":0,"offset":7,"value":"{\"customer_id\":null}","failed_rules":["not_null_customer"],"quarantine_reason":"customer_id is null","ingest_time":"2026-01-05T10:00:00Z"}
{"topic":"orders","partition":1,"offset":9,"value":"{}","failed_rules":["not_null_customer","positive_quantity"],"quarantine_reason":"two rules","ingest_time":"2026-01-05T10:01:00Z"}
{"topic":"orders","partition":1,"offset":10,"value":"{}","failed_rules":["dedup_event_id"],"quarantine_reason":"duplicate","ingest_time":"2026-01-05T10:02:00Z"}
)").ok());
  Json quality = Expect(200, "/api/v1/quality");
  ASSERT_EQ(quality["expectations"].size(), 1u);
  const Json& e = quality["expectations"][0];
  EXPECT_EQ(e["last_success"], false);
  EXPECT_EQ(e["runs"], 2);
  EXPECT_DOUBLE_EQ(e["pass_rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(e["row_pass_rate"].get<double>(), 0.95);
  EXPECT_EQ(quality["quarantine"]["total"], 3);
  std::map<std::string, int64_t> by_rule;
  for (const auto& r : quality["quarantine"]["by_rule"]) by_rule[r["rule"]] = r["rows"];
  EXPECT_EQ(by_rule, (std::map<std::string, int64_t>{{"dedup_event_id", 1}, {"not_null_customer", 2}, {"positive_quantity", 1}}));
  ASSERT_EQ(quality["quarantine"]["samples"].size(), 3u);
  EXPECT_EQ(quality["quarantine"]["samples"][0]["reason"], "duplicate");  // newest first
  EXPECT_EQ(quality["quarantine"]["samples"][0]["source"], "orders/1@10");
}

TEST_F(DataRoutesTest, TicksHaveIndicatorsPredictionsAndAccuracy) {
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  auto features = arrow::schema({arrow::field("symbol", arrow::utf8()), arrow::field("ts", ts),
                                 arrow::field("price", arrow::float64()), arrow::field("rsi_14", arrow::float64()),
                                 arrow::field("macd", arrow::float64()), arrow::field("next_direction", arrow::int32())});
  ASSERT_TRUE(testing::AppendJsonRows(lake_.path(), "gold/tick_features", features, R"(
{"symbol":"AAA","ts":"2026-01-05T10:00:00Z","price":10,"rsi_14":null,"macd":0.1,"next_direction":1}
{"symbol":"AAA","ts":"2026-01-05T10:00:01Z","price":11,"rsi_14":55,"macd":0.2,"next_direction":0}
{"symbol":"AAA","ts":"2026-01-05T10:00:02Z","price":10.5,"rsi_14":50,"macd":0.1,"next_direction":null}
{"symbol":"BBB","ts":"2026-01-05T10:00:00Z","price":99,"rsi_14":null,"macd":null,"next_direction":null}
)").ok());
  auto predictions = arrow::schema({arrow::field("symbol", arrow::utf8()), arrow::field("ts", ts),
                                    arrow::field("prob_up", arrow::float64()),
                                    arrow::field("predicted_direction", arrow::int32()),
                                    arrow::field("model_version", arrow::int64()),
                                    arrow::field("in_sample", arrow::boolean())});
  // The first tick was in the model's training period: right, but not counted.
  ASSERT_TRUE(testing::AppendJsonRows(lake_.path(), "gold/tick_predictions", predictions, R"(
{"symbol":"AAA","ts":"2026-01-05T10:00:00Z","prob_up":0.7,"predicted_direction":1,"model_version":1,"in_sample":true}
{"symbol":"AAA","ts":"2026-01-05T10:00:01Z","prob_up":0.6,"predicted_direction":1,"model_version":1,"in_sample":false}
{"symbol":"AAA","ts":"2026-01-05T10:00:02Z","prob_up":0.2,"predicted_direction":0,"model_version":1,"in_sample":false}
)").ok());
  Json symbols = Expect(200, "/api/v1/ticks")["symbols"];
  ASSERT_EQ(symbols.size(), 2u);
  EXPECT_EQ(symbols[0]["symbol"], "AAA");
  EXPECT_EQ(symbols[0]["ticks"], 3);
  EXPECT_DOUBLE_EQ(symbols[0]["last_price"].get<double>(), 10.5);

  Json aaa = Expect(200, "/api/v1/ticks/AAA?limit=2", "/api/v1/ticks/{symbol}");
  ASSERT_EQ(aaa["points"].size(), 2u);
  EXPECT_EQ(aaa["points"][0]["ts"], "2026-01-05T10:00:01.000Z");
  // Only the out-of-sample tick with an outcome counts (the last has none yet):
  // in-sample too, the accuracy would read 0.5.
  EXPECT_EQ(aaa["predictions_scored"], 1);
  EXPECT_DOUBLE_EQ(aaa["direction_accuracy"].get<double>(), 0.0);
  EXPECT_EQ(aaa["predictions"].size(), 2u);
  EXPECT_EQ(aaa["predictions"][0]["in_sample"], false);
  EXPECT_TRUE(Expect(200, "/api/v1/ticks/BBB", "/api/v1/ticks/{symbol}")["direction_accuracy"].is_null());
  Expect(404, "/api/v1/ticks/ZZZ", "/api/v1/ticks/{symbol}");
}

TEST_F(DataRoutesTest, PipelineAndMetricsReadTheStatusFiles) {
  BuildGold();
  lake_.WriteFile("_runs/ingest_status.json", R"({"updated_at":"2026-01-05T10:00:00Z","topics":{
      "orders":{"rows_per_s":100,"lag":5,"bronze_version":3,"bronze_rows":1000},
      "ticks":{"rows_per_s":50,"lag":7,"bronze_version":2,"bronze_rows":500}}})");
  lake_.WriteFile("_runs/stream_status.json", R"({"updated_at":"2026-01-05T10:00:01Z","throughput_rows_per_s":1000,
      "freshness_ms":{"p50":800,"p99":2500,"count":10,"buckets":[[500,3],[1000,6],[5000,10]]}})");
  Json pipeline = Expect(200, "/api/v1/pipeline");
  EXPECT_DOUBLE_EQ(pipeline["consumer_lag"].get<double>(), 12.0);
  EXPECT_DOUBLE_EQ(pipeline["ingest_rows_per_s"].get<double>(), 150.0);
  EXPECT_DOUBLE_EQ(pipeline["freshness_p99_ms"].get<double>(), 2500.0);
  EXPECT_DOUBLE_EQ(pipeline["throughput_rows_per_s"].get<double>(), 1000.0);
  ASSERT_EQ(pipeline["layers"].size(), 3u);
  EXPECT_EQ(pipeline["layers"][1]["layer"], "silver");
  EXPECT_EQ(pipeline["layers"][1]["rows"], 3);
  EXPECT_GT(pipeline["layers"][2]["tables"].size(), 5u);

  Reply metrics = Get(*router_, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string text = metrics.body.get<std::string>();
  EXPECT_THAT(text, HasSubstr("medallion_consumer_lag_messages{topic=\"orders\"} 5"));
  EXPECT_THAT(text, HasSubstr("medallion_table_rows{layer=\"silver\",table=\"orders\"} 3"));
  EXPECT_THAT(text, HasSubstr("medallion_freshness_seconds_bucket{le=\"0.5\"} 3"));
  EXPECT_THAT(text, HasSubstr("medallion_freshness_seconds_count 10"));

  lake_.WriteFile("_runs/stream_status.json", "{not json");
  EXPECT_TRUE(Expect(200, "/api/v1/pipeline")["freshness_p99_ms"].is_null());
}

TEST_F(DataRoutesTest, CustomersListVipsByMonetary) {
  auto rfm = arrow::schema({arrow::field("as_of_date", arrow::date32()), arrow::field("customer_id", arrow::int64()),
                            arrow::field("monetary", arrow::float64()), arrow::field("frequency", arrow::int64()),
                            arrow::field("rfm_score", arrow::utf8()), arrow::field("segment", arrow::utf8()),
                            arrow::field("vip", arrow::boolean())});
  ASSERT_TRUE(testing::AppendJsonRows(lake_.path(), "gold/customer_rfm", rfm, R"(
{"as_of_date":"2026-01-05","customer_id":1,"monetary":100,"frequency":5,"rfm_score":"555","segment":"champions","vip":true}
{"as_of_date":"2026-01-05","customer_id":2,"monetary":900,"frequency":4,"rfm_score":"545","segment":"champions","vip":true}
{"as_of_date":"2026-01-05","customer_id":3,"monetary":5,"frequency":1,"rfm_score":"511","segment":"new","vip":false}
)").ok());
  Json customers = Expect(200, "/api/v1/customers?limit=1");
  EXPECT_EQ(customers["as_of"], "2026-01-05");
  EXPECT_EQ(customers["customers"], 3);
  EXPECT_EQ(customers["vip_count"], 2);
  ASSERT_EQ(customers["vips"].size(), 1u);
  EXPECT_EQ(customers["vips"][0]["customer_id"], "2");
  EXPECT_EQ(customers["segments"][0], Json({{"segment", "champions"}, {"customers", 2}, {"monetary", 1000.0}}));
}

}  // namespace
}  // namespace medallion::serve
