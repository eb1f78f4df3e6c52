#pragma once

#include <span>
#include <string_view>

namespace rollcall::cli {

// Each returns the process exit code.
int query_command(std::span<const std::string_view> args);

}  // namespace rollcall::cli
