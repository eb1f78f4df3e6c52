// The binary record codec of the WAL and snapshots, and CRC-32C.
#include "rollcall/index/record_codec.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "crc32c.hpp"
#include "persist_test_util.hpp"

namespace rollcall::persist {
namespace {

using test::json;
using test::sample_member;
using test::sample_space_member;

template <class Record>
Record round_trip(const Record& record) {
  std::string bytes;
  encode_record(record, bytes);
  Record decoded;
  const Status status = decode_record(bytes, decoded);
  EXPECT_TRUE(status.ok()) << status.message();
  return decoded;
}

TEST(RecordCodec, OrganizationMemberRoundTrips) {
  for (std::uint64_t n : {0, 1, 2, 3, 6}) {
    const OrganizationMember member = sample_member(n);
    EXPECT_EQ(json(round_trip(member)), json(member)) << n;
  }
}

TEST(RecordCodec, SpaceMemberRoundTrips) {
  for (std::uint64_t n : {0, 1}) {
    const SpaceMember member = sample_space_member(n);
    EXPECT_EQ(json(round_trip(member)), json(member)) << n;
  }
}

TEST(RecordCodec, DefaultRecordsRoundTrip) {
  EXPECT_EQ(json(round_trip(OrganizationMember{})), json(OrganizationMember{}));
  EXPECT_EQ(json(round_trip(SpaceMember{})), json(SpaceMember{}));
}

TEST(RecordCodec, LongStringsAndManyElementsRoundTrip) {
  OrganizationMember member = sample_member(2);
  member.display_name = std::string(200000, 'x');
  member.email = std::string("a\0b", 3);  // embedded NUL survives
  std::vector<Uuid> role_ids = member.role_ids;
  index::Labels labels = member.labels;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    role_ids.push_back(test::test_uuid(9, i));
    labels.emplace_back("key" + std::to_string(i), std::string(i % 200, 'v'));
  }
  member.role_ids = std::move(role_ids);
  member.labels = std::move(labels);
  const OrganizationMember decoded = round_trip(member);
  EXPECT_EQ(json(decoded), json(member));
  EXPECT_EQ(decoded.email, member.email);
}

TEST(RecordCodec, DecodeOverwritesEveryFieldOfItsTarget) {
  OrganizationMember target = sample_member(2);     // user id, labels, role ids set
  const OrganizationMember odd = sample_member(1);  // null ids, empty collections
  std::string bytes;
  encode_record(odd, bytes);
  ASSERT_TRUE(decode_record(bytes, target).ok());
  EXPECT_EQ(json(target), json(odd));
}

TEST(RecordCodec, EncodingIsStable) {
  // Pins format version 1: a change here needs kCodecVersion bumped.
  SpaceMember member;
  member.space_member_id.bytes[15] = 1;
  member.user_id = filter::Uuid{};
  member.username = "ab";
  member.admin = true;
  member.role_ids = {filter::Uuid{}};
  member.labels = {{"k", "v"}};
  member.created_at.micros = 0x0102;
  member.version = -1;
  std::string bytes;
  encode_record(member, bytes);
  const std::string zeros16(16, '\0');
  std::string expected = zeros16.substr(0, 15) + "\x01" + zeros16 + zeros16 + zeros16;
  expected += std::string("\x01", 1) + zeros16 +
              "\x02"
              "ab" +
              std::string("\x00\x00\x01", 3);
  expected += "\x01" + zeros16 + "\x01\x01k\x01v";
  expected += std::string("\x02\x01\x00\x00\x00\x00\x00\x00", 8) + std::string(1, '\0');
  expected += std::string(8, '\0') + std::string(1, '\0') + std::string(8, '\xff');
  EXPECT_EQ(bytes, expected);
}

TEST(RecordCodec, EveryTruncationIsAnError) {
  std::string bytes;
  encode_record(sample_member(2), bytes);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    OrganizationMember decoded;
    const Status status = decode_record(std::string_view(bytes).substr(0, size), decoded);
    EXPECT_FALSE(status.ok()) << size;
    EXPECT_NE(status.message().find("at byte"), std::string::npos) << status.message();
  }
}

TEST(RecordCodec, TrailingBytesAreAnError) {
  std::string bytes;
  encode_record(sample_space_member(1), bytes);
  bytes += "x";
  SpaceMember decoded;
  const Status status = decode_record(bytes, decoded);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("1 bytes after the record"), std::string::npos)
      << status.message();
}

TEST(RecordCodec, RejectsBadTagsAndHugeCounts) {
  std::string bytes;
  encode_record(OrganizationMember{}, bytes);
  SpaceMember unused;
  OrganizationMember decoded;

  std::string bad_tag = bytes;
  bad_tag[32] = 2;  // the UserID presence tag
  EXPECT_NE(decode_record(bad_tag, decoded).message().find("invalid boolean 2 at byte 32"),
            std::string::npos);

  // Username length 2^62: must fail without trying to allocate it.
  std::string huge = bytes.substr(0, 33) + std::string(8, '\xff') + "\x3f" + bytes.substr(34);
  EXPECT_NE(decode_record(huge, decoded).message().find("exceeds"), std::string::npos);

  std::string overlong = bytes.substr(0, 33) + std::string(11, '\x80');
  EXPECT_NE(decode_record(overlong, decoded).message().find("malformed varint"), std::string::npos);
  EXPECT_FALSE(decode_record(bytes, unused).ok());  // the wrong record type
}

TEST(RecordCodec, RandomAndMutatedBytesNeverCrash) {
  std::mt19937_64 random(42);
  std::string valid;
  encode_record(sample_member(4), valid);
  OrganizationMember member;
  SpaceMember space_member;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = valid;
    if (round % 2 == 0) {
      bytes.resize(random() % 300);
      for (char& c : bytes) c = static_cast<char>(random());
    } else {
      for (int flips = 1 + round % 4; flips > 0; --flips) {
        char& byte = bytes[random() % bytes.size()];
        byte = static_cast<char>(byte ^ static_cast<int>(1 + random() % 255));
      }
    }
    (void)decode_record(bytes, member);
    (void)decode_record(bytes, space_member);
    (void)decode_mutation(bytes);
  }
}

TEST(Mutation, UpsertCarriesTheRecordAndItsId) {
  const OrganizationMember member = sample_member(8);
  std::string bytes;
  encode_upsert(member, bytes);
  auto view = decode_mutation(bytes);
  ASSERT_TRUE(view.ok()) << view.status().message();
  EXPECT_EQ(view->entity, EntityType::kOrganizationMember);
  EXPECT_EQ(view->op, Op::kUpsert);
  EXPECT_EQ(view->id, member.organization_member_id);
  OrganizationMember decoded;
  ASSERT_TRUE(decode_record(view->payload, decoded).ok());
  EXPECT_EQ(json(decoded), json(member));

  bytes.clear();
  encode_upsert(sample_space_member(3), bytes);
  view = decode_mutation(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->entity, EntityType::kSpaceMember);
  EXPECT_EQ(view->id, sample_space_member(3).space_member_id);
}

TEST(Mutation, DeleteHasNoPayload) {
  std::string bytes;
  encode_delete(EntityType::kSpaceMember, test::test_uuid(6, 5), bytes);
  EXPECT_EQ(bytes.size(), 19u);
  auto view = decode_mutation(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->op, Op::kDelete);
  EXPECT_EQ(view->id, test::test_uuid(6, 5));
  EXPECT_TRUE(view->payload.empty());

  bytes += "x";
  EXPECT_FALSE(decode_mutation(bytes).ok());
}

TEST(Mutation, RejectsBadEnvelopes) {
  std::string bytes;
  encode_delete(EntityType::kOrganizationMember, {}, bytes);
  const auto error = [](const std::string& b) { return decode_mutation(b).status().message(); };
  EXPECT_NE(error(bytes.substr(0, 18)).find("truncated"), std::string::npos);
  EXPECT_NE(error("\x02" + bytes.substr(1)).find("version 2"), std::string::npos);
  EXPECT_NE(error(bytes.substr(0, 1) + "\x0a" + bytes.substr(2)).find("entity type 10"),
            std::string::npos);
  EXPECT_NE(error(bytes.substr(0, 2) + std::string(1, '\0') + bytes.substr(3)).find("op 0"),
            std::string::npos);
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xe3069283u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62a8ab43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(crc32c(ascending), 0x46dd794eu);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(Crc32c, ExtendAndPortableAgree) {
  std::mt19937_64 random(7);
  std::string data(1000, '\0');
  for (char& c : data) c = static_cast<char>(random());
  for (std::size_t begin = 0; begin < 9; ++begin) {
    for (std::size_t size : {0, 1, 7, 8, 9, 63, 500, 991}) {
      const std::string_view part = std::string_view(data).substr(begin, size);
      const std::uint32_t whole = crc32c(part);
      EXPECT_EQ(crc32c_extend_portable(0, part.data(), part.size()), whole);
      const std::size_t split = size / 3;
      EXPECT_EQ(crc32c_extend(crc32c(part.substr(0, split)), part.data() + split, size - split),
                whole);
    }
  }
}

}  // namespace
}  // namespace rollcall::persist
