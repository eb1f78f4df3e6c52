#include "http_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <cpp-httplib/httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "access_log.hpp"
#include "connection_pool.hpp"
#include "errors.hpp"
#include "retrying.hpp"

namespace rollcall::server {
namespace {

using Clock = std::chrono::steady_clock;

// Headers httplib adds to every request; not the client's.
constexpr std::array<std::string_view, 4> kPseudoHeaders{"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR",
                                                         "LOCAL_PORT"};
// Longer lines in the request head are cut (see ConnectionStream); twice the
// request-line limit, so a line just over it still gets its 414.
constexpr std::size_t kLineCut = std::size_t{2} * CPPHTTPLIB_REQUEST_URI_MAX_LENGTH;
constexpr std::size_t kLoggedPathBytes = 256;
// After answering without reading the whole request, how long to drain what the
// client still sends, so that closing does not reset the connection before the
// client has read the answer.
constexpr auto kLinger = std::chrono::seconds(1);

class ConnectionStream;

// What httplib's callbacks for one request share. httplib calls all of them
// (pre-routing, handler, post-routing, logger) from Server::process_request on
// the worker thread that owns the connection, so a thread_local pointer to the
// request in progress reaches them.
struct Exchange {
  Clock::time_point start = Clock::now();
  ConnectionStream* stream = nullptr;
  std::string request_id;
  std::string path;  // decoded, before the rewrite to "/"
  Fields query;
  Router::Match match;
  bool admitted = false;  // admit() has run
  bool refused = false;   // ... and answered the request itself
  bool close = false;     // close after answering: part of the request is unread
  bool streaming = false;
  std::size_t streamed_bytes = 0;
  std::string error;  // exception text, for the access log only
};
thread_local Exchange* t_exchange = nullptr;

// The connection's socket as httplib reads and writes it, in place of
// httplib's SocketStream, which httplib makes anew for each request: its read
// buffer then loses the start of a pipelined next request. Writes of up to
// kHeldBytes in all (the status line and headers; small bodies) are held and
// sent with the next write, or at flush(): one send, and one TCP segment
// fewer, per answer. Timeouts come from
// SO_RCVTIMEO / SO_SNDTIMEO, which httplib sets on accepted sockets.
// In the request head (from begin_head() to end_head()) every line ends at
// kLineCut bytes: httplib 0.11.4 buffers a whole line before checking its
// length, so an endless line would grow memory. The cut looks like EOF, so
// httplib answers 414 (request line) or 400 (header).
class ConnectionStream final : public httplib::Stream {
 public:
  explicit ConnectionStream(socket_t sock) : sock_(sock) {
    httplib::detail::get_remote_ip_and_port(sock, remote_ip_, remote_port_);
    httplib::detail::get_local_ip_and_port(sock, local_ip_, local_port_);
  }

  bool has_buffered_data() const { return begin_ < end_; }
  void begin_head() {
    in_head_ = true;
    line_ = 0;
  }
  void end_head() { in_head_ = false; }

  bool is_readable() const override {
    pollfd readable{sock_, POLLIN, 0};
    return has_buffered_data() || ::poll(&readable, 1, 0) > 0;
  }
  bool is_writable() const override {
    pollfd writable{sock_, POLLOUT, 0};
    return ::poll(&writable, 1, 0) > 0;
  }
  ssize_t read(char* ptr, size_t size) override {
    if (in_head_) {
      if (line_ >= kLineCut) return 0;
      size = std::min(size, kLineCut - line_);
    }
    const ssize_t n = read_some(ptr, size);
    for (ssize_t i = 0; in_head_ && i < n; ++i) line_ = ptr[i] == '\n' ? 0 : line_ + 1;
    return n;
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    if (held_.size() + size <= kHeldBytes) {
      held_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    return send_after_held(ptr, size);
  }
  // Sends what write() held; false when the connection failed.
  bool flush() { return !failed_ && (held_.empty() || send_after_held(nullptr, 0) >= 0); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return sock_; }

 private:
  // Sends the held bytes, then some of [ptr, ptr + size); returns how many of
  // those, or -1. After a failure (a timeout: the peer does not read) every
  // later send fails at once.
  ssize_t send_after_held(const char* ptr, size_t size) {
    while (!held_.empty()) {
      std::array<iovec, 2> parts{{{held_.data(), held_.size()}, {const_cast<char*>(ptr), size}}};
      msghdr message{};
      message.msg_iov = parts.data();
      message.msg_iovlen = size == 0 ? 1 : 2;
      const ssize_t n = retrying([&] { return ::sendmsg(sock_, &message, MSG_NOSIGNAL); });
      if (n < 0) return fail();
      const auto sent = static_cast<std::size_t>(n);
      if (sent < held_.size()) {
        held_.erase(0, sent);
        continue;
      }
      const std::size_t of_ptr = sent - held_.size();
      held_.clear();
      return static_cast<ssize_t>(of_ptr);
    }
    const ssize_t n = retrying([&] { return ::send(sock_, ptr, size, MSG_NOSIGNAL); });
    return n < 0 ? fail() : n;
  }
  ssize_t fail() {
    failed_ = true;
    return -1;
  }

  ssize_t read_some(char* ptr, size_t size) {
    if (!flush()) return -1;  // an answer the client waits for comes first (100 Continue)
    if (!has_buffered_data()) {
      if (size >= buffer_.size()) return receive(ptr, size);
      const ssize_t n = receive(buffer_.data(), buffer_.size());
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t receive(char* ptr, size_t size) const {
    return retrying([&] { return ::recv(sock_, ptr, size, 0); });
  }

  socket_t sock_;
  std::string remote_ip_;
  std::string local_ip_;
  int remote_port_ = 0;
  int local_port_ = 0;
  static constexpr std::size_t kHeldBytes = 4096;
  std::string held_;
  bool failed_ = false;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool in_head_ = true;
  std::size_t line_ = 0;
};

bool is_request_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

std::string new_request_id() {
  thread_local std::mt19937_64 random = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string id;
  for (int word = 0; word < 2; ++word) {
    std::uint64_t bits = random();
    for (int i = 0; i < 16; ++i, bits >>= 4) id += kHex[bits & 0xF];
  }
  return id;
}

// The client's X-Request-Id when it is 1-128 of [A-Za-z0-9._:-], else a new one.
std::string request_id_of(const httplib::Request& req) {
  std::string id = req.get_header_value("X-Request-Id");
  const bool usable =
      !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), is_request_id_char);
  return usable ? id : new_request_id();
}

std::string decode_query_part(std::string_view part) {
  return httplib::detail::decode_url(std::string(part), true);
}

// The query of a request target, split like an HTML form: on '&', then on the
// first '='. (httplib's own `params` split on every '=', so `where=A=1` would
// lose "A=", and drop repeated identical pairs.)
Fields parse_query(std::string_view target) {
  Fields query;
  const std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) return query;
  std::string_view rest = target.substr(mark + 1);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('&'), rest.size());
    const std::string_view pair = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (pair.empty()) continue;
    const std::size_t equals = std::min(pair.find('='), pair.size());
    query.emplace_back(decode_query_part(pair.substr(0, equals)),
                       decode_query_part(pair.substr(std::min(equals + 1, pair.size()))));
  }
  return query;
}

bool is_pseudo_header(std::string_view name) {
  return std::find(kPseudoHeaders.begin(), kPseudoHeaders.end(), name) != kPseudoHeaders.end();
}

std::size_t client_header_count(const httplib::Request& req) {
  return static_cast<std::size_t>(
      std::count_if(req.headers.begin(), req.headers.end(),
                    [](const auto& h) { return !is_pseudo_header(h.first); }));
}

// A bounded label for metrics: the methods httplib accepts, else "other".
std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 10> kMethods{
      "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PRI"};
  return std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end() ? method : "other";
}

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 40> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text.data() + length, text.size() - length, ".%03dZ", static_cast<int>(millis));
  return text.data();
}

// What the access log and the metrics record of one answer.
struct Outcome {
  std::string_view request_id;
  std::string_view remote;
  std::string_view method;
  std::string_view route;
  std::string_view path;
  int status = 0;
  std::size_t bytes = 0;
  Clock::duration duration{};
  std::string_view error;
};

std::string access_line(const Outcome& o) {
  const auto text = [](auto& writer, std::string_view value) {
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("ts");
  text(writer, rfc3339_now());
  writer.Key("request_id");
  text(writer, o.request_id);
  writer.Key("remote");
  text(writer, o.remote);
  writer.Key("method");
  text(writer, printable_utf8(o.method, 16));
  writer.Key("route");
  text(writer, o.route);
  writer.Key("path");
  text(writer, printable_utf8(o.path, kLoggedPathBytes));
  writer.Key("status");
  writer.Int(o.status);
  writer.Key("bytes");
  writer.Uint64(o.bytes);
  writer.Key("duration_us");
  writer.Int64(std::chrono::duration_cast<std::chrono::microseconds>(o.duration).count());
  if (!o.error.empty()) {
    writer.Key("error");
    text(writer, printable_utf8(o.error, 512));
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// A streamed body as httplib's chunked content provider: calls `stream` once.
httplib::ContentProviderWithoutLength chunked(std::function<void(const ChunkSink&)> stream) {
  return [stream = std::move(stream)](std::size_t, httplib::DataSink& sink) {
    Exchange& ex = *t_exchange;
    const ChunkSink chunk = [&](std::string_view data) {
      if (data.empty()) return true;  // httplib takes an empty write for the end
      if (!sink.write(data.data(), data.size())) return false;
      ex.streamed_bytes += data.size();
      return true;
    };
    try {
      stream(chunk);
    } catch (...) {
      ex.error = describe(std::current_exception());
      return false;  // the connection closes: the client sees a cut body
    }
    sink.done();
    return true;
  };
}

// Our Response into httplib's.
void send(Response&& ours, httplib::Response& res) {
  res.status = ours.status;
  for (const auto& [name, value] : ours.headers) res.set_header(name, value);
  if (ours.stream) {
    ConnectionPool::mark_blocking();  // a long body, sent as fast as the client reads
    t_exchange->streaming = true;
    res.set_chunked_content_provider(ours.content_type, chunked(std::move(ours.stream)));
  } else if (!ours.body.empty()) {
    res.body = std::move(ours.body);
    res.set_header("Content-Type", ours.content_type);
  }
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  Response answer;
  error_response(answer, status, message);
  send(std::move(answer), res);
}

bool read_body(const httplib::ContentReader& reader, std::string& body) {
  return reader([&](const char* data, std::size_t size) {
    body.append(data, size);
    return true;
  });
}

std::optional<std::uint64_t> parse_content_length(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Whether body bytes may follow the head (and stay unread if we answer first).
bool body_may_follow(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") ||
         (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
}

// httplib's accept loop hands each connection to a TaskQueue. This one runs
// the hand-over at once (process_and_close_socket passes the connection to the
// pool), and when the loop ends waits for the pool's connections to close.
class AcceptedConnections final : public httplib::TaskQueue {
 public:
  explicit AcceptedConnections(ConnectionPool& pool) : pool_(pool) {}
  void enqueue(std::function<void()> job) override { job(); }
  void shutdown() override { pool_.join(); }

 private:
  ConnectionPool& pool_;
};

}  // namespace

class HttpServer::Impl final : public httplib::Server {
 public:
  Impl(HttpOptions options, const Router& router, Metrics& metrics)
      : options_(std::move(options)), router_(router), metrics_(metrics) {
    configure();
    install_callbacks();
    install_routes();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() override {
    if (!listened_ && svr_sock_ != INVALID_SOCKET) ::close(svr_sock_);
    if (listener_ >= 0) ::close(listener_);
  }

  bool bind(std::string& error) {
    errno = 0;
    int port = -1;
    if (options_.port == 0) {
      port = bind_to_any_port(options_.host);
    } else if (bind_to_port(options_.host, options_.port)) {
      port = options_.port;
    }
    if (port < 0) {
      error = errno != 0 ? std::strerror(errno) : "cannot listen there";
      return false;
    }
    port_ = port;
    const std::lock_guard lock(listener_mutex_);
    listener_ = ::fcntl(svr_sock_, F_DUPFD_CLOEXEC, 0);
    return true;
  }

  int port() const { return port_; }

  void run() {
    if (!stopping_) listen_after_bind();
    // listen_internal() closed the socket when accept() failed after stop().
    listened_ = true;
    stderr_log_.flush();  // every request's line before whatever the caller prints next
    const std::lock_guard lock(listener_mutex_);
    if (listener_ >= 0) ::close(listener_);
    listener_ = -1;
  }

  // Server::stop() would make svr_sock_ invalid, which also cuts streamed bodies
  // short (write_content_chunked checks it); shutting the listening socket down
  // through a duplicate descriptor only makes accept() fail, and the duplicate
  // cannot be a reused descriptor number.
  void stop() {
    if (stopping_.exchange(true)) return;
    const std::lock_guard lock(listener_mutex_);
    if (listener_ >= 0) ::shutdown(listener_, SHUT_RDWR);
    if (pool_) pool_->stop();
  }

  void set_access_log(std::function<void(std::string_view)> log) { access_log_ = std::move(log); }

  HttpServerStats stats() const {
    const std::lock_guard lock(listener_mutex_);
    if (!pool_) return {};
    const ConnectionPool::Stats pool = pool_->stats();
    return {pool.connections, pool.running, pool.blocked, pool.spares};
  }

 private:
  void configure() {
    new_task_queue = [this] {
      const std::lock_guard lock(listener_mutex_);
      pool_ = std::make_unique<ConnectionPool>(
          ConnectionPoolOptions{.workers = options_.threads,
                                .max_workers = std::max(options_.threads, options_.max_threads),
                                .max_connections = options_.max_connections,
                                .sweep_interval = options_.sweep_interval});
      if (stopping_) pool_->stop();
      return new AcceptedConnections(*pool_);
    };
    set_tcp_nodelay(true);
    set_read_timeout(options_.read_timeout);
    set_write_timeout(options_.write_timeout);
    set_keep_alive_timeout(options_.keep_alive_timeout.count());
    set_keep_alive_max_count(std::max<std::size_t>(options_.keep_alive_max_count, 1));
    set_payload_max_length(options_.max_body_bytes);
  }

  void install_callbacks() {
    set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
      return admit(req, res) ? 100 : res.status;
    });
    set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      return admit(req, res) ? HandlerResponse::Unhandled : HandlerResponse::Handled;
    });
    // httplib's own errors (400, 413, 414, 416, ...) come with an empty body.
    // Handled makes httplib set Content-Length also on early answers.
    set_error_handler(HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty() && !t_exchange->streaming) {
        send_error(res, res.status, default_message(res.status));
      }
      return HandlerResponse::Handled;
    }));
    set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& error) {
          t_exchange->error = describe(error);
          res.headers.clear();
          res.body.clear();
          send_error(res, 500, "internal error");
        });
    set_post_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { finish_headers(req, res); });
    // The answer goes out before its line is logged (a full log may wait).
    set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      t_exchange->stream->flush();
      record(req, res);
    });
  }

  // httplib matches route patterns with std::regex; admit() routes with Router
  // and rewrites every path to "/", so these are the only patterns it sees.
  void install_routes() {
    const auto plain = [this](const httplib::Request& req, httplib::Response& res) {
      serve(req, res, nullptr);
    };
    const auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& reader) {
      serve(req, res, &reader);
    };
    Get("/", plain);
    Options("/", plain);
    // Reading the body ourselves also keeps httplib from parsing form bodies
    // into the query parameters.
    Post("/", with_body);
    Put("/", with_body);
    Patch("/", with_body);
    Delete("/", with_body);
  }

  // Everything decided before the body is read: request id, limits, route.
  // False when `res` is already the answer. Runs once per request (from the
  // Expect: 100-continue handler or pre-routing, whichever comes first).
  bool admit(const httplib::Request& request, httplib::Response& res) {
    Exchange& ex = *t_exchange;
    if (ex.admitted) return !ex.refused;
    ex.admitted = true;
    ex.stream->end_head();
    // Handlers get a const&, but the Request is a non-const local of
    // Server::process_request, so modifying it is defined behaviour.
    auto& req = const_cast<httplib::Request&>(request);
    ex.request_id = request_id_of(req);
    ex.path = req.path;
    ex.query = parse_query(req.target);
    ex.match = router_.match(req.method, req.path);
    if (auto [status, message] = refusal(req, ex.match); status != 0) {
      send_error(res, status, message);
      if (status == 405) res.set_header("Allow", ex.match.allow);
      ex.refused = true;
      ex.close = body_may_follow(req);
      return false;
    }
    // httplib would read a body without Content-Length until EOF; HTTP/1.1 says it is empty.
    if (!req.has_header("Content-Length") && httplib::detail::expect_content(req)) {
      req.set_header("Content-Length", "0");
    }
    req.ranges.clear();  // bodies are never served in ranges
    req.path = "/";
    return true;
  }

  // Status and message when a request is refused before its body is read, else status 0.
  std::pair<int, std::string> refusal(const httplib::Request& req,
                                      const Router::Match& match) const {
    if (req.has_header("Transfer-Encoding")) {
      return {411, "Content-Length required: Transfer-Encoding is not accepted"};
    }
    if (client_header_count(req) > CPPHTTPLIB_HEADER_MAX_COUNT) {
      return {431, "more than " + std::to_string(CPPHTTPLIB_HEADER_MAX_COUNT) + " headers"};
    }
    const std::size_t lengths = req.get_header_value_count("Content-Length");
    const auto length = parse_content_length(req.get_header_value("Content-Length"));
    if (lengths > 1 || (lengths == 1 && !length)) return {400, "malformed Content-Length"};
    if (length && *length > options_.max_body_bytes) {
      return {413, "request body over " + std::to_string(options_.max_body_bytes) + " bytes"};
    }
    if (httplib::detail::expect_content(req) && req.is_multipart_form_data()) {
      return {415, "multipart bodies are not accepted"};  // httplib would parse them
    }
    if (match.pattern == nullptr) {
      return {404, "no route " + req.method + " " + printable_utf8(req.path, kLoggedPathBytes)};
    }
    if (match.handler == nullptr) {
      return {405, "method " + req.method + " not allowed on " + *match.pattern};
    }
    return {0, {}};
  }

  std::string default_message(int status) const {
    switch (status) {
      case 400:
        return "malformed request";
      case 413:
        return "request body over " + std::to_string(options_.max_body_bytes) + " bytes";
      case 414:
        return "request line over " + std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH - 2) +
               " bytes";
      default:
        return httplib::detail::status_message(status);
    }
  }

  void serve(const httplib::Request& hreq, httplib::Response& hres,
             const httplib::ContentReader* reader) {
    Exchange& ex = *t_exchange;
    Request req;
    req.method = hreq.method;
    req.path = ex.path;
    req.query = std::move(ex.query);
    for (const auto& [name, value] : hreq.headers) {
      if (!is_pseudo_header(name)) req.headers.emplace_back(name, value);
    }
    req.route = *ex.match.pattern;
    req.params = std::move(ex.match.params);
    req.request_id = ex.request_id;
    // Writes wait for fsync, and their bodies for the client: let another worker run.
    if (reader != nullptr) ConnectionPool::mark_blocking();
    if (reader != nullptr && !read_body(*reader, req.body)) {
      ex.close = true;  // httplib has set the status (400); the error handler the body
      return;
    }
    Response res;
    (*ex.match.handler)(req, res);
    send(std::move(res), hres);
  }

  // Last changes before the status line and headers are written, for every
  // answer, httplib's own included.
  void finish_headers(const httplib::Request& req, httplib::Response& res) const {
    Exchange& ex = *t_exchange;
    if (ex.request_id.empty()) ex.request_id = request_id_of(req);
    res.headers.erase("X-Request-Id");
    res.set_header("X-Request-Id", ex.request_id);
    // Not admitted: httplib refused the request head, and where it ends is unknown.
    if (!ex.admitted) ex.close = true;
    if (ex.close || stopping_) {
      res.headers.erase("Keep-Alive");
      res.headers.erase("Connection");
      res.set_header("Connection", "close");
    }
    res.headers.erase("Accept-Ranges");
  }

  void record(const httplib::Request& req, const httplib::Response& res) {
    const Exchange& ex = *t_exchange;
    Outcome outcome;
    outcome.request_id = ex.request_id;
    outcome.remote = req.remote_addr;
    outcome.method = req.method;
    outcome.route = ex.match.pattern != nullptr ? *ex.match.pattern : Metrics::kUnmatchedRoute;
    outcome.path = ex.admitted ? ex.path : req.path;
    outcome.status = res.status;
    outcome.bytes = req.method == "HEAD" ? 0 : ex.streaming ? ex.streamed_bytes : res.body.size();
    outcome.duration = Clock::now() - ex.start;
    outcome.error = ex.error;
    record(outcome);
  }

  void record(const Outcome& outcome) {
    metrics_.observe(outcome.route, method_label(outcome.method), outcome.status, outcome.duration);
    if (access_log_) access_log_(access_line(outcome));
  }

  // Replaces httplib's loop over the requests of a connection: the connection
  // waits for its requests in the pool (see HttpConnection), or is answered
  // 503 when the pool has no room or the server is stopping. Runs on the
  // accepting thread.
  bool process_and_close_socket(socket_t sock) override {
    std::unique_ptr<PooledConnection> connection = std::make_unique<HttpConnection>(*this, sock);
    if (!stopping_) connection = pool_->add(std::move(connection), options_.read_timeout);
    if (connection) refuse_connection(*connection, stopping_ ? "shutting down" : "server busy");
    return true;
  }

  // A keep-alive connection: between requests it waits in the pool, not on a thread.
  class HttpConnection final : public PooledConnection {
   public:
    HttpConnection(Impl& server, socket_t sock)
        : PooledConnection(sock),
          server_(server),
          stream_(sock),
          left_(server.keep_alive_max_count_) {}
    Next serve() override { return server_.serve_requests(stream_, left_); }

   private:
    Impl& server_;
    ConnectionStream stream_;
    std::size_t left_;  // requests still allowed on the connection
  };

  // Serves the requests that have arrived on a connection: the first, then
  // any pipelined after it.
  PooledConnection::Next serve_requests(ConnectionStream& stream, std::size_t& left) {
    using Kind = PooledConnection::Next::Kind;
    do {
      bool linger = false;
      const bool open = serve_one(stream, left == 1, linger);
      --left;
      if (linger) return {Kind::linger, kLinger};
      if (!open || left == 0 || stopping_) return {Kind::close, {}};
    } while (stream.has_buffered_data());
    return {Kind::wait, options_.keep_alive_timeout};
  }

  // Serves one request; false when the connection must close.
  bool serve_one(ConnectionStream& stream, bool last, bool& linger) {
    stream.begin_head();
    Exchange ex;
    ex.stream = &stream;
    t_exchange = &ex;
    metrics_.request_started();
    bool open = false;
    try {
      bool closed = false;
      open = process_request(stream, last, closed, nullptr) && !closed;
    } catch (...) {
      // From the logger or post-routing (httplib catches handlers' exceptions):
      // the answer may be incomplete.
      ex.close = true;
    }
    open = stream.flush() && open;
    metrics_.request_finished();
    t_exchange = nullptr;
    linger = ex.close;
    return open && !ex.close;
  }

  // 503 without reading the request: the pool is full, or the server is stopping.
  void refuse_connection(const PooledConnection& connection, std::string_view message) {
    const int sock = connection.socket();
    const auto start = Clock::now();
    Response answer;
    error_response(answer, 503, message);
    const std::string id = new_request_id();
    const std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + answer.content_type +
        "\r\nContent-Length: " + std::to_string(answer.body.size()) +
        "\r\nConnection: close\r\nRetry-After: 1\r\nX-Request-Id: " + id + "\r\n\r\n" + answer.body;
    // A new connection's send buffer is empty: this does not block.
    [[maybe_unused]] const ssize_t sent =
        ::send(sock, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    std::string remote;
    int remote_port = 0;
    httplib::detail::get_remote_ip_and_port(sock, remote, remote_port);
    Outcome outcome;
    outcome.request_id = id;
    outcome.remote = remote;
    outcome.route = Metrics::kUnmatchedRoute;
    outcome.status = 503;
    outcome.bytes = answer.body.size();
    outcome.duration = Clock::now() - start;
    record(outcome);
  }

  const HttpOptions options_;
  const Router& router_;
  Metrics& metrics_;
  AccessLogWriter stderr_log_{STDERR_FILENO, options_.access_log_buffer_bytes};
  std::function<void(std::string_view)> access_log_ = [this](std::string_view line) {
    stderr_log_.write(line);
  };
  std::atomic<bool> stopping_{false};
  mutable std::mutex listener_mutex_;     // also guards pool_
  int listener_ = -1;                     // duplicate of the listening socket, for stop()
  std::unique_ptr<ConnectionPool> pool_;  // made when run() starts listening
  bool listened_ = false;
  int port_ = 0;
};

std::size_t default_worker_threads() {
  // The CPUs this thread may run on (taskset, cpusets), not all the machine has.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  const int cpus = ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : 0;
  const std::size_t count =
      cpus > 0 ? static_cast<std::size_t>(cpus) : std::max(std::thread::hardware_concurrency(), 1U);
  return 2 * count;
}

HttpServer::HttpServer(HttpOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}
HttpServer::~HttpServer() = default;

bool HttpServer::bind(std::string& error) { return impl_->bind(error); }
int HttpServer::port() const { return impl_->port(); }
void HttpServer::run() { impl_->run(); }
void HttpServer::stop() { impl_->stop(); }
void HttpServer::set_access_log(std::function<void(std::string_view line)> log) {
  impl_->set_access_log(std::move(log));
}
HttpServerStats HttpServer::stats() const { return impl_->stats(); }

}  // namespace rollcall::server
