// HttpServer end to end on 127.0.0.1: routing, errors, limits, request ids,
// streaming, the access log and metrics, overload and a graceful stop.
#include "http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpp-httplib/httplib.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "errors.hpp"
#include "waiting.hpp"

namespace rollcall::server {
namespace {

using namespace std::chrono_literals;

using testing_support::eventually;
using testing_support::Gate;

// What the echo handler saw, one "name=value" per line.
std::string describe(const Request& req) {
  std::string out = "method=" + req.method + "\npath=" + req.path + "\n";
  for (const std::string& param : req.params) {
    out += "param_size=" + std::to_string(param.size()) + "\n";
  }
  for (const auto& [name, value] : req.query) {
    out.append("query:").append(name).append("=").append(value).append("\n");
  }
  out += "body=" + req.body + "\n";
  out += "remote_addr_header=" + std::to_string(req.has_header("REMOTE_ADDR")) + "\n";
  out += "request_id=" + req.request_id + "\n";
  return out;
}

int status_of(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

std::string header_of(const std::string& response, const std::string& name) {
  const auto start = response.find("\r\n" + name + ": ");
  if (start == std::string::npos) return "";
  const auto value = start + name.size() + 4;
  return response.substr(value, response.find("\r\n", value) - value);
}

std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

int connect_to(int port) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(sock);
    return -1;
  }
  return sock;
}

// Reads until EOF or `timeout`.
std::string read_all(int sock, std::chrono::milliseconds timeout = 10s) {
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, 65536> buffer{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable{sock, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(sock, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    data.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return data;
}

// Sends raw bytes on a new connection and returns everything the server sends
// back until it closes the connection.
std::string raw_exchange(int port, const std::string& request) {
  const int sock = connect_to(port);
  if (sock < 0) return "";
  ::send(sock, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response = read_all(sock);
  ::close(sock);
  return response;
}

bool is_generated_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.add("GET", "/hello", [](const Request&, Response& res) {
      res.body = R"({"hello":"world"})";
      res.set_header("ETag", "\"1\"");
    });
    const Handler echo = [this](const Request& req, Response& res) {
      ++echo_calls_;
      res.content_type = "text/plain";
      res.body = describe(req);
    };
    router_.add("GET", "/echo/{id}", echo);
    router_.add("POST", "/echo", echo);
    router_.add("GET", "/stream", [](const Request&, Response& res) {
      res.content_type = "application/x-ndjson";
      res.stream = [](const ChunkSink& sink) {
        for (int i = 0; i < 2000; ++i) {
          if (!sink("{\"n\":" + std::to_string(i) + "}\n")) return;
        }
      };
    });
    const auto slow = [this](const Request&, Response& res) {
      gate_.wait();
      res.body = R"({"slow":"done"})";
    };
    router_.add("GET", "/slow", slow);
    router_.add("POST", "/slow", slow);
    router_.add("GET", "/slow-stream", [this](const Request&, Response& res) {
      res.stream = [this](const ChunkSink& sink) {
        gate_.wait();
        sink(R"({"slow":"done"})");
      };
    });
    router_.add("GET", "/throw", [](const Request&, Response&) -> void {
      throw std::runtime_error("secret detail");
    });
  }

  ~HttpServerTest() override { stop(); }

  // A small pool unless the test sets one: starting 512 threads slows ASan runs.
  static HttpOptions small_pool() {
    HttpOptions options;
    options.threads = 8;
    return options;
  }

  void start(HttpOptions options = small_pool()) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router_, metrics_);
    server_->set_access_log([this](std::string_view line) {
      const std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
      log_changed_.notify_all();
    });
    std::string error;
    ASSERT_TRUE(server_->bind(error)) << error;
    ASSERT_GT(server_->port(), 0);
    runner_ = std::thread([this] { server_->run(); });
  }

  void stop() {
    if (!runner_.joinable()) return;
    gate_.open();
    server_->stop();
    runner_.join();
  }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(30, 0);
    return client;
  }

  // The access log once it has `count` lines (it is written after the response).
  std::vector<std::string> log_lines(std::size_t count) {
    std::unique_lock lock(log_mutex_);
    log_changed_.wait_for(lock, 30s, [&] { return log_.size() >= count; });
    return log_;
  }

  // Starts with `options`, sends `request` (answered once gate_ opens), and
  // expects a GET /hello sent meanwhile answered 200 before it; then `request` 200.
  void expect_served_meanwhile(const HttpOptions& options, const std::string& request) {
    start(options);
    std::string slow_response;
    std::thread slow([&] { slow_response = raw_exchange(server_->port(), request); });
    const bool entered = gate_.wait_entered(1);
    int read_status = -1;
    if (entered) {
      const auto read = client().Get("/hello");
      if (read) read_status = read->status;
    }
    gate_.open();
    slow.join();
    EXPECT_EQ(read_status, 200) << request;
    EXPECT_EQ(status_of(slow_response), 200) << request;
  }

  // One worker, made up for from the sweep only after an hour: what a request
  // marks as blocking is what lets another through.
  static HttpOptions one_worker_no_sweep() {
    HttpOptions options = small_pool();
    options.threads = 1;
    options.sweep_interval = std::chrono::hours(1);
    return options;
  }

  Router router_;
  Metrics metrics_;
  Gate gate_;
  std::atomic<int> echo_calls_{0};
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
  std::mutex log_mutex_;
  std::condition_variable log_changed_;
  std::vector<std::string> log_;
};

TEST_F(HttpServerTest, AnswersWithAGeneratedRequestId) {
  start();
  const auto res = client().Get("/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"hello":"world"})");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->get_header_value("ETag"), "\"1\"");
  EXPECT_TRUE(is_generated_id(res->get_header_value("X-Request-Id")))
      << res->get_header_value("X-Request-Id");
  EXPECT_NE(client().Get("/hello")->get_header_value("X-Request-Id"),
            res->get_header_value("X-Request-Id"));
}

TEST_F(HttpServerTest, EchoesAUsableClientRequestIdOnly) {
  start();
  const std::string usable = "abc-DEF_1.2:3";
  auto res = client().Get("/echo/x", {{"X-Request-Id", usable}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("X-Request-Id"), usable);
  EXPECT_NE(res->body.find("request_id=" + usable + "\n"), std::string::npos);
  for (const std::string& unusable : {std::string("has space"), std::string(129, 'a'),
                                      std::string("semi;colon"), std::string("é")}) {
    res = client().Get("/hello", {{"X-Request-Id", unusable}});
    ASSERT_TRUE(res);
    EXPECT_TRUE(is_generated_id(res->get_header_value("X-Request-Id"))) << unusable;
  }
  res = client().Get("/hello", {{"X-Request-Id", std::string(128, 'a')}});
  EXPECT_EQ(res->get_header_value("X-Request-Id"), std::string(128, 'a'));
}

TEST_F(HttpServerTest, UnknownPathIs404Json) {
  start();
  const auto res = client().Get("/nope/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, R"({"Code":"404","Message":"no route GET /nope/"})");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_TRUE(is_generated_id(res->get_header_value("X-Request-Id")));
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  start();
  const auto res = client().Delete("/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(res->body, R"({"Code":"405","Message":"method DELETE not allowed on /hello"})");
  EXPECT_FALSE(res->get_header_value("X-Request-Id").empty());
}

TEST_F(HttpServerTest, PassesPathParamsQueryAndBody) {
  start();
  httplib::Client verbatim = client();
  verbatim.set_url_encode(false);
  const auto res = verbatim.Get("/echo/a%20b?where=Role%20%3D%20'A'&where=B=C&x&=y&plus=1+2");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body,
            "method=GET\npath=/echo/a b\nparam_size=3\n"
            "query:where=Role = 'A'\nquery:where=B=C\nquery:x=\nquery:=y\nquery:plus=1 2\n"
            "body=\nremote_addr_header=0\nrequest_id=" +
                res->get_header_value("X-Request-Id") + "\n");
  const auto posted = client().Post("/echo?a=1", "name=value", "application/x-www-form-urlencoded");
  ASSERT_TRUE(posted);
  EXPECT_NE(posted->body.find("query:a=1\nbody=name=value\n"), std::string::npos) << posted->body;
}

TEST_F(HttpServerTest, ContentLengthOverTheLimitIs413WithoutReadingTheBody) {
  HttpOptions options = small_pool();
  options.max_body_bytes = 1024;
  options.read_timeout = 30s;
  start(options);
  // Nothing of the body is sent: an answer before the read timeout shows it was not awaited.
  const auto begin = std::chrono::steady_clock::now();
  const std::string response = raw_exchange(
      server_->port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);
  EXPECT_EQ(status_of(response), 413) << response;
  EXPECT_EQ(body_of(response), R"({"Code":"413","Message":"request body over 1024 bytes"})");
  EXPECT_EQ(header_of(response, "Connection"), "close");
  EXPECT_TRUE(is_generated_id(header_of(response, "X-Request-Id")));
  // A client that sends the whole body anyway gets the answer too.
  const auto res = client().Post("/echo", std::string(65536, 'x'), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(echo_calls_, 0);
  EXPECT_EQ(client().Post("/echo", std::string(1024, 'x'), "application/json")->status, 200);
}

TEST_F(HttpServerTest, ExpectContinueIsRefusedBeforeTheBody) {
  HttpOptions options = small_pool();
  options.max_body_bytes = 10;
  start(options);
  const std::string response = raw_exchange(
      server_->port(),
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(status_of(response), 413) << response;
  EXPECT_EQ(response.find("100 Continue"), std::string::npos);
  EXPECT_FALSE(header_of(response, "Content-Length").empty());
  EXPECT_TRUE(is_generated_id(header_of(response, "X-Request-Id")));
}

// The interim answer is sent before the server waits for the body (small
// writes are otherwise held until the next write).
TEST_F(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBodyArrives) {
  start();
  const int sock = connect_to(server_->port());
  ASSERT_GE(sock, 0);
  const std::string head =
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
      "Connection: close\r\n\r\n";
  ASSERT_EQ(::send(sock, head.data(), head.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(head.size()));
  pollfd readable{sock, POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 10000), 1) << "no 100 Continue while the body is withheld";
  std::array<char, 256> interim{};
  const ssize_t n = ::recv(sock, interim.data(), interim.size(), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(
      std::string(interim.data(), static_cast<std::size_t>(n)).rfind("HTTP/1.1 100 Continue", 0),
      0U);
  ASSERT_EQ(::send(sock, "hello", 5, MSG_NOSIGNAL), 5);
  const std::string response = read_all(sock);
  ::close(sock);
  EXPECT_EQ(status_of(response), 200) << response;
  EXPECT_NE(body_of(response).find("body=hello\n"), std::string::npos) << response;
}

TEST_F(HttpServerTest, ChunkedRequestIs411) {
  start();
  const std::string response = raw_exchange(server_->port(),
                                            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                            "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(response), 411) << response;
  EXPECT_EQ(
      body_of(response),
      R"({"Code":"411","Message":"Content-Length required: Transfer-Encoding is not accepted"})");
  EXPECT_TRUE(is_generated_id(header_of(response, "X-Request-Id")));
  EXPECT_EQ(echo_calls_, 0);
}

TEST_F(HttpServerTest, MalformedContentLengthIs400) {
  start();
  for (const char* length : {"abc", "-1", "1x", "99999999999999999999999"}) {
    const std::string response =
        raw_exchange(server_->port(),
                     std::string("POST /echo HTTP/1.1\r\nContent-Length: ") + length + "\r\n\r\n");
    EXPECT_EQ(status_of(response), 400) << length;
    EXPECT_EQ(body_of(response), R"({"Code":"400","Message":"malformed Content-Length"})");
  }
  const std::string twice = raw_exchange(
      server_->port(), "POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
  EXPECT_EQ(status_of(twice), 400);
}

TEST_F(HttpServerTest, PostWithoutContentLengthHasAnEmptyBody) {
  HttpOptions options = small_pool();
  options.read_timeout = 30s;  // an answer well before it shows no body was awaited
  start(options);
  const auto begin = std::chrono::steady_clock::now();
  const std::string response =
      raw_exchange(server_->port(), "POST /echo HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);
  EXPECT_EQ(status_of(response), 200) << response;
  EXPECT_NE(body_of(response).find("body=\n"), std::string::npos);
}

TEST_F(HttpServerTest, RequestLineOf32KiBReachesTheHandler) {
  start();
  // "GET " + path + " HTTP/1.1" is 32768 bytes, CRLF not counted.
  const std::string path = "/echo/" + std::string(32768 - 4 - 9 - 6, 'a');
  std::string response =
      raw_exchange(server_->port(), "GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(response), 200) << response.substr(0, 200);
  EXPECT_NE(body_of(response).find("param_size=32749\n"), std::string::npos);

  response =
      raw_exchange(server_->port(), "GET " + path + "a HTTP/1.1\r\nX-Request-Id: long-1\r\n\r\n");
  EXPECT_EQ(status_of(response), 414) << response.substr(0, 200);
  EXPECT_EQ(body_of(response), R"({"Code":"414","Message":"request line over 32768 bytes"})");
  EXPECT_TRUE(is_generated_id(header_of(response, "X-Request-Id")));
  EXPECT_EQ(header_of(response, "Connection"), "close");
}

TEST_F(HttpServerTest, EndlessLinesAreCut) {
  start();
  std::string response =
      raw_exchange(server_->port(), "GET /" + std::string(1 << 20, 'a') + " HTTP/1.1\r\n\r\n");
  EXPECT_EQ(status_of(response), 414) << response.substr(0, 200);
  response = raw_exchange(
      server_->port(), "GET /hello HTTP/1.1\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_of(response), 400) << response.substr(0, 200);
  EXPECT_TRUE(is_generated_id(header_of(response, "X-Request-Id")));
}

TEST_F(HttpServerTest, HeaderCountIsCapped) {
  start();
  const auto request = [](int headers) {
    std::string text = "GET /hello HTTP/1.1\r\nConnection: close\r\n";
    for (int i = 1; i < headers; ++i) text += "X-H" + std::to_string(i) + ": v\r\n";
    return text + "\r\n";
  };
  EXPECT_EQ(status_of(raw_exchange(server_->port(), request(100))), 200);
  const std::string response = raw_exchange(server_->port(), request(101));
  EXPECT_EQ(status_of(response), 400);
  EXPECT_EQ(body_of(response), R"({"Code":"400","Message":"malformed request"})");
}

TEST_F(HttpServerTest, StreamedResponseArrivesComplete) {
  start();
  const auto res = client().Get("/stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(res->get_header_value("Transfer-Encoding"), "chunked");
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += "{\"n\":" + std::to_string(i) + "}\n";
  EXPECT_EQ(res->body, expected);
  const auto lines = log_lines(1);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find("\"bytes\":" + std::to_string(expected.size()) + ","), std::string::npos)
      << lines[0];
}

TEST_F(HttpServerTest, HeadUsesTheGetRouteWithoutABody) {
  start();
  const auto res = client().Head("/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
  EXPECT_EQ(res->get_header_value("Content-Length"), "17");
  EXPECT_FALSE(res->get_header_value("X-Request-Id").empty());
  EXPECT_EQ(client().Head("/stream")->status, 200);
}

TEST_F(HttpServerTest, ExceptionIs500WithoutInternals) {
  start();
  const auto res = client().Get("/throw");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, R"({"Code":"500","Message":"internal error"})");
  EXPECT_FALSE(res->get_header_value("X-Request-Id").empty());
  const auto lines = log_lines(1);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_NE(lines[0].find("\"error\":\"secret detail\""), std::string::npos) << lines[0];
}

TEST_F(HttpServerTest, LogsOneJsonLinePerRequest) {
  start();
  ASSERT_TRUE(client().Get("/echo/abc?x=1", {{"X-Request-Id", "req-1"}}));
  // Each line is written after its response, so wait for the first before
  // sending the second: otherwise they may be logged in either order.
  ASSERT_EQ(log_lines(1).size(), 1U);
  ASSERT_TRUE(client().Get("/nope"));
  const auto lines = log_lines(2);
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].rfind("{\"ts\":\"20", 0), 0U) << lines[0];
  EXPECT_NE(
      lines[0].find("Z\",\"request_id\":\"req-1\",\"remote\":\"127.0.0.1\",\"method\":\"GET\","
                    "\"route\":\"/echo/{id}\",\"path\":\"/echo/abc\",\"status\":200,\"bytes\":"),
      std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(",\"duration_us\":"), std::string::npos);
  EXPECT_NE(lines[1].find("\"route\":\"unmatched\",\"path\":\"/nope\",\"status\":404"),
            std::string::npos)
      << lines[1];
}

TEST_F(HttpServerTest, CountsRequestsByRoutePattern) {
  start();
  ASSERT_TRUE(client().Get("/echo/1"));
  ASSERT_TRUE(client().Get("/echo/2"));
  ASSERT_TRUE(client().Get("/not/here"));
  ASSERT_TRUE(client().Get("/nor/here"));
  log_lines(4);
  std::string text;
  eventually([&] {  // the gauge drops just after the log line
    text.clear();
    metrics_.render(text);
    return text.find("in_flight 0\n") != std::string::npos;
  });
  EXPECT_NE(
      text.find(
          "rollcall_http_requests_total{route=\"/echo/{id}\",method=\"GET\",status=\"200\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "rollcall_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 2\n"),
      std::string::npos);
  EXPECT_NE(text.find("rollcall_http_requests_in_flight 0\n"), std::string::npos);
}

TEST_F(HttpServerTest, KeepsConnectionsAlive) {
  start();
  httplib::Client keep_alive = client();
  keep_alive.set_keep_alive(true);
  for (int i = 0; i < 5; ++i) {
    const auto res = keep_alive.Get("/hello");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  const auto res = keep_alive.Get("/nope");  // a 404 without a body keeps the connection
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Connection"), "");
  EXPECT_EQ(keep_alive.Get("/hello")->status, 200);
}

TEST_F(HttpServerTest, AnswersPipelinedRequests) {
  start();
  const std::string response =
      raw_exchange(server_->port(),
                   "GET /echo/1 HTTP/1.1\r\n\r\nGET /hello HTTP/1.1\r\n\r\nGET /echo/3 HTTP/1.1\r\n"
                   "Connection: close\r\n\r\n");
  std::size_t answers = 0;
  for (auto at = response.find("HTTP/1.1 200 OK"); at != std::string::npos;
       at = response.find("HTTP/1.1 200 OK", at + 1)) {
    ++answers;
  }
  EXPECT_EQ(answers, 3U) << response;
}

TEST_F(HttpServerTest, StopLetsARunningRequestFinish) {
  start();
  std::optional<std::pair<int, std::string>> answer;
  std::thread caller([&] {
    const auto res = client().Get("/slow");
    if (res) answer.emplace(res->status, res->body);
  });
  ASSERT_TRUE(gate_.wait_entered(1));
  server_->stop();
  std::this_thread::sleep_for(100ms);  // stop() must not cut the request short
  gate_.open();
  runner_.join();
  caller.join();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->first, 200);
  EXPECT_EQ(answer->second, R"({"slow":"done"})");
  EXPECT_LT(connect_to(server_->port()), 0);  // no longer listening
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAtOnce) {
  HttpOptions options = small_pool();
  options.read_timeout = 60s;
  options.keep_alive_timeout = 60s;
  start(options);
  const int idle = connect_to(server_->port());
  ASSERT_GE(idle, 0);
  // One answered request: the connection is then idle on a server thread.
  const std::string request = "GET /hello HTTP/1.1\r\n\r\n";
  ASSERT_EQ(::send(idle, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  pollfd readable{idle, POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 10000), 1);
  std::array<char, 4096> answer{};
  ASSERT_GT(::recv(idle, answer.data(), answer.size(), 0), 0);
  const auto begin = std::chrono::steady_clock::now();
  server_->stop();
  runner_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);
  ::close(idle);
}

TEST_F(HttpServerTest, StopBeforeRunReturnsAtOnce) {
  HttpServer server(HttpOptions{.port = 0}, router_, metrics_);
  std::string error;
  ASSERT_TRUE(server.bind(error));
  server.stop();
  server.run();
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAre503) {
  HttpOptions options = small_pool();
  options.max_connections = 1;
  start(options);
  std::string busy_response;
  std::thread busy([&] {
    busy_response =
        raw_exchange(server_->port(), "GET /slow HTTP/1.1\r\nConnection: close\r\n\r\n");
  });
  const bool entered = gate_.wait_entered(1);
  const std::string response =
      entered ? raw_exchange(server_->port(), "GET /hello HTTP/1.1\r\n\r\n") : "";
  gate_.open();
  busy.join();
  ASSERT_TRUE(entered) << busy_response;
  EXPECT_EQ(status_of(response), 503) << response;
  EXPECT_EQ(body_of(response), R"({"Code":"503","Message":"server busy"})");
  EXPECT_TRUE(is_generated_id(header_of(response, "X-Request-Id")));
  EXPECT_EQ(status_of(busy_response), 200);
  EXPECT_TRUE(eventually([&] {  // until the first connection has closed
    const auto res = client().Get("/hello");
    return res && res->status == 200;
  }));
}

TEST_F(HttpServerTest, WriteWaitingDoesNotHoldTheOnlyWorker) {
  expect_served_meanwhile(
      one_worker_no_sweep(),
      "POST /slow HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
}

TEST_F(HttpServerTest, StreamedBodyDoesNotHoldTheOnlyWorker) {
  expect_served_meanwhile(one_worker_no_sweep(),
                          "GET /slow-stream HTTP/1.1\r\nConnection: close\r\n\r\n");
}

TEST_F(HttpServerTest, LongReadIsMadeUpForAtTheSweep) {
  HttpOptions options = one_worker_no_sweep();
  options.sweep_interval = 20ms;
  expect_served_meanwhile(options, "GET /slow HTTP/1.1\r\nConnection: close\r\n\r\n");
}

TEST_F(HttpServerTest, MaxThreadsOfOneLetsAWriteHoldTheOnlyWorker) {
  HttpOptions options = small_pool();
  options.threads = 1;
  options.max_threads = 1;
  start(options);
  const int write = connect_to(server_->port());
  const std::string request =
      "POST /slow HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
  ASSERT_EQ(::send(write, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  ASSERT_TRUE(gate_.wait_entered(1));
  httplib::Client reader("127.0.0.1", server_->port());
  reader.set_read_timeout(1, 0);
  EXPECT_FALSE(reader.Get("/hello"));  // waits for the write: no thread to serve it
  gate_.open();
  EXPECT_EQ(status_of(read_all(write)), 200);
  ::close(write);
}

TEST(HttpServerOptionsTest, DefaultWorkersAreTwoPerCpuThisThreadMayUse) {
  cpu_set_t before;
  ASSERT_EQ(::sched_getaffinity(0, sizeof before, &before), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &before)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  const std::size_t pinned = default_worker_threads();
  ASSERT_EQ(::sched_setaffinity(0, sizeof before, &before), 0);
  EXPECT_EQ(pinned, 2U);
  EXPECT_EQ(default_worker_threads(), 2U * static_cast<std::size_t>(CPU_COUNT(&before)));
}

TEST(HttpServerErrorBodyTest, IsJsonWithTheStatusAsAString) {
  Response res;
  res.stream = [](const ChunkSink&) {};
  error_response(res, 422, "last \"OWNER\" cannot leave\n");
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, R"({"Code":"422","Message":"last \"OWNER\" cannot leave\n"})");
  EXPECT_FALSE(res.stream);
}

TEST(HttpServerErrorBodyTest, MessagesBecomeValidUtf8) {
  EXPECT_EQ(printable_utf8("ström"), "ström");
  EXPECT_EQ(printable_utf8("a\xff"
                           "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(printable_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(printable_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(printable_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(printable_utf8("abcdef", 4), "abcd\xE2\x80\xA6");
  EXPECT_EQ(printable_utf8("aöb", 2), "a\xE2\x80\xA6");  // not inside a character
  Response res;
  error_response(res, 404, "no route GET /\xff");
  EXPECT_EQ(res.body, "{\"Code\":\"404\",\"Message\":\"no route GET /\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace rollcall::server
