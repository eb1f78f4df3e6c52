// LIKE / ILIKE and their ~~ forms, and regular expressions, in the style of
// PostgreSQL's strings.sql: every operator true once and false once.
#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

TEST(LikeTest, PercentAndUnderscore) {
  const Record r{.name = "hawkeye"};
  EXPECT_TRUE(is_true("Name LIKE 'h%'", r));
  EXPECT_TRUE(is_false("Name LIKE 'H%'", r));
  EXPECT_TRUE(is_true("Name LIKE 'h%eye'", r));
  EXPECT_TRUE(is_false("Name LIKE 'h%ey'", r));  // whole-value match
  EXPECT_TRUE(is_true("Name LIKE '_awkey_'", r));
  EXPECT_TRUE(is_false("Name LIKE '_awkey'", r));
  EXPECT_TRUE(is_true("Name NOT LIKE 'indio%'", r));
  EXPECT_TRUE(is_false("Name NOT LIKE '%k%'", r));
}

TEST(LikeTest, UnderscoreIsOneCodePoint) {
  const Record r{.name = "émile"};
  EXPECT_TRUE(is_true("Name LIKE '_mile'", r));
  EXPECT_TRUE(is_false("Name LIKE '__mile'", r));
  EXPECT_TRUE(is_true("Name LIKE '%_mil_'", r));
}

TEST(LikeTest, BackslashEscapes) {
  EXPECT_TRUE(is_true(R"(Name LIKE '50\%')", Record{.name = "50%"}));
  EXPECT_TRUE(is_false(R"(Name LIKE '50\%')", Record{.name = "500"}));
  EXPECT_TRUE(is_true(R"(Name LIKE 'a\_c')", Record{.name = "a_c"}));
  EXPECT_TRUE(is_false(R"(Name LIKE 'a\_c')", Record{.name = "abc"}));
  EXPECT_TRUE(is_true(R"(Name LIKE 'a\\b')", Record{.name = R"(a\b)"}));
  EXPECT_TRUE(is_false(R"(Name LIKE 'a\\b')", Record{.name = R"(a\\b)"}));
  EXPECT_TRUE(is_true(R"(Name LIKE '\a\b')", Record{.name = "ab"}));
}

TEST(ILikeTest, CaseInsensitive) {
  const Record r{.name = "Hawkeye"};
  EXPECT_TRUE(is_true("Name ILIKE 'h%'", r));
  EXPECT_TRUE(is_false("Name ILIKE 'i%'", r));
  EXPECT_TRUE(is_true("Name NOT ILIKE 'x%'", r));
  EXPECT_TRUE(is_false("Name NOT ILIKE 'HAWKEYE'", r));
}

// Simple lowercase mapping, as PostgreSQL under a UTF-8 ctype: no full case folding.
TEST(ILikeTest, NonAscii) {
  EXPECT_TRUE(is_true("Name ILIKE 'émile'", Record{.name = "ÉMILE"}));
  EXPECT_TRUE(is_true("Name ILIKE 'ÉMILE'", Record{.name = "émile"}));
  EXPECT_TRUE(is_false("Name ILIKE 'STRASSE'", Record{.name = "Straße"}));
  EXPECT_TRUE(is_false("Name ILIKE 'straße'", Record{.name = "STRASSE"}));
  EXPECT_TRUE(is_true("Name ILIKE '_MILE'", Record{.name = "émile"}));
  EXPECT_TRUE(is_true("Name ILIKE 'STRAẞE'", Record{.name = "straße"}));  // U+1E9E -> U+00DF
}

// '%text%' with an ASCII text is searched in the value as it is, ignoring
// ASCII case; with 'i' or 'k' (which U+0130 and U+212A lowercase to) the value
// is lowered first.
TEST(ILikeTest, Infix) {
  const Record r{.name = "Ada LOVELACE, Analyst"};
  EXPECT_TRUE(is_true("Name ILIKE '%lovelace,%'", r));
  EXPECT_TRUE(is_true("Name ILIKE '%Lovelace, ANALYST%'", r));
  EXPECT_TRUE(is_false("Name ILIKE '%lovelaces%'", r));
  EXPECT_TRUE(is_false("Name NOT ILIKE '%ada l%'", r));
  EXPECT_TRUE(is_true("Name NOT ILIKE '%ada  l%'", r));
  EXPECT_TRUE(is_true("Name ILIKE '%kelvin%'", Record{.name = "\u212Aelvin"}));
  EXPECT_TRUE(is_true("Name ILIKE '%ix%'", Record{.name = "\u0130X"}));
  EXPECT_TRUE(is_true("Name ILIKE '%ström%'", Record{.name = "ÅNGSTRÖM"}));
}

TEST(LikeOperatorFormTest, TildeTildeForms) {
  const Record r{.name = "Hawkeye"};
  EXPECT_TRUE(is_true("Name ~~ 'H%'", r));
  EXPECT_TRUE(is_false("Name ~~ 'h%'", r));
  EXPECT_TRUE(is_true("Name !~~ 'h%'", r));
  EXPECT_TRUE(is_false("Name !~~ 'H%'", r));
  EXPECT_TRUE(is_true("Name ~~* 'h%'", r));
  EXPECT_TRUE(is_false("Name ~~* 'x%'", r));
  EXPECT_TRUE(is_true("Name !~~* 'x%'", r));
  EXPECT_TRUE(is_false("Name !~~* 'HAWK%'", r));
}

TEST(LikeTest, MapEntry) {
  const Record r{.labels = {{"team", "core-api"}}};
  EXPECT_TRUE(is_true("Labels.team LIKE 'core%'", r));
  EXPECT_TRUE(is_false("Labels.team LIKE 'api%'", r));
}

TEST(RegexTest, UnanchoredSearch) {
  const Record r{.name = "alice"};
  EXPECT_TRUE(is_true("Name ~ 'lic'", r));
  EXPECT_TRUE(is_false("Name ~ 'LIC'", r));
  EXPECT_TRUE(is_true("Name !~ 'bob'", r));
  EXPECT_TRUE(is_false("Name !~ 'a'", r));
}

TEST(RegexTest, AnchorsAtTheEndsOfTheValue) {
  const Record r{.name = "alice"};
  EXPECT_TRUE(is_true("Name ~ '^al'", r));
  EXPECT_TRUE(is_false("Name ~ '^li'", r));
  EXPECT_TRUE(is_true("Name ~ 'ce$'", r));
  EXPECT_TRUE(is_false("Name ~ 'li$'", r));
  // Not line anchors: '$' does not match before a newline, '^' not after one.
  const Record lines{.name = "ab\ncd"};
  EXPECT_TRUE(is_false("Name ~ 'b$'", lines));
  EXPECT_TRUE(is_false("Name ~ '^c'", lines));
  EXPECT_TRUE(is_true("Name ~ '^ab.cd$'", lines));
}

TEST(RegexTest, DotMatchesNewline) {
  EXPECT_TRUE(is_true("Name ~ 'a.b'", Record{.name = "a\nb"}));
  EXPECT_TRUE(is_false("Name ~ 'a.b'", Record{.name = "a\n\nb"}));
}

TEST(RegexTest, CaseInsensitive) {
  EXPECT_TRUE(is_true("Name ~* 'LIC'", Record{.name = "alice"}));
  EXPECT_TRUE(is_false("Name ~* 'bob'", Record{.name = "alice"}));
  EXPECT_TRUE(is_true("Name !~* 'BOB'", Record{.name = "alice"}));
  EXPECT_TRUE(is_false("Name !~* 'ALICE'", Record{.name = "alice"}));
  EXPECT_TRUE(is_true("Name ~* '^émile$'", Record{.name = "ÉMILE"}));
}

TEST(RegexTest, EscapesAndQuotes) {
  EXPECT_TRUE(is_true(R"(Name ~ '^a\.b$')", Record{.name = "a.b"}));
  EXPECT_TRUE(is_false(R"(Name ~ '^a\.b$')", Record{.name = "axb"}));
  EXPECT_TRUE(is_true("Name ~ '^O''B'", Record{.name = "O'Brien"}));
  EXPECT_TRUE(is_true(R"(Name ~ '^\d{3}-\d{4}$')", Record{.name = "555-1234"}));
  EXPECT_TRUE(is_false(R"(Name ~ '^\d{3}-\d{4}$')", Record{.name = "555-123"}));
}

TEST(PatternTest, SelectsRecords) {
  const std::vector<Record> people = {{.name = "anna"}, {.name = "Bob"}, {.name = "ÅSA"}};
  EXPECT_EQ(matching("Name LIKE '%a'", people), (Names{"anna"}));
  EXPECT_EQ(matching("Name ILIKE '%a'", people), (Names{"anna", "ÅSA"}));
  EXPECT_EQ(matching("Name ~ '^[A-Z]'", people), (Names{"Bob"}));
  EXPECT_EQ(matching("Name ~* '^å'", people), (Names{"ÅSA"}));
}

}  // namespace
}  // namespace rollcall::test
