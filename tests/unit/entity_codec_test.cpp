// The record codec of User, Organization, AccessToken and IdempotencyEntry:
// round trips at the edges, corrupt input, and their mutation envelopes.
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "persist_test_util.hpp"
#include "rollcall/index/record_codec.hpp"

namespace rollcall::persist {
namespace {

using test::test_uuid;
using Hash = std::array<std::uint8_t, 32>;

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt64 = std::numeric_limits<std::int64_t>::min();
const std::string kNonAscii = "Frances \"Fran\" Müller 🙂 日本";
const std::string kBinary("a\0b\xff", 4);  // embedded NUL and a non-UTF-8 byte

Uuid all_ones_uuid() {
  Uuid id;
  id.bytes.fill(0xff);
  return id;
}

Hash hash_of(std::uint8_t seed) {
  Hash hash;
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(seed + i * 7);
  return hash;
}

Hash all_ones_hash() {
  Hash hash;
  hash.fill(0xff);
  return hash;
}

// Each type's samples: the default record, a typical one and one at the limits.
std::vector<User> samples(std::type_identity<User> /*type*/) {
  const User typical{test_uuid(3, 1),
                     "fran",
                     "fran@example.com",
                     kNonAscii,
                     "fran",
                     "okta|1",
                     "https://img.example.com/1.png",
                     {1700000000000000},
                     {1700000000000001}};
  const User limits{all_ones_uuid(), kBinary,
                    kBinary,         std::string(70000, 'd'),
                    kNonAscii,       std::string(200, 'e'),
                    kBinary,         {kMaxInt64},
                    {kMinInt64}};
  return {User{}, typical, limits};
}

std::vector<Organization> samples(std::type_identity<Organization> /*type*/) {
  const Organization typical{test_uuid(2, 1),    "acme", kNonAscii, "ext-1",
                             {1700000000000000}, {-1},   7};
  const Organization limits{all_ones_uuid(), kBinary,     std::string(70000, 'o'),
                            kBinary,         {kMinInt64}, {kMaxInt64},
                            kMinInt64};
  return {Organization{}, typical, limits};
}

std::vector<AccessToken> samples(std::type_identity<AccessToken> /*type*/) {
  return {AccessToken{}, AccessToken{hash_of(1), test_uuid(3, 1), {1700000000000000}},
          AccessToken{all_ones_hash(), all_ones_uuid(), {kMaxInt64}}};
}

std::vector<IdempotencyEntry> samples(std::type_identity<IdempotencyEntry> /*type*/) {
  const IdempotencyEntry typical{"user:1 POST /organizations key-1",
                                 hash_of(9),
                                 201,
                                 R"({"DisplayName":")" + kNonAscii + R"("})",
                                 {1700000000000000}};
  const IdempotencyEntry limits{kBinary,
                                all_ones_hash(),
                                std::numeric_limits<std::int32_t>::min(),
                                std::string(70000, 'r'),
                                {kMinInt64}};
  IdempotencyEntry max_status = typical;
  max_status.status = std::numeric_limits<std::int32_t>::max();
  return {IdempotencyEntry{}, typical, limits, max_status};
}

// Every field, so that records compare field by field.
auto fields(const User& r) {
  return std::tie(r.user_id, r.username, r.email, r.display_name, r.slug, r.external_id,
                  r.profile_picture_url, r.created_at, r.updated_at);
}
auto fields(const Organization& r) {
  return std::tie(r.organization_id, r.slug, r.display_name, r.external_organization_id,
                  r.created_at, r.updated_at, r.version);
}
auto fields(const AccessToken& r) { return std::tie(r.hash, r.user_id, r.created_at); }
auto fields(const IdempotencyEntry& r) {
  return std::tie(r.scope, r.request_hash, r.status, r.response_body, r.created_at);
}

// What the envelope of each type's upsert must carry.
Uuid expected_envelope_id(const User& r) { return r.user_id; }
Uuid expected_envelope_id(const Organization& r) { return r.organization_id; }
Uuid expected_envelope_id(const AccessToken& r) { return r.user_id; }
Uuid expected_envelope_id(const IdempotencyEntry& /*r*/) { return {}; }

template <class Record>
std::string encoded(const Record& record) {
  std::string bytes;
  encode_record(record, bytes);
  return bytes;
}

template <class Record>
class EntityCodec : public ::testing::Test {
 protected:
  static std::vector<Record> all_samples() { return samples(std::type_identity<Record>{}); }
};

using EntityTypes = ::testing::Types<User, Organization, AccessToken, IdempotencyEntry>;
TYPED_TEST_SUITE(EntityCodec, EntityTypes);

TYPED_TEST(EntityCodec, RoundTrips) {
  for (const TypeParam& record : this->all_samples()) {
    TypeParam decoded;
    const Status status = decode_record(encoded(record), decoded);
    ASSERT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(fields(decoded), fields(record));
  }
}

TYPED_TEST(EntityCodec, DecodeOverwritesEveryFieldOfItsTarget) {
  const auto records = this->all_samples();
  TypeParam target = records.back();
  ASSERT_TRUE(decode_record(encoded(records.front()), target).ok());
  EXPECT_EQ(fields(target), fields(records.front()));
}

TYPED_TEST(EntityCodec, EveryTruncationIsAnError) {
  for (const TypeParam& record : this->all_samples()) {
    const std::string bytes = encoded(record);
    for (std::size_t size = 0; size < bytes.size(); ++size) {
      TypeParam decoded;
      const Status status = decode_record(std::string_view(bytes).substr(0, size), decoded);
      ASSERT_FALSE(status.ok()) << size;
      EXPECT_NE(status.message().find("at byte"), std::string::npos) << status.message();
    }
  }
}

TYPED_TEST(EntityCodec, TrailingBytesAreAnError) {
  const std::string bytes = encoded(this->all_samples()[1]) + "x";
  TypeParam decoded;
  EXPECT_NE(decode_record(bytes, decoded).message().find("1 bytes after the record"),
            std::string::npos);
}

TYPED_TEST(EntityCodec, RandomAndMutatedBytesNeverCrash) {
  std::mt19937_64 random(11);
  const std::string valid = encoded(this->all_samples()[1]);
  TypeParam decoded;
  for (int round = 0; round < 5000; ++round) {
    std::string bytes = valid;
    if (round % 2 == 0) {
      bytes.resize(random() % 200);
      for (char& c : bytes) c = static_cast<char>(random());
    } else {
      for (int flips = 1 + round % 4; flips > 0; --flips) {
        char& byte = bytes[random() % bytes.size()];
        byte = static_cast<char>(byte ^ static_cast<int>(1 + random() % 255));
      }
    }
    (void)decode_record(bytes, decoded);
  }
}

TYPED_TEST(EntityCodec, UpsertCarriesTheRecordAndItsEnvelopeId) {
  for (const TypeParam& record : this->all_samples()) {
    std::string bytes;
    encode_upsert(record, bytes);
    auto view = decode_mutation(bytes);
    ASSERT_TRUE(view.ok()) << view.status().message();
    EXPECT_EQ(view->entity, entity_type_of<TypeParam>);
    EXPECT_EQ(view->op, Op::kUpsert);
    EXPECT_EQ(view->id, expected_envelope_id(record));
    TypeParam decoded;
    ASSERT_TRUE(decode_record(view->payload, decoded).ok());
    EXPECT_EQ(fields(decoded), fields(record));
  }
}

TEST(EntityCodecEnvelope, UsersAndOrganizationsAreDeletedById) {
  for (EntityType entity : {EntityType::kUser, EntityType::kOrganization}) {
    std::string bytes;
    encode_delete(entity, test_uuid(3, 9), bytes);
    auto view = decode_mutation(bytes);
    ASSERT_TRUE(view.ok()) << view.status().message();
    EXPECT_EQ(view->entity, entity);
    EXPECT_EQ(view->op, Op::kDelete);
    EXPECT_EQ(view->id, test_uuid(3, 9));
    EXPECT_TRUE(view->payload.empty());
  }
}

TEST(EntityCodecEnvelope, NamesEveryEntityType) {
  EXPECT_STREQ(to_string(EntityType::kUser), "User");
  EXPECT_STREQ(to_string(EntityType::kOrganization), "Organization");
  EXPECT_STREQ(to_string(EntityType::kAccessToken), "AccessToken");
  EXPECT_STREQ(to_string(EntityType::kIdempotency), "IdempotencyEntry");
  EXPECT_STREQ(to_string(EntityType::kBatch), "Batch");
}

TEST(EntityCodecEnvelope, EncodingIsStable) {
  // Pins codec version 1 for the new types: a change here needs kCodecVersion bumped.
  IdempotencyEntry entry{"k", {}, -2, "ok", {0x0102}};
  entry.request_hash[0] = 0xab;
  std::string expected = std::string("\x01k\xab", 3) + std::string(31, '\0');
  expected += std::string("\xfe\xff\xff\xff\x02ok", 7);
  expected += std::string("\x02\x01\x00\x00\x00\x00\x00\x00", 8);
  EXPECT_EQ(encoded(entry), expected);

  AccessToken token{all_ones_hash(), test_uuid(3, 1), {-1}};
  expected =
      std::string(32, '\xff') + "\x03" + std::string(14, '\0') + "\x01" + std::string(8, '\xff');
  EXPECT_EQ(encoded(token), expected);
}

}  // namespace
}  // namespace rollcall::persist
