#include "medallion/storage/s3_list.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace medallion::storage {
namespace {

// RFC 3986 percent-encoding of a query value ('/' included), as SigV4 wants.
std::string EncodeQueryValue(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ListObjectsV2Query(std::string_view prefix, std::string_view delimiter, std::string_view start_after,
                               std::string_view continuation_token, int max_keys) {
  std::string query;
  auto add = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (!query.empty()) query += '&';
    query += name;
    query += '=';
    query += EncodeQueryValue(value);
  };
  add("continuation-token", continuation_token);
  add("delimiter", delimiter);
  add("encoding-type", "url");
  add("list-type", "2");
  add("max-keys", max_keys > 0 ? std::to_string(max_keys) : "");
  add("prefix", prefix);
  add("start-after", start_after);
  return query;
}

std::string DecodeS3UrlEncoding(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Result<int64_t> ParseS3Timestamp(std::string_view text) {
  std::tm tm{};
  int millis = 0;
  const std::string copy(text);
  char fraction[16] = {0};
  int fields = std::sscanf(copy.c_str(), "%d-%d-%dT%d:%d:%d.%15[0-9]", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, fraction);
  if (fields < 6) return Status::Corruption("S3 timestamp '" + copy + "' is not ISO 8601");
  for (int i = 0; i < 3; ++i) millis = millis * 10 + (fraction[i] >= '0' && fraction[i] <= '9' ? fraction[i] - '0' : 0);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + millis;
}

Result<S3ListPage> ParseListObjectsV2(const std::string& xml) {
  namespace pt = boost::property_tree;
  try {
    pt::ptree tree;
    std::istringstream in(xml);
    pt::read_xml(in, tree);
    const pt::ptree& result = tree.get_child("ListBucketResult");
    const bool url_encoded = result.get<std::string>("EncodingType", "") == "url";
    S3ListPage page;
    page.truncated = result.get<std::string>("IsTruncated", "false") == "true";
    page.next_continuation_token = result.get<std::string>("NextContinuationToken", "");
    for (const auto& [name, child] : result) {
      if (name != "Contents") continue;
      S3ListedObject object;
      const std::string key = child.get<std::string>("Key");
      object.key = url_encoded ? DecodeS3UrlEncoding(key) : key;
      object.size = child.get<int64_t>("Size", 0);
      MEDALLION_ASSIGN_OR_RETURN(object.mtime_ms, ParseS3Timestamp(child.get<std::string>("LastModified", "")));
      page.objects.push_back(std::move(object));
    }
    return page;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("unreadable S3 ListObjectsV2 response: ") + e.what());
  }
}

}  // namespace medallion::storage
