// The child of the crash test: recovers <data-dir>, then writes upserts from
// several threads as fast as it can, printing each record's id on stdout once
// its write is durable, while a background thread takes snapshots and drops
// old log segments. It runs until it is killed.
//
//   crash_writer <data-dir> <round> <threads>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crash_record.hpp"
#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/record_codec.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::persist {
namespace {

using Records = std::map<Uuid, std::shared_ptr<const OrganizationMember>>;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "crash_writer: %s\n", what.c_str());
  std::exit(3);
}

class Writer {
 public:
  explicit Writer(std::string dir) : dir_(std::move(dir)) {}

  void recover() {
    auto loaded = load_newest_snapshot(dir_);
    if (!loaded) fail(loaded.status().message());
    std::uint64_t after = 0;
    if (loaded->snapshot) {
      after = loaded->snapshot->info.sequence;
      for (auto& member : loaded->snapshot->organization_members) insert(std::move(member));
    }
    auto wal = Wal::open(
        dir_, after, [this](std::uint64_t, std::string_view payload) { return apply(payload); },
        crash_test::kWalOptions);
    if (!wal) fail(wal.status().message());
    wal_ = std::make_unique<Wal>(std::move(*wal));
  }

  void write_forever(std::uint32_t round, std::uint32_t thread) {
    std::string bytes;
    for (std::uint64_t n = 0;; ++n) {
      const OrganizationMember member = crash_test::make_record(round, thread, n);
      bytes.clear();
      encode_upsert(member, bytes);
      std::uint64_t sequence = 0;
      {
        std::lock_guard lock(mu_);
        auto appended = wal_->append(bytes);
        if (!appended) fail(appended.status().message());
        sequence = *appended;
        insert(member);
      }
      if (Status durable = wal_->wait_durable(sequence); !durable) fail(durable.message());
      const std::string ack = member.username + "\n";
      if (::write(STDOUT_FILENO, ack.data(), ack.size()) != static_cast<ssize_t>(ack.size())) {
        fail("cannot report an acknowledged write");
      }
    }
  }

  void snapshot_forever() {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::uint64_t sequence = 0;
      std::vector<std::shared_ptr<const OrganizationMember>> pointers;
      {
        std::lock_guard lock(mu_);
        sequence = wal_->last_sequence();
        pointers.reserve(records_.size());
        for (const auto& [id, member] : records_) pointers.push_back(member);
      }
      if (auto written = write_snapshot(dir_, sequence, pointers); !written) {
        fail(written.status().message());
      }
      auto oldest_kept = prune_snapshots(dir_, 2);
      if (!oldest_kept) fail(oldest_kept.status().message());
      if (Status dropped = wal_->drop_segments_before(*oldest_kept + 1); !dropped) {
        fail(dropped.message());
      }
    }
  }

 private:
  Status apply(std::string_view payload) {
    auto mutation = decode_mutation(payload);
    if (!mutation) return mutation.status();
    OrganizationMember member;
    if (Status decoded = decode_record(mutation->payload, member); !decoded) return decoded;
    insert(std::move(member));
    return {};
  }

  void insert(OrganizationMember member) {
    const Uuid id = member.organization_member_id;
    records_[id] = std::make_shared<const OrganizationMember>(std::move(member));
  }

  std::string dir_;
  std::mutex mu_;  // orders appends with records_
  Records records_;
  std::unique_ptr<Wal> wal_;
};

int run(int argc, char** argv) {
  if (argc != 4) fail("usage: crash_writer <data-dir> <round> <threads>");
  const std::string dir = argv[1];
  const auto round = static_cast<std::uint32_t>(std::atoi(argv[2]));
  const int threads = std::atoi(argv[3]);
  auto lock = DataDirLock::acquire(dir);
  if (!lock) fail(lock.status().message());
  Writer writer(dir);
  writer.recover();
  std::vector<std::thread> workers;
  workers.emplace_back([&writer] { writer.snapshot_forever(); });
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(
        [&writer, round, t] { writer.write_forever(round, static_cast<std::uint32_t>(t)); });
  }
  // A safety net should the parent never kill us.
  std::this_thread::sleep_for(std::chrono::seconds(60));
  std::_Exit(4);
}

}  // namespace
}  // namespace rollcall::persist

int main(int argc, char** argv) { return rollcall::persist::run(argc, argv); }
