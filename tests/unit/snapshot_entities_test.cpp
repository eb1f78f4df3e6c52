// Snapshot format 3: all eight record types and their header counts, sinks that
// predate the new types, format 2 files still read, format 1 files refused.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bytes.hpp"
#include "crc32c.hpp"
#include "persist_test_util.hpp"
#include "rollcall/index/record_codec.hpp"
#include "rollcall/index/snapshot.hpp"

namespace rollcall::persist {
namespace {

using test::sample_member;
using test::sample_space_member;
using test::TempDir;
using test::test_uuid;

constexpr std::size_t kHeaderBytes = 92;
// Where the header's count of the record type at `index` (in header order) is.
constexpr std::size_t count_offset(std::size_t index) {
  return 24 + 8 * index;  // after the magic, the versions and the sequence
}

User user(std::uint64_t n) {
  return {test_uuid(3, n),
          std::string("user").append(std::to_string(n)),
          "u@example.com",
          "Jürgen",
          std::string("u").append(std::to_string(n)),
          "",
          "",
          {1},
          {2}};
}

Organization organization(std::uint64_t n) {
  return {
      test_uuid(2, n), std::string("org").append(std::to_string(n)), "Société", "", {1}, {2}, 3};
}

AccessToken access_token(std::uint64_t n) {
  return {{static_cast<std::uint8_t>(n), 0xff}, test_uuid(3, n), {5}};
}

IdempotencyEntry idempotency_entry(std::uint64_t n) {
  return {std::string("scope").append(std::to_string(n)), {0x11}, 201, "{}", {6}};
}

Space space(std::uint64_t n) {
  return {test_uuid(4, n),
          test_uuid(2, 1),
          std::string("s").append(std::to_string(n)),
          "Späce",
          {1},
          {2},
          2};
}

Filter saved_filter(std::uint64_t n) {
  return {test_uuid(5, n),
          test_uuid(2, 1),
          std::string("f").append(std::to_string(n)),
          "Owners",
          "SpaceMember",
          test_uuid(4, n),
          "Admin = true",
          {1},
          {2},
          4};
}

template <class Record>
std::vector<Record> several(Record (*make)(std::uint64_t), std::uint64_t count) {
  std::vector<Record> out;
  for (std::uint64_t i = 0; i < count; ++i) out.push_back(make(i));
  return out;
}

// Records compare through their encoding, which the codec tests pin field by field.
template <class Record>
void expect_same(const std::vector<Record>& actual, const std::vector<Record>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    std::string actual_bytes;
    std::string expected_bytes;
    encode_record(actual[i], actual_bytes);
    encode_record(expected[i], expected_bytes);
    EXPECT_EQ(actual_bytes, expected_bytes) << i;
  }
}

// A sink written before the new record types, overriding only the old adds.
class MembersOnlySink : public SnapshotSink {
 public:
  Status add(OrganizationMember&& /*record*/) override { return {}; }
  Status add(SpaceMember&& /*record*/) override { return {}; }
};

TEST(SnapshotEntities, RoundTripsAllRecordTypesAndCounts) {
  TempDir dir;
  const auto organization_members = std::vector{sample_member(0), sample_member(1)};
  const auto space_members = std::vector{sample_space_member(0)};
  const auto users = several(user, 4);
  const auto organizations = several(organization, 3);
  const auto access_tokens = several(access_token, 5);
  std::vector<std::unique_ptr<IdempotencyEntry>> idempotency_pointers;
  for (std::uint64_t i = 0; i < 6; ++i) {
    idempotency_pointers.push_back(std::make_unique<IdempotencyEntry>(idempotency_entry(i)));
  }
  const auto spaces = several(space, 2);
  const auto filters = several(saved_filter, 3);
  auto info = write_snapshot(dir.path(), 8, users, organization_members, organizations,
                             access_tokens, idempotency_pointers, space_members, spaces, filters);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->organization_members, 2u);
  EXPECT_EQ(info->space_members, 1u);
  EXPECT_EQ(info->users, 4u);
  EXPECT_EQ(info->organizations, 3u);
  EXPECT_EQ(info->access_tokens, 5u);
  EXPECT_EQ(info->idempotency_entries, 6u);
  EXPECT_EQ(info->spaces, 2u);
  EXPECT_EQ(info->filters, 3u);

  auto contents = read_snapshot(info->path);
  ASSERT_TRUE(contents.ok()) << contents.status().message();
  EXPECT_EQ(contents->info.users, 4u);
  EXPECT_EQ(contents->info.organizations, 3u);
  EXPECT_EQ(contents->info.access_tokens, 5u);
  EXPECT_EQ(contents->info.idempotency_entries, 6u);
  expect_same(contents->organization_members, organization_members);
  expect_same(contents->space_members, space_members);
  expect_same(contents->users, users);
  expect_same(contents->organizations, organizations);
  expect_same(contents->access_tokens, access_tokens);
  expect_same(contents->idempotency_entries, several(idempotency_entry, 6));
  expect_same(contents->spaces, spaces);
  expect_same(contents->filters, filters);
}

TEST(SnapshotEntities, SinkWithoutTheNewTypesRefusesThem) {
  TempDir dir;
  auto info = write_snapshot(dir.path(), 1, std::vector{sample_member(0)}, several(user, 1));
  ASSERT_TRUE(info.ok()) << info.status().message();
  MembersOnlySink sink;
  const auto read = read_snapshot(info->path, sink);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("holds User records, which this reader cannot load"),
            std::string::npos)
      << read.status().message();

  info = write_snapshot(dir.path(), 2, std::vector{sample_member(0)});
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(read_snapshot(info->path, sink).ok());
}

// A header whose count disagrees with the records (a writer bug, checksummed).
TEST(SnapshotEntities, CountsOfTheNewTypesAreChecked) {
  TempDir dir;
  auto info = write_snapshot(dir.path(), 1, several(access_token, 2));
  ASSERT_TRUE(info.ok()) << info.status().message();
  std::string bytes = test::read_bytes(info->path);
  const std::size_t access_tokens_count = count_offset(4);
  ASSERT_EQ(bytes[access_tokens_count], '\x02');
  bytes[access_tokens_count] = '\x03';
  std::string header_crc;
  put_fixed(header_crc, crc32c(std::string_view(bytes).substr(0, kHeaderBytes - 4)));
  bytes.replace(kHeaderBytes - 4, 4, header_crc);
  test::write_bytes(info->path, bytes);
  const auto read = read_snapshot(info->path);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("record counts disagree with the header"),
            std::string::npos)
      << read.status().message();
}

// A format 1 header: magic, format 1, codec 1, sequence, two counts, CRC.
std::string version_1_snapshot(std::size_t padding) {
  std::string bytes = "RCSNAP\r\n";
  put_fixed(bytes, std::uint32_t{1});
  put_fixed(bytes, std::uint32_t{1});
  put_fixed(bytes, std::uint64_t{7});
  put_fixed(bytes, std::uint64_t{0});
  put_fixed(bytes, std::uint64_t{0});
  put_fixed(bytes, crc32c(bytes));
  bytes += std::string(padding, '\0');  // stands in for records
  put_fixed(bytes, std::uint32_t{0});
  return bytes + "SEND";
}

TEST(SnapshotFormat, HeaderIsVersion3) {
  TempDir dir;
  auto info = write_snapshot(dir.path(), 3, several(user, 1));
  ASSERT_TRUE(info.ok());
  const std::string bytes = test::read_bytes(info->path);
  EXPECT_EQ(load_fixed<std::uint32_t>(bytes.data() + 8), 3u);
  EXPECT_EQ(load_fixed<std::uint32_t>(bytes.data() + 8), kSnapshotFormatVersion);
}

// The same records in a format 2 file: six counts, no Space or Filter.
std::string as_version_2(std::string bytes) {
  bytes.replace(8, 4, std::string("\x02\0\0\0", 4));
  bytes.erase(count_offset(6), 16);
  const std::size_t crc_at = count_offset(6);
  std::string header_crc;
  put_fixed(header_crc, crc32c(std::string_view(bytes).substr(0, crc_at)));
  bytes.replace(crc_at, 4, header_crc);
  return bytes;
}

TEST(SnapshotFormat, Version2IsStillRead) {
  TempDir dir;
  const auto users = several(user, 2);
  auto info = write_snapshot(dir.path(), 9, users, std::vector{sample_member(0)});
  ASSERT_TRUE(info.ok()) << info.status().message();
  test::write_bytes(info->path, as_version_2(test::read_bytes(info->path)));
  auto contents = read_snapshot(info->path);
  ASSERT_TRUE(contents.ok()) << contents.status().message();
  EXPECT_EQ(contents->info.sequence, 9u);
  EXPECT_EQ(contents->info.spaces, 0u);
  expect_same(contents->users, users);
  expect_same(contents->organization_members, std::vector{sample_member(0)});
}

TEST(SnapshotFormat, Version2WithSpacesIsRefused) {
  TempDir dir;
  auto info = write_snapshot(dir.path(), 9, several(space, 1));
  ASSERT_TRUE(info.ok()) << info.status().message();
  test::write_bytes(info->path, as_version_2(test::read_bytes(info->path)));
  EXPECT_FALSE(read_snapshot(info->path).ok());
}

TEST(SnapshotFormat, Version1IsRefusedNamingTheReadableVersions) {
  TempDir dir;
  for (std::size_t padding : {0, 200}) {
    const std::string path = dir.file("snapshot-00000000000000000007.snap");
    test::write_bytes(path, version_1_snapshot(padding));
    const auto read = read_snapshot(path);
    ASSERT_FALSE(read.ok());
    EXPECT_NE(read.status().message().find(
                  "snapshot format version 1 is not supported (this version reads format "
                  "versions 2 to 3)"),
              std::string::npos)
        << read.status().message();

    auto loaded = load_newest_snapshot(dir.path());
    ASSERT_TRUE(loaded.ok());
    EXPECT_FALSE(loaded->snapshot);
    ASSERT_EQ(loaded->skipped.size(), 1u);
    EXPECT_NE(loaded->skipped[0].find("format version 1"), std::string::npos);
  }
}

}  // namespace
}  // namespace rollcall::persist
