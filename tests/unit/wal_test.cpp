// The write-ahead log: appends, group commit, segments, and recovery from torn
// and corrupt records; the data directory lock.
#include "rollcall/index/wal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "persist_test_util.hpp"
#include "rollcall/index/data_dir_lock.hpp"

namespace rollcall::persist {
namespace {

using test::files_with_prefix;
using test::TempDir;

constexpr std::uint64_t kSegmentHeader = 20;
constexpr std::uint64_t kRecordHeader = 16;

using Replayed = std::vector<std::pair<std::uint64_t, std::string>>;

// Opens the log, collecting what it replays.
Wal open_wal(const std::string& dir, Replayed* replayed = nullptr, std::uint64_t after = 0,
             const WalOptions& options = {}) {
  Replayed ignored;
  Replayed& out = replayed != nullptr ? *replayed : ignored;
  auto wal = Wal::open(
      dir, after,
      [&out](std::uint64_t sequence, std::string_view payload) {
        out.emplace_back(sequence, std::string(payload));
        return Status();
      },
      options);
  if (!wal) ADD_FAILURE() << wal.status().message();
  return std::move(wal).value();
}

std::string payload(int n) { return "record-" + std::to_string(n); }

// Writes records 1..count with payload(i), then closes the log.
void write_records(const std::string& dir, int count, const WalOptions& options = {}) {
  Wal wal = open_wal(dir, nullptr, 0, options);
  for (int i = 1; i <= count; ++i) ASSERT_TRUE(wal.append_durable(payload(i)).ok());
}

// Byte offset of record `n` (1-based) in a single-segment log of payload(i).
std::uint64_t offset_of(int n) {
  std::uint64_t offset = kSegmentHeader;
  for (int i = 1; i < n; ++i) offset += kRecordHeader + payload(i).size();
  return offset;
}

std::string only_segment(const TempDir& dir) {
  const auto segments = files_with_prefix(dir.path(), "wal-");
  EXPECT_EQ(segments.size(), 1u);
  return segments.empty() ? "" : dir.file(segments.front());
}

void expect_records(const Replayed& replayed, int first, int last) {
  ASSERT_EQ(replayed.size(), static_cast<std::size_t>(last - first + 1));
  for (int i = first; i <= last; ++i) {
    EXPECT_EQ(replayed[i - first].first, static_cast<std::uint64_t>(i));
    EXPECT_EQ(replayed[i - first].second, payload(i));
  }
}

// Records 1..count in order, from appenders racing with distinct payloads.
void expect_each_once(const Replayed& replayed, std::size_t count) {
  ASSERT_EQ(replayed.size(), count);
  std::set<std::string> payloads;
  for (std::size_t i = 0; i < replayed.size(); ++i) {
    EXPECT_EQ(replayed[i].first, i + 1);
    payloads.insert(replayed[i].second);
  }
  EXPECT_EQ(payloads.size(), count);
}

TEST(Wal, EmptyDirectoryOpensClean) {
  TempDir dir;
  Replayed replayed;
  Wal wal = open_wal(dir.file("data"), &replayed);
  EXPECT_TRUE(replayed.empty());
  EXPECT_FALSE(wal.recovery().damage);
  EXPECT_EQ(wal.last_sequence(), 0u);
  EXPECT_EQ(files_with_prefix(dir.file("data"), "wal-"),
            std::vector<std::string>{"wal-00000000000000000001.log"});
}

TEST(Wal, ReplaysInOrderAndContinuesTheSequence) {
  TempDir dir;
  write_records(dir.path(), 5);
  Replayed replayed;
  {
    Wal wal = open_wal(dir.path(), &replayed);
    expect_records(replayed, 1, 5);
    EXPECT_EQ(wal.recovery().replayed, 5u);
    EXPECT_EQ(wal.last_sequence(), 5u);
    EXPECT_EQ(wal.durable_sequence(), 5u);
    auto sequence = wal.append_durable(payload(6));
    ASSERT_TRUE(sequence.ok());
    EXPECT_EQ(*sequence, 6u);
  }
  replayed.clear();
  open_wal(dir.path(), &replayed);
  expect_records(replayed, 1, 6);
}

TEST(Wal, ReplaysOnlyRecordsAfterTheSnapshot) {
  TempDir dir;
  write_records(dir.path(), 5);
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed, 3);
  expect_records(replayed, 4, 5);
}

TEST(Wal, SnapshotAheadOfTheLogMovesTheSequenceOn) {
  TempDir dir;
  write_records(dir.path(), 2);
  {
    Wal wal = open_wal(dir.path(), nullptr, 10);
    EXPECT_EQ(*wal.append_durable("eleven"), 11u);
  }
  Replayed replayed;
  open_wal(dir.path(), &replayed, 10);
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0], std::make_pair(std::uint64_t{11}, std::string("eleven")));
}

TEST(Wal, ConcurrentAppendersShareFlushesAndLoseNothing) {
  TempDir dir;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  constexpr std::size_t kRecords = std::size_t{kThreads} * kPerThread;
  {
    Wal wal = open_wal(dir.path());
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&wal, t] {
        for (int i = 0; i < kPerThread; ++i) {
          EXPECT_TRUE(wal.append_durable(payload(t * kPerThread + i)).ok());
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wal.durable_sequence(), kRecords);
  }
  Replayed replayed;
  open_wal(dir.path(), &replayed);
  expect_each_once(replayed, kRecords);
}

TEST(Wal, AppendWithoutWaitingIsWrittenOnClose) {
  TempDir dir;
  {
    Wal wal = open_wal(dir.path());
    for (int i = 1; i <= 100; ++i) ASSERT_TRUE(wal.append(payload(i)).ok());
  }
  Replayed replayed;
  open_wal(dir.path(), &replayed);
  expect_records(replayed, 1, 100);
}

TEST(Wal, RotatesSegmentsAndReplaysAcrossThem) {
  TempDir dir;
  const WalOptions small{.segment_bytes = 200};
  write_records(dir.path(), 40, small);
  const auto segments = files_with_prefix(dir.path(), "wal-");
  EXPECT_GT(segments.size(), 3u);
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed, 0, small);
  expect_records(replayed, 1, 40);
}

TEST(Wal, DropsSegmentsBeforeASequence) {
  TempDir dir;
  const WalOptions small{.segment_bytes = 200};
  {
    Wal wal = open_wal(dir.path(), nullptr, 0, small);
    for (int i = 1; i <= 40; ++i) ASSERT_TRUE(wal.append_durable(payload(i)).ok());
    const auto before = files_with_prefix(dir.path(), "wal-");
    ASSERT_TRUE(wal.drop_segments_before(30).ok());
    const auto after = files_with_prefix(dir.path(), "wal-");
    EXPECT_LT(after.size(), before.size());
    // The oldest kept segment still holds record 30 or starts with it.
    EXPECT_LE(after.front(), "wal-00000000000000000030.log");
    ASSERT_TRUE(wal.drop_segments_before(1000).ok());
    EXPECT_EQ(files_with_prefix(dir.path(), "wal-").size(), 1u);  // the active one stays
  }
  Replayed replayed;
  open_wal(dir.path(), &replayed, 40, small);
  EXPECT_TRUE(replayed.empty());
}

// The sequence of the first record in a segment file; 0 when it holds none.
std::uint64_t first_record_in(const std::string& segment) {
  const std::string bytes = test::read_bytes(segment);
  if (bytes.size() < kSegmentHeader + kRecordHeader) return 0;
  std::uint64_t sequence = 0;
  for (int i = 7; i >= 0; --i) {
    sequence = (sequence << 8) | static_cast<unsigned char>(bytes[kSegmentHeader + 8 + i]);
  }
  return sequence;
}

TEST(Wal, RotateStartsASegmentAtTheNextSequence) {
  TempDir dir;
  {
    Wal wal = open_wal(dir.path());
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(wal.append(payload(i)).ok());
    const auto first = wal.rotate();
    ASSERT_TRUE(first.ok()) << first.status().message();
    EXPECT_EQ(*first, 6u);
    ASSERT_TRUE(wal.wait_rotated(6).ok());
    EXPECT_EQ(*wal.rotate(), 6u);  // nothing appended since: no further segment
    for (int i = 6; i <= 8; ++i) ASSERT_TRUE(wal.append_durable(payload(i)).ok());
    EXPECT_EQ(
        files_with_prefix(dir.path(), "wal-"),
        (std::vector<std::string>{"wal-00000000000000000001.log", "wal-00000000000000000006.log"}));
    EXPECT_EQ(first_record_in(dir.file("wal-00000000000000000006.log")), 6u);
    ASSERT_TRUE(wal.drop_segments_before(6).ok());
    EXPECT_EQ(files_with_prefix(dir.path(), "wal-").size(), 1u);
    EXPECT_FALSE(wal.wait_rotated(9).ok());  // never asked for
  }
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed, 5);
  expect_records(replayed, 6, 8);
  EXPECT_FALSE(wal.recovery().damage);
}

// What a crash right after a rotation leaves: a newest segment with only its header.
TEST(Wal, EmptyNewestSegmentAfterARotationReopensClean) {
  TempDir dir;
  const std::string crashed = dir.file("crashed");
  {
    Wal wal = open_wal(dir.file("live"));
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(wal.append(payload(i)).ok());
    ASSERT_TRUE(wal.wait_rotated(*wal.rotate()).ok());
    std::filesystem::copy(dir.file("live"), crashed);
  }
  EXPECT_EQ(test::file_size(crashed + "/wal-00000000000000000006.log"), kSegmentHeader);
  Replayed replayed;
  {
    Wal wal = open_wal(crashed, &replayed);
    expect_records(replayed, 1, 5);
    EXPECT_FALSE(wal.recovery().damage) << wal.recovery().damage->message();
    EXPECT_EQ(*wal.append_durable(payload(6)), 6u);
  }
  replayed.clear();
  Wal reopened = open_wal(crashed, &replayed);
  expect_records(replayed, 1, 6);
  EXPECT_FALSE(reopened.recovery().damage);
  EXPECT_EQ(files_with_prefix(crashed, "wal-").size(), 2u);
}

TEST(Wal, RotationsAmongConcurrentAppendersLoseNothing) {
  TempDir dir;
  constexpr int kThreads = 16;
  constexpr int kPerThread = 150;
  constexpr std::size_t kRecords = std::size_t{kThreads} * kPerThread;
  {
    Wal wal = open_wal(dir.path());
    std::atomic<int> writing{kThreads};
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&wal, &writing, t] {
        for (int i = 0; i < kPerThread; ++i) {
          EXPECT_TRUE(wal.append_durable(payload(t * kPerThread + i)).ok());
        }
        --writing;
      });
    }
    while (writing > 0) {
      const auto first = wal.rotate();
      if (!first.ok() || !wal.wait_rotated(*first).ok()) {
        ADD_FAILURE() << "rotation failed";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (auto& thread : threads) thread.join();
  }
  const auto segments = files_with_prefix(dir.path(), "wal-");
  EXPECT_GT(segments.size(), 2u);
  for (const std::string& name : segments) {
    const std::uint64_t first = first_record_in(dir.file(name));
    if (first != 0) {
      EXPECT_EQ(first, std::stoull(name.substr(4, 20))) << name;
    }
  }
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed);
  EXPECT_FALSE(wal.recovery().damage);
  expect_each_once(replayed, kRecords);
}

// Waits up to 10 s for `count` threads to say they woke; aborts rather than
// hang joining threads that never will.
void expect_woken_or_abort(const std::atomic<int>& woken, int count) {
  for (int i = 0; i < 1000 && woken < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (woken < count) {
    std::fprintf(stderr, "%d of %d waiters never woke\n", count - woken.load(), count);
    std::abort();
  }
}

// A failed write wakes every waiter with the error, in the batch being written
// and in the next. With a tiny segment_bytes each batch starts a segment; the
// flusher blocks opening the FIFO put where segment 2 is made, holding a batch
// with record 2, while the test queues more records and their waiters go to
// sleep; the FIFO then fails the write or the sync.
TEST(Wal, FailedWriteWakesEveryWaiterWithTheError) {
  TempDir dir;
  const auto previous_sigpipe = std::signal(SIGPIPE, SIG_IGN);
  const std::string fifo = dir.file("wal-00000000000000000002.log.tmp");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  constexpr int kRecords = 9;
  Wal wal = open_wal(dir.path(), nullptr, 0, {.segment_bytes = 1});
  ASSERT_TRUE(wal.append_durable(payload(1)).ok());
  ASSERT_TRUE(wal.append(payload(2)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the flusher blocks
  for (int i = 3; i <= kRecords; ++i) ASSERT_TRUE(wal.append(payload(i)).ok());

  std::vector<Status> statuses(kRecords - 1);
  std::atomic<int> woken{0};
  std::vector<std::thread> waiters;
  for (int i = 2; i <= kRecords; ++i) {
    waiters.emplace_back([&, i] {
      statuses[i - 2] = wal.wait_durable(i);
      ++woken;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the waiters sleep
  ::close(::open(fifo.c_str(), O_RDONLY));                      // lets the flusher on
  expect_woken_or_abort(woken, kRecords - 1);
  for (auto& waiter : waiters) waiter.join();
  std::signal(SIGPIPE, previous_sigpipe);

  for (const Status& status : statuses) {
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find(fifo), std::string::npos) << status.message();
  }
  EXPECT_FALSE(wal.append("after").ok());
  EXPECT_FALSE(wal.rotate().ok());  // no new segment after a failure
  EXPECT_EQ(wal.durable_sequence(), 1u);
}

TEST(Wal, MissingRecordsAreAnErrorNotACut) {
  TempDir dir;
  const WalOptions small{.segment_bytes = 200};
  {
    Wal wal = open_wal(dir.path(), nullptr, 0, small);
    for (int i = 1; i <= 40; ++i) ASSERT_TRUE(wal.append_durable(payload(i)).ok());
    ASSERT_TRUE(wal.drop_segments_before(30).ok());
  }
  const auto files = files_with_prefix(dir.path(), "");
  auto wal = Wal::open(dir.path(), 5, [](std::uint64_t, std::string_view) { return Status(); });
  ASSERT_FALSE(wal.ok());
  EXPECT_NE(wal.status().message().find("records 6.."), std::string::npos)
      << wal.status().message();
  EXPECT_EQ(files_with_prefix(dir.path(), ""), files);
}

TEST(Wal, TornTailIsCutAndReported) {
  TempDir dir;
  write_records(dir.path(), 10);
  const std::string segment = only_segment(dir);
  test::truncate_file(segment, offset_of(10) + kRecordHeader + 2);

  Replayed replayed;
  {
    Wal wal = open_wal(dir.path(), &replayed);
    expect_records(replayed, 1, 9);
    ASSERT_TRUE(wal.recovery().damage);
    const WalDamage& damage = *wal.recovery().damage;
    EXPECT_TRUE(damage.torn_tail);
    EXPECT_EQ(damage.file, segment);
    EXPECT_EQ(damage.offset, offset_of(10));
    EXPECT_EQ(damage.bytes_cut, kRecordHeader + 2);
    EXPECT_TRUE(damage.preserved_as.empty());
    EXPECT_NE(damage.message().find("at byte " + std::to_string(offset_of(10))), std::string::npos);
    EXPECT_EQ(test::file_size(segment), offset_of(10));
    EXPECT_EQ(*wal.append_durable(payload(10)), 10u);
  }
  replayed.clear();
  Wal reopened = open_wal(dir.path(), &replayed);
  expect_records(replayed, 1, 10);
  EXPECT_FALSE(reopened.recovery().damage);
}

TEST(Wal, TornRecordHeaderIsCut) {
  TempDir dir;
  write_records(dir.path(), 3);
  test::truncate_file(only_segment(dir), offset_of(3) + 5);
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed);
  expect_records(replayed, 1, 2);
  ASSERT_TRUE(wal.recovery().damage);
  EXPECT_TRUE(wal.recovery().damage->torn_tail);
}

TEST(Wal, FlippedBitStopsReplayThereAndKeepsTheRest) {
  TempDir dir;
  write_records(dir.path(), 10);
  const std::string segment = only_segment(dir);
  const std::uint64_t end = test::file_size(segment);
  test::flip_bit(segment, offset_of(5) + kRecordHeader + 1);

  Replayed replayed;
  {
    Wal wal = open_wal(dir.path(), &replayed);
    expect_records(replayed, 1, 4);
    ASSERT_TRUE(wal.recovery().damage);
    const WalDamage& damage = *wal.recovery().damage;
    EXPECT_EQ(damage.reason, "checksum mismatch");
    EXPECT_FALSE(damage.torn_tail);
    EXPECT_EQ(damage.offset, offset_of(5));
    EXPECT_EQ(damage.bytes_cut, end - offset_of(5));
    EXPECT_EQ(damage.preserved_as, segment + ".corrupt");
    EXPECT_EQ(test::file_size(damage.preserved_as), end - offset_of(5));
    EXPECT_EQ(*wal.append_durable("new five"), 5u);
  }
  replayed.clear();
  Wal reopened = open_wal(dir.path(), &replayed);
  ASSERT_EQ(replayed.size(), 5u);
  EXPECT_EQ(replayed.back().second, "new five");
  EXPECT_FALSE(reopened.recovery().damage);
}

TEST(Wal, CorruptLengthIsDetected) {
  TempDir dir;
  write_records(dir.path(), 4);
  test::flip_bit(only_segment(dir), offset_of(2) + 4, 1);  // length grows by 2
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed);
  expect_records(replayed, 1, 1);
  ASSERT_TRUE(wal.recovery().damage);
  EXPECT_EQ(wal.recovery().damage->reason, "checksum mismatch");
}

TEST(Wal, CorruptionInAnEarlierSegmentSetsLaterOnesAside) {
  TempDir dir;
  const WalOptions small{.segment_bytes = 200};
  write_records(dir.path(), 40, small);
  const auto segments = files_with_prefix(dir.path(), "wal-");
  ASSERT_GT(segments.size(), 3u);
  test::flip_bit(dir.file(segments[1]), kSegmentHeader + kRecordHeader);

  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed, 0, small);
  ASSERT_TRUE(wal.recovery().damage);
  EXPECT_EQ(wal.recovery().damage->file, dir.file(segments[1]));
  const std::uint64_t last_good = replayed.size();
  expect_records(replayed, 1, static_cast<int>(last_good));
  EXPECT_EQ(files_with_prefix(dir.path(), "wal-").size(),
            2 + (segments.size() - 2) /* .discarded */ + 1 /* .corrupt */);
  EXPECT_EQ(*wal.append_durable("next"), last_good + 1);
}

TEST(Wal, TornSegmentHeaderIsRemoved) {
  TempDir dir;
  write_records(dir.path(), 3);
  test::write_bytes(dir.file("wal-00000000000000000004.log"), "RWA");  // crash mid-create
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed);
  expect_records(replayed, 1, 3);
  ASSERT_TRUE(wal.recovery().damage);
  EXPECT_TRUE(wal.recovery().damage->torn_tail);
  EXPECT_EQ(*wal.append_durable("four"), 4u);
}

TEST(Wal, GarbageSegmentIsReportedAndKept) {
  TempDir dir;
  const std::string garbage(100, 'g');
  test::write_bytes(dir.file("wal-00000000000000000001.log"), garbage);
  Replayed replayed;
  Wal wal = open_wal(dir.path(), &replayed);
  EXPECT_TRUE(replayed.empty());
  ASSERT_TRUE(wal.recovery().damage);
  EXPECT_EQ(wal.recovery().damage->reason, "not a WAL segment");
  EXPECT_EQ(test::read_bytes(dir.file("wal-00000000000000000001.log.corrupt")), garbage);
  EXPECT_EQ(*wal.append_durable("one"), 1u);
}

TEST(Wal, FailingReplayAbortsOpen) {
  TempDir dir;
  write_records(dir.path(), 3);
  auto wal = Wal::open(dir.path(), 0, [](std::uint64_t sequence, std::string_view) {
    return sequence == 2 ? Status::error("bad mutation") : Status();
  });
  ASSERT_FALSE(wal.ok());
  EXPECT_NE(wal.status().message().find("replaying record 2: bad mutation"), std::string::npos)
      << wal.status().message();
}

TEST(Wal, RejectsOversizedRecordsAndUnknownSequences) {
  TempDir dir;
  Wal wal = open_wal(dir.path());
  EXPECT_FALSE(wal.append(std::string(kMaxWalPayloadBytes + 1, 'x')).ok());
  EXPECT_FALSE(wal.wait_durable(1).ok());
  EXPECT_TRUE(wal.append_durable("").ok());  // empty payloads are fine
}

TEST(DataDirLock, SecondHolderIsRefused) {
  TempDir dir;
  const std::string data = dir.file("data");
  {
    auto first = DataDirLock::acquire(data);
    ASSERT_TRUE(first.ok()) << first.status().message();
    auto second = DataDirLock::acquire(data);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("in use by process " + std::to_string(::getpid())),
              std::string::npos)
        << second.status().message();
  }
  EXPECT_TRUE(DataDirLock::acquire(data).ok());
}

}  // namespace
}  // namespace rollcall::persist
