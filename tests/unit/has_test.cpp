// '?' on arrays (some element equals) and maps (key present), and LEN.
#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

const char* const kRole = "7c61626f-ddbe-41af-93f6-b69f4ab6d308";

TEST(HasTest, StringArray) {
  const Record r{.tags = {"blue", "green", "émile"}};
  EXPECT_TRUE(is_true("Tags ? 'green'", r));
  EXPECT_TRUE(is_false("Tags ? 'Green'", r));
  EXPECT_TRUE(is_false("Tags ? 'gree'", r));
  EXPECT_TRUE(is_true("Tags ? 'émile'", r));
  EXPECT_TRUE(is_false("Tags ? ''", r));
}

TEST(HasTest, UuidArrayAnyHexCase) {
  const Record r{.role_ids = {uuid("00000000-0000-0000-0000-000000000001"), uuid(kRole)}};
  EXPECT_TRUE(is_true(std::string("RoleIDs ? '") + kRole + "'", r));
  EXPECT_TRUE(is_true("RoleIDs ? '7C61626F-DDBE-41AF-93F6-B69F4AB6D308'", r));
  EXPECT_TRUE(is_false("RoleIDs ? '7c61626f-ddbe-41af-93f6-b69f4ab6d309'", r));
}

TEST(HasTest, MapKey) {
  const Record r{.labels = {{"team", "core"}, {"app.kubernetes.io/name", "api"}}};
  EXPECT_TRUE(is_true("Labels ? 'team'", r));
  EXPECT_TRUE(is_false("Labels ? 'core'", r));  // a value, not a key
  EXPECT_TRUE(is_false("Labels ? 'Team'", r));
  EXPECT_TRUE(is_true("Labels ? 'app.kubernetes.io/name'", r));
  EXPECT_TRUE(is_true("Labels.app.kubernetes.io/name = 'api'", r));
}

TEST(HasTest, MapKeyWithEmptyValue) {
  const Record r{.labels = {{"flag", ""}}};
  EXPECT_TRUE(is_true("Labels ? 'flag'", r));
  EXPECT_TRUE(is_true("Labels.flag = ''", r));
  EXPECT_TRUE(is_false("Labels.flag IS NULL", r));
}

TEST(HasTest, EmptyArraysAndMapsHaveNothing) {
  const Record empty{};
  EXPECT_TRUE(is_false("Tags ? 'a'", empty));
  EXPECT_TRUE(is_false("RoleIDs ? '00000000-0000-0000-0000-000000000000'", empty));
  EXPECT_TRUE(is_false("Labels ? 'a'", empty));
  EXPECT_TRUE(is_true("LEN(Tags) = 0", empty));
  EXPECT_TRUE(is_true("LEN(RoleIDs) = 0", empty));
  EXPECT_TRUE(is_true("LEN(Labels) = 0", empty));
  EXPECT_TRUE(is_false("LEN(Tags) > 0", empty));
}

TEST(HasTest, LengthCountsElements) {
  const Record r{.role_ids = {uuid(kRole)}, .tags = {"a", "a", "b"}, .labels = {{"k", "v"}}};
  EXPECT_TRUE(is_true("LEN(Tags) = 3", r));  // duplicates count
  EXPECT_TRUE(is_false("LEN(Tags) = 2", r));
  EXPECT_TRUE(is_true("LEN(RoleIDs) = 1", r));
  EXPECT_TRUE(is_true("LEN(Labels) = 1", r));
  EXPECT_TRUE(is_false("LEN(Labels) <> 1", r));
}

TEST(HasTest, SelectsRecords) {
  const std::vector<Record> people = {{.name = "a", .tags = {"x"}},
                                      {.name = "b", .tags = {"y", "x"}},
                                      {.name = "c", .labels = {{"x", "1"}}}};
  EXPECT_EQ(matching("Tags ? 'x'", people), (Names{"a", "b"}));
  EXPECT_EQ(matching("NOT Tags ? 'x'", people), (Names{"c"}));
  EXPECT_EQ(matching("Labels ? 'x' OR LEN(Tags) = 2", people), (Names{"b", "c"}));
}

}  // namespace
}  // namespace rollcall::test
