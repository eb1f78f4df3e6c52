#include "access_log.hpp"

#include <unistd.h>

#include "retrying.hpp"

namespace rollcall::server {

AccessLogWriter::AccessLogWriter(int fd, std::size_t max_buffered_bytes)
    : fd_(fd), max_buffered_bytes_(max_buffered_bytes), thread_([this] { run(); }) {}

AccessLogWriter::~AccessLogWriter() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  has_lines_.notify_one();
  thread_.join();
}

void AccessLogWriter::write(std::string_view line) {
  std::unique_lock lock(mutex_);
  const auto has_room = [&] {
    return buffered_.empty() || buffered_.size() + line.size() + 1 <= max_buffered_bytes_;
  };
  while (!has_room()) {
    hurry_ = true;  // each time: the thread may be gathering again
    has_lines_.notify_one();
    changed_.wait(lock);
  }
  buffered_.append(line).push_back('\n');
  appended_ += line.size() + 1;
  const bool wake = idle_;  // only a thread waiting for a first line needs a syscall
  idle_ = false;
  lock.unlock();
  if (wake) has_lines_.notify_one();
}

void AccessLogWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::size_t target = appended_;
  hurry_ = true;
  has_lines_.notify_one();
  changed_.wait(lock, [&] { return written_ >= target; });
}

void AccessLogWriter::run() {
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    idle_ = true;
    has_lines_.wait(lock, [this] { return stopping_ || !buffered_.empty(); });
    idle_ = false;
    if (buffered_.empty()) return;  // stopping, and everything written
    // Lines that come meanwhile go out in the same writes.
    has_lines_.wait_for(lock, kGatherTime, [this] { return stopping_ || hurry_; });
    hurry_ = false;
    batch.clear();
    batch.swap(buffered_);
    taken_ += batch.size();
    lock.unlock();
    changed_.notify_all();  // room
    write_out(batch);
    lock.lock();
    written_ = taken_;
    changed_.notify_all();  // flush() waiters
  }
}

// In pieces of whole lines of at most kMaxWriteBytes. A failed write (the
// reader is gone) drops the rest: a log must not stop the server.
void AccessLogWriter::write_out(std::string_view lines) const {
  while (!lines.empty()) {
    std::size_t piece = lines.size();
    if (piece > kMaxWriteBytes) {
      const std::size_t end = lines.rfind('\n', kMaxWriteBytes - 1);
      piece = end != std::string_view::npos ? end + 1 : lines.find('\n') + 1;
    }
    for (std::string_view rest = lines.substr(0, piece); !rest.empty();) {
      const ssize_t n = retrying([&] { return ::write(fd_, rest.data(), rest.size()); });
      if (n <= 0) return;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    lines.remove_prefix(piece);
  }
}

}  // namespace rollcall::server
