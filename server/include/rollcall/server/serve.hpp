// `rollcall serve`: the HTTP API over a data directory.
#pragma once

#include <cstddef>
#include <string>

namespace rollcall::server {

struct ServeOptions {
  std::string data_dir = "./rollcall-data";
  std::string listen = "127.0.0.1:8080";  // ADDR:PORT; port 0 picks a free one
  std::string admin_token;                // empty: ROLLCALL_ADMIN_TOKEN, else none
  std::size_t threads = 512;              // one per keep-alive connection
  bool demo = false;                      // fill an empty data dir with demo data
};

// Serves until SIGINT or SIGTERM; returns the process exit code.
int serve(const ServeOptions& options);

}  // namespace rollcall::server
