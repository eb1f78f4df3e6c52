// Access-log lines written to a file descriptor by a thread of its own, so that
// no request waits on the disk or a pipe: a request appends its line to a
// buffer in a short critical section (no syscall unless the thread is idle),
// and the thread writes what has gathered over kGatherTime.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace rollcall::server {

class AccessLogWriter {
 public:
  // Each write(2) is at most kMaxWriteBytes of whole lines (a longer line goes
  // alone), so lines from other writers to the same pipe never split one.
  static constexpr std::size_t kMaxWriteBytes = 4096;  // PIPE_BUF on Linux
  static constexpr std::chrono::milliseconds kGatherTime{2};

  // Writes to `fd` (not closed here). At most `max_buffered_bytes` of lines
  // wait to be written; past that, write() waits for room (a line longer than
  // the limit waits for an empty buffer).
  AccessLogWriter(int fd, std::size_t max_buffered_bytes);
  ~AccessLogWriter();  // writes every line, then stops the thread
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  // Appends `line` and a newline.
  void write(std::string_view line);
  // Returns once every line written before it has been handed to the fd.
  void flush();

 private:
  void run();
  void write_out(std::string_view lines) const;

  const int fd_;
  const std::size_t max_buffered_bytes_;
  std::mutex mutex_;
  std::condition_variable has_lines_;
  std::condition_variable changed_;  // room made, or a batch written
  std::string buffered_;
  std::size_t taken_ = 0;    // lines handed to the thread (bytes, ever)
  std::size_t written_ = 0;  // of those, written (bytes, ever)
  std::size_t appended_ = 0;
  bool idle_ = false;   // the thread waits for a first line
  bool hurry_ = false;  // flush() waits, or the buffer is full: write without gathering
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is made
};

}  // namespace rollcall::server
