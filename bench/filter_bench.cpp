// Filter engine throughput: each expression is compiled once, then evaluated on
// every record of a contiguous vector of generated members, on one core.
//
//   filter_bench [--members=N] [Google Benchmark flags]
//
// items_per_second is records/s; vs_target is that rate divided by the target
// (>= 1 meets it); matched_pct is the share of records the expression selects.
#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "datagen.hpp"
#include "rollcall/filter.hpp"
#include "rollcall/index/schemas.hpp"

namespace {

namespace filter = rollcall::filter;
using rollcall::index::OrganizationMember;

std::size_t g_member_count = 1'000'000;

rollcall::bench::GeneratorOptions data_options() {
  return {.members = g_member_count, .organizations = 1000, .seed = 1, .big_org_share = 0.5};
}

const std::vector<OrganizationMember>& members() {
  static const auto records = rollcall::bench::generate_members(data_options());
  return records;
}

const filter::Schema& schema() { return rollcall::index::organization_member_schema(); }

constexpr std::string_view kTypicalWhere =
    "Role = 'ADMIN' AND Status = 'active' AND Labels.team IN ('sre','data')";

void BM_ParseCompile(benchmark::State& state) {
  for (auto _ : state) {
    auto where = filter::compile_where(kTypicalWhere, schema());
    benchmark::DoNotOptimize(where);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseCompile);

// The shared measurement loop: `match` on every record, once per iteration.
template <class Match>
void count_matches(benchmark::State& state, double target, const Match& match) {
  const auto& records = members();
  std::size_t count = 0;
  for (auto _ : state) {
    count = 0;
    for (const auto& m : records) count += match(m);
    benchmark::DoNotOptimize(count);
  }
  const double items = static_cast<double>(state.iterations()) * records.size();
  state.SetItemsProcessed(static_cast<std::int64_t>(items));
  state.counters["matched_pct"] = 100.0 * count / records.size();
  if (target > 0) {
    state.counters["vs_target"] = benchmark::Counter(items / target, benchmark::Counter::kIsRate);
  }
}

struct FilterCase {
  std::string name;
  std::string where;     // a `where` expression, unless `contains` is set
  std::string contains;  // a `contains=` text
  double target = 0;     // records/s, or 0 when there is none
};

std::vector<FilterCase> filter_cases() {
  const rollcall::bench::MemberGenerator data(data_options());
  const auto quoted = [](const std::string& text) { return "'" + text + "'"; };
  return {
      {"BM_Equality", "Role = 'OWNER'", "", 100e6},
      {"BM_InRole", "Role IN ('OWNER', 'ADMIN')", "", 100e6},
      {"BM_InStatus", "Status IN ('pending', 'invited')", "", 100e6},
      {"BM_Bool", "RequiredMFAAuth = true", "", 100e6},
      {"BM_LikeInfix", "DisplayName LIKE '%love%'", "", 30e6},
      {"BM_IlikeInfix", "DisplayName ILIKE '%ström%'", "", 30e6},
      {"BM_Regex", R"(Email ~ '^[a-z]+\.lovelace[0-9]+@example\.com$')", "", 10e6},
      {"BM_Mixed5",
       "Role = 'MEMBER' AND Status = 'active' AND Version > 5 AND "
       "Labels.environment = 'prod' AND CreatedAt >= '2025-01-01'",
       "", 50e6},
      {"BM_Contains", "", "lovelace", 0},
      {"BM_UsernameEquality", "Username = " + quoted(data.member(0).username.str()), "", 0},
      {"BM_BigOrganization", "OrganizationID = " + quoted(data.big_organization_id().to_string()),
       "", 0},
      {"BM_HasRoleId", "RoleIDs ? " + quoted(data.role_ids().front().to_string()), "", 0},
  };
}

filter::Predicate compile_case(const FilterCase& c) {
  if (!c.contains.empty()) return filter::compile_contains(c.contains, schema());
  auto where = filter::compile_where(c.where, schema());
  if (!where) {
    std::fprintf(stderr, "%s: %s\n", c.name.c_str(), where.error().message().c_str());
    std::exit(2);
  }
  return *where;
}

void run_case(benchmark::State& state, const FilterCase& c) {
  const filter::Predicate where = compile_case(c);
  count_matches(state, c.target, [&](const OrganizationMember& m) { return where.matches(m); });
}

// The same test as BM_Equality written by hand: the floor set by touching the records.
void BM_HandwrittenEquality(benchmark::State& state) {
  count_matches(state, 0, [](const OrganizationMember& m) { return m.role == "OWNER"; });
}

// Removes --members=N from argv (Google Benchmark rejects flags it does not know).
bool take_members_flag(int& argc, char** argv) {
  constexpr std::string_view kFlag = "--members=";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with(kFlag)) {
      argv[kept++] = argv[i];
      continue;
    }
    const std::string_view value = arg.substr(kFlag.size());
    const auto [end, error] = std::from_chars(value.begin(), value.end(), g_member_count);
    if (error != std::errc() || end != value.end() || g_member_count == 0) return false;
  }
  argc = kept;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (!take_members_flag(argc, argv)) {
    std::fputs("filter_bench: --members needs a positive integer\n", stderr);
    return 2;
  }
  for (const FilterCase& c : filter_cases()) {
    benchmark::RegisterBenchmark(c.name.c_str(), run_case, c)->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_HandwrittenEquality", BM_HandwrittenEquality)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
