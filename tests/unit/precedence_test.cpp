// NOT binds tighter than AND, AND tighter than OR; IS TRUE tighter than NOT.
// Each case is chosen so the wrong grouping gives the other answer.
#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

TEST(PrecedenceTest, AndBindsTighterThanOr) {
  const Record r{.age = 3, .active = true};
  // Active OR (Age = 1 AND Age = 2), not (Active OR Age = 1) AND Age = 2.
  EXPECT_TRUE(is_true("Active OR Age = 1 AND Age = 2", r));
  EXPECT_TRUE(is_false("(Active OR Age = 1) AND Age = 2", r));
  // (Age = 1 AND Age = 2) OR Active.
  EXPECT_TRUE(is_true("Age = 1 AND Age = 2 OR Active", r));
  EXPECT_TRUE(is_false("Age = 1 AND (Age = 2 OR Active)", r));
}

TEST(PrecedenceTest, NotBindsTighterThanAnd) {
  const Record r{.age = 4, .active = false};
  // (NOT Active) AND Age = 3, not NOT (Active AND Age = 3).
  EXPECT_TRUE(is_false("NOT Active AND Age = 3", r));
  EXPECT_TRUE(is_true("NOT (Active AND Age = 3)", r));
  EXPECT_TRUE(is_true("NOT Active OR Age = 3", r));
  EXPECT_TRUE(is_false("NOT (Active OR Age = 4)", r));
}

TEST(PrecedenceTest, IsTrueBindsTighterThanNot) {
  const Record r{.labels = {}};
  // NOT ((unknown) IS TRUE) is TRUE; (NOT unknown) IS TRUE would be FALSE.
  EXPECT_TRUE(is_true("NOT (Labels.x = 'a') IS TRUE", r));
  EXPECT_TRUE(is_false("(NOT Labels.x = 'a') IS TRUE", r));
  EXPECT_TRUE(is_true("NOT (Labels.x = 'a') IS FALSE", r));
  EXPECT_TRUE(is_false("(NOT Labels.x = 'a') IS FALSE", r));
}

TEST(PrecedenceTest, NestedParentheses) {
  const Record r{.age = 2, .active = true};
  EXPECT_TRUE(is_true("((Active))", r));
  EXPECT_TRUE(is_true("((Age = 1 OR Age = 2) AND (Active OR Age = 9))", r));
  EXPECT_TRUE(is_false("((Age = 1 OR Age = 3) AND (Active OR Age = 9))", r));
  EXPECT_TRUE(is_true("NOT NOT Active", r));
  EXPECT_TRUE(is_false("NOT NOT NOT Active", r));
}

TEST(PrecedenceTest, KeywordsAreCaseInsensitive) {
  const Record r{.name = "Ann", .age = 5, .active = true};
  EXPECT_TRUE(is_true("Age in (5) and Name like 'A%' Or Active", r));
  EXPECT_TRUE(is_true("nOt Active iS fAlSe AND Name ILike 'a%'", r));
  EXPECT_TRUE(is_true("Age NoT In (1) aNd Name not ilike 'b%'", r));
  EXPECT_TRUE(is_true("Active = True AND len(Tags) = 0 AND Labels.x Is Null", r));
  EXPECT_TRUE(is_false("Active = False", r));
}

TEST(PrecedenceTest, AttributeNamesAreCaseSensitive) {
  EXPECT_TRUE(fails_with("age = 5", ErrorCode::kUnknownAttribute, 1));
  EXPECT_TRUE(fails_with("Age = 5 AND NAME = 'x'", ErrorCode::kUnknownAttribute, 13));
}

TEST(WhitespaceTest, SpaceTabCrLfBetweenTokens) {
  const Record r{.name = "Ann", .age = 5, .active = true, .tags = {"a"}};
  EXPECT_TRUE(is_true("\tAge\r\n=\n5\t", r));
  EXPECT_TRUE(is_true("Age=5", r));
  EXPECT_TRUE(is_true("NOT(Age=6)AND(Active)", r));
  EXPECT_TRUE(is_true("Age\tIN\n(\r1 ,\t5\n)", r));
  EXPECT_TRUE(is_true("LEN ( Tags ) = 1\r\nAND\tTags\n?\t'a'", r));
  EXPECT_TRUE(is_true("Age\nNOT\tIN (1)\rOR\nActive\tIS\rNOT\nTRUE", r));
  EXPECT_TRUE(is_false("Name\n=\t'Ann '", r));
}

TEST(WhitespaceTest, EmptyOrBlankMatchesEverything) {
  const std::vector<Record> people = {{.name = "a"}, {.name = "b", .active = true}};
  for (const char* where : {"", " ", "\t", "\r\n", " \t\r\n "}) {
    EXPECT_EQ(matching(where, people), (Names{"a", "b"})) << "`" << where << "`";
    EXPECT_EQ(compiled(where).evaluate(people[0]), Truth::kTrue);
  }
}

}  // namespace
}  // namespace rollcall::test
