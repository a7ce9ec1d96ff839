// Reads expectation suites into the one Suite model, from
//  - Great Expectations JSON, both generations:
//      0.x  {"expectation_suite_name", "expectations": [{"expectation_type", "kwargs", "meta"}]}
//      1.x  {"name", "expectations": [{"type", "kwargs", "meta", "id", "severity"}]}
//    (1.x expectations dumped from the pydantic model, with kwargs at the top
//    level of each expectation instead of under "kwargs", are accepted too);
//  - medallion's native YAML:
//      name: orders
//      default_action: quarantine        # warn (default) | drop | quarantine | fail
//      expectations:
//        - type: expect_column_values_to_be_between
//          column: quantity
//          min_value: 1
//          max_value: 1000
//          action: drop                  # overrides default_action
//
// GE suites default to "warn" (GE itself never drops rows); an expectation's
// meta {"action": "..."} (or {"medallion": {"action": "..."}}) overrides it,
// and the suite's meta {"default_action": "..."} changes the default.
//
// Every error names the source and the expectation's index, type and key.
#pragma once

#include <string>
#include <string_view>

#include "medallion/common/result.h"
#include "medallion/quality/expectation.h"

namespace medallion::quality {

// JSON in either Great Expectations shape.
Result<Suite> ParseGreatExpectationsSuite(std::string_view json_text, std::string_view source);

// medallion's native YAML.
Result<Suite> ParseNativeSuite(std::string_view yaml_text, std::string_view source);

// Either: text starting with '{' is GE JSON, anything else native YAML.
Result<Suite> ParseSuite(std::string_view text, std::string_view source);

// Reads `path` and parses it with ParseSuite.
Result<Suite> LoadSuiteFile(const std::string& path);

}  // namespace medallion::quality
