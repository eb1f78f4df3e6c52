// Compile errors are values: a code, where (1-based column, in characters), the
// offending text, what is wrong and, where one helps, a hint.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace rollcall::filter {

enum class ErrorCode : std::uint8_t {
  kSyntax,              // the text is not a `where` expression
  kUnknownAttribute,    // no such attribute in the schema
  kTypeMismatch,        // literal or attribute of the wrong type
  kOperatorNotAllowed,  // operator not defined for the operand's type
  kInvalidLiteral,      // malformed uuid/time, integer out of range
  kInvalidPattern,      // bad LIKE pattern or regex
  kLimitExceeded,       // a Limits bound was exceeded
};

const char* to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::kSyntax;
  std::uint32_t column = 1;  // 1-based, counted in characters (code points)
  std::string text;          // the offending text, as written
  std::string what;          // e.g. "unknown attribute 'Rol'"
  std::string hint;          // e.g. "did you mean 'Role'?" (may be empty)

  // "unknown attribute 'Rol' at column 1; did you mean 'Role'?"
  std::string message() const;
};

// A value or an error (by default an Error); no exceptions cross the public API.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Only valid when !ok().
  const E& error() const& { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

}  // namespace rollcall::filter
