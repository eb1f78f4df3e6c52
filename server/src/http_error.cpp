#include "http_error.hpp"

namespace rollcall::server {

HttpError from_store(const index::StoreError& error) {
  using index::StoreErrorCode;
  switch (error.code) {
    case StoreErrorCode::kNotFound:
      return {404, error.message};
    case StoreErrorCode::kForbidden:
      return {403, error.message};
    case StoreErrorCode::kConflict:
      return {409, error.message};
    case StoreErrorCode::kVersionMismatch:
      return {412, "If-Match: " + error.message};
    case StoreErrorCode::kRuleViolation:
      return {422, error.message};
    case StoreErrorCode::kBadRequest:
      return {400, error.message};
    case StoreErrorCode::kUnavailable:
      return {503, "the write could not be made durable; try again"};
  }
  return {500, "internal error"};
}

}  // namespace rollcall::server
