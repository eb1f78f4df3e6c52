#include "rollcall/server/serve.hpp"

#include <openssl/sha.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <initializer_list>
#include <iostream>
#include <thread>
#include <utility>

#include "api.hpp"
#include "demo.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "openapi.hpp"
#include "ops_routes.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::server {

namespace {

struct Address {
  std::string host;
  int port = 0;
};

// Descriptors the server needs besides one per connection: the data
// directory's files, the listening socket, epoll, standard streams.
constexpr rlim_t kOtherFiles = 64;

// Raises the soft open-file limit to the hard one, as far as connections need,
// and warns when even that is too low: past it accept() fails, and further
// clients wait in the listen backlog instead of being answered 503.
void raise_open_file_limit(std::size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = max_connections + kOtherFiles;
  if (limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < wanted) {
    std::cerr << "rollcall serve: the open-file limit " << limit.rlim_cur << " is below " << wanted
              << " (--max-connections " << max_connections << " plus " << kOtherFiles
              << "); connections past it wait to be accepted\n";
  }
}

std::optional<Address> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  try {
    std::size_t used = 0;
    const int port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port < 0 || port > 65535) return std::nullopt;
    return Address{text.substr(0, colon), port};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::array<std::uint8_t, 32>> hash_of(const std::string& token) {
  if (token.empty()) return std::nullopt;
  std::array<std::uint8_t, 32> hash{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash.data());
  return hash;
}

// --demo: fills the directory and, when no admin token is configured, makes
// one. False, having said why, when it cannot.
bool start_demo(index::Directory& directory, std::string& admin_token,
                std::optional<DemoData>& demo) {
  if (admin_token.empty()) admin_token = index::random_secret("admin-");
  if (admin_token.empty()) {
    std::cerr << "rollcall serve --demo: no random bytes for an admin token\n";
    return false;
  }
  auto filled = fill_demo(directory);
  if (!filled) {
    std::cerr << "rollcall serve --demo: " << filled.error().message << "\n";
    return false;
  }
  demo = std::move(*filled);
  return true;
}

std::string admin_token_of(const ServeOptions& options) {
  if (!options.admin_token.empty()) return options.admin_token;
  const char* from_env = std::getenv("ROLLCALL_ADMIN_TOKEN");
  return from_env != nullptr ? from_env : "";
}

// A gauge's help and type, then its samples: each a label set ("" for none) and a value.
void append_gauge(std::string& out, const char* name, const char* help,
                  std::initializer_list<std::pair<const char*, std::uint64_t>> samples) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
  out.append(name).append(" gauge\n");
  for (const auto& [labels, value] : samples) {
    out.append(name).append(labels).append(" ").append(std::to_string(value)).append("\n");
  }
}

// The connection pool's gauges, beside the HTTP metrics.
void render_server_metrics(const HttpServerStats& stats, std::string& out) {
  append_gauge(out, "rollcall_http_connections_open", "Connections open.",
               {{"", stats.connections}});
  append_gauge(out, "rollcall_http_worker_threads",
               "Worker threads: running (blocked ones included), blocked on a write's fsync or a "
               "slow client, and parked as spares.",
               {{R"({state="running"})", stats.running_threads},
                {R"({state="blocked"})", stats.blocked_threads},
                {R"({state="spare"})", stats.spare_threads}});
}

// Gauges of the data and its persistence, beside the HTTP metrics.
void render_data_metrics(const index::Directory& directory, std::string& out) {
  const auto gauge = [&](const char* name, const char* help, std::uint64_t value) {
    append_gauge(out, name, help, {{"", value}});
  };
  gauge("rollcall_organization_members", "Organization memberships held.",
        directory.members().size());
  gauge("rollcall_users", "Users held.", directory.user_count());
  gauge("rollcall_organizations", "Organizations held.", directory.organization_count());
  gauge("rollcall_spaces", "Spaces held.", directory.space_count());
  gauge("rollcall_space_members", "Space memberships held.", directory.space_members().size());
  gauge("rollcall_filters", "Saved filters held.", directory.filter_count());
  gauge("rollcall_idempotent_answers", "Idempotent answers held (expired ones until pruned).",
        directory.idempotent_answer_count());
  gauge("rollcall_wal_last_sequence", "Last record appended to the write-ahead log.",
        directory.wal_last_sequence());
  gauge("rollcall_wal_durable_sequence", "Last write-ahead log record on disk.",
        directory.wal_durable_sequence());
  const auto snapshot = directory.last_snapshot();
  gauge("rollcall_snapshot_sequence", "Log sequence the newest snapshot covers.",
        snapshot ? snapshot->sequence : 0);
  gauge("rollcall_snapshot_bytes", "Size of the newest snapshot.", snapshot ? snapshot->bytes : 0);
}

void print_demo(const DemoData& demo, const std::string& base, const std::string& admin_token) {
  const std::string org = demo.organization.organization_id.to_string();
  std::cout
      << "demo: organization " << org << " (" << demo.organization.display_name
      << "), its OWNER's token:\n  export TOKEN=" << demo.token << "\n"
      << "admin token: " << admin_token << "\n"
      << "try:\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" '" << base << "/organization/" << org
      << "/organization_member?limit=3&include_total=true' --get --data-urlencode \"where=Role = "
         "'ADMIN' AND Labels.team = 'sre'\"\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" '" << base << "/organization/" << org
      << "/organization_member?limit=3' --get --data-urlencode \"where=DisplayName ILIKE "
         "'%ström%'\"\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" '" << base << "/organization/" << org
      << "/organization_member?limit=3&order_by=DESC:CreatedAt' --get --data-urlencode "
         "\"where=CreatedAt >= '2025-01-07' AND LEN(RoleIDs) >= 2\"\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" '" << base << "/organization/" << org
      << "/space'\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" '" << base << "/organization/" << org
      << "/organization_member?filter=admins&limit=3&include_total=true'\n"
      << "  curl -s -H \"Authorization: Bearer $TOKEN\" '" << base
      << "/where/explain?entity=OrganizationMember&organization=" << org
      << "' --get --data-urlencode \"where=Role = 'OWNER' OR Labels.team = 'sre'\"\n"
      << "  curl -s '" << base << "/openapi.json' | head -c 300\n";
}

}  // namespace

int serve(const ServeOptions& options) {
  const auto address = parse_listen(options.listen);
  if (!address) {
    std::cerr << "rollcall serve: --listen wants ADDR:PORT, not '" << options.listen << "'\n";
    return 2;
  }
  // Signals go to one thread that stops the server; the others never see them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  index::DirectoryOptions directory_options;
  directory_options.snapshot_every_writes = options.snapshot_every_writes;
  auto directory = index::Directory::open(options.data_dir, directory_options);
  if (!directory) {
    std::cerr << "rollcall serve: " << directory.status().message() << "\n";
    return 1;
  }
  std::cerr << "rollcall: " << options.data_dir << ": " << (*directory)->recovery().message()
            << "\n";
  std::string admin_token = admin_token_of(options);
  std::optional<DemoData> demo;
  if (options.demo && !start_demo(**directory, admin_token, demo)) return 1;

  ApiContext context{**directory, hash_of(admin_token)};
  Metrics metrics;
  std::atomic<bool> ready{false};
  Router router;
  add_ops_routes(router, metrics, ready, openapi_json());
  add_api_routes(router, context);

  raise_open_file_limit(options.max_connections);
  HttpOptions http;
  http.host = address->host;
  http.port = address->port;
  if (options.threads != 0) http.threads = options.threads;
  http.max_threads = options.max_threads;
  http.max_connections = options.max_connections;
  http.access_log_buffer_bytes = options.access_log_buffer_bytes;
  HttpServer server(http, router, metrics);
  metrics.set_extra([&dir = **directory, &server](std::string& out) {
    render_server_metrics(server.stats(), out);
    render_data_metrics(dir, out);
  });
  std::string bind_error;
  if (!server.bind(bind_error)) {
    std::cerr << "rollcall serve: cannot listen on " << options.listen << ": " << bind_error
              << "\n";
    return 1;
  }
  ready = true;
  const std::string base = "http://" + address->host + ":" + std::to_string(server.port());
  std::cout << "rollcall: listening on " << base << std::endl;
  if (demo) print_demo(*demo, base, admin_token);
  std::cout.flush();

  std::atomic<bool> stopping{false};
  std::thread stopper([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    stopping = true;
    std::cerr << "rollcall: " << (received == SIGINT ? "SIGINT" : "SIGTERM")
              << ": finishing in-flight requests\n";
    server.stop();
  });
  server.run();
  // run() also returns when listening fails: wake the stopper then.
  if (!stopping) kill(getpid(), SIGTERM);
  stopper.join();
  std::cerr << "rollcall: stopped; log synced\n";
  return 0;
}

}  // namespace rollcall::server
