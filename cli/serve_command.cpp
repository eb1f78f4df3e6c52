// `rollcall serve`: option parsing; the server itself is in server/.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "rollcall/server/serve.hpp"

namespace rollcall::cli {

namespace {

constexpr const char* kServeUsage =
    "usage: rollcall serve [--data-dir DIR] [--listen ADDR:PORT] [--admin-token T]\n"
    "                      [--threads N] [--max-threads N] [--max-connections N]\n"
    "                      [--snapshot-every N] [--access-log-buffer BYTES] [--demo]\n"
    "\n"
    "Serves the HTTP API (see README.md) over the data directory until SIGINT or\n"
    "SIGTERM, then finishes in-flight requests and syncs the log.\n"
    "\n"
    "  --data-dir DIR       data directory (default ./rollcall-data); locked while served\n"
    "  --listen ADDR:PORT   address to listen on (default 127.0.0.1:8080; port 0: any free)\n"
    "  --admin-token T      the server admin token (default: $ROLLCALL_ADMIN_TOKEN)\n"
    "  --threads N          requests served at once (default: two per CPU it may run on;\n"
    "                       1 to 4096); waiting connections hold no thread\n"
    "  --max-threads N      threads in all, counting those started while others wait on\n"
    "                       a write's fsync or a slow client (default 512; 1 to 4096;\n"
    "                       never fewer than --threads)\n"
    "  --max-connections N  connections open at once; one more is answered 503\n"
    "                       (default 1024; 1 to 65536)\n"
    "  --snapshot-every N   logged writes between background snapshots, counted from\n"
    "                       start-up (default 100000; 0: never; at most 1000000000)\n"
    "  --access-log-buffer BYTES\n"
    "                       access-log lines waiting for stderr before requests wait for\n"
    "                       room (default 1048576; 1024 to 1073741824)\n"
    "  --demo               fill an empty data dir with a 100,000-member organization and\n"
    "                       print a token and curl commands to try\n"
    "\n"
    "Prints 'rollcall: listening on http://ADDR:PORT' on stdout once it serves.\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "rollcall serve: %s\n%s", message.c_str(), kServeUsage);
  return 2;
}

// Reads `value` as a decimal number from `min` to `max` into `out`; the error
// names the flag otherwise.
template <class Number>
std::optional<std::string> parse_number(std::string_view flag, const std::string& value, Number min,
                                        Number max, Number& out) {
  Number parsed{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error == std::errc() && end == value.data() + value.size() && parsed >= min &&
      parsed <= max) {
    out = parsed;
    return std::nullopt;
  }
  std::string message(flag);
  message.append(" wants a number from ").append(std::to_string(min)).append(" to ");
  return message.append(std::to_string(max)).append(", not '").append(value).append("'");
}

}  // namespace

int serve_command(std::span<const std::string_view> args) {
  server::ServeOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kServeUsage, stdout);
      return 0;
    }
    if (arg == "--demo") {
      options.demo = true;
      continue;
    }
    if (i + 1 >= args.size())
      return usage_error("unknown option or missing value: " + std::string(arg));
    const std::string value(args[++i]);
    std::optional<std::string> bad;  // what is wrong with the option or its value
    if (arg == "--data-dir") {
      options.data_dir = value;
    } else if (arg == "--listen") {
      options.listen = value;
    } else if (arg == "--admin-token") {
      options.admin_token = value;
    } else if (arg == "--threads") {
      bad = parse_number<std::size_t>(arg, value, 1, server::kMaxServeThreads, options.threads);
    } else if (arg == "--max-threads") {
      bad = parse_number<std::size_t>(arg, value, 1, server::kMaxServeThreads, options.max_threads);
    } else if (arg == "--max-connections") {
      bad = parse_number<std::size_t>(arg, value, 1, server::kMaxServeConnections,
                                      options.max_connections);
    } else if (arg == "--access-log-buffer") {
      bad = parse_number<std::size_t>(arg, value, server::kMinAccessLogBufferBytes,
                                      server::kMaxAccessLogBufferBytes,
                                      options.access_log_buffer_bytes);
    } else if (arg == "--snapshot-every") {
      bad = parse_number<std::uint64_t>(arg, value, 0, server::kMaxSnapshotEveryWrites,
                                        options.snapshot_every_writes);
    } else {
      bad = "unknown option " + std::string(arg);
    }
    if (bad) return usage_error(*bad);
  }
  return server::serve(options);
}

}  // namespace rollcall::cli
