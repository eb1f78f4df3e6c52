// GET /where/explain's expression tree: server/src/explain.cpp.
#include "explain.hpp"

#include <gtest/gtest.h>

#include "rollcall/index/schemas.hpp"

namespace rollcall::server {
namespace {

std::string tree(std::string_view where, const filter::Schema& schema) {
  auto compiled = filter::compile_where(where, schema);
  EXPECT_TRUE(compiled.ok()) << where;
  return compiled ? expression_json(*compiled) : std::string();
}

const filter::Schema& members() { return index::organization_member_schema(); }

TEST(ExplainTest, EmptyIsTrue) { EXPECT_EQ(tree("  ", members()), R"({"Kind":"True"})"); }

TEST(ExplainTest, CompareNamesAttributeAndLiteral) {
  EXPECT_EQ(tree("Version >= 3", members()),
            R"({"Kind":"Compare","Left":{"Attribute":"Version","Type":"int","Column":1},)"
            R"("Op":">=","Right":{"Literal":3,"Type":"int","Column":12},"Column":1})");
}

TEST(ExplainTest, ConnectivesNest) {
  EXPECT_EQ(tree("NOT (Labels.team IS NULL) OR RoleIDs ? '7c61626f-ddbe-41af-93f6-b69f4ab6d308'",
                 members()),
            R"({"Kind":"Or","Children":[{"Kind":"Not","Child":{"Kind":"IsNull",)"
            R"("Left":{"Attribute":"Labels","Key":"team","Type":"string","Column":6},)"
            R"("Column":6},"Column":1},{"Kind":"Has","Left":{"Attribute":"RoleIDs",)"
            R"("Type":"uuid array","Column":30},"Right":{"Literal":)"
            R"("7c61626f-ddbe-41af-93f6-b69f4ab6d308","Type":"uuid"},"Column":30}],"Column":1})");
}

TEST(ExplainTest, FlagsAndValues) {
  const std::string in = tree("Role NOT IN ('A', 'B')", members());
  EXPECT_NE(in.find(R"("Kind":"In","Negated":true)"), std::string::npos) << in;
  EXPECT_NE(in.find(R"("Values":["A","B"])"), std::string::npos) << in;
  const std::string regex = tree("Email !~* '^a'", members());
  EXPECT_NE(regex.find(R"("Kind":"Regex","Negated":true,"CaseInsensitive":true)"),
            std::string::npos)
      << regex;
  const std::string truth = tree("(Admin) IS NOT FALSE", index::space_member_schema());
  EXPECT_NE(truth.find(R"("Kind":"TruthTest","Negated":true,"Truth":false,"Child")"),
            std::string::npos)
      << truth;
  const std::string length = tree("LEN(Labels) = 0", members());
  EXPECT_NE(length.find(R"("Left":{"Length":"Labels","Type":"int")"), std::string::npos) << length;
}

TEST(ExplainTest, ContainsText) {
  const auto predicate = filter::compile_contains("MÜLLER", members());
  EXPECT_NE(expression_json(predicate).find(R"("Kind":"Contains","Text":"müller")"),
            std::string::npos)
      << expression_json(predicate);
}

}  // namespace
}  // namespace rollcall::server
