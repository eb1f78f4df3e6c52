// persistence_bench: durable writes per second through the write-ahead log's
// group commit with 1, 8 and 64 writer threads, and the time to write and load
// a snapshot of N OrganizationMember records (default 1,000,000).
//
//   persistence_bench [--members N] [--seconds S] [--dir D]
//
// D (default: a fresh directory under $TMPDIR or /tmp) should be on the disk
// the server will use; it is removed afterwards.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "datagen.hpp"
#include "rollcall/index/record_codec.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace rollcall;

struct Options {
  std::size_t members = 1'000'000;
  double seconds = 2;
  std::string dir;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds (user + system) of this process: on a busy machine wall time
// includes waiting for a CPU.
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "persistence_bench: %s\n", what.c_str());
  std::exit(1);
}

void bench_wal(const std::string& dir, int threads, double seconds, const std::string& payload) {
  std::filesystem::remove_all(dir);
  auto wal =
      persist::Wal::open(dir, 0, [](std::uint64_t, std::string_view) { return persist::Status(); });
  if (!wal) die(wal.status().message());
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> writes{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!wal->append_durable(payload)) die("append failed");
        ++mine;
      }
      writes += mine;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& worker : workers) worker.join();
  const double elapsed = seconds_since(start);
  std::printf("wal  %2d writer%s %9.0f durable writes/s  (%.0f us per write per writer)\n", threads,
              threads == 1 ? " " : "s", static_cast<double>(writes) / elapsed,
              elapsed * 1e6 * threads / static_cast<double>(writes));
}

// As a server would: the records live behind shared pointers; the snapshot
// copies the pointers (the only step under the store's lock) and writes them.
void bench_snapshot_write(const std::string& dir, std::size_t members) {
  auto start = Clock::now();
  std::vector<std::shared_ptr<const index::OrganizationMember>> store;
  store.reserve(members);
  for (auto& record : bench::generate_members({.members = members})) {
    store.push_back(std::make_shared<const index::OrganizationMember>(std::move(record)));
  }
  std::printf("generated %zu members in %.2f s\n", store.size(), seconds_since(start));

  start = Clock::now();
  const auto pointers = store;
  std::printf("pointer copy    %.3f s  (what a snapshot holds the store's lock for)\n",
              seconds_since(start));

  start = Clock::now();
  const double cpu = cpu_seconds();
  auto written = persist::write_snapshot(dir, 1, pointers);
  if (!written) die(written.status().message());
  std::printf("snapshot write  %.2f s (%.2f s CPU)  %.1f MB, %.0f bytes/record, fsynced\n",
              seconds_since(start), cpu_seconds() - cpu, static_cast<double>(written->bytes) / 1e6,
              static_cast<double>(written->bytes) / static_cast<double>(members));
}

// Runs after the generated records are freed, as at a server's start-up.
void bench_snapshot_load(const std::string& dir) {
  const auto start = Clock::now();
  const double cpu = cpu_seconds();
  auto loaded = persist::load_newest_snapshot(dir);
  if (!loaded || !loaded->snapshot) die("snapshot did not load");
  std::printf("snapshot load   %.2f s (%.2f s CPU)  %zu records, page cache warm\n",
              seconds_since(start), cpu_seconds() - cpu,
              loaded->snapshot->organization_members.size());
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--members") {
      options.members = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--seconds") {
      options.seconds = std::strtod(argv[i + 1], nullptr);
    } else if (flag == "--dir") {
      options.dir = argv[i + 1];
    } else {
      die("unknown option " + std::string(flag));
    }
  }
  if (options.dir.empty()) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr ? base : "/tmp") + "/persistence-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed");
    options.dir = pattern;
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  std::string payload;
  persist::encode_upsert(bench::MemberGenerator({}).member(0), payload);
  std::printf("WAL payload: %zu bytes (one encoded OrganizationMember upsert)\n", payload.size());
  for (int threads : {1, 8, 64}) bench_wal(options.dir + "/wal", threads, options.seconds, payload);
  const std::string snapshot_dir = options.dir + "/snapshot";
  std::filesystem::create_directories(snapshot_dir);
  bench_snapshot_write(snapshot_dir, options.members);
  bench_snapshot_load(snapshot_dir);
  std::filesystem::remove_all(options.dir);
}
