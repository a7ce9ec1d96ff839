#include "medallion/common/logging.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "medallion/common/env.h"

namespace medallion {
namespace {

constexpr std::string_view kMask = "***";
constexpr std::string_view kDefaultLoggerName = "medallion";

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Keys are matched by their ending so that prefixed names (db_password,
// AWS_SECRET_ACCESS_KEY, client_secret, x-api-key) are caught without listing
// every variant.
bool IsSecretKey(std::string_view key) {
  // "signature" covers presigned S3 URLs (X-Amz-Signature), which grant access.
  static constexpr std::array<std::string_view, 15> kSuffixes = {
      "password",          "passwd",          "pwd",     "secret", "token",   "secret_key",  "secretkey",
      "secret_access_key", "secretaccesskey", "api_key", "apikey", "api-key", "private_key", "authorization",
      "signature"};
  const std::string lower = ToLower(key);
  for (std::string_view suffix : kSuffixes) {
    if (lower.size() >= suffix.size() && std::string_view(lower).substr(lower.size() - suffix.size()) == suffix) {
      return true;
    }
  }
  return false;
}

// Masks the password in "scheme://user:password@host...". The authority ends
// at the first '/', '?', '#', whitespace or quote (RFC 3986); passwords with
// those characters must be percent-encoded in a URI anyway.
std::string RedactUriPasswords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  size_t search = 0;
  while (true) {
    const size_t scheme_end = text.find("://", search);
    if (scheme_end == std::string_view::npos) break;
    const size_t authority = scheme_end + 3;
    size_t end = authority;
    while (end < text.size()) {
      const char c = text[end];
      if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || std::isspace(static_cast<unsigned char>(c))) {
        break;
      }
      ++end;
    }
    const std::string_view host_part = text.substr(authority, end - authority);
    const size_t at = host_part.rfind('@');
    if (at != std::string_view::npos) {
      const size_t colon = host_part.find(':');
      if (colon != std::string_view::npos && colon < at && colon + 1 < at) {
        out.append(text.substr(copied, authority + colon + 1 - copied));
        out.append(kMask);
        copied = authority + at;
      }
    }
    search = end;
  }
  out.append(text.substr(copied));
  return out;
}

// If a "key=value" / "key: value" / "\"key\": \"value\"" pair starts right
// after a secret key ending at `pos`, returns the [begin, end) of the value.
std::optional<std::pair<size_t, size_t>> FindValueAfterKey(std::string_view text, size_t pos, bool to_end_of_line) {
  size_t i = pos;
  if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;  // closing quote of a quoted key
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i >= text.size() || (text[i] != '=' && text[i] != ':')) return std::nullopt;
  if (text[i] == ':' && text.substr(i, 3) == "://") return std::nullopt;  // a URI scheme, not a pair
  ++i;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i >= text.size()) return std::nullopt;

  if (text[i] == '"' || text[i] == '\'') {
    const char quote = text[i];
    const size_t begin = i + 1;
    size_t end = begin;
    while (end < text.size() && text[end] != quote) {
      end += (text[end] == '\\' && end + 1 < text.size()) ? 2 : 1;
    }
    return std::make_pair(begin, std::min(end, text.size()));
  }
  const size_t begin = i;
  size_t end = begin;
  while (end < text.size()) {
    const char c = text[end];
    if (c == '\n' || c == '\r' || c == '"' || c == '\'') break;
    // "Authorization: Bearer abc" has spaces inside its value.
    if (!to_end_of_line && (IsSpace(c) || c == ',' || c == ';' || c == '&' || c == ')' || c == '}' || c == ']' || c == '<')) {
      break;
    }
    ++end;
  }
  return std::make_pair(begin, end);
}

std::string RedactKeyValueSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsKeyChar(text[i]) || (i > 0 && IsKeyChar(text[i - 1]))) {
      out.push_back(text[i++]);
      continue;
    }
    size_t key_end = i;
    while (key_end < text.size() && IsKeyChar(text[key_end])) ++key_end;
    const std::string_view key = text.substr(i, key_end - i);
    if (IsSecretKey(key)) {
      const bool to_end_of_line = ToLower(key).ends_with("authorization");
      if (auto value = FindValueAfterKey(text, key_end, to_end_of_line); value && value->second > value->first) {
        out.append(text.substr(i, value->first - i));
        out.append(kMask);
        i = value->second;
        continue;
      }
    }
    out.append(key);
    i = key_end;
  }
  return out;
}

std::string FormatUtcMillis(spdlog::log_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, millis);
}

std::string_view ToStringView(spdlog::string_view_t s) { return {s.data(), s.size()}; }

// One JSON object per line. nlohmann::json does the escaping (quotes, control
// characters, invalid UTF-8 replaced rather than throwing inside a logger).
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line;
    line["ts"] = FormatUtcMillis(msg.time);
    line["level"] = ToStringView(spdlog::level::to_string_view(msg.level));
    line["msg"] = RedactSecrets(ToStringView(msg.payload));
    line["logger"] = msg.logger_name.size() == 0 ? kDefaultLoggerName : ToStringView(msg.logger_name);
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

// Redacts the payload, then lets spdlog's pattern formatter lay out the line.
class RedactingFormatter final : public spdlog::formatter {
 public:
  explicit RedactingFormatter(std::unique_ptr<spdlog::formatter> inner) : inner_(std::move(inner)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string redacted = RedactSecrets(ToStringView(msg.payload));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(redacted.data(), redacted.size());
    inner_->format(copy, dest);
    // The color sink reads the level's color range from the message it passed in.
    msg.color_range_start = copy.color_range_start;
    msg.color_range_end = copy.color_range_end;
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<RedactingFormatter>(inner_->clone());
  }

 private:
  std::unique_ptr<spdlog::formatter> inner_;
};

LogFormat Resolve(LogFormat format) {
  if (format != LogFormat::kAuto) return format;
  return IsTty(STDERR_FILENO) ? LogFormat::kHuman : LogFormat::kJson;
}

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view text) {
  const std::string lower = ToLower(text);
  if (lower == "auto") return LogFormat::kAuto;
  if (lower == "human") return LogFormat::kHuman;
  if (lower == "json") return LogFormat::kJson;
  return Status::InvalidArgument("log format '" + std::string(text) + "': expected auto, human or json");
}

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view text) {
  const std::string lower = ToLower(text);
  if (lower == "trace") return spdlog::level::trace;
  if (lower == "debug") return spdlog::level::debug;
  if (lower == "info") return spdlog::level::info;
  if (lower == "warn" || lower == "warning") return spdlog::level::warn;
  if (lower == "error" || lower == "err") return spdlog::level::err;
  if (lower == "critical") return spdlog::level::critical;
  if (lower == "off") return spdlog::level::off;
  return Status::InvalidArgument("log level '" + std::string(text) +
                                 "': expected trace, debug, info, warn, error, critical or off");
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  if (Resolve(format) == LogFormat::kJson) return std::make_unique<JsonLineFormatter>();
  return std::make_unique<RedactingFormatter>(
      std::make_unique<spdlog::pattern_formatter>("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v"));
}

Status InitLogging(LogFormat format, std::string_view level) {
  MEDALLION_ASSIGN_OR_RETURN(spdlog::level::level_enum parsed_level, ParseLogLevel(level));
  const LogFormat resolved = Resolve(format);
  spdlog::sink_ptr sink;
  if (resolved == LogFormat::kJson) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();  // colors only on a terminal
  }
  sink->set_formatter(MakeLogFormatter(resolved));
  // Built directly (not spdlog::stderr_color_mt) so a second call replaces the
  // logger instead of failing on a duplicate name in spdlog's registry.
  auto logger = std::make_shared<spdlog::logger>(std::string(kDefaultLoggerName), std::move(sink));
  logger->set_level(parsed_level);
  spdlog::set_default_logger(std::move(logger));
  return Status::OK();
}

std::string RedactSecrets(std::string_view text) { return RedactKeyValueSecrets(RedactUriPasswords(text)); }

}  // namespace medallion
