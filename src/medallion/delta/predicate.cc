#include "medallion/delta/predicate.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/value_parsing.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <variant>

#include "medallion/delta/partition.h"
#include "medallion/delta/value_format.h"

namespace medallion::delta {

namespace {

using Bound = std::variant<std::monostate, int64_t, double, std::string>;

// A scalar in a form that orders like the column: integers, days and
// microseconds as int64, floats as double, strings as bytes.
Bound ToBound(const arrow::Scalar& s) {
  if (!s.is_valid) return {};
  switch (s.type->id()) {
    case arrow::Type::INT8: return int64_t{static_cast<const arrow::Int8Scalar&>(s).value};
    case arrow::Type::INT16: return int64_t{static_cast<const arrow::Int16Scalar&>(s).value};
    case arrow::Type::INT32: return int64_t{static_cast<const arrow::Int32Scalar&>(s).value};
    case arrow::Type::INT64: return static_cast<const arrow::Int64Scalar&>(s).value;
    case arrow::Type::DATE32: return int64_t{static_cast<const arrow::Date32Scalar&>(s).value};
    case arrow::Type::TIMESTAMP: {
      const auto& t = static_cast<const arrow::TimestampType&>(*s.type);
      return ToMicros(static_cast<const arrow::TimestampScalar&>(s).value, t.unit());
    }
    case arrow::Type::FLOAT: return double{static_cast<const arrow::FloatScalar&>(s).value};
    case arrow::Type::DOUBLE: return static_cast<const arrow::DoubleScalar&>(s).value;
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
      return static_cast<const arrow::BaseBinaryScalar&>(s).ToString();
    default:
      return {};
  }
}

int Compare(const Bound& a, const Bound& b) {
  if (std::holds_alternative<int64_t>(a) && std::holds_alternative<int64_t>(b)) {
    auto x = std::get<int64_t>(a), y = std::get<int64_t>(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (std::holds_alternative<std::string>(a) && std::holds_alternative<std::string>(b)) {
    return std::get<std::string>(a).compare(std::get<std::string>(b)) < 0   ? -1
           : std::get<std::string>(a).compare(std::get<std::string>(b)) > 0 ? 1
                                                                            : 0;
  }
  auto as_double = [](const Bound& v) {
    return std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v)) : std::get<double>(v);
  };
  double x = as_double(a), y = as_double(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

bool Comparable(const Bound& a, const Bound& b) {
  if (std::holds_alternative<std::monostate>(a) || std::holds_alternative<std::monostate>(b)) return false;
  return std::holds_alternative<std::string>(a) == std::holds_alternative<std::string>(b);
}

// Whether some value in [lo, hi] can satisfy `v op literal`.
bool RangeMayMatch(CompareOp op, const Bound& lo, const Bound& hi, const Bound& literal) {
  switch (op) {
    case CompareOp::kEq: return Compare(lo, literal) <= 0 && Compare(hi, literal) >= 0;
    case CompareOp::kNe: return !(Compare(lo, literal) == 0 && Compare(hi, literal) == 0);
    case CompareOp::kLt: return Compare(lo, literal) < 0;
    case CompareOp::kLe: return Compare(lo, literal) <= 0;
    case CompareOp::kGt: return Compare(hi, literal) > 0;
    case CompareOp::kGe: return Compare(hi, literal) >= 0;
  }
  return true;
}

Result<std::shared_ptr<arrow::Scalar>> ParseLiteral(std::string text, const std::shared_ptr<arrow::DataType>& type,
                                                    const std::string& column) {
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') && text.back() == text.front()) {
    text = text.substr(1, text.size() - 2);
  }
  if (type->id() == arrow::Type::TIMESTAMP) {
    auto parsed = PartitionValueFromString(text, type);
    if (!parsed.ok()) return Status::InvalidArgument(fmt::format("'{}' is not a timestamp for column '{}'", text, column));
    return parsed;
  }
  auto parsed = arrow::Scalar::Parse(type, text);
  if (!parsed.ok()) {
    return Status::InvalidArgument(fmt::format("'{}' is not a valid {} for column '{}'", text, type->ToString(), column));
  }
  return *parsed;
}

}  // namespace

Result<Predicate> ParsePredicate(const std::string& text, const arrow::Schema& schema) {
  Predicate predicate;
  static const std::regex kAnd(R"(\s+[Aa][Nn][Dd]\s+)");
  static const std::regex kTerm(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=|==|!=|<>|<=|>=|<|>)\s*(.+?)\s*$)");
  std::sregex_token_iterator it(text.begin(), text.end(), kAnd, -1), end;
  for (; it != end; ++it) {
    std::string term = *it;
    if (term.find_first_not_of(" \t") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(term, m, kTerm)) {
      return Status::InvalidArgument(fmt::format("cannot parse filter '{}' (expected: column <op> value)", term));
    }
    auto field = schema.GetFieldByName(m[1].str());
    if (!field) return Status::InvalidArgument(fmt::format("filter column '{}' is not in the table", m[1].str()));
    std::string op = m[2];
    CompareOp cop = op == "=" || op == "==" ? CompareOp::kEq
                    : op == "!=" || op == "<>" ? CompareOp::kNe
                    : op == "<"  ? CompareOp::kLt
                    : op == "<=" ? CompareOp::kLe
                    : op == ">"  ? CompareOp::kGt
                                 : CompareOp::kGe;
    MEDALLION_ASSIGN_OR_RETURN(auto literal, ParseLiteral(m[3].str(), field->type(), field->name()));
    predicate.terms.push_back(Comparison{field->name(), cop, literal});
  }
  return predicate;
}

bool PartitionMayMatch(const Predicate& predicate, const PartitionValues& values, const arrow::Schema& schema) {
  for (const auto& term : predicate.terms) {
    auto it = values.find(term.column);
    if (it == values.end()) continue;  // not a partition column
    if (!it->second) return false;     // null never compares true
    auto field = schema.GetFieldByName(term.column);
    auto value = PartitionValueFromString(it->second, field->type());
    if (!value.ok()) continue;
    Bound v = ToBound(**value), lit = ToBound(*term.literal);
    if (!Comparable(v, lit)) continue;
    if (!RangeMayMatch(term.op, v, v, lit)) return false;
  }
  return true;
}

bool StatsMayMatch(const Predicate& predicate, const std::optional<std::string>& stats_json,
                   const std::vector<std::string>& partition_columns) {
  if (predicate.empty() || !stats_json) return true;
  nlohmann::json stats = nlohmann::json::parse(*stats_json, nullptr, false);
  if (stats.is_discarded() || !stats.is_object()) return true;
  auto mins = stats.value("minValues", nlohmann::json::object());
  auto maxs = stats.value("maxValues", nlohmann::json::object());
  for (const auto& term : predicate.terms) {
    if (std::find(partition_columns.begin(), partition_columns.end(), term.column) != partition_columns.end()) continue;
    if (!mins.contains(term.column) || !maxs.contains(term.column)) continue;
    const auto& type = term.literal->type;
    auto to_scalar = [&](const nlohmann::json& j) -> std::shared_ptr<arrow::Scalar> {
      std::string text = j.is_string() ? j.get<std::string>() : j.dump();
      auto parsed = type->id() == arrow::Type::TIMESTAMP ? PartitionValueFromString(text, type)
                                                          : Result<std::shared_ptr<arrow::Scalar>>(
                                                                [&]() -> Result<std::shared_ptr<arrow::Scalar>> {
                                                                  auto p = arrow::Scalar::Parse(type, text);
                                                                  if (!p.ok()) return Status::Corruption("bad stat");
                                                                  return *p;
                                                                }());
      return parsed.ok() ? *parsed : nullptr;
    };
    auto lo = to_scalar(mins[term.column]);
    auto hi = to_scalar(maxs[term.column]);
    if (!lo || !hi) continue;
    Bound blo = ToBound(*lo), bhi = ToBound(*hi), lit = ToBound(*term.literal);
    if (!Comparable(blo, lit) || !Comparable(bhi, lit)) continue;
    // Stats timestamps have millisecond precision: widen the max by 1 ms.
    if (type->id() == arrow::Type::TIMESTAMP && std::holds_alternative<int64_t>(bhi)) bhi = std::get<int64_t>(bhi) + 1000;
    if (!RangeMayMatch(term.op, blo, bhi, lit)) return false;
  }
  return true;
}

arrow::compute::Expression ToExpression(const Predicate& predicate) {
  namespace cp = arrow::compute;
  std::vector<cp::Expression> parts;
  for (const auto& term : predicate.terms) {
    auto field = cp::field_ref(term.column);
    auto lit = cp::literal(term.literal);
    switch (term.op) {
      case CompareOp::kEq: parts.push_back(cp::equal(field, lit)); break;
      case CompareOp::kNe: parts.push_back(cp::not_equal(field, lit)); break;
      case CompareOp::kLt: parts.push_back(cp::less(field, lit)); break;
      case CompareOp::kLe: parts.push_back(cp::less_equal(field, lit)); break;
      case CompareOp::kGt: parts.push_back(cp::greater(field, lit)); break;
      case CompareOp::kGe: parts.push_back(cp::greater_equal(field, lit)); break;
    }
  }
  if (parts.empty()) return cp::literal(true);
  return cp::and_(parts);
}

}  // namespace medallion::delta
