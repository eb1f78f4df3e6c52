// SQL three-valued logic: an absent map key and a null uuid are NULL.
#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

const Record kNoLabels{.name = "n", .age = 1, .labels = {{"team", "core"}}};

TEST(NullMapKeyTest, EveryComparisonIsUnknown) {
  for (const char* where :
       {"Labels.missing = 'x'", "Labels.missing != 'x'", "Labels.missing <> 'x'",
        "Labels.missing < 'x'", "Labels.missing <= 'x'", "Labels.missing > 'x'",
        "Labels.missing >= 'x'", "Labels.missing = Name", "Name = Labels.missing"}) {
    EXPECT_TRUE(is_unknown(where, kNoLabels));
  }
}

TEST(NullMapKeyTest, InLikeAndRegexAreUnknown) {
  for (const char* where :
       {"Labels.missing IN ('x', 'y')", "Labels.missing NOT IN ('x')", "Labels.missing LIKE '%'",
        "Labels.missing NOT LIKE 'x'", "Labels.missing ILIKE '%'", "Labels.missing NOT ILIKE 'x'",
        "Labels.missing ~~ '%'", "Labels.missing !~~* 'x'", "Labels.missing ~ ''",
        "Labels.missing !~ 'x'", "Labels.missing ~* 'x'", "Labels.missing !~* 'x'"}) {
    EXPECT_TRUE(is_unknown(where, kNoLabels));
  }
}

TEST(NullMapKeyTest, PresentKeyIsNotNull) {
  EXPECT_TRUE(is_true("Labels.team = 'core'", kNoLabels));
  EXPECT_TRUE(is_false("Labels.team != 'core'", kNoLabels));
}

TEST(NullMapKeyTest, EvaluateReportsUnknown) {
  const auto where = compiled("Labels.missing = 'x'");
  EXPECT_EQ(where.evaluate(kNoLabels), Truth::kUnknown);
  EXPECT_FALSE(where.matches(kNoLabels));
  EXPECT_EQ(compiled("Labels.team = 'core'").evaluate(kNoLabels), Truth::kTrue);
  EXPECT_EQ(compiled("Labels.team = 'x'").evaluate(kNoLabels), Truth::kFalse);
}

TEST(KleeneLogicTest, AndOr) {
  const std::string unknown = "Labels.missing = 'x'";
  EXPECT_TRUE(is_false(unknown + " AND Age = 2", kNoLabels));
  EXPECT_TRUE(is_false("Age = 2 AND " + unknown, kNoLabels));
  EXPECT_TRUE(is_unknown(unknown + " AND Age = 1", kNoLabels));
  EXPECT_TRUE(is_true(unknown + " OR Age = 1", kNoLabels));
  EXPECT_TRUE(is_true("Age = 1 OR " + unknown, kNoLabels));
  EXPECT_TRUE(is_unknown(unknown + " OR Age = 2", kNoLabels));
  EXPECT_TRUE(is_unknown("NOT " + unknown, kNoLabels));
  EXPECT_TRUE(is_unknown("NOT NOT " + unknown, kNoLabels));
}

TEST(IsNullTest, MapEntries) {
  EXPECT_TRUE(is_true("Labels.missing IS NULL", kNoLabels));
  EXPECT_TRUE(is_false("Labels.team IS NULL", kNoLabels));
  EXPECT_TRUE(is_true("Labels.team IS NOT NULL", kNoLabels));
  EXPECT_TRUE(is_false("Labels.missing IS NOT NULL", kNoLabels));
  EXPECT_TRUE(is_true("Labels.missing is null", kNoLabels));
}

TEST(IsNullTest, NonNullableValuesAreNeverNull) {
  EXPECT_TRUE(is_false("Name IS NULL", kNoLabels));
  EXPECT_TRUE(is_true("Age IS NOT NULL", kNoLabels));
  EXPECT_TRUE(is_false("Labels IS NULL", Record{}));
  EXPECT_TRUE(is_true("Tags IS NOT NULL", Record{}));
}

TEST(TruthTestTest, OverUnknown) {
  const std::string unknown = "(Labels.missing = 'x')";
  EXPECT_TRUE(is_false(unknown + " IS TRUE", kNoLabels));
  EXPECT_TRUE(is_true(unknown + " IS NOT TRUE", kNoLabels));
  EXPECT_TRUE(is_false(unknown + " IS FALSE", kNoLabels));
  EXPECT_TRUE(is_true(unknown + " IS NOT FALSE", kNoLabels));
}

TEST(TruthTestTest, OverTrueAndFalse) {
  EXPECT_TRUE(is_true("Age = 1 IS TRUE", kNoLabels));
  EXPECT_TRUE(is_false("Age = 1 IS FALSE", kNoLabels));
  EXPECT_TRUE(is_true("Age = 2 IS FALSE", kNoLabels));
  EXPECT_TRUE(is_false("Age = 2 IS NOT FALSE", kNoLabels));
  EXPECT_TRUE(is_true("Age = 1 IS NOT FALSE", kNoLabels));
  EXPECT_TRUE(is_false("Age = 1 IS NOT TRUE", kNoLabels));
}

const char* const kManager = "7c61626f-ddbe-41af-93f6-b69f4ab6d308";

TEST(NullUuidTest, NullableAttribute) {
  const Record none{.id = uuid(kManager)};
  const Record some{.manager_id = uuid(kManager)};
  const std::string eq = std::string("ManagerID = '") + kManager + "'";
  EXPECT_TRUE(is_unknown(eq, none));
  EXPECT_TRUE(is_true(eq, some));
  EXPECT_TRUE(is_unknown(std::string("ManagerID != '") + kManager + "'", none));
  EXPECT_TRUE(is_unknown(std::string("ManagerID NOT IN ('") + kManager + "')", none));
  EXPECT_TRUE(is_unknown("ManagerID = ID", none));
  EXPECT_TRUE(is_true("ManagerID IS NULL", none));
  EXPECT_TRUE(is_false("ManagerID IS NULL", some));
  EXPECT_TRUE(is_true("ManagerID IS NOT NULL", some));
}

TEST(NullLogicTest, OnlyTrueMatches) {
  const std::vector<Record> people = {{.name = "has", .labels = {{"team", "core"}}},
                                      {.name = "other", .labels = {{"team", "web"}}},
                                      {.name = "none"}};
  EXPECT_EQ(matching("Labels.team = 'core'", people), (Names{"has"}));
  EXPECT_EQ(matching("Labels.team != 'core'", people), (Names{"other"}));
  EXPECT_EQ(matching("NOT (Labels.team = 'core')", people), (Names{"other"}));
  EXPECT_EQ(matching("(Labels.team = 'core') IS NOT TRUE", people), (Names{"other", "none"}));
}

}  // namespace
}  // namespace rollcall::test
