// HTTP metrics in the Prometheus text format: requests by route pattern, method
// and status; latency histograms by route; requests in flight. Updates take one
// lock out of many (sharded by thread), so threads rarely contend.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace rollcall::server {

class Metrics {
 public:
  // The route label of requests that matched no route, so the label set stays bounded.
  static constexpr std::string_view kUnmatchedRoute = "unmatched";

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. Callers keep labels bounded (patterns, known methods).
  void observe(std::string_view route, std::string_view method, int status,
               std::chrono::nanoseconds duration);
  void request_started() noexcept { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() noexcept { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  // Called at the end of each render() to append more metrics (gauges of the data).
  void set_extra(std::function<void(std::string& out)> render);

  // Appends the exposition text (version 0.0.4) to `out`.
  void render(std::string& out) const;

 private:
  struct Shard;
  std::unique_ptr<Shard[]> shards_;
  alignas(64) std::atomic<std::int64_t> in_flight_{0};
  mutable std::mutex extra_mutex_;
  std::function<void(std::string&)> extra_;
};

}  // namespace rollcall::server
