#include "medallion/ingest/bad_records.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "medallion/ingest/calendar.h"
#include "medallion/ingest/orders_generator.h"

namespace medallion::ingest {
namespace {

std::vector<KafkaRecord> GoodRecords(int n) {
  OrdersOptions o;
  o.num_products = 20;
  o.num_customers = 500;
  o.total_daily_units = 2000;
  o.history_end = DaysFromCivil(2025, 1, 10);
  OrdersGenerator gen(o);
  std::vector<KafkaRecord> out;
  for (const auto& e : gen.Day(o.history_end - 1)) {
    out.push_back(gen.Encode(e));
    if (static_cast<int>(out.size()) == n) break;
  }
  return out;
}

bool ParsesAsObject(const std::string& v) {
  const auto j = nlohmann::json::parse(v, nullptr, /*allow_exceptions=*/false);
  return !j.is_discarded() && j.is_object();
}

TEST(BadRecordsTest, EveryKindIsProducedAndTagged) {
  BadRecordOptions opt;
  opt.fraction = 1.0;
  opt.heavy_every = 10;
  opt.huge_string_bytes = 4096;  // keep the test small; sizes are options
  opt.oversized_bytes = 8192;
  BadRecordMixer mixer(opt);
  const auto good = GoodRecords(200);
  ASSERT_EQ(good.size(), 200u);
  std::vector<KafkaRecord> out;
  for (const auto& g : good) mixer.Mix(g, &out);
  ASSERT_EQ(out.size(), 400u);  // fraction 1: each good one followed by a bad one
  std::set<std::string> seen;
  for (size_t i = 0; i < out.size(); i += 2) {
    EXPECT_TRUE(out[i].Header(kBadKindHeader).empty());
    const std::string kind(out[i + 1].Header(kBadKindHeader));
    ASSERT_FALSE(kind.empty()) << "bad record without its kind header";
    seen.insert(kind);
  }
  std::set<std::string> all;
  for (BadKind k : AllBadKinds()) all.insert(std::string(BadKindName(k)));
  EXPECT_EQ(seen, all);
  int64_t counted = 0;
  for (const auto& [k, n] : mixer.counts()) counted += n;
  EXPECT_EQ(counted, 200);
}

TEST(BadRecordsTest, EachKindIsActuallyBad) {
  BadRecordOptions opt;
  opt.huge_string_bytes = 1 << 20;
  opt.oversized_bytes = 3 << 20;
  BadRecordMixer mixer(opt);
  const KafkaRecord good = GoodRecords(1)[0];
  ASSERT_TRUE(ParsesAsObject(good.value));
  const auto good_json = nlohmann::json::parse(good.value);
  for (BadKind kind : AllBadKinds()) {
    SCOPED_TRACE(std::string(BadKindName(kind)));
    const KafkaRecord bad = mixer.Make(kind, good);
    EXPECT_EQ(bad.Header(kBadKindHeader), BadKindName(kind));
    const auto j = nlohmann::json::parse(bad.value, nullptr, false);
    switch (kind) {
      case BadKind::kInvalidJson:
      case BadKind::kTruncatedJson:
      case BadKind::kEmptyValue:
      case BadKind::kNanValue:
      case BadKind::kInfinityValue:
      case BadKind::kControlCharacters:
        EXPECT_TRUE(j.is_discarded()) << bad.value.substr(0, 200);
        break;
      case BadKind::kByteOrderMark:
        // Lenient parsers (nlohmann among them) skip a BOM; strict ones do not.
        EXPECT_EQ(bad.value.substr(0, 3), "\xEF\xBB\xBF");
        EXPECT_EQ(bad.value.substr(3), good.value);
        break;
      case BadKind::kInvalidUtf8:
        EXPECT_TRUE(j.is_discarded());
        EXPECT_NE(bad.value.find('\xFF'), std::string::npos);
        break;
      case BadKind::kNonObjectJson:
        EXPECT_FALSE(j.is_discarded());
        EXPECT_FALSE(j.is_object());
        break;
      case BadKind::kMissingField: {
        const std::string f(bad.Header(kBadFieldHeader));
        EXPECT_FALSE(j.contains(f)) << f;
        break;
      }
      case BadKind::kNullField:
        EXPECT_TRUE(j[std::string(bad.Header(kBadFieldHeader))].is_null());
        break;
      case BadKind::kWrongType:
      case BadKind::kNumberAsString: {
        const std::string f(bad.Header(kBadFieldHeader));
        EXPECT_NE(j[f].type(), good_json[f].type()) << f;
        break;
      }
      case BadKind::kNegativeQuantity: EXPECT_LT(j["quantity"].get<int>(), 0); break;
      case BadKind::kZeroQuantity: EXPECT_EQ(j["quantity"].get<int>(), 0); break;
      case BadKind::kAbsurdQuantity: EXPECT_GE(j["quantity"].get<int64_t>(), 1'000'000); break;
      case BadKind::kNegativePrice: EXPECT_LT(j["unit_price"].get<double>(), 0); break;
      case BadKind::kIntegerOverflow:
        // Parses, but not as an integer that fits 64 bits.
        EXPECT_FALSE(j["quantity"].is_number_integer());
        break;
      case BadKind::kUnknownEventType: EXPECT_EQ(j["event_type"], "order_teleported"); break;
      case BadKind::kUnknownCurrency: EXPECT_EQ(j["currency"], "XYZ"); break;
      case BadKind::kBadCountryCode: EXPECT_NE(j["country"], good_json["country"]); break;
      case BadKind::kMalformedTimestamp:
      case BadKind::kFutureTimestamp:
      case BadKind::kAncientTimestamp:
        EXPECT_NE(j["event_time"], good_json["event_time"]);
        break;
      case BadKind::kDuplicateKeys:
        EXPECT_NE(bad.value.find("\"quantity\":7"), std::string::npos);
        EXPECT_EQ(bad.value.find("\"quantity\""), bad.value.find("\"quantity\":") );
        EXPECT_NE(bad.value.find("\"quantity\"", bad.value.find("\"quantity\"") + 1), std::string::npos);
        break;
      case BadKind::kDeepNesting:
        EXPECT_NE(bad.value.find(std::string(10'000, '[')), std::string::npos);
        break;
      case BadKind::kUnknownExtraFields:
        EXPECT_TRUE(j.contains("coupon_code"));
        break;
      case BadKind::kEmptyId: EXPECT_EQ(j[std::string(bad.Header(kBadFieldHeader))], ""); break;
      case BadKind::kDuplicateEvent:
        EXPECT_EQ(bad.value, good.value);
        EXPECT_EQ(bad.key, good.key);
        break;
      case BadKind::kHugeString: EXPECT_GE(j["city"].get<std::string>().size(), size_t{1} << 20); break;
      case BadKind::kOversizedMessage: EXPECT_GT(bad.value.size(), size_t{3} << 20); break;
    }
  }
}

TEST(BadRecordsTest, FractionIsRespectedAndHeavyKindsAreRationed) {
  BadRecordOptions opt;
  opt.fraction = 0.1;
  opt.heavy_every = 100;
  opt.huge_string_bytes = 64;
  opt.oversized_bytes = 64;
  BadRecordMixer mixer(opt);
  const auto good = GoodRecords(2000);
  std::vector<KafkaRecord> out;
  for (int rep = 0; rep < 5; ++rep) {
    for (const auto& g : good) mixer.Mix(g, &out);
  }
  int64_t bad = 0, heavy = 0;
  for (const auto& r : out) {
    if (!r.Header(kBadKindHeader).empty()) ++bad;
  }
  for (const auto& [k, n] : mixer.counts()) {
    if (IsHeavy(k)) heavy += n;
  }
  EXPECT_NEAR(static_cast<double>(bad) / 10'000, 0.1, 0.02);
  EXPECT_EQ(heavy, bad / 100);
}

}  // namespace
}  // namespace medallion::ingest
