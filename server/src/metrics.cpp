#include "metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace rollcall::server {
namespace {

constexpr std::size_t kShards = 32;
constexpr std::array<double, 12> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                         0.05,   0.1,   0.25,   0.5,   1,    2.5};

struct Count {
  std::string method;
  int status = 0;
  std::uint64_t n = 0;
};

struct RouteStats {
  std::vector<Count> counts;                                // few per route: a list is enough
  std::array<std::uint64_t, kBounds.size() + 1> buckets{};  // not cumulative; last is +Inf
  double sum = 0;
  std::uint64_t count = 0;

  void add(std::string_view method, int status, std::uint64_t n) {
    const auto it = std::find_if(counts.begin(), counts.end(), [&](const Count& c) {
      return c.status == status && c.method == method;
    });
    if (it != counts.end()) {
      it->n += n;
    } else {
      counts.push_back(Count{std::string(method), status, n});
    }
  }

  void merge(const RouteStats& other) {
    for (const Count& c : other.counts) add(c.method, c.status, c.n);
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
    sum += other.sum;
    count += other.count;
  }
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

std::size_t this_thread_shard() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

void append_escaped(std::string& out, std::string_view label_value) {
  for (const char c : label_value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Shortest round-tripping decimal without an exponent: "0.0005", "1", "2.5".
void append_number(std::string& out, double value) {
  std::array<char, 400> text{};
  const auto result =
      std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  out.append(text.data(), result.ptr);
}

void append_family(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// `name{route="…"` + `rest` + `} value`.
void append_route_sample(std::string& out, std::string_view name, std::string_view route,
                         std::string_view rest, std::string_view value) {
  out.append(name).append("{route=\"");
  append_escaped(out, route);
  out.append("\"").append(rest).append("} ").append(value).append("\n");
}

using Routes = std::map<std::string, RouteStats, std::less<>>;

void render_requests(std::string& out, const Routes& routes) {
  constexpr std::string_view kName = "rollcall_http_requests_total";
  append_family(out, kName, "counter",
                "HTTP requests answered, by route pattern, method and status.");
  for (const auto& [route, stats] : routes) {
    std::vector<Count> counts = stats.counts;
    std::sort(counts.begin(), counts.end(), [](const Count& a, const Count& b) {
      return std::tie(a.method, a.status) < std::tie(b.method, b.status);
    });
    for (const Count& c : counts) {
      std::string rest = ",method=\"";
      append_escaped(rest, c.method);
      rest.append("\",status=\"").append(std::to_string(c.status)).append("\"");
      append_route_sample(out, kName, route, rest, std::to_string(c.n));
    }
  }
}

void render_durations(std::string& out, const Routes& routes) {
  constexpr std::string_view kName = "rollcall_http_request_duration_seconds";
  append_family(out, kName, "histogram",
                "Time from reading a request to writing its last byte, by route pattern.");
  for (const auto& [route, stats] : routes) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < stats.buckets.size(); ++i) {
      cumulative += stats.buckets[i];
      std::string le = ",le=\"";
      if (i < kBounds.size()) {
        append_number(le, kBounds[i]);
      } else {
        le += "+Inf";
      }
      le += '"';
      append_route_sample(out, std::string(kName) + "_bucket", route, le,
                          std::to_string(cumulative));
    }
    std::string sum;
    append_number(sum, stats.sum);
    append_route_sample(out, std::string(kName) + "_sum", route, "", sum);
    append_route_sample(out, std::string(kName) + "_count", route, "", std::to_string(stats.count));
  }
}

}  // namespace

struct alignas(64) Metrics::Shard {
  std::mutex mutex;
  std::unordered_map<std::string, RouteStats, StringHash, std::equal_to<>> routes;
};

Metrics::Metrics() : shards_(std::make_unique<Shard[]>(kShards)) {}
Metrics::~Metrics() = default;

void Metrics::observe(std::string_view route, std::string_view method, int status,
                      std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
  Shard& shard = shards_[this_thread_shard()];
  const std::lock_guard lock(shard.mutex);
  auto it = shard.routes.find(route);
  if (it == shard.routes.end()) it = shard.routes.emplace(std::string(route), RouteStats{}).first;
  RouteStats& stats = it->second;
  stats.add(method, status, 1);
  ++stats.buckets[bucket];
  stats.sum += seconds;
  ++stats.count;
}

void Metrics::set_extra(std::function<void(std::string& out)> render) {
  const std::lock_guard lock(extra_mutex_);
  extra_ = std::move(render);
}

void Metrics::render(std::string& out) const {
  Routes routes;
  for (std::size_t i = 0; i < kShards; ++i) {
    const std::lock_guard lock(shards_[i].mutex);
    for (const auto& [route, stats] : shards_[i].routes) routes[route].merge(stats);
  }
  render_requests(out, routes);
  render_durations(out, routes);
  append_family(out, "rollcall_http_requests_in_flight", "gauge", "HTTP requests being served.");
  out.append("rollcall_http_requests_in_flight ")
      .append(std::to_string(in_flight_.load(std::memory_order_relaxed)))
      .append("\n");
  std::function<void(std::string&)> extra;
  {
    const std::lock_guard lock(extra_mutex_);
    extra = extra_;
  }
  if (extra) extra(out);
}

}  // namespace rollcall::server
