#include "medallion/common/arrow_status.h"

namespace medallion {

Status FromArrow(const arrow::Status& s) {
  if (s.ok()) return Status::OK();
  StatusCode code = StatusCode::kInternal;
  switch (s.code()) {
    case arrow::StatusCode::Invalid:
    case arrow::StatusCode::TypeError:
    case arrow::StatusCode::KeyError:
    case arrow::StatusCode::IndexError:
      code = StatusCode::kInvalidArgument;
      break;
    case arrow::StatusCode::IOError:
      code = StatusCode::kIOError;
      break;
    case arrow::StatusCode::AlreadyExists:
      code = StatusCode::kAlreadyExists;
      break;
    case arrow::StatusCode::NotImplemented:
      code = StatusCode::kNotImplemented;
      break;
    case arrow::StatusCode::Cancelled:
      code = StatusCode::kCancelled;
      break;
    default:
      break;
  }
  // Arrow reports a missing file as IOError with errno detail; keep the code
  // precise so callers can tell "absent" from "broken".
  if (s.IsIOError() && s.message().find("No such file") != std::string::npos) code = StatusCode::kNotFound;
  if (s.IsIOError() && s.message().find("Path does not exist") != std::string::npos) code = StatusCode::kNotFound;
  return Status(code, s.message());
}

}  // namespace medallion
