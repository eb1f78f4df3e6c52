// AccessLogWriter: lines whole, in order, each once; writes of whole lines of
// at most PIPE_BUF; the buffer limit at its edge; nothing lost at the end.
#include "access_log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace rollcall::server {
namespace {

struct Pipe {
  std::array<int, 2> fds{-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds.data()), 0); }
  ~Pipe() {
    for (const int fd : fds) ::close(fd);
  }
  int reader() const { return fds[0]; }
  int writer() const { return fds[1]; }
};

// Everything in the pipe now, without waiting.
std::string drain(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::string data;
  std::array<char, 65536> buffer{};
  for (ssize_t n = 0; (n = ::read(fd, buffer.data(), buffer.size())) > 0;) {
    data.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return data;
}

std::string line_of(std::size_t thread, std::size_t i) {
  return "{\"thread\":" + std::to_string(thread) + ",\"i\":" + std::to_string(i) + ",\"pad\":\"" +
         std::string(i % 300, 'x') + "\"}";
}

TEST(AccessLogWriterTest, LinesArriveWholeAndInOrder) {
  Pipe pipe;
  std::string expected;
  {
    AccessLogWriter log(pipe.writer(), 1 << 20);
    for (std::size_t i = 0; i < 60; ++i) {  // under 4 KiB: the smallest a pipe holds
      log.write(line_of(0, i % 30));
      expected += line_of(0, i % 30) + "\n";
    }
    ASSERT_LT(expected.size(), 4096U);
    log.flush();
    EXPECT_EQ(drain(pipe.reader()), expected);
  }
}

TEST(AccessLogWriterTest, EndingWritesEveryLine) {
  Pipe pipe;
  {
    AccessLogWriter log(pipe.writer(), 1 << 20);
    log.write("one");
    log.write("two");
  }
  EXPECT_EQ(drain(pipe.reader()), "one\ntwo\n");
}

// Each message of a SOCK_SEQPACKET socket is one write(2): every write is whole
// lines, at most kMaxWriteBytes unless it is one longer line.
TEST(AccessLogWriterTest, ManyThreadsWriteWholeLinesEachOnce) {
  std::array<int, 2> sockets{-1, -1};
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sockets.data()), 0);
  constexpr std::size_t kThreads = 8;
  constexpr std::size_t kLines = 400;
  const std::string long_line(3 * AccessLogWriter::kMaxWriteBytes, 'L');
  std::vector<std::string> messages;
  std::thread reader([&] {
    std::vector<char> buffer(1 << 16);
    for (ssize_t n = 0; (n = ::recv(sockets[1], buffer.data(), buffer.size(), 0)) > 0;) {
      messages.emplace_back(buffer.data(), static_cast<std::size_t>(n));
    }
  });
  {
    AccessLogWriter log(sockets[0], 8192);
    std::vector<std::thread> writers;
    for (std::size_t t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (std::size_t i = 0; i < kLines; ++i) log.write(i == 7 ? long_line : line_of(t, i));
      });
    }
    for (auto& writer : writers) writer.join();
  }
  ::shutdown(sockets[0], SHUT_WR);
  reader.join();
  ::close(sockets[0]);
  ::close(sockets[1]);

  std::vector<std::string> lines;
  for (const std::string& message : messages) {
    ASSERT_EQ(message.back(), '\n');
    const bool one_line = message.find('\n') == message.size() - 1;
    EXPECT_TRUE(message.size() <= AccessLogWriter::kMaxWriteBytes || one_line) << message.size();
    for (std::size_t begin = 0; begin < message.size();) {
      const std::size_t end = message.find('\n', begin);
      lines.push_back(message.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  std::vector<std::string> expected;
  for (std::size_t t = 0; t < kThreads; ++t) {
    for (std::size_t i = 0; i < kLines; ++i) expected.push_back(i == 7 ? long_line : line_of(t, i));
  }
  std::sort(lines.begin(), lines.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(lines, expected);
}

// Past the limit, write() waits: a pipe nobody reads holds 4096 bytes, the
// buffer 64 more, so 200 lines of 32 bytes cannot all be taken until the pipe
// is read. A line longer than the limit still goes, alone.
TEST(AccessLogWriterTest, WriteWaitsForRoomPastTheLimit) {
  Pipe pipe;
  ASSERT_EQ(::fcntl(pipe.writer(), F_SETPIPE_SZ, 4096), 4096);
  const std::string line(31, 'x');
  std::atomic<int> taken{0};
  std::string received;
  {
    AccessLogWriter log(pipe.writer(), 64);
    std::thread writer([&] {
      for (int i = 0; i < 200; ++i, ++taken) log.write(line);
      log.write(std::string(100, 'y'));  // over the limit
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_LT(taken.load(), 200);
    std::array<char, 4096> buffer{};
    while (received.size() < 200 * 32 + 101) {
      const ssize_t n = ::read(pipe.reader(), buffer.data(), buffer.size());
      if (n <= 0) break;  // not ASSERT: the writer thread must be joined
      received.append(buffer.data(), static_cast<std::size_t>(n));
    }
    writer.join();
  }
  std::string expected;
  for (int i = 0; i < 200; ++i) expected += line + "\n";
  EXPECT_EQ(received, expected + std::string(100, 'y') + "\n");
}

}  // namespace
}  // namespace rollcall::server
