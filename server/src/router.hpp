// Maps (method, path) to a handler. Patterns are literal segments and `{name}`
// placeholders, each matching one non-empty segment; no regular expressions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http.hpp"

namespace rollcall::server {

class Router {
 public:
  struct Match {
    const Handler* handler = nullptr;      // null: no route for this method
    const std::string* pattern = nullptr;  // null: the path is unknown (404)
    std::vector<std::string> params;       // placeholder values, in order
    std::string allow;                     // set when the method is wrong (405): "GET, HEAD"
  };

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Throws std::invalid_argument on a malformed pattern or a duplicate route.
  // Not thread-safe: add every route before serving.
  void add(std::string method, std::string pattern, Handler handler);

  // A path that matches literal segments wins over one that needs a placeholder.
  // HEAD is answered by the GET handler unless a HEAD route exists.
  Match match(std::string_view method, std::string_view path) const;

  struct Node;  // the route tree, defined in router.cpp

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace rollcall::server
