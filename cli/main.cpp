#include <cstdio>
#include <string_view>
#include <vector>

#include "commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: rollcall <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve   serve the HTTP API over a data directory (rollcall serve --help)\n"
    "  query   filter NDJSON records with a `where` expression (rollcall query --help)\n"
    "  import  add OrganizationMember NDJSON records to a data directory (--help)\n"
    "  export  write a data directory's OrganizationMember records as NDJSON (--help)\n";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::span<const std::string_view> rest(args.begin() + 1, args.end());
  if (args[0] == "serve") return rollcall::cli::serve_command(rest);
  if (args[0] == "query") return rollcall::cli::query_command(rest);
  if (args[0] == "import") return rollcall::cli::import_command(rest);
  if (args[0] == "export") return rollcall::cli::export_command(rest);
  std::fprintf(stderr, "rollcall: unknown command '%.*s'\n%s", static_cast<int>(args[0].size()),
               args[0].data(), kUsage);
  return 2;
}
