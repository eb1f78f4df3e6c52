// Exclusive ownership of a data directory: an flock(2) on <dir>/LOCK, so a
// server and an import (or two servers) never write the same directory.
#pragma once

#include <string>

#include "rollcall/index/persist_status.hpp"

namespace rollcall::persist {

class DataDirLock {
 public:
  // Creates `dir` if needed and locks it; fails, naming the holder's pid, when
  // another open lock (in any process) holds it. The kernel drops the lock when
  // the process dies, so a crash never leaves the directory locked.
  static Result<DataDirLock> acquire(const std::string& dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();  // releases the lock

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}

  int fd_ = -1;
};

}  // namespace rollcall::persist
