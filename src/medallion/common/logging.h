// Process-wide logging on spdlog. After InitLogging() every module logs with
// spdlog::info(...), spdlog::warn(...) etc.; logs go to stderr because stdout
// carries command output (`medallion table scan ... > rows.csv`).
//
// Two shapes: a human line on a terminal, JSON lines otherwise (so a log
// shipper or `jq` can read them). Both pass the message through
// RedactSecrets() first: a DSN or an AWS key that ends up in an error message
// must not end up in a log file.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

#include "medallion/common/result.h"
#include "medallion/common/status.h"

namespace medallion {

enum class LogFormat {
  kAuto,   // human when stderr is a terminal, JSON lines otherwise
  kHuman,  // "2026-11-23 14:00:00.123 info  message" (local time)
  kJson,   // {"ts":"2026-11-23T14:00:00.123Z","level":"info","msg":"...","logger":"medallion"}
};

// "auto", "human" or "json" (case-insensitive); anything else is InvalidArgument.
Result<LogFormat> ParseLogFormat(std::string_view text);

// "trace", "debug", "info", "warn"/"warning", "error"/"err", "critical", "off".
Result<spdlog::level::level_enum> ParseLogLevel(std::string_view text);

// Installs the default spdlog logger ("medallion") writing to stderr in
// `format` at `level`. Safe to call again (the CLI calls it once flags and
// config are known; tests may call it repeatedly).
Status InitLogging(LogFormat format, std::string_view level);

// The formatter InitLogging installs, for tests and for extra sinks. kAuto is
// resolved against stderr.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

// Masks secrets in free text:
//   postgresql://u:secret@h/db        -> postgresql://u:***@h/db
//   host=h password=secret user=u     -> host=h password=*** user=u
//   AWS_SECRET_ACCESS_KEY=abc         -> AWS_SECRET_ACCESS_KEY=***
//   {"token": "abc"}                  -> {"token": "***"}
// Keys are matched case-insensitively by their ending (password, passwd, pwd,
// secret, token, secret_key, secret_access_key, api_key, apikey, private_key,
// authorization, signature), with '=' or ':' between key and value.
std::string RedactSecrets(std::string_view text);

}  // namespace medallion
