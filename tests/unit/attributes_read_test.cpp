#include <gtest/gtest.h>

#include "rollcall/filter.hpp"
#include "test_schema.hpp"

namespace rollcall::test {
namespace {

using Names = std::vector<std::string>;

Names read_by(std::string_view where) { return compiled(where).attributes_read(); }

TEST(AttributesReadTest, NamesEveryAttributeOnceInSchemaOrder) {
  EXPECT_EQ(read_by(""), Names{});
  EXPECT_EQ(read_by("Age > 3 AND Name = 'x' OR Age < 1"), (Names{"Name", "Age"}));
  EXPECT_EQ(read_by("UpdatedAt > CreatedAt"), (Names{"CreatedAt", "UpdatedAt"}));
  EXPECT_EQ(read_by("NOT (Labels.team IS NULL) AND LEN(RoleIDs) = 2"),
            (Names{"RoleIDs", "Labels"}));
}

TEST(AttributesReadTest, ContainsReadsEveryStringAndMap) {
  const auto contains = filter::compile_contains("x", schema());
  for (const std::string& name : contains.attributes_read()) {
    const auto type = schema().find(name)->type;
    EXPECT_TRUE(type == filter::AttributeType::kString || type == filter::AttributeType::kStringMap)
        << name;
  }
  EXPECT_FALSE(contains.attributes_read().empty());
}

}  // namespace
}  // namespace rollcall::test
