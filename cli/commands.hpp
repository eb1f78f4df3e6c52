#pragma once

#include <span>
#include <string_view>

namespace rollcall::cli {

// Each returns the process exit code.
int query_command(std::span<const std::string_view> args);
int import_command(std::span<const std::string_view> args);
int export_command(std::span<const std::string_view> args);
int serve_command(std::span<const std::string_view> args);

}  // namespace rollcall::cli
