// The HTTP server: cpp-httplib underneath (only http_server.cpp includes it),
// routing by Router, plus request ids, limits, the access log and metrics.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "metrics.hpp"
#include "router.hpp"

namespace rollcall::server {

// Two per CPU the calling thread may run on: measured best for reads on a
// 2-core machine.
std::size_t default_worker_threads();

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  // Worker threads serving requests at once; connections between requests wait
  // without a thread (see ConnectionPool).
  std::size_t threads = default_worker_threads();
  // Threads in all, counting those started while workers wait on a write's
  // fsync or a slow client.
  std::size_t max_threads = 512;
  // Connections open at once, at most: one more is answered 503 and closed.
  std::size_t max_connections = 1024;
  // How often idle connections are checked against their timeouts, and workers
  // busy with one connection that long are made up for.
  std::chrono::milliseconds sweep_interval{100};
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds read_timeout{5}, write_timeout{5}, keep_alive_timeout{30};
  std::size_t keep_alive_max_count = 1000000;
  // Access-log lines waiting for stderr, at most (then requests wait for room).
  std::size_t access_log_buffer_bytes = std::size_t{1} << 20;
};

// The connection pool's state, for /metrics; all 0 before run().
struct HttpServerStats {
  std::size_t connections = 0;      // open
  std::size_t running_threads = 0;  // workers not parked, blocked ones included
  std::size_t blocked_threads = 0;  // workers made up for (a write's fsync, a slow client)
  std::size_t spare_threads = 0;    // parked until a worker blocks
};

class HttpServer {
 public:
  // Keeps references to `router` and `metrics`; neither may change while serving.
  HttpServer(HttpOptions options, const Router& router, Metrics& metrics);
  ~HttpServer();  // after run() has returned, or without run()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Opens the listening socket; false with the reason in `error`.
  bool bind(std::string& error);
  int port() const;  // the bound port, also when HttpOptions::port was 0
  // Serves until stop(), then waits for in-flight requests to finish.
  void run();
  // Thread-safe and idempotent: stops accepting, closes idle connections,
  // lets requests in progress finish. Before run(), makes run() return at once.
  void stop();
  // One JSON line per request, without its newline. Default: a line on stderr,
  // written by a thread of its own (see AccessLogWriter); an empty function
  // logs nothing. Set before run().
  void set_access_log(std::function<void(std::string_view line)> log);
  HttpServerStats stats() const;  // thread-safe

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollcall::server
