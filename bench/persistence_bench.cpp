// persistence_bench: durable writes per second with 1 to 256 writer threads,
// through the write-ahead log's group commit alone and through the Directory's
// write path (an invitation, as `POST .../organization_member` makes it;
// target: 20,000/s with many writers), and the time to write and load a
// snapshot of N OrganizationMember records (default 1,000,000), and the time
// a Directory takes to open on that snapshot (what a server's start-up waits for).
//
//   persistence_bench [--members N] [--seconds S] [--dir D] [--writers W,W,...]
//                     [--part writes|snapshot|all]
//
// D (default: a fresh directory under $TMPDIR or /tmp) should be on the disk
// the server will use; it is removed afterwards. W (default 1,8,64,256; each
// 1..4096) are the writer thread counts; --part runs only the writes or only the
// snapshot steps (default all). Each line also gives the process's CPU
// time and context switches per write: on a shared machine they vary less
// than the rate.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "datagen.hpp"
#include "heap_in_use.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/record_codec.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace rollcall;

constexpr int kMaxWriters = 4096;

struct Options {
  std::size_t members = 1'000'000;
  double seconds = 2;
  std::string dir;
  std::vector<int> writers = {1, 8, 64, 256};
  bool writes = true;
  bool snapshot = true;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Usage {
  double cpu_seconds = 0;       // user + system: wall time includes waiting for a CPU
  double context_switches = 0;  // voluntary + involuntary
};

// This process's, all threads included.
Usage usage() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime),
          static_cast<double>(usage.ru_nvcsw + usage.ru_nivcsw)};
}

double cpu_seconds() { return usage().cpu_seconds; }

struct Rate {
  double per_second = 0;
  double cpu_us_per_write = 0;
  double switches_per_write = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "persistence_bench: %s\n", what.c_str());
  std::exit(1);
}

// Runs `write(thread, n)` from `threads` threads for `seconds`.
Rate run_writers(int threads, double seconds,
                 const std::function<void(int thread, std::uint64_t n)>& write) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> writes{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  const Usage before = usage();
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) write(t, mine++);
      writes += mine;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& worker : workers) worker.join();
  const double elapsed = seconds_since(start);
  const Usage after = usage();
  const double count = std::max(1.0, static_cast<double>(writes));
  return {static_cast<double>(writes) / elapsed,
          1e6 * (after.cpu_seconds - before.cpu_seconds) / count,
          (after.context_switches - before.context_switches) / count};
}

void print_rate(const char* what, int threads, const Rate& rate) {
  std::printf(
      "%-9s %4d writer%s %9.0f durable writes/s  (%.0f us per write per writer; per write: %.1f "
      "us CPU, %.2f context switches)\n",
      what, threads, threads == 1 ? " " : "s", rate.per_second, 1e6 * threads / rate.per_second,
      rate.cpu_us_per_write, rate.switches_per_write);
}

void bench_wal(const std::string& dir, int threads, double seconds, const std::string& payload) {
  std::filesystem::remove_all(dir);
  auto wal =
      persist::Wal::open(dir, 0, [](std::uint64_t, std::string_view) { return persist::Status(); });
  if (!wal) die(wal.status().message());
  print_rate("wal", threads, run_writers(threads, seconds, [&](int, std::uint64_t) {
               if (!wal->append_durable(payload)) die("append failed");
             }));
}

// The server's write path: each writer invites a new email into one
// organization (rules, log append and apply under the directory's writer
// lock, then the group commit), with the directory's default options.
void bench_directory(const std::string& dir, int threads, double seconds) {
  std::filesystem::remove_all(dir);
  auto opened = index::Directory::open(dir);
  if (!opened) die(opened.status().message());
  index::Directory& directory = **opened;
  auto owner = directory.create_user({"owner", "owner@bench.example", "Owner", "", "", ""});
  if (!owner) die(owner.error().message);
  const auto& user = std::get<index::CreatedUser>(*owner).user;
  auto org = directory.create_organization(user, {"Bench", "bench", ""});
  if (!org) die(org.error().message);
  const filter::Uuid org_id = std::get<index::Organization>(*org).organization_id;
  print_rate(
      "directory", threads, run_writers(threads, seconds, [&](int t, std::uint64_t n) {
        std::string email = std::to_string(t);
        email.append(".").append(std::to_string(n)).append("@bench.example");
        auto invited = directory.invite(index::Actor::admin(), org_id, {std::move(email), {}});
        if (!invited) die(invited.error().message);
      }));
}

// As a server would: the records live behind shared pointers; the snapshot
// copies the pointers (the only step under the store's lock) and writes them.
void bench_snapshot_write(const std::string& dir, std::size_t members) {
  auto start = Clock::now();
  std::vector<index::MemberPtr> store;
  store.reserve(members);
  for (auto& record : bench::generate_members({.members = members})) {
    store.push_back(index::make_member(std::move(record)));
  }
  std::printf("generated %zu members in %.2f s\n", store.size(), seconds_since(start));

  start = Clock::now();
  const auto pointers = store;
  std::printf("pointer copy    %.3f s  (what a snapshot holds the store's lock for)\n",
              seconds_since(start));
  // In the order the store writes its snapshots: (OrganizationID, CreatedAt, ID).
  std::sort(store.begin(), store.end(), [](const auto& a, const auto& b) {
    return std::tie(a->organization_id, a->created_at, a->organization_member_id) <
           std::tie(b->organization_id, b->created_at, b->organization_member_id);
  });

  start = Clock::now();
  const double cpu = cpu_seconds();
  auto written = persist::write_snapshot(dir, 1, store);
  if (!written) die(written.status().message());
  std::printf("snapshot write  %.2f s (%.2f s CPU)  %.1f MB, %.0f bytes/record, fsynced\n",
              seconds_since(start), cpu_seconds() - cpu, static_cast<double>(written->bytes) / 1e6,
              static_cast<double>(written->bytes) / static_cast<double>(members));
}

// Runs after the generated records are freed.
void bench_snapshot_load(const std::string& dir) {
  const auto start = Clock::now();
  const double cpu = cpu_seconds();
  auto loaded = persist::load_newest_snapshot(dir);
  if (!loaded || !loaded->snapshot) die("snapshot did not load");
  std::printf("snapshot load   %.2f s (%.2f s CPU)  %zu records, page cache warm\n",
              seconds_since(start), cpu_seconds() - cpu,
              loaded->snapshot->organization_members.size());
}

// Heap bytes in use, less what the record arena holds for records to come:
// the records freed before (the generated ones, the snapshot's) left blocks
// that later records take without the heap growing.
std::size_t heap_held() {
  const index::RecordMemory records = index::record_memory();
  return bench::heap_in_use() - (records.chunk_bytes - records.live_bytes);
}

// Start-up: the newest snapshot read and every index built, ready for requests.
void bench_directory_open(const std::string& dir) {
  const std::size_t heap_before = heap_held();
  const auto start = Clock::now();
  const double cpu = cpu_seconds();
  index::DirectoryOptions options;
  options.token_key = "bench";
  auto opened = index::Directory::open(dir, options);
  if (!opened) die(opened.status().message());
  const double seconds = seconds_since(start);
  const std::size_t members = (*opened)->members().size();
  std::printf(
      "directory open  %.2f s (%.2f s CPU)  %zu members indexed, page cache warm; "
      "heap %.0f bytes/member\n",
      seconds, cpu_seconds() - cpu, members,
      static_cast<double>(heap_held() - heap_before) / static_cast<double>(members));
}

// Start-up is a fresh process. In this one, records freed before (the
// generated ones, the snapshot's) would leave the record arena's free lists
// holding scattered blocks, which the Directory's records would then take.
void directory_open_in_new_process(const char* self, const std::string& dir) {
  std::fflush(stdout);
  std::string flag = "--open-snapshot";
  std::string directory = dir;
  std::string name = self;
  char* const argv[] = {name.data(), flag.data(), directory.data(), nullptr};
  const pid_t child = ::fork();
  if (child == 0) {  // only async-signal-safe calls until exec
    ::execv("/proc/self/exe", argv);
    ::_exit(127);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    die("the start-up run failed");
  }
}

// "64,256" -> {64, 256}; each count 1..kMaxWriters.
std::vector<int> parse_writers(std::string_view list) {
  std::vector<int> counts;
  while (!list.empty()) {
    const std::size_t comma = std::min(list.find(','), list.size());
    const std::string item(list.substr(0, comma));
    char* end = nullptr;
    const long count = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || count < 1 || count > kMaxWriters) {
      die("--writers wants counts 1.." + std::to_string(kMaxWriters) + ", not '" + item + "'");
    }
    counts.push_back(static_cast<int>(count));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  if (counts.empty()) die("--writers wants at least one count");
  return counts;
}

Options parse(int argc, char** argv) {
  Options options;
  if (argc % 2 == 0) die("every option wants a value");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--members") {
      options.members = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--seconds") {
      options.seconds = std::strtod(argv[i + 1], nullptr);
    } else if (flag == "--dir") {
      options.dir = argv[i + 1];
    } else if (flag == "--writers") {
      options.writers = parse_writers(argv[i + 1]);
    } else if (flag == "--part") {
      const std::string_view part = argv[i + 1];
      if (part != "writes" && part != "snapshot" && part != "all") {
        die("--part wants writes, snapshot or all, not '" + std::string(part) + "'");
      }
      options.writes = part != "snapshot";
      options.snapshot = part != "writes";
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
  if (argc == 3 && std::string_view(argv[1]) == "--open-snapshot") {
    bench_directory_open(argv[2]);
    return 0;
  }
  const Options options = parse(argc, argv);
  std::string payload;
  persist::encode_upsert(bench::MemberGenerator({}).member(0), payload);
  std::printf("WAL payload: %zu bytes (one encoded OrganizationMember upsert)\n", payload.size());
  for (int threads : options.writes ? options.writers : std::vector<int>{}) {
    bench_wal(options.dir + "/wal", threads, options.seconds, payload);
  }
  for (int threads : options.writes ? options.writers : std::vector<int>{}) {
    bench_directory(options.dir + "/directory", threads, options.seconds);
  }
  if (options.snapshot) {
    const std::string snapshot_dir = options.dir + "/snapshot";
    std::filesystem::create_directories(snapshot_dir);
    bench_snapshot_write(snapshot_dir, options.members);
    bench_snapshot_load(snapshot_dir);
    directory_open_in_new_process(argv[0], snapshot_dir);
  }
  std::filesystem::remove_all(options.dir);
}
