#include "router.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <stdexcept>

namespace rollcall::server {

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
};

// One path segment of the route tree: routes ending here, literal children, and
// at most one placeholder child (placeholder names do not matter for matching).
struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> placeholder;
  std::vector<Route> routes;
  std::string allow;
};

namespace {

using Node = Router::Node;

bool is_placeholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}' &&
         segment.substr(1, segment.size() - 2).find_first_of("{}") == std::string_view::npos;
}

// The segments of a pattern ("/" has none); throws on a malformed one.
std::vector<std::string_view> pattern_segments(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  std::vector<std::string_view> segments;
  if (pattern == "/") return segments;
  std::size_t begin = 1;
  while (begin <= pattern.size()) {
    const std::size_t end = std::min(pattern.find('/', begin), pattern.size());
    const std::string_view segment = pattern.substr(begin, end - begin);
    const bool literal = segment.find_first_of("{}") == std::string_view::npos;
    if (segment.empty() || (!literal && !is_placeholder(segment))) {
      throw std::invalid_argument("bad route pattern: " + std::string(pattern));
    }
    segments.push_back(segment);
    begin = end + 1;
  }
  return segments;
}

Node& child(Node& node, std::string_view segment) {
  std::unique_ptr<Node>& next =
      is_placeholder(segment) ? node.placeholder : node.literals[std::string(segment)];
  if (!next) next = std::make_unique<Node>();
  return *next;
}

int method_rank(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kOrder{"GET", "HEAD",  "POST",
                                                          "PUT", "PATCH", "DELETE"};
  return static_cast<int>(std::find(kOrder.begin(), kOrder.end(), method) - kOrder.begin());
}

const Route* exact_route(const Node& node, std::string_view method) {
  const auto it = std::find_if(node.routes.begin(), node.routes.end(),
                               [&](const Route& route) { return route.method == method; });
  return it == node.routes.end() ? nullptr : &*it;
}

const Route* find_route(const Node& node, std::string_view method) {
  const Route* route = exact_route(node, method);
  return route == nullptr && method == "HEAD" ? exact_route(node, "GET") : route;
}

std::string allow_header(const Node& node) {
  std::vector<std::string_view> methods;
  for (const Route& route : node.routes) methods.emplace_back(route.method);
  if (exact_route(node, "HEAD") == nullptr && exact_route(node, "GET") != nullptr) {
    methods.emplace_back("HEAD");
  }
  std::stable_sort(methods.begin(), methods.end(), [](std::string_view a, std::string_view b) {
    return method_rank(a) < method_rank(b);
  });
  std::string allow;
  for (const std::string_view method : methods) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  return allow;
}

// The node for `path` ("" or "/segment..."), literal children first, or null.
const Node* descend(const Node& node, std::string_view path, std::vector<std::string>& params) {
  if (path.empty()) return node.routes.empty() ? nullptr : &node;
  path.remove_prefix(1);
  const std::size_t end = std::min(path.find('/'), path.size());
  const std::string_view segment = path.substr(0, end);
  const std::string_view rest = path.substr(end);
  if (segment.empty()) return nullptr;
  if (const auto it = node.literals.find(segment); it != node.literals.end()) {
    if (const Node* found = descend(*it->second, rest, params)) return found;
  }
  if (node.placeholder) {
    params.emplace_back(segment);
    if (const Node* found = descend(*node.placeholder, rest, params)) return found;
    params.pop_back();
  }
  return nullptr;
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(std::string method, std::string pattern, Handler handler) {
  if (method.empty() || !handler) throw std::invalid_argument("route needs a method and a handler");
  Node* node = root_.get();
  for (const std::string_view segment : pattern_segments(pattern)) node = &child(*node, segment);
  if (exact_route(*node, method) != nullptr) {
    throw std::invalid_argument("duplicate route " + method + " " + pattern);
  }
  node->routes.push_back(Route{std::move(method), std::move(pattern), std::move(handler)});
  node->allow = allow_header(*node);
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match match;
  const Node* node = nullptr;
  if (path == "/") {
    node = root_->routes.empty() ? nullptr : root_.get();
  } else if (path.starts_with('/')) {
    node = descend(*root_, path, match.params);
  }
  if (node == nullptr) return match;
  if (const Route* route = find_route(*node, method)) {
    match.handler = &route->handler;
    match.pattern = &route->pattern;
  } else {
    match.pattern = &node->routes.front().pattern;
    match.allow = node->allow;
  }
  return match;
}

}  // namespace rollcall::server
