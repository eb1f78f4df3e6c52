// Metrics: the Prometheus exposition text, label escaping, concurrent updates.
#include "metrics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace rollcall::server {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

std::string rendered(const Metrics& metrics) {
  std::string out;
  metrics.render(out);
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsTest, EmptyExpositionHasTheFamilies) {
  const Metrics metrics;
  EXPECT_EQ(rendered(metrics),
            "# HELP rollcall_http_requests_total HTTP requests answered, by route pattern, "
            "method and status.\n"
            "# TYPE rollcall_http_requests_total counter\n"
            "# HELP rollcall_http_request_duration_seconds Time from reading a request to "
            "writing its last byte, by route pattern.\n"
            "# TYPE rollcall_http_request_duration_seconds histogram\n"
            "# HELP rollcall_http_requests_in_flight HTTP requests being served.\n"
            "# TYPE rollcall_http_requests_in_flight gauge\n"
            "rollcall_http_requests_in_flight 0\n");
}

TEST(MetricsTest, ExpositionOfOneRoute) {
  Metrics metrics;
  metrics.observe("/org/{id}", "GET", 200, microseconds(300));
  metrics.observe("/org/{id}", "GET", 200, milliseconds(1));  // on a bound: counted in it
  metrics.observe("/org/{id}", "GET", 404, milliseconds(30));
  metrics.observe("/org/{id}", "DELETE", 200, milliseconds(3000));
  const std::string expected =
      "# HELP rollcall_http_requests_total HTTP requests answered, by route pattern, "
      "method and status.\n"
      "# TYPE rollcall_http_requests_total counter\n"
      "rollcall_http_requests_total{route=\"/org/{id}\",method=\"DELETE\",status=\"200\"} 1\n"
      "rollcall_http_requests_total{route=\"/org/{id}\",method=\"GET\",status=\"200\"} 2\n"
      "rollcall_http_requests_total{route=\"/org/{id}\",method=\"GET\",status=\"404\"} 1\n"
      "# HELP rollcall_http_request_duration_seconds Time from reading a request to "
      "writing its last byte, by route pattern.\n"
      "# TYPE rollcall_http_request_duration_seconds histogram\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.0005\"} 1\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.001\"} 2\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.0025\"} 2\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.005\"} 2\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.01\"} 2\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.025\"} 2\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.05\"} 3\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.1\"} 3\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.25\"} 3\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"0.5\"} 3\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"1\"} 3\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"2.5\"} 3\n"
      "rollcall_http_request_duration_seconds_bucket{route=\"/org/{id}\",le=\"+Inf\"} 4\n"
      "rollcall_http_request_duration_seconds_sum{route=\"/org/{id}\"} 3.0313\n"
      "rollcall_http_request_duration_seconds_count{route=\"/org/{id}\"} 4\n"
      "# HELP rollcall_http_requests_in_flight HTTP requests being served.\n"
      "# TYPE rollcall_http_requests_in_flight gauge\n"
      "rollcall_http_requests_in_flight 0\n";
  EXPECT_EQ(rendered(metrics), expected);
}

TEST(MetricsTest, RoutesAreSortedAndUnmatchedHasOneLabel) {
  Metrics metrics;
  metrics.observe("/b", "GET", 200, microseconds(1));
  metrics.observe(Metrics::kUnmatchedRoute, "GET", 404, microseconds(1));
  metrics.observe(Metrics::kUnmatchedRoute, "GET", 404, microseconds(1));
  metrics.observe("/a", "GET", 200, microseconds(1));
  const std::string text = rendered(metrics);
  EXPECT_LT(text.find("route=\"/a\""), text.find("route=\"/b\""));
  EXPECT_LT(text.find("route=\"/b\""), text.find("route=\"unmatched\""));
  EXPECT_TRUE(contains(
      text, "rollcall_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 2\n"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.observe("/a\"b\\c\nd", "GET", 200, microseconds(1));
  EXPECT_TRUE(contains(rendered(metrics),
                       "rollcall_http_requests_total{route=\"/a\\\"b\\\\c\\nd\",method=\"GET\","
                       "status=\"200\"} 1\n"));
}

TEST(MetricsTest, InFlightGauge) {
  Metrics metrics;
  metrics.request_started();
  metrics.request_started();
  metrics.request_finished();
  EXPECT_TRUE(contains(rendered(metrics), "\nrollcall_http_requests_in_flight 1\n"));
}

TEST(MetricsTest, ExtraRendererIsAppended) {
  Metrics metrics;
  metrics.set_extra(
      [](std::string& out) { out += "# TYPE rollcall_users gauge\nrollcall_users 7\n"; });
  const std::string text = rendered(metrics);
  EXPECT_TRUE(
      text.ends_with("rollcall_http_requests_in_flight 0\n"
                     "# TYPE rollcall_users gauge\nrollcall_users 7\n"));
}

TEST(MetricsTest, ConcurrentObservationsAllCount) {
  Metrics metrics;
  constexpr int kThreads = 8;
  constexpr int kEach = 2000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kEach; ++i) {
        metrics.observe(t % 2 == 0 ? "/even" : "/odd", "GET", 200, microseconds(i));
        if (i % 100 == 0) {
          std::string ignored;
          metrics.render(ignored);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string text = rendered(metrics);
  const std::string total = std::to_string(kThreads / 2 * kEach);
  EXPECT_TRUE(contains(
      text,
      "rollcall_http_requests_total{route=\"/even\",method=\"GET\",status=\"200\"} " + total));
  EXPECT_TRUE(
      contains(text, "rollcall_http_request_duration_seconds_count{route=\"/odd\"} " + total));
}

}  // namespace
}  // namespace rollcall::server
