#include "medallion/transform/silver_batch.h"

#include <arrow/api.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "medallion/ingest/bad_records.h"
#include "medallion/ingest/orders_generator.h"
#include "medallion/transform/silver_test_support.h"

namespace medallion::transform {
namespace {

using ::testing::HasSubstr;

constexpr int32_t kDay = 19875;  // 2024-06-01
constexpr int64_t kIngest = (int64_t{kDay} + 1) * 86'400'000'000LL;
const CurrencyRates kRates = CurrencyRates::Defaults();

std::vector<ingest::KafkaRecord> GoodRecords(int n) {
  ingest::OrdersOptions options;
  options.num_products = 20;
  options.num_customers = 100;
  ingest::OrdersGenerator generator(options);
  std::vector<ingest::KafkaRecord> out;
  for (const auto& e : generator.Day(kDay)) {
    if (static_cast<int>(out.size()) == n) break;
    out.push_back(generator.Encode(e));
  }
  return out;
}

std::set<int64_t> Offsets(const arrow::Table& table) {
  std::set<int64_t> out;
  auto column = table.GetColumnByName("offset");
  for (const auto& chunk : column->chunks()) {
    auto a = std::static_pointer_cast<arrow::Int64Array>(chunk);
    for (int64_t i = 0; i < a->length(); ++i) out.insert(a->Value(i));
  }
  return out;
}

TEST(TransformBronzeTest, EveryBadKindIsQuarantinedWithItsRuleAndNoGoodRowIsLost) {
  auto good = GoodRecords(150);
  ASSERT_EQ(good.size(), 150u);
  ingest::BadRecordOptions bad_options;
  bad_options.huge_string_bytes = 4096;
  bad_options.oversized_bytes = 8192;
  ingest::BadRecordMixer mixer(bad_options);
  std::vector<ingest::KafkaRecord> records;
  std::map<int64_t, std::string> bad_kind_at;  // offset -> kind
  size_t next_good = 0;
  // Two of every kind, so rotations inside a kind (fields, shapes) vary.
  for (int round = 0; round < 2; ++round) {
    for (ingest::BadKind kind : ingest::AllBadKinds()) {
      records.push_back(good[next_good++]);
      bad_kind_at[static_cast<int64_t>(records.size())] = std::string(ingest::BadKindName(kind));
      records.push_back(mixer.Make(kind, records.back()));
    }
  }
  while (next_good < good.size()) records.push_back(good[next_good++]);

  auto bronze = testing::BronzeTable(records, kIngest, 0, 7);
  OrderParser parser;
  DedupState dedup;
  auto batch = TransformBronze(bronze, testing::DefaultSuite(), parser, dedup, kRates);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->input_rows, static_cast<int64_t>(records.size()));
  EXPECT_EQ(batch->silver->num_rows(), static_cast<int64_t>(good.size()));
  EXPECT_EQ(batch->quarantine->num_rows(), static_cast<int64_t>(bad_kind_at.size()));
  EXPECT_EQ(batch->dropped, 0);

  std::set<int64_t> bad_offsets;
  for (const auto& [offset, kind] : bad_kind_at) bad_offsets.insert(offset);
  EXPECT_EQ(Offsets(*batch->quarantine), bad_offsets);
  for (int64_t offset : Offsets(*batch->silver)) EXPECT_FALSE(bad_offsets.count(offset)) << offset;

  // Every quarantined row names at least one rule, and its reason names them.
  auto combined = *batch->quarantine->CombineChunksToBatch();
  auto rules = std::static_pointer_cast<arrow::ListArray>(combined->GetColumnByName("failed_rules"));
  auto reasons = std::static_pointer_cast<arrow::StringArray>(combined->GetColumnByName("quarantine_reason"));
  auto offsets = std::static_pointer_cast<arrow::Int64Array>(combined->GetColumnByName("offset"));
  auto versions = std::static_pointer_cast<arrow::Int64Array>(combined->GetColumnByName("bronze_version"));
  for (int64_t i = 0; i < combined->num_rows(); ++i) {
    const std::string kind = bad_kind_at[offsets->Value(i)];
    auto row_rules = std::static_pointer_cast<arrow::StringArray>(rules->value_slice(i));
    ASSERT_GT(row_rules->length(), 0) << kind;
    EXPECT_EQ(versions->Value(i), 7);
    const std::string first_rule = row_rules->GetString(0);
    // The rule's name (or, for suite rules, its expectation type) is in the reason.
    const std::string named = first_rule.find(": expect_") != std::string::npos
                                  ? first_rule.substr(first_rule.find("expect_"), first_rule.find('(') -
                                                                                      first_rule.find("expect_"))
                                  : first_rule;
    EXPECT_THAT(reasons->GetString(i), HasSubstr(named)) << kind;
  }
  auto rule_of = [&](const std::string& kind) {
    for (int64_t i = 0; i < combined->num_rows(); ++i) {
      if (bad_kind_at[offsets->Value(i)] == kind) {
        return std::static_pointer_cast<arrow::StringArray>(rules->value_slice(i))->GetString(0);
      }
    }
    return std::string("not quarantined");
  };
  EXPECT_EQ(rule_of("duplicate_event"), "dedup_event_id");
  EXPECT_EQ(rule_of("byte_order_mark"), "json_no_byte_order_mark");
  EXPECT_EQ(rule_of("duplicate_keys"), "json_unique_keys");
  EXPECT_EQ(rule_of("unknown_extra_fields"), "schema_known_fields");
  EXPECT_EQ(rule_of("invalid_utf8"), "json_syntax");
  EXPECT_THAT(rule_of("zero_quantity"), HasSubstr("quantity: expect_column_values_to_be_between"));
  EXPECT_THAT(rule_of("unknown_currency"), HasSubstr("currency: expect_column_values_to_be_in_set"));
  EXPECT_EQ(rule_of("future_timestamp"), "event_time_not_after_ingest");

  // The GE-shaped result reports the parse and dedup stages too.
  ASSERT_GE(batch->validation.results.size(), 2u);
  EXPECT_EQ(batch->validation.results[0].expectation.type, "expect_bronze_value_to_be_an_order");
  EXPECT_EQ(batch->validation.results[0].unexpected_count, batch->parse_failures);
  EXPECT_EQ(batch->validation.results[1].expectation.type, "expect_currency_to_have_a_usd_rate");
  EXPECT_EQ(batch->validation.results[1].unexpected_count, 0);
  EXPECT_EQ(batch->validation.results[2].unexpected_count, 2);  // the two duplicate_event copies
}

TEST(TransformBronzeTest, ThreeCopiesOfEachEventLeaveOneInSilver) {
  auto good = GoodRecords(40);
  std::vector<ingest::KafkaRecord> records;
  for (int copy = 0; copy < 3; ++copy) records.insert(records.end(), good.begin(), good.end());
  OrderParser parser;
  DedupState dedup;
  auto first = TransformBronze(testing::BronzeTable(records, kIngest, 0, 1), testing::DefaultSuite(), parser, dedup, kRates);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->silver->num_rows(), 40);
  EXPECT_EQ(first->duplicates, 80);
  EXPECT_EQ(*Offsets(*first->silver).rbegin(), 39);  // the first copy wins
  dedup.Commit();
  // A later batch with the same events: all duplicates of committed rows.
  auto second = TransformBronze(testing::BronzeTable(good, kIngest, 1000, 2), testing::DefaultSuite(), parser, dedup, kRates);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->silver->num_rows(), 0);
  EXPECT_EQ(second->duplicates, 40);
}

TEST(TransformBronzeTest, AmountsAreConvertedToDollarsAndACurrencyWithoutARateIsQuarantined) {
  auto records = GoodRecords(200);
  auto all_rates = kRates.units_per_usd();
  auto without_yen = all_rates;
  without_yen.erase("JPY");
  OrderParser parser;
  DedupState dedup;
  auto batch = TransformBronze(testing::BronzeTable(records, kIngest, 0, 1), testing::DefaultSuite(), parser, dedup,
                               CurrencyRates(without_yen, "lake/silver/currency_rates"));
  ASSERT_TRUE(batch.ok()) << batch.status();
  const auto& silver = *batch->silver;
  auto currency = std::static_pointer_cast<arrow::StringArray>(silver.GetColumnByName("currency")->chunk(0));
  auto local = std::static_pointer_cast<arrow::DoubleArray>(silver.GetColumnByName("total_amount")->chunk(0));
  auto usd = std::static_pointer_cast<arrow::DoubleArray>(silver.GetColumnByName("total_amount_usd")->chunk(0));
  std::set<std::string> seen;
  for (int64_t i = 0; i < silver.num_rows(); ++i) {
    const std::string code = currency->GetString(i);
    seen.insert(code);
    EXPECT_NE(code, "JPY");
    EXPECT_DOUBLE_EQ(usd->Value(i), local->Value(i) / all_rates.at(code)) << code;
  }
  EXPECT_GT(seen.size(), 3u);  // the day's orders come from several countries

  const auto& quarantine = *batch->quarantine;
  ASSERT_GT(quarantine.num_rows(), 0);  // Tokyo orders
  auto reasons = std::static_pointer_cast<arrow::StringArray>(quarantine.GetColumnByName("quarantine_reason")->chunk(0));
  for (int64_t i = 0; i < quarantine.num_rows(); ++i) {
    EXPECT_THAT(reasons->GetString(i), HasSubstr("currency 'JPY' has no rate in lake/silver/currency_rates"));
  }
  EXPECT_EQ(silver.num_rows() + quarantine.num_rows(), static_cast<int64_t>(records.size()));
  EXPECT_EQ(batch->validation.results[1].expectation.type, "expect_currency_to_have_a_usd_rate");
  EXPECT_EQ(batch->validation.results[1].unexpected_count, quarantine.num_rows());
  EXPECT_FALSE(batch->validation.success);
}

TEST(TransformBronzeTest, FailActionStopsTheBatch) {
  quality::Suite suite = testing::DefaultSuite();
  suite.expectations.push_back(suite.expectations.back());
  suite.expectations.back().type = "expect_table_row_count_to_be_between";
  suite.expectations.back().column.reset();
  suite.expectations.back().kwargs = {{"min_value", 1000}, {"max_value", 2000}};
  suite.expectations.back().action = quality::Action::kFail;
  OrderParser parser;
  DedupState dedup;
  auto batch = TransformBronze(testing::BronzeTable(GoodRecords(5), kIngest, 0, 1), suite, parser, dedup, kRates);
  ASSERT_FALSE(batch.ok());
  EXPECT_TRUE(batch.status().IsInvalidArgument()) << batch.status();
}

}  // namespace
}  // namespace medallion::transform
