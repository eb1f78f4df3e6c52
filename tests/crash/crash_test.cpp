// Kills a writer process (crash_writer) at random moments, round after round on
// the same data directory, and checks after each kill that every write it
// acknowledged is recovered, exactly once and intact, and that recovery found
// nothing worse than a torn tail (which every other round adds).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <gtest/gtest.h>

#include "crash_record.hpp"
#include "persist_test_util.hpp"
#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/record_codec.hpp"
#include "rollcall/index/snapshot.hpp"
#include "rollcall/index/wal.hpp"

namespace rollcall::persist {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRounds = 12;
constexpr auto kTimeBudget = std::chrono::seconds(15);
constexpr int kWriterThreads = 8;

// Runs one writer round, killing it after `life`; adds the ids it acknowledged.
void run_round(const std::string& dir, int round, std::chrono::milliseconds life,
               std::unordered_set<std::string>& acked) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    const std::string round_text = std::to_string(round);
    const std::string threads_text = std::to_string(kWriterThreads);
    ::execl(ROLLCALL_CRASH_WRITER, "crash_writer", dir.c_str(), round_text.c_str(),
            threads_text.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  const auto deadline = Clock::now() + life;
  std::string received;
  char buffer[1 << 16];
  bool killed = false;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!killed && left.count() <= 0) {
      ::kill(child, SIGKILL);
      killed = true;
    }
    pollfd poll_fd{fds[0], POLLIN, 0};
    ::poll(&poll_fd, 1, killed ? -1 : static_cast<int>(left.count()));
    const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
    if (got == 0) break;  // the child is gone and the pipe drained
    if (got > 0) received.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer stopped by itself (status " << status << "); see its stderr";
  // Acks are whole lines: each is one write() to a pipe, which is atomic.
  ASSERT_TRUE(received.empty() || received.back() == '\n');
  for (std::size_t start = 0; start < received.size();) {
    const std::size_t end = received.find('\n', start);
    acked.insert(received.substr(start, end - start));
    start = end + 1;
  }
}

// SIGKILL never tears a write() (the kernel finishes the copy first), but a
// power cut can: leave the start of an unacknowledged record at the end of the
// newest segment, for the next writer to find and cut.
bool tear_tail(const std::string& dir, std::mt19937& random) {
  auto segments = test::files_with_prefix(dir, "wal-");
  std::erase_if(segments, [](const std::string& name) { return !name.ends_with(".log"); });
  if (segments.empty()) return false;
  std::string record(16 + 300, 'p');
  record[4] = static_cast<char>(300 & 0xff);  // length 300, little-endian
  record[5] = static_cast<char>(300 >> 8);
  record[6] = record[7] = '\0';
  record.resize(1 + random() % (record.size() - 1));
  std::ofstream(dir + "/" + segments.back(), std::ios::binary | std::ios::app) << record;
  return true;
}

// Recovers a copy of `dir` (so the next writer meets the crash state itself)
// and checks it against the acknowledged ids. A torn tail must be found when
// `tear` is kTorn, may be when kMaybeTorn (the writer died before its recovery
// got that far), else must not.
enum class Tear { kNone, kMaybeTorn, kTorn };

void verify(const std::string& dir, const std::string& scratch,
            const std::unordered_set<std::string>& acked, Tear tear) {
  ASSERT_TRUE(DataDirLock::acquire(dir).ok()) << "the killed writer's lock must be released";
  std::filesystem::remove_all(scratch);
  std::filesystem::copy(dir, scratch);

  auto loaded = load_newest_snapshot(scratch);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  for (const std::string& skipped : loaded->skipped) ADD_FAILURE() << "skipped " << skipped;
  std::unordered_map<std::string, int> seen;
  const auto check = [&seen](const OrganizationMember& member) {
    ++seen[member.organization_member_id.to_string()];
    return member.username == member.organization_member_id.to_string();
  };
  std::uint64_t after = 0;
  if (loaded->snapshot) {
    after = loaded->snapshot->info.sequence;
    for (const auto& member : loaded->snapshot->organization_members) {
      ASSERT_TRUE(check(member)) << "snapshot record damaged: " << member.username;
    }
  }
  auto wal = Wal::open(
      scratch, after,
      [&check](std::uint64_t sequence, std::string_view payload) {
        auto mutation = decode_mutation(payload);
        if (!mutation) return mutation.status();
        OrganizationMember member;
        if (Status decoded = decode_record(mutation->payload, member); !decoded) return decoded;
        if (!check(member)) return Status::error("record " + std::to_string(sequence) + " damaged");
        return Status();
      },
      crash_test::kWalOptions);
  ASSERT_TRUE(wal.ok()) << wal.status().message();
  const auto& damage = wal->recovery().damage;
  if (tear == Tear::kTorn) {
    EXPECT_TRUE(damage.has_value());
  }
  if (damage) {
    EXPECT_NE(tear, Tear::kNone) << damage->message();
    EXPECT_TRUE(damage->torn_tail) << damage->message();
  }
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id << " recovered " << count << "x";
  std::size_t missing = 0;
  for (const std::string& id : acked) missing += seen.count(id) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";
}

TEST(Crash, AcknowledgedWritesSurviveSigkill) {
  test::TempDir root;
  const std::string dir = root.file("data");
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> life_ms(30, 1500);
  std::unordered_set<std::string> acked;
  const auto start = Clock::now();
  int rounds = 0;
  Tear pending = Tear::kNone;
  while (rounds < kMaxRounds && Clock::now() - start < kTimeBudget) {
    ++rounds;
    const auto before = acked.size();
    ASSERT_NO_FATAL_FAILURE(
        run_round(dir, rounds, std::chrono::milliseconds(life_ms(random)), acked));
    // A writer that acknowledged anything has recovered (cut) an earlier tear.
    if (acked.size() > before) pending = Tear::kNone;
    const bool torn = pending == Tear::kNone && rounds % 2 == 0 && tear_tail(dir, random);
    if (torn) pending = Tear::kTorn;
    ASSERT_NO_FATAL_FAILURE(verify(dir, root.file("verify"), acked, pending));
    if (pending == Tear::kTorn) pending = Tear::kMaybeTorn;
    std::printf("round %d: %zu writes acknowledged (%zu in all)%s\n", rounds, acked.size() - before,
                acked.size(), torn ? ", then a torn tail" : "");
    if (HasFailure()) break;
  }
  EXPECT_GT(acked.size(), 0u);
}

}  // namespace
}  // namespace rollcall::persist
