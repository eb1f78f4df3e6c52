// Errors of the persistence layer are values: a Status carries a message that
// names the file and, where it helps, the byte offset. No exceptions escape.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "rollcall/filter/error.hpp"

namespace rollcall::persist {

class [[nodiscard]] Status {
 public:
  Status() = default;  // success
  static Status error(std::string message) { return Status(std::move(message)); }

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const std::string& message() const noexcept { return message_; }

 private:
  explicit Status(std::string message) : ok_(false), message_(std::move(message)) {}

  bool ok_ = true;
  std::string message_;
};

// A value or a failed Status.
template <class T>
class [[nodiscard]] Result : public filter::Result<T, Status> {
 public:
  using filter::Result<T, Status>::Result;
  const Status& status() const& { return this->error(); }
};

}  // namespace rollcall::persist
