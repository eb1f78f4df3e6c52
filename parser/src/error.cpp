#include "rollcall/filter/error.hpp"

namespace rollcall::filter {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kSyntax:
      return "syntax";
    case ErrorCode::kUnknownAttribute:
      return "unknown_attribute";
    case ErrorCode::kTypeMismatch:
      return "type_mismatch";
    case ErrorCode::kOperatorNotAllowed:
      return "operator_not_allowed";
    case ErrorCode::kInvalidLiteral:
      return "invalid_literal";
    case ErrorCode::kInvalidPattern:
      return "invalid_pattern";
    case ErrorCode::kLimitExceeded:
      return "limit_exceeded";
  }
  return "unknown";
}

// Built with append(): GCC 12 warns falsely (-Wrestrict) on chains of operator+.
std::string Error::message() const {
  std::string out = what;
  out.append(" at column ").append(std::to_string(column));
  if (!text.empty() && what.find(text) == std::string::npos) {
    const bool quoted = text.front() == '\'';
    out.append(quoted ? " (" : " ('").append(text).append(quoted ? ")" : "')");
  }
  if (!hint.empty()) out.append("; ").append(hint);
  return out;
}

}  // namespace rollcall::filter
