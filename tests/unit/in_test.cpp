// IN / NOT IN per type; short lists are scanned, lists of more than 8 values
// searched, so each case is tried at both sizes.
#include <string>

#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

// "(first, v1, ..., vN)" with N filler values that never match.
std::string list_of(const std::string& first, int fillers, const std::string& filler_prefix,
                    const std::string& filler_suffix = "") {
  std::string list = "(" + first;
  for (int i = 0; i < fillers; ++i) {
    list += ", " + filler_prefix + std::to_string(100 + i) + filler_suffix;
  }
  return list + ")";
}

TEST(InStringTest, ShortList) {
  const Record r{.name = "bob"};
  EXPECT_TRUE(is_true("Name IN ('alice', 'bob')", r));
  EXPECT_TRUE(is_false("Name IN ('alice', 'Bob')", r));
  EXPECT_TRUE(is_true("Name NOT IN ('alice', 'carol')", r));
  EXPECT_TRUE(is_false("Name NOT IN ('bob')", r));
}

TEST(InStringTest, LongListIncludingMultibyte) {
  const Record r{.name = "émile"};
  EXPECT_TRUE(is_true("Name IN " + list_of("'émile'", 20, "'n", "'"), r));
  EXPECT_TRUE(is_false("Name IN " + list_of("'emile'", 20, "'n", "'"), r));
  EXPECT_TRUE(is_true("Name NOT IN " + list_of("'zed'", 20, "'é", "'"), r));
  EXPECT_TRUE(is_false("Name NOT IN " + list_of("'émile'", 20, "'é", "'"), r));
}

TEST(InIntTest, ShortAndLongLists) {
  const Record r{.age = -7};
  EXPECT_TRUE(is_true("Age IN (1, -7, 3)", r));
  EXPECT_TRUE(is_false("Age IN (1, 7, 3)", r));
  EXPECT_TRUE(is_true("Age IN " + list_of("-7", 12, ""), r));
  EXPECT_TRUE(is_false("Age IN " + list_of("7", 12, ""), r));
  EXPECT_TRUE(is_true("Age NOT IN " + list_of("7", 12, ""), r));
  EXPECT_TRUE(is_false("Age NOT IN " + list_of("-7", 12, "-"), r));
}

TEST(InIntTest, LengthOperand) {
  const Record r{.tags = {"a", "b"}};
  EXPECT_TRUE(is_true("LEN(Tags) IN (2, 4)", r));
  EXPECT_TRUE(is_false("LEN(Tags) IN (0, 1)", r));
}

TEST(InUuidTest, AnyHexCase) {
  const Record r{.id = uuid("7c61626f-ddbe-41af-93f6-b69f4ab6d308")};
  const std::string id = "'7C61626F-DDBE-41AF-93F6-B69F4AB6D308'";
  EXPECT_TRUE(is_true("ID IN (" + id + ")", r));
  EXPECT_TRUE(is_true("ID IN " + list_of(id, 10, "'00000000-0000-0000-0000-000000000", "'"), r));
  EXPECT_TRUE(is_false("ID IN " + list_of("'7c61626f-ddbe-41af-93f6-b69f4ab6d309'", 10,
                                          "'00000000-0000-0000-0000-000000000", "'"),
                       r));
  EXPECT_TRUE(is_true("ID NOT IN ('00000000-0000-0000-0000-000000000000')", r));
  EXPECT_TRUE(is_false("ID NOT IN (" + id + ")", r));
}

TEST(InTimeTest, ComparedAsInstants) {
  const Record r{.created_at = instant("2025-02-18T21:16:34Z")};
  EXPECT_TRUE(is_true("CreatedAt IN ('2024-01-01', '2025-02-18T23:16:34+02:00')", r));
  EXPECT_TRUE(is_false("CreatedAt IN ('2024-01-01', '2025-02-18T21:16:34+02:00')", r));
  EXPECT_TRUE(is_true(
      "CreatedAt IN " + list_of("'2025-02-18 21:16:34'", 10, "'2024-01-01T00:00:00.", "Z'"), r));
  EXPECT_TRUE(is_true("CreatedAt NOT IN ('2025-02-18')", r));
  EXPECT_TRUE(is_false("CreatedAt NOT IN ('2025-02-18T21:16:34.0000001Z')", r));
}

TEST(InListTest, DuplicatesChangeNothing) {
  const Record r{.age = 5};
  EXPECT_TRUE(is_true("Age IN (5, 5, 5)", r));
  EXPECT_TRUE(is_false("Age IN (4, 4, 6, 6)", r));
  EXPECT_TRUE(is_true("Age IN (1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6)", r));
  EXPECT_TRUE(is_false("Age NOT IN (1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6)", r));
  EXPECT_TRUE(is_true("Age NOT IN (1, 1, 2, 2, 3, 3, 4, 4, 6, 6, 7, 7)", r));
}

TEST(InListTest, SelectsRecords) {
  const std::vector<Record> people = {
      {.name = "a", .age = 1}, {.name = "b", .age = 2}, {.name = "c", .age = 3}};
  EXPECT_EQ(matching("Age IN (3, 1)", people), (Names{"a", "c"}));
  EXPECT_EQ(matching("Age NOT IN (3, 1)", people), (Names{"b"}));
}

}  // namespace
}  // namespace rollcall::test
