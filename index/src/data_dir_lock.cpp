#include "rollcall/index/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "file_util.hpp"

namespace rollcall::persist {
namespace {

constexpr char kLockName[] = "LOCK";

std::string holder_of(const File& file) {
  auto content = file.read_all();
  if (!content || content->empty()) return "another process";
  while (!content->empty() && content->back() == '\n') content->pop_back();
  return "process " + *content;
}

}  // namespace

Result<DataDirLock> DataDirLock::acquire(const std::string& dir) {
  if (Status made = make_dir(dir); !made) return made;
  const std::string path = join_path(dir, kLockName);
  auto file = File::open(path, O_RDWR | O_CREAT);
  if (!file) return file.status();
  if (::flock(file->fd(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::error("data directory " + dir + " is in use by " + holder_of(*file) +
                           " (lock " + path + ")");
    }
    return errno_status("cannot lock", path);
  }
  // The pid is only for the message above; a failure to record it is harmless.
  if (file->truncate(0)) (void)file->pwrite_all(std::to_string(::getpid()) + "\n", 0);
  return DataDirLock(file->release());
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace rollcall::persist
