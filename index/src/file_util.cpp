#include "file_util.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace rollcall::persist {

Status errno_status(std::string_view what, const std::string& path) {
  const int error = errno;
  return Status::error(std::string(what) + " " + path + ": " + std::strerror(error));
}

std::string join_path(const std::string& dir, std::string_view name) {
  std::string path = dir;
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(name);
  return path;
}

std::string located(const std::string& path, std::uint64_t offset, std::string_view what) {
  return path + " at byte " + std::to_string(offset) + ": " + std::string(what);
}

namespace {
constexpr std::size_t kSequenceDigits = 20;
}  // namespace

std::string sequence_file_name(std::string_view prefix, std::uint64_t sequence,
                               std::string_view suffix) {
  std::string digits = std::to_string(sequence);
  std::string name(prefix);
  name.append(kSequenceDigits - std::min(digits.size(), kSequenceDigits), '0');
  name += digits;
  name += suffix;
  return name;
}

std::optional<std::uint64_t> parse_sequence_file_name(std::string_view name,
                                                      std::string_view prefix,
                                                      std::string_view suffix) {
  if (name.size() != prefix.size() + kSequenceDigits + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix)) {
    return std::nullopt;
  }
  const char* begin = name.data() + prefix.size();
  std::uint64_t sequence = 0;
  const auto [end, error] = std::from_chars(begin, begin + kSequenceDigits, sequence);
  if (error != std::errc() || end != begin + kSequenceDigits) return std::nullopt;
  return sequence;
}

File::File(File&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    (void)close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

File::~File() { (void)close(); }

Result<File> File::open(const std::string& path, int flags, int mode) {
  File file;
  file.fd_ = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (file.fd_ < 0) return errno_status("cannot open", path);
  file.path_ = path;
  return file;
}

int File::release() {
  path_.clear();
  return std::exchange(fd_, -1);
}

Status File::write_all(std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd_, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno_status("cannot write", path_);
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

Status File::pwrite_all(std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const ssize_t written = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno_status("cannot write", path_);
    data.remove_prefix(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
  return {};
}

Status File::pread_exact(char* out, std::size_t size, std::uint64_t offset) const {
  while (size > 0) {
    const ssize_t got = ::pread(fd_, out, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno_status("cannot read", path_);
    if (got == 0) {
      return Status::error("cannot read " + path_ + ": unexpected end of file at byte " +
                           std::to_string(offset));
    }
    out += got;
    size -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return {};
}

Result<std::uint64_t> File::size() const {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) return errno_status("cannot stat", path_);
  return static_cast<std::uint64_t>(info.st_size);
}

Result<std::string> File::read_all() const {
  auto size = this->size();
  if (!size) return size.status();
  std::string data(*size, '\0');
  if (Status read = pread_exact(data.data(), data.size(), 0); !read) return read;
  return data;
}

Status File::truncate(std::uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return errno_status("cannot truncate", path_);
  }
  return {};
}

Status File::sync_data() {
  if (::fdatasync(fd_) != 0) return errno_status("cannot fdatasync", path_);
  return {};
}

Status File::close() {
  if (fd_ < 0) return {};
  const int fd = std::exchange(fd_, -1);
  // Linux closes the descriptor even when close() fails, so never retry.
  if (::close(fd) != 0) return errno_status("cannot close", path_);
  return {};
}

Status sync_dir(const std::string& dir) {
  auto file = File::open(dir, O_RDONLY | O_DIRECTORY);
  if (!file) return file.status();
  if (::fsync(file->fd()) != 0) return errno_status("cannot fsync directory", dir);
  return {};
}

Status make_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Status::error("cannot create directory " + dir + ": " + error.message());
  return {};
}

Result<std::vector<std::string>> list_dir(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return errno_status("cannot list directory", dir);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(handle);
  return names;
}

Status rename_file(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return errno_status("cannot rename " + from + " to", to);
  }
  return {};
}

Status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_status("cannot remove", path);
  return {};
}

}  // namespace rollcall::persist
