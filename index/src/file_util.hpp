// Thin POSIX file helpers for the write-ahead log and snapshots; every failure
// is a Status naming the operation, the path and the system error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/index/persist_status.hpp"

namespace rollcall::persist {

// "<what> <path>: <strerror(errno)>"
Status errno_status(std::string_view what, const std::string& path);

std::string join_path(const std::string& dir, std::string_view name);

// "<path> at byte <offset>: <what>"
std::string located(const std::string& path, std::uint64_t offset, std::string_view what);

// Names like "wal-00000000000000000042.log": the sequence in 20 digits, so
// names sort as the sequences do.
std::string sequence_file_name(std::string_view prefix, std::uint64_t sequence,
                               std::string_view suffix);
std::optional<std::uint64_t> parse_sequence_file_name(std::string_view name,
                                                      std::string_view prefix,
                                                      std::string_view suffix);

// An open file descriptor, closed on destruction.
class File {
 public:
  File() = default;
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  // open(2) with O_CLOEXEC added.
  static Result<File> open(const std::string& path, int flags, int mode = 0644);

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Gives up ownership of the descriptor.
  int release();

  Status write_all(std::string_view data);
  Status pwrite_all(std::string_view data, std::uint64_t offset);
  // Reads exactly `size` bytes at `offset` (short reads are an error).
  Status pread_exact(char* out, std::size_t size, std::uint64_t offset) const;
  Result<std::uint64_t> size() const;
  Result<std::string> read_all() const;
  Status truncate(std::uint64_t size);
  Status sync_data();  // fdatasync
  Status close();

 private:
  int fd_ = -1;
  std::string path_;
};

Status sync_dir(const std::string& dir);
Status make_dir(const std::string& dir);  // mkdir -p
Result<std::vector<std::string>> list_dir(const std::string& dir);
Status rename_file(const std::string& from, const std::string& to);
Status remove_file(const std::string& path);

}  // namespace rollcall::persist
