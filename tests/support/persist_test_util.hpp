// Helpers the persistence tests share: a scratch directory, varied sample
// records, record equality through their JSON form, and file surgery (truncate,
// flip a bit) to simulate crashes and corruption.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rollcall/index/entities.hpp"
#include "rollcall/index/json.hpp"

namespace rollcall::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/rollcall-test-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
    if (path_.empty()) ADD_FAILURE() << "mkdtemp failed";
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Deterministic but varied ids: byte 0 tags the kind, the rest holds `n`.
inline filter::Uuid test_uuid(std::uint8_t kind, std::uint64_t n) {
  filter::Uuid id;
  id.bytes[0] = kind;
  for (int i = 0; i < 8; ++i) id.bytes[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return id;
}

// Record n; odd n leaves the nullable ids null and the collections empty.
inline index::OrganizationMember sample_member(std::uint64_t n) {
  index::OrganizationMember m;
  m.organization_member_id = test_uuid(1, n);
  m.organization_id = test_uuid(2, n % 7);
  if (n % 2 == 0) {
    m.user_id = test_uuid(3, n);
    m.created_by = test_uuid(4, n % 5);
    m.updated_by = test_uuid(4, n % 3);
    m.role_ids = {test_uuid(5, n % 4), test_uuid(5, 9)};
    m.labels = {{"team", "sre"}, {"tier", "backend-" + std::to_string(n)}};
  }
  m.username = "user" + std::to_string(n);
  m.email = "user" + std::to_string(n) + "@example.com";
  m.display_name = "Frances \"Fran\" Müller " + std::to_string(n);
  m.slug = "u" + std::to_string(n);
  m.external_id = n % 3 == 0 ? "" : "okta|" + std::to_string(n);
  m.profile_picture_url = "https://img.example.com/" + std::to_string(n) + ".png";
  m.role = "MEMBER";
  m.status = n % 2 == 0 ? "active" : "pending";
  m.required_sso_auth = n % 2 == 0;
  m.required_mfa_auth = n % 3 == 0;
  m.created_at.micros = 1700000000000000 + static_cast<std::int64_t>(n);
  m.updated_at.micros = -static_cast<std::int64_t>(n);  // negative values round-trip too
  m.version = static_cast<std::int64_t>(n) + 1;
  return m;
}

inline index::SpaceMember sample_space_member(std::uint64_t n) {
  index::SpaceMember m;
  m.space_member_id = test_uuid(6, n);
  m.space_id = test_uuid(7, n % 3);
  m.organization_id = test_uuid(2, n % 7);
  m.organization_member_id = test_uuid(1, n);
  if (n % 2 == 0) {
    m.user_id = test_uuid(3, n);
    m.role_ids = {test_uuid(5, 1)};
    m.labels = {{"env", "prod"}};
  }
  m.username = "user" + std::to_string(n);
  m.email = "";
  m.display_name = "Space member " + std::to_string(n);
  m.admin = n % 2 == 1;
  m.created_at.micros = 1700000000000000;
  m.updated_at.micros = 1700000000000001;
  m.version = 3;
  return m;
}

// Records compare through their API JSON, which names every field.
template <class Record>
std::string json(const Record& record) {
  std::string out;
  index::encode_json(record, out);
  return out;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

inline void flip_bit(const std::string& path, std::uint64_t offset, int bit = 3) {
  std::string bytes = read_bytes(path);
  ASSERT_LT(offset, bytes.size()) << path;
  bytes[offset] = static_cast<char>(bytes[offset] ^ (1 << bit));
  write_bytes(path, bytes);
}

inline void truncate_file(const std::string& path, std::uint64_t size) {
  std::filesystem::resize_file(path, size);
}

inline std::uint64_t file_size(const std::string& path) { return std::filesystem::file_size(path); }

// The names in `dir` that start with `prefix`, sorted.
inline std::vector<std::string> files_with_prefix(const std::string& dir,
                                                  const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace rollcall::test
