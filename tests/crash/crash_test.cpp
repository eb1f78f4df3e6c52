// Kills a writer process (crash_writer), which writes through the Directory as
// the server does, at random moments, round after round on the same data
// directory. After each kill it opens a copy of the directory with
// Directory::open and checks that the state loads, that recovery found nothing
// worse than a torn tail (which every other round adds), that every
// acknowledged write is there as written, and that nothing else is: each
// writer thread waits for one write before the next, so the invitations it
// left are exactly its first m + 1, where m is its last acknowledged one or
// the one after it (durable, killed before it printed).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "crash_protocol.hpp"
#include "persist_test_util.hpp"
#include "rollcall/index/data_dir_lock.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::crash_test {
namespace {

using Clock = std::chrono::steady_clock;
using filter::Uuid;
using index::Directory;

constexpr int kMaxRounds = 12;
constexpr auto kTimeBudget = std::chrono::seconds(15);
constexpr int kWriterThreads = 8;

using ThreadKey = std::pair<std::uint32_t, std::uint32_t>;  // round, thread
using Invitations = std::map<std::uint64_t, Uuid>;          // by n

struct Owner {
  Uuid user;
  Uuid org;
  std::string token;
};

// What the writers acknowledged, over all rounds.
struct Acks {
  std::map<std::uint32_t, Owner> owners;  // by round
  std::map<ThreadKey, Invitations> members;

  std::size_t size() const {
    std::size_t count = owners.size();
    for (const auto& [thread, acked] : members) count += acked.size();
    return count;
  }
  void add(const std::string& line) {
    std::istringstream in(line);
    std::string kind;
    std::string user;
    std::string org;
    std::string id;
    WriteKey key;
    in >> kind;
    if (kind == "owner" && in >> key.round >> user >> org >> owners[key.round].token) {
      owners[key.round].user = Uuid::parse(user).value_or(Uuid{});
      owners[key.round].org = Uuid::parse(org).value_or(Uuid{});
    } else if (kind == "member" && in >> key.round >> key.thread >> key.n >> id) {
      members[{key.round, key.thread}][key.n] = Uuid::parse(id).value_or(Uuid{});
    } else {
      ADD_FAILURE() << "unreadable acknowledgement: " << line;
    }
  }
};

// Runs one writer round, killing it after `life`; adds what it acknowledged.
void run_round(const std::string& dir, int round, std::chrono::milliseconds life, Acks& acks) {
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
  ASSERT_TRUE(received.empty() || received.back() == '\n');
  std::istringstream lines(received);
  for (std::string line; std::getline(lines, line);) acks.add(line);
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

// A torn tail must be found when kTorn, may be when kMaybeTorn (the writer
// died before its recovery got that far), else must not.
enum class Tear { kNone, kMaybeTorn, kTorn };

void check_recovery(const index::Recovery& recovery, Tear tear) {
  for (const std::string& skipped : recovery.skipped_snapshots) {
    ADD_FAILURE() << "passed over " << skipped;
  }
  if (tear == Tear::kTorn) {
    EXPECT_TRUE(recovery.damage.has_value());
  }
  if (recovery.damage) {
    EXPECT_NE(tear, Tear::kNone) << recovery.damage->message();
    EXPECT_TRUE(recovery.damage->torn_tail) << recovery.damage->message();
  }
}

void check_owners(const Directory& directory, const Acks& acks) {
  for (const auto& [round, owner] : acks.owners) {
    const auto user = directory.authenticate(owner.token);
    ASSERT_TRUE(user) << "round " << round << ": the owner's token";
    EXPECT_EQ(user->user_id, owner.user);
    EXPECT_EQ(user->username, owner_name(round));
    EXPECT_EQ(directory.standing(index::Actor::user(owner.user), owner.org),
              index::Standing::kOwner)
        << "round " << round;
  }
}

// The invitations in the directory, by writer thread and n; fails on one
// that no writer could have made, or on a second of the same write.
std::map<ThreadKey, Invitations> recovered_invitations(const Directory& directory,
                                                       const Acks& acks) {
  std::map<ThreadKey, Invitations> found;
  for (const index::MemberPtr& member : directory.members().all()) {
    if (member->role == "OWNER") continue;
    const auto key = parse_member_email(member->email.str());
    if (!key) {
      ADD_FAILURE() << "a membership no writer made: " << member->email;
      continue;
    }
    const auto owner = acks.owners.find(key->round);
    EXPECT_TRUE(owner != acks.owners.end() && owner->second.org == member->organization_id)
        << member->email << " is not in its round's organization";
    EXPECT_EQ(member->labels, index::Labels({{"n", std::to_string(key->n)}})) << member->email;
    const bool first =
        found[{key->round, key->thread}].emplace(key->n, member->organization_member_id).second;
    EXPECT_TRUE(first) << member->email << " was written twice";
  }
  return found;
}

void check_thread(const ThreadKey& thread, const Invitations& left, const Invitations& acked) {
  const std::string name = std::string("round ")
                               .append(std::to_string(thread.first))
                               .append(" thread ")
                               .append(std::to_string(thread.second));
  if (!left.empty()) {
    EXPECT_EQ(left.rbegin()->first + 1, left.size()) << name << " has a gap";
  }
  EXPECT_TRUE(left.size() == acked.size() || left.size() == acked.size() + 1)
      << name << ": " << acked.size() << " acknowledged, " << left.size() << " recovered";
  std::size_t lost = 0;
  for (const auto& [n, id] : acked) {
    const auto found = left.find(n);
    lost += found == left.end() || found->second != id ? 1 : 0;
  }
  EXPECT_EQ(lost, 0U) << name << ": acknowledged invitations lost";
}

// `settled`: how many invitations each thread left, as found after its own
// round; later rounds must not change that.
void check_invitations(const std::map<ThreadKey, Invitations>& found, const Acks& acks,
                       std::map<ThreadKey, std::size_t>& settled) {
  static const Invitations kNone;
  const auto of = [](const auto& by_thread, const ThreadKey& thread) -> const Invitations& {
    const auto it = by_thread.find(thread);
    return it != by_thread.end() ? it->second : kNone;
  };
  std::map<ThreadKey, std::size_t> counts;
  for (const auto& [thread, left] : found) counts[thread] = left.size();
  for (const auto& [thread, acked] : acks.members) counts.emplace(thread, 0);
  for (const auto& [thread, count] : counts) {
    check_thread(thread, of(found, thread), of(acks.members, thread));
    const auto before = settled.emplace(thread, count).first;
    EXPECT_EQ(count, before->second)
        << "round " << thread.first << " thread " << thread.second << " changed since";
  }
}

// Opens a copy of `dir` (so the next writer meets the crash state itself).
void verify(const std::string& dir, const std::string& scratch, const Acks& acks, Tear tear,
            std::map<ThreadKey, std::size_t>& settled) {
  ASSERT_TRUE(persist::DataDirLock::acquire(dir).ok())
      << "the killed writer's lock must be released";
  std::filesystem::remove_all(scratch);
  std::filesystem::copy(dir, scratch);
  auto opened = Directory::open(scratch, directory_options());
  ASSERT_TRUE(opened) << opened.status().message();
  const Directory& directory = **opened;
  check_recovery(directory.recovery(), tear);
  check_owners(directory, acks);
  check_invitations(recovered_invitations(directory, acks), acks, settled);
}

// Snapshots left half-written (by a kill, since nothing else stops a writer).
std::vector<std::string> unfinished_snapshots(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return {};
  auto names = test::files_with_prefix(dir, "snapshot-");
  std::erase_if(names, [](const std::string& name) { return !name.ends_with(".tmp"); });
  return names;
}

TEST(Crash, AcknowledgedWritesSurviveSigkill) {
  test::TempDir root;
  const std::string dir = root.file("data");
  // Kill times are random; the seed is printed so that a failure can be rerun.
  const char* chosen = std::getenv("ROLLCALL_CRASH_SEED");
  const unsigned seed = chosen != nullptr ? static_cast<unsigned>(std::strtoul(chosen, nullptr, 10))
                                          : std::random_device{}();
  std::printf("seed %u (rerun with ROLLCALL_CRASH_SEED=%u)\n", seed, seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> life_ms(30, 1500);
  Acks acks;
  std::map<ThreadKey, std::size_t> settled;
  const auto start = Clock::now();
  int rounds = 0;
  int kills_mid_snapshot = 0;
  Tear pending = Tear::kNone;
  while (rounds < kMaxRounds && Clock::now() - start < kTimeBudget) {
    ++rounds;
    const std::size_t before = acks.size();
    const auto unfinished_before = unfinished_snapshots(dir);
    ASSERT_NO_FATAL_FAILURE(
        run_round(dir, rounds, std::chrono::milliseconds(life_ms(random)), acks));
    const auto unfinished = unfinished_snapshots(dir);
    const bool during_snapshot = !unfinished.empty() && unfinished != unfinished_before;
    kills_mid_snapshot += during_snapshot ? 1 : 0;
    // A writer that acknowledged anything has recovered (cut) an earlier tear.
    if (acks.size() > before) pending = Tear::kNone;
    const bool torn = pending == Tear::kNone && rounds % 2 == 0 && tear_tail(dir, random);
    if (torn) pending = Tear::kTorn;
    ASSERT_NO_FATAL_FAILURE(verify(dir, root.file("verify"), acks, pending, settled));
    if (pending == Tear::kTorn) pending = Tear::kMaybeTorn;
    std::printf("round %d: %zu writes acknowledged (%zu in all)%s%s\n", rounds,
                acks.size() - before, acks.size(), during_snapshot ? ", killed mid-snapshot" : "",
                torn ? ", then a torn tail" : "");
    if (HasFailure()) break;
  }
  std::printf("%d rounds in %.1f s, %d killed mid-snapshot\n", rounds,
              std::chrono::duration<double>(Clock::now() - start).count(), kills_mid_snapshot);
  EXPECT_GT(acks.size(), 0U);
}

}  // namespace
}  // namespace rollcall::crash_test
