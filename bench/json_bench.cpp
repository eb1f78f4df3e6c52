// JSON encoding of a member list page: 100 generated members appended to one
// body, as the HTTP API answers `limit=100`. bytes_per_second is JSON written.
//
//   json_bench [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <string>

#include "datagen.hpp"
#include "rollcall/index/json.hpp"

namespace {

void BM_EncodeMemberPage(benchmark::State& state) {
  const auto members =
      rollcall::bench::generate_members({.members = 100, .organizations = 1, .seed = 1});
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = "{\"Items\":[";   // a new body each time, as each request has
    body.reserve(std::size_t{1} << 17);  // as the server reserves after the first item
    for (const auto& member : members) {
      rollcall::index::encode_json(member, body);
      body.push_back(',');
    }
    benchmark::DoNotOptimize(body.data());
    bytes += body.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(members.size()));
}
BENCHMARK(BM_EncodeMemberPage);

}  // namespace

BENCHMARK_MAIN();
