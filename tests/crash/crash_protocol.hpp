// What the crash writer and the crash test agree on: the Directory options
// (small log segments and a background snapshot every 20 writes, so
// that kills land mid-rotation and mid-snapshot), the email of a writer
// thread's n-th invitation, and the lines the writer prints once a write has
// returned success:
//
//   owner <round> <user id> <organization id> <token>
//   member <round> <thread> <n> <organization member id>
#pragma once

#include <cinttypes>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "rollcall/index/directory.hpp"

namespace rollcall::crash_test {

inline index::DirectoryOptions directory_options() {
  index::DirectoryOptions options;
  options.wal.segment_bytes = 64 << 10;
  options.snapshot_every_writes = 20;
  return options;
}

// One invitation of one writer thread of one round.
struct WriteKey {
  std::uint32_t round = 0;
  std::uint32_t thread = 0;
  std::uint64_t n = 0;
  auto operator<=>(const WriteKey&) const = default;
};

inline std::string owner_name(std::uint32_t round) {
  return std::string("owner-r").append(std::to_string(round));
}

inline std::string member_email(const WriteKey& key) {
  std::string email = "r";
  email.append(std::to_string(key.round)).append("-t").append(std::to_string(key.thread));
  return email.append("-n").append(std::to_string(key.n)).append("@crash.test");
}

inline std::optional<WriteKey> parse_member_email(const std::string& email) {
  WriteKey key;
  int used = 0;
  const int fields =
      std::sscanf(email.c_str(), "r%" SCNu32 "-t%" SCNu32 "-n%" SCNu64 "@crash.test%n", &key.round,
                  &key.thread, &key.n, &used);
  if (fields != 3 || static_cast<std::size_t>(used) != email.size()) return std::nullopt;
  return key;
}

}  // namespace rollcall::crash_test
