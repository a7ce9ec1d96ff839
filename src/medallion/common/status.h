// Errors as values. A Status carries a code and a one-line message that names
// the thing that went wrong (file, column, offset...). No exception crosses a
// module boundary: public functions return Status or Result<T>.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace medallion {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // bad user input: flag, config, schema, request
  kNotFound,          // table, file, object, key
  kAlreadyExists,     // put-if-absent lost, table exists
  kConflict,          // concurrent Delta commit that cannot be reconciled
  kCorruption,        // unreadable log entry, checkpoint or data file
  kIOError,           // filesystem, network, S3
  kDataLoss,          // e.g. Kafka offset fell below the low watermark
  kUnauthenticated,
  kPermissionDenied,
  kTimeout,
  kCancelled,
  kNotImplemented,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status NotImplemented(std::string m) { return {StatusCode::kNotImplemented, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }
  bool IsConflict() const { return code_ == StatusCode::kConflict; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }

  // "NotFound: <message>", or "OK".
  std::string ToString() const;

  // Same code, message prefixed with "context: ". OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& s);

}  // namespace medallion

#define MEDALLION_CONCAT_INNER(a, b) a##b
#define MEDALLION_CONCAT(a, b) MEDALLION_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define MEDALLION_RETURN_IF_ERROR(expr)                 \
  do {                                                  \
    ::medallion::Status _st = (expr);                   \
    if (!_st.ok()) return _st;                          \
  } while (false)
