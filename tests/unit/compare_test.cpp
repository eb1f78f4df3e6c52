// = != <> < > <= >= per type, each as a true case and a false case (and the NOT
// of each, checked by is_true/is_false).
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

TEST(CompareStringTest, EqualityOperators) {
  const Record r{.name = "alice"};
  EXPECT_TRUE(is_true("Name = 'alice'", r));
  EXPECT_TRUE(is_false("Name = 'Alice'", r));
  EXPECT_TRUE(is_true("Name != 'bob'", r));
  EXPECT_TRUE(is_false("Name != 'alice'", r));
  EXPECT_TRUE(is_true("Name <> 'bob'", r));
  EXPECT_TRUE(is_false("Name <> 'alice'", r));
}

TEST(CompareStringTest, QuotesAndEmptyString) {
  EXPECT_TRUE(is_true("Name = 'O''Brien'", Record{.name = "O'Brien"}));
  EXPECT_TRUE(is_false("Name = 'OBrien'", Record{.name = "O'Brien"}));
  EXPECT_TRUE(is_true("Name = ''", Record{}));
  EXPECT_TRUE(is_false("Name = ''", Record{.name = " "}));
}

TEST(CompareStringTest, OrderingOperators) {
  const Record r{.name = "bob"};
  EXPECT_TRUE(is_true("Name < 'bobby'", r));
  EXPECT_TRUE(is_false("Name < 'bob'", r));
  EXPECT_TRUE(is_true("Name <= 'bob'", r));
  EXPECT_TRUE(is_false("Name <= 'bo'", r));
  EXPECT_TRUE(is_true("Name > 'bo'", r));
  EXPECT_TRUE(is_false("Name > 'bob'", r));
  EXPECT_TRUE(is_true("Name >= 'bob'", r));
  EXPECT_TRUE(is_false("Name >= 'boc'", r));
}

// LC_COLLATE=C: bytes, so every upper-case ASCII letter sorts before 'a'.
TEST(CompareStringTest, ByteOrderNotDictionaryOrder) {
  const Record r{.name = "apple"};
  EXPECT_TRUE(is_true("Name > 'Zebra'", r));
  EXPECT_TRUE(is_false("Name < 'Zebra'", r));
}

// UTF-8 byte order is code point order: é (U+00E9) > z, U+1F600 > U+FFFD.
TEST(CompareStringTest, MultibyteByCodePoint) {
  const Record emile{.name = "émile"};
  EXPECT_TRUE(is_true("Name > 'zoe'", emile));
  EXPECT_TRUE(is_false("Name < 'zoe'", emile));
  EXPECT_TRUE(is_true("Name < 'ēmile'", emile));
  EXPECT_TRUE(is_false("Name >= 'ēmile'", emile));
  const Record emoji{.name = "😀"};
  EXPECT_TRUE(is_true("Name > '\xEF\xBF\xBD'", emoji));
  EXPECT_TRUE(is_false("Name <= '\xEF\xBF\xBD'", emoji));
}

TEST(CompareIntTest, AllOperators) {
  const Record r{.age = 30};
  EXPECT_TRUE(is_true("Age = 30", r));
  EXPECT_TRUE(is_false("Age = 31", r));
  EXPECT_TRUE(is_true("Age != 31", r));
  EXPECT_TRUE(is_false("Age != 30", r));
  EXPECT_TRUE(is_true("Age <> 31", r));
  EXPECT_TRUE(is_false("Age <> 30", r));
  EXPECT_TRUE(is_true("Age < 31", r));
  EXPECT_TRUE(is_false("Age < 30", r));
  EXPECT_TRUE(is_true("Age <= 30", r));
  EXPECT_TRUE(is_false("Age <= 29", r));
  EXPECT_TRUE(is_true("Age > 29", r));
  EXPECT_TRUE(is_false("Age > 30", r));
  EXPECT_TRUE(is_true("Age >= 30", r));
  EXPECT_TRUE(is_false("Age >= 31", r));
}

TEST(CompareIntTest, Negative) {
  const Record r{.age = -5};
  EXPECT_TRUE(is_true("Age = -5", r));
  EXPECT_TRUE(is_false("Age = 5", r));
  EXPECT_TRUE(is_true("Age > -6", r));
  EXPECT_TRUE(is_false("Age < -5", r));
}

TEST(CompareIntTest, Int64Extremes) {
  const Record max{.age = std::numeric_limits<std::int64_t>::max()};
  EXPECT_TRUE(is_true("Age = 9223372036854775807", max));
  EXPECT_TRUE(is_false("Age < 9223372036854775807", max));
  EXPECT_TRUE(is_true("Age > 9223372036854775806", max));
  const Record min{.age = std::numeric_limits<std::int64_t>::min()};
  EXPECT_TRUE(is_true("Age = -9223372036854775808", min));
  EXPECT_TRUE(is_false("Age > -9223372036854775808", min));
  EXPECT_TRUE(is_true("Age < -9223372036854775807", min));
}

TEST(CompareBoolTest, EqualityAndBareAttribute) {
  const Record on{.active = true};
  const Record off{.active = false};
  EXPECT_TRUE(is_true("Active = true", on));
  EXPECT_TRUE(is_false("Active = false", on));
  EXPECT_TRUE(is_true("Active != false", on));
  EXPECT_TRUE(is_false("Active <> true", on));
  EXPECT_TRUE(is_true("Active = FALSE", off));
  EXPECT_TRUE(is_true("Active", on));
  EXPECT_TRUE(is_false("Active", off));
}

TEST(CompareUuidTest, AnyHexCaseAndForm) {
  const Record r{.id = uuid("7c61626f-ddbe-41af-93f6-b69f4ab6d308")};
  EXPECT_TRUE(is_true("ID = '7c61626f-ddbe-41af-93f6-b69f4ab6d308'", r));
  EXPECT_TRUE(is_true("ID = '7C61626F-DDBE-41AF-93F6-B69F4AB6D308'", r));
  EXPECT_TRUE(is_true("ID = '{7c61626fddbe41af93f6b69f4ab6d308}'", r));
  EXPECT_TRUE(is_false("ID = '7c61626f-ddbe-41af-93f6-b69f4ab6d309'", r));
  EXPECT_TRUE(is_true("ID != '7c61626f-ddbe-41af-93f6-b69f4ab6d309'", r));
  EXPECT_TRUE(is_false("ID <> '7C61626F-DDBE-41AF-93F6-B69F4AB6D308'", r));
}

TEST(CompareTimeTest, InstantsNotText) {
  const Record r{.created_at = instant("2025-02-18T21:16:34Z")};
  EXPECT_TRUE(is_true("CreatedAt = '2025-02-18T21:16:34Z'", r));
  EXPECT_TRUE(is_true("CreatedAt = '2025-02-18 21:16:34'", r));
  EXPECT_TRUE(is_true("CreatedAt = '2025-02-18T23:16:34+02:00'", r));
  EXPECT_TRUE(is_true("CreatedAt = '2025-02-18T16:16:34-05:00'", r));
  EXPECT_TRUE(is_false("CreatedAt = '2025-02-18T21:16:34+01:00'", r));
  EXPECT_TRUE(is_true("CreatedAt <> '2025-02-18T21:16:35Z'", r));
  // 22:00+02:00 is 20:00Z: later as text, earlier as an instant.
  EXPECT_TRUE(is_true("CreatedAt > '2025-02-18T22:00:00+02:00'", r));
  EXPECT_TRUE(is_false("CreatedAt < '2025-02-18T22:00:00+02:00'", r));
  EXPECT_TRUE(is_true("CreatedAt < '2025-02-18T24:00:00'", r));  // 24:00 is the next midnight
  EXPECT_TRUE(is_false("CreatedAt > '2025-02-18T24:00:00'", r));
  EXPECT_TRUE(is_true("CreatedAt >= '2025-02-18'", r));
  EXPECT_TRUE(is_false("CreatedAt <= '2025-02-18'", r));
}

// Fractions round to microseconds as PostgreSQL does (rint), even into the next second.
TEST(CompareTimeTest, FractionRounding) {
  const Record r{.created_at = instant("2025-01-01T00:00:00.123457Z")};
  EXPECT_TRUE(is_true("CreatedAt = '2025-01-01T00:00:00.1234567'", r));
  EXPECT_TRUE(is_false("CreatedAt = '2025-01-01T00:00:00.1234564'", r));
  EXPECT_TRUE(is_true("CreatedAt = '2025-01-01T00:00:00.123457000Z'", r));
  const Record whole{.created_at = instant("2025-01-01T00:00:01Z")};
  EXPECT_TRUE(is_true("CreatedAt = '2025-01-01T00:00:00.9999999Z'", whole));
  EXPECT_TRUE(is_false("CreatedAt = '2025-01-01T00:00:00.999999Z'", whole));
}

TEST(CompareAttributeTest, AttributeOnTheRight) {
  const Record r{.name = "ann",
                 .email = "ann",
                 .role = "admin",
                 .age = 3,
                 .version = 3,
                 .created_at = instant("2025-01-01"),
                 .updated_at = instant("2025-02-01"),
                 .labels = {{"owner", "ann"}}};
  EXPECT_TRUE(is_true("UpdatedAt > CreatedAt", r));
  EXPECT_TRUE(is_false("UpdatedAt <= CreatedAt", r));
  EXPECT_TRUE(is_true("Age = Version", r));
  EXPECT_TRUE(is_false("Age < Version", r));
  EXPECT_TRUE(is_true("Name = Email", r));
  EXPECT_TRUE(is_false("Name = Role", r));
  EXPECT_TRUE(is_true("Labels.owner = Name", r));
  EXPECT_TRUE(is_false("Role = Labels.owner", r));
}

TEST(CompareLengthTest, ArraysAndMaps) {
  const Record r{.role_ids = {}, .tags = {"a", "b"}, .labels = {{"x", "1"}}};
  EXPECT_TRUE(is_true("LEN(Tags) = 2", r));
  EXPECT_TRUE(is_false("LEN(Tags) = 1", r));
  EXPECT_TRUE(is_true("LEN(Labels) >= 1", r));
  EXPECT_TRUE(is_false("LEN(Labels) > 1", r));
  EXPECT_TRUE(is_true("LEN(RoleIDs) = 0", r));
  EXPECT_TRUE(is_true("LEN(Tags) > LEN(Labels)", r));
  EXPECT_TRUE(is_false("LEN(Tags) < LEN(RoleIDs)", r));
  EXPECT_TRUE(is_true("LEN(Tags) > -1", r));
}

}  // namespace
}  // namespace rollcall::test
