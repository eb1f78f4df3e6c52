// The HTTP layer's view of a request and a response, independent of the HTTP
// library: route handlers see only these, so they are testable without sockets
// and only http_server.cpp includes httplib.h.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollcall::server {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query
  Fields query;        // percent-decoded, in order; a name may repeat
  Fields headers;      // names as sent
  std::string body;
  std::string route;                // the pattern matched, e.g. "/space/{space}"
  std::vector<std::string> params;  // the route's {placeholders}, in order
  std::string request_id;           // also sent back as X-Request-Id

  // The first value of a query parameter, or nullptr.
  const std::string* query_value(std::string_view name) const;
  // A header's value (names compare case-insensitively), or "" when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

// Writes one chunk of a streamed body; false once the client has gone.
using ChunkSink = std::function<bool(std::string_view chunk)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Fields headers;  // extra headers (ETag, Allow, ...)
  // When set, the body is streamed (chunked) by calling this once; `body` is ignored.
  // An exception from it ends the body visibly cut (no last chunk, connection closed).
  std::function<void(const ChunkSink& sink)> stream;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

using Handler = std::function<void(const Request&, Response&)>;

}  // namespace rollcall::server
