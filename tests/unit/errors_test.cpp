// Every compile error the language defines: its code, 1-based column (in
// characters), offending text and, where one helps, a hint.
#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

constexpr const char* kUuid = "7c61626f-ddbe-41af-93f6-b69f4ab6d308";

TEST(UnknownAttributeTest, SuggestsTheClosestName) {
  EXPECT_TRUE(fails_with("Rol = 'admin'", ErrorCode::kUnknownAttribute, 1));
  const auto error = compile_error("Rol = 'admin'");
  EXPECT_EQ(error.text, "Rol");
  EXPECT_EQ(error.hint, "did you mean 'Role'?");
  EXPECT_TRUE(has_substr(error.message(), "unknown attribute 'Rol'"));
  EXPECT_TRUE(has_substr(error.message(), "at column 1; did you mean 'Role'?"));
}

TEST(UnknownAttributeTest, InsideTheExpressionAndWithoutHint) {
  EXPECT_TRUE(fails_with("Age = 1 AND Emai = 'x'", ErrorCode::kUnknownAttribute, 13));
  EXPECT_EQ(compile_error("Age = 1 AND Emai = 'x'").hint, "did you mean 'Email'?");
  EXPECT_TRUE(fails_with("Zzzzzzzz = 1", ErrorCode::kUnknownAttribute, 1));
  EXPECT_EQ(compile_error("Zzzzzzzz = 1").hint, "");
  EXPECT_TRUE(fails_with("LEN(Tagz) = 1", ErrorCode::kUnknownAttribute, 5));
  EXPECT_TRUE(fails_with("Name = Nmae", ErrorCode::kUnknownAttribute, 8));
  EXPECT_EQ(compile_error("Name = Nmae").hint, "did you mean 'Name'?");  // swapped letters
  EXPECT_EQ(compile_error("Emial = 'x'").hint, "did you mean 'Email'?");
  EXPECT_TRUE(fails_with("Label.team = 'x'", ErrorCode::kUnknownAttribute, 1));
}

// The column counts characters, not bytes: 'é' is two bytes, one column.
TEST(ErrorColumnTest, CountsCharacters) {
  EXPECT_TRUE(fails_with("Name = 'é' AND Rol = 'x'", ErrorCode::kUnknownAttribute, 16));
  EXPECT_TRUE(fails_with("Name = '😀€' OR Age = 'x'", ErrorCode::kTypeMismatch, 22));
}

TEST(OperatorNotAllowedTest, HintListsAllowedOperators) {
  const std::string where = std::string("ID < '") + kUuid + "'";
  EXPECT_TRUE(fails_with(where, ErrorCode::kOperatorNotAllowed, 4));
  const auto error = compile_error(where);
  EXPECT_EQ(error.text, "<");
  EXPECT_TRUE(has_substr(error.hint, "= != <> IN NOT IN"));
}

TEST(OperatorNotAllowedTest, PerType) {
  EXPECT_TRUE(fails_with("Active > false", ErrorCode::kOperatorNotAllowed, 8));
  EXPECT_TRUE(fails_with("Active IN (true)", ErrorCode::kOperatorNotAllowed, 8));
  EXPECT_TRUE(fails_with("Active NOT IN (true)", ErrorCode::kOperatorNotAllowed, 8));
  EXPECT_TRUE(fails_with("Age LIKE '1%'", ErrorCode::kOperatorNotAllowed, 5));
  EXPECT_TRUE(fails_with("CreatedAt ~ '2025'", ErrorCode::kOperatorNotAllowed, 11));
  EXPECT_TRUE(fails_with("Tags = 'a'", ErrorCode::kOperatorNotAllowed, 6));
  EXPECT_TRUE(fails_with("Labels IN ('a')", ErrorCode::kOperatorNotAllowed, 8));
  EXPECT_TRUE(fails_with("Name ? 'a'", ErrorCode::kOperatorNotAllowed, 6));
  EXPECT_TRUE(has_substr(compile_error("Tags = 'a'").hint, "?"));
  EXPECT_TRUE(has_substr(compile_error("Active > false").hint, "= != <>"));
}

TEST(OperatorNotAllowedTest, HasOnMapEntry) {
  EXPECT_TRUE(fails_with("Labels.team ? 'x'", ErrorCode::kOperatorNotAllowed, 13));
  EXPECT_TRUE(fails_with("LEN(Tags) ? 1", ErrorCode::kOperatorNotAllowed, 11));
}

TEST(TypeMismatchTest, WrongLiteralType) {
  EXPECT_TRUE(fails_with("Age = '5'", ErrorCode::kTypeMismatch, 7));
  const auto error = compile_error("Age = '5'");
  EXPECT_EQ(error.text, "'5'");
  EXPECT_EQ(error.hint, "integers are written without quotes");
  EXPECT_TRUE(fails_with("Name = 5", ErrorCode::kTypeMismatch, 8));
  EXPECT_TRUE(fails_with("Active = 'true'", ErrorCode::kTypeMismatch, 10));
  EXPECT_TRUE(fails_with("ID = 5", ErrorCode::kTypeMismatch, 6));
  EXPECT_TRUE(fails_with("CreatedAt > 2025", ErrorCode::kTypeMismatch, 13));
  EXPECT_TRUE(fails_with("Age IN (1, 'two')", ErrorCode::kTypeMismatch, 12));
  EXPECT_TRUE(fails_with("Tags ? 5", ErrorCode::kTypeMismatch, 8));
  EXPECT_TRUE(fails_with("Name LIKE 5", ErrorCode::kSyntax, 11));
}

TEST(TypeMismatchTest, AttributesOfDifferentTypes) {
  EXPECT_TRUE(fails_with("Age = Name", ErrorCode::kTypeMismatch, 7));
  EXPECT_EQ(compile_error("Age = Name").text, "Name");
  EXPECT_TRUE(fails_with("ID = ManagerID AND CreatedAt = Age", ErrorCode::kTypeMismatch, 32));
}

TEST(TypeMismatchTest, LenOfAScalarAndKeyOfANonMap) {
  EXPECT_TRUE(fails_with("LEN(Name) = 1", ErrorCode::kTypeMismatch, 1));
  EXPECT_TRUE(fails_with("Age = 1 OR LEN(Age) = 1", ErrorCode::kTypeMismatch, 12));
  EXPECT_TRUE(fails_with("Tags.x = 'a'", ErrorCode::kTypeMismatch, 1));
}

TEST(InvalidLiteralTest, MalformedUuidAndTime) {
  EXPECT_TRUE(fails_with("ID = '7c61626f'", ErrorCode::kInvalidLiteral, 6));
  EXPECT_EQ(compile_error("ID = '7c61626f'").text, "'7c61626f'");
  EXPECT_TRUE(fails_with("RoleIDs ? 'x'", ErrorCode::kInvalidLiteral, 11));
  EXPECT_TRUE(
      fails_with(std::string("ID IN ('") + kUuid + "', 'nope')", ErrorCode::kInvalidLiteral, 48));
  EXPECT_TRUE(fails_with("CreatedAt = '2025-02-30'", ErrorCode::kInvalidLiteral, 13));
  EXPECT_TRUE(fails_with("CreatedAt < 'yesterday'", ErrorCode::kInvalidLiteral, 13));
  EXPECT_TRUE(fails_with("CreatedAt < '2025-02-18T25:00:00'", ErrorCode::kInvalidLiteral, 13));
  EXPECT_TRUE(
      fails_with("CreatedAt < '2025-02-18T10:00:00.1234567891'", ErrorCode::kInvalidLiteral, 13));
}

TEST(InvalidLiteralTest, IntegerOverflow) {
  EXPECT_TRUE(fails_with("Age = 9223372036854775808", ErrorCode::kInvalidLiteral, 7));
  EXPECT_EQ(compile_error("Age = 9223372036854775808").text, "9223372036854775808");
  EXPECT_TRUE(fails_with("Age > -9223372036854775809", ErrorCode::kInvalidLiteral, 7));
  EXPECT_TRUE(fails_with("Age IN (1, 99999999999999999999)", ErrorCode::kInvalidLiteral, 12));
}

TEST(InvalidPatternTest, BadRegex) {
  EXPECT_TRUE(fails_with("Name ~ '('", ErrorCode::kInvalidPattern, 8));
  EXPECT_EQ(compile_error("Name ~ '('").text, "'('");
  EXPECT_TRUE(fails_with("Age = 1 AND Name !~* 'a[b'", ErrorCode::kInvalidPattern, 22));
  EXPECT_TRUE(fails_with("Name ~ '(a)\\1'", ErrorCode::kInvalidPattern, 8));  // backreference
  EXPECT_TRUE(fails_with("Name ~ 'a(?=b)'", ErrorCode::kInvalidPattern, 8));  // lookahead
}

TEST(InvalidPatternTest, LikeEndingInLoneBackslash) {
  EXPECT_TRUE(fails_with(R"(Name LIKE 'abc\')", ErrorCode::kInvalidPattern, 11));
  EXPECT_TRUE(fails_with(R"(Name NOT ILIKE '\\\')", ErrorCode::kInvalidPattern, 16));
  EXPECT_TRUE(fails_with(R"(Name ~~ '\')", ErrorCode::kInvalidPattern, 9));
  EXPECT_TRUE(compiled(R"(Name LIKE 'abc\\')").matches(Record{.name = R"(abc\)"}));
}

TEST(SyntaxErrorTest, LiteralOnTheLeft) {
  EXPECT_TRUE(fails_with("5 < Age", ErrorCode::kSyntax, 1));
  EXPECT_TRUE(has_substr(compile_error("5 < Age").hint, "attribute first"));
  EXPECT_TRUE(fails_with("Active AND 'x' = Name", ErrorCode::kSyntax, 12));
}

// Only a bool attribute is a condition on its own.
TEST(SyntaxErrorTest, BareNonBoolAttribute) {
  EXPECT_TRUE(fails_with("Name", ErrorCode::kSyntax, 1));
  EXPECT_TRUE(fails_with("Active AND Age", ErrorCode::kSyntax, 12));
  EXPECT_TRUE(has_substr(compile_error("Age").hint, "= != <>"));
}

TEST(SyntaxErrorTest, EmptyInList) {
  EXPECT_TRUE(fails_with("Age IN ()", ErrorCode::kSyntax, 9));
  EXPECT_TRUE(fails_with("Age NOT IN ( )", ErrorCode::kSyntax, 14));
  EXPECT_TRUE(fails_with("Age IN (1,)", ErrorCode::kSyntax, 11));
}

TEST(SyntaxErrorTest, UnterminatedString) {
  EXPECT_TRUE(fails_with("Name = 'abc", ErrorCode::kSyntax, 8));
  const auto error = compile_error("Name = 'abc");
  EXPECT_EQ(error.text, "'abc");
  EXPECT_TRUE(has_substr(error.what, "unterminated string"));
  EXPECT_TRUE(fails_with("Name = 'it''s", ErrorCode::kSyntax, 8));
}

TEST(SyntaxErrorTest, ControlCharacterInString) {
  EXPECT_TRUE(fails_with("Name = 'a\x01z'", ErrorCode::kSyntax, 10));
  EXPECT_TRUE(has_substr(compile_error("Name = 'a\x01z'").what, "control character U+0001"));
  EXPECT_TRUE(fails_with("Name = 'é\nz'", ErrorCode::kSyntax, 10));
  EXPECT_TRUE(has_substr(compile_error("Name = 'a\x7Fz'").what, "control character U+007F"));
}

TEST(SyntaxErrorTest, InvalidUtf8) {
  EXPECT_TRUE(fails_with("Name = 'a\xFFz'", ErrorCode::kSyntax, 10));
  EXPECT_TRUE(has_substr(compile_error("Name = 'a\xFFz'").what, "invalid UTF-8"));
  EXPECT_TRUE(fails_with("Name = 'é\xC3'", ErrorCode::kSyntax, 10));        // truncated
  EXPECT_TRUE(fails_with("Name = '\xC0\xAF'", ErrorCode::kSyntax, 9));      // overlong
  EXPECT_TRUE(fails_with("Name = '\xED\xA0\x80'", ErrorCode::kSyntax, 9));  // surrogate
  EXPECT_TRUE(fails_with("Name = 'a' AND \xFF", ErrorCode::kSyntax, 16));
}

TEST(SyntaxErrorTest, MissingCloseParenthesis) {
  EXPECT_TRUE(fails_with("(Active", ErrorCode::kSyntax, 8));
  EXPECT_TRUE(fails_with("(Age = 1 OR (Active)", ErrorCode::kSyntax, 21));
  EXPECT_TRUE(fails_with("()", ErrorCode::kSyntax, 2));
  EXPECT_TRUE(fails_with("LEN(Tags = 1", ErrorCode::kSyntax, 10));
}

TEST(SyntaxErrorTest, DanglingOperators) {
  EXPECT_TRUE(fails_with("Active AND", ErrorCode::kSyntax, 11));
  EXPECT_TRUE(fails_with("Active OR ", ErrorCode::kSyntax, 11));
  EXPECT_TRUE(fails_with("NOT", ErrorCode::kSyntax, 4));
  EXPECT_TRUE(fails_with("Active AND NOT", ErrorCode::kSyntax, 15));
  EXPECT_EQ(compile_error("AND Active").code, ErrorCode::kSyntax);
  EXPECT_TRUE(fails_with("Age =", ErrorCode::kSyntax, 6));
  EXPECT_TRUE(fails_with("Age NOT 5", ErrorCode::kSyntax, 9));
}

TEST(SyntaxErrorTest, GarbageAfterTheExpression) {
  EXPECT_TRUE(fails_with("Active garbage", ErrorCode::kSyntax, 8));
  EXPECT_EQ(compile_error("Active garbage").text, "garbage");
  EXPECT_TRUE(fails_with("Age = 5 5", ErrorCode::kSyntax, 9));
  EXPECT_TRUE(fails_with("Age = 5)", ErrorCode::kSyntax, 8));
  EXPECT_TRUE(fails_with("Age == 5", ErrorCode::kSyntax, 6));
  EXPECT_TRUE(fails_with("Age = 5ANDActive", ErrorCode::kSyntax, 7));
}

// A failed compile leaves no predicate behind and disturbs nothing compiled before.
TEST(ErrorTest, BadExpressionChangesNothing) {
  const std::vector<Record> people = {{.name = "a", .age = 1}, {.name = "b", .age = 2}};
  const auto before = compiled("Age = 2");
  const std::string normalized = before.normalized();
  EXPECT_FALSE(filter::compile_where("Age = 2 AND", schema()));
  EXPECT_FALSE(filter::compile_where("Rol = 'x'", schema()));
  EXPECT_EQ(before.normalized(), normalized);
  EXPECT_TRUE(before.matches(people[1]));
  EXPECT_FALSE(before.matches(people[0]));
  EXPECT_EQ(matching("Age = 2", people), (Names{"b"}));
  EXPECT_EQ(schema().attributes().size(), 13u);
}

}  // namespace
}  // namespace rollcall::test
