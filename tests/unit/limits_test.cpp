// Every Limits field at its edge: at the limit compiles, one past fails with
// kLimitExceeded and a message naming the limit. Custom limits move the edge.
#include <string>

#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// `Name = '...'` of exactly `bytes` bytes.
std::string expression_of(std::size_t bytes) {
  return "Name = '" + std::string(bytes - 9, 'x') + "'";
}

// `n` terms joined by OR.
std::string terms(std::size_t n) { return "Age = 1" + repeat(" OR Age = 1", n - 1); }

// `Active` inside `n` parentheses.
std::string parens(std::size_t n) { return repeat("(", n) + "Active" + repeat(")", n); }

// `Age IN (...)` with `n` values.
std::string in_list(std::size_t n) { return "Age IN (0" + repeat(", 1", n - 1) + ")"; }

// Fails with kLimitExceeded at `column` and a message mentioning `words`.
::testing::AssertionResult exceeds(const std::string& where, std::uint32_t column,
                                   std::initializer_list<std::string_view> words,
                                   const Limits& limits = {}) {
  auto result = fails_with(where, ErrorCode::kLimitExceeded, column, limits);
  if (!result) return result;
  const std::string message = compile_error(where, limits).message();
  for (std::string_view word : words) {
    if (message.find(word) == std::string::npos) {
      return ::testing::AssertionFailure() << "'" << message << "' does not name '" << word << "'";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(LimitsTest, ExpressionBytes) {
  EXPECT_TRUE(compiles(expression_of(8192)));
  EXPECT_TRUE(exceeds(expression_of(8193), 1, {"8193 bytes", "limit of 8192"}));
  const Limits small{.max_expression_bytes = 20};
  EXPECT_TRUE(compiles(expression_of(20), small));
  EXPECT_TRUE(exceeds(expression_of(21), 1, {"limit of 20"}, small));
}

TEST(LimitsTest, Terms) {
  EXPECT_TRUE(compiles(terms(100)));
  // The 101st term starts after 100 terms of 11 characters ("Age = 1 OR ").
  EXPECT_TRUE(exceeds(terms(101), 1101, {"terms", "limit of 100"}));
  const Limits small{.max_terms = 2};
  EXPECT_TRUE(compiles("Age = 1 AND NOT (Active)", small));
  EXPECT_TRUE(exceeds("Age = 1 AND Age = 2 OR Active", 24, {"limit of 2"}, small));
}

TEST(LimitsTest, DepthCountsParentheses) {
  EXPECT_TRUE(compiles(parens(32)));
  EXPECT_TRUE(exceeds(parens(33), 33, {"nesting", "limit of 32"}));
}

TEST(LimitsTest, DepthCountsNots) {
  EXPECT_TRUE(compiles(repeat("NOT ", 32) + "Active"));
  EXPECT_TRUE(exceeds(repeat("NOT ", 33) + "Active", 129, {"nesting", "limit of 32"}));
}

TEST(LimitsTest, DepthCountsParenthesesAndNotsTogether) {
  const std::string sixteen = repeat("NOT (", 16) + "Active" + repeat(")", 16);
  EXPECT_TRUE(compiles(sixteen));
  EXPECT_TRUE(exceeds("NOT " + sixteen, 84, {"nesting"}));
  EXPECT_TRUE(exceeds("(" + sixteen + ")", 81, {"nesting"}));
}

TEST(LimitsTest, DepthIsConfigurable) {
  const Limits small{.max_depth = 2};
  EXPECT_TRUE(compiles("Active", Limits{.max_depth = 0}));
  EXPECT_TRUE(compiles("NOT (Active) AND (Age = 1)", small));
  EXPECT_TRUE(exceeds("NOT (NOT Active)", 6, {"limit of 2"}, small));
}

TEST(LimitsTest, DepthIsClampedToTheCeiling) {
  const Limits huge{.max_expression_bytes = 1 << 20, .max_depth = 1'000'000};
  EXPECT_TRUE(compiles(parens(Limits::kMaxDepthCeiling), huge));
  EXPECT_TRUE(exceeds(parens(Limits::kMaxDepthCeiling + 1), 257, {"limit of 256"}, huge));
}

// Far past every limit; must fail cleanly rather than exhaust the stack.
TEST(LimitsTest, HundredThousandParenthesesFailCleanly) {
  const std::string deep = repeat("(", 100'000) + "Active" + repeat(")", 100'000);
  EXPECT_TRUE(exceeds(deep, 1, {"bytes"}));
  const Limits huge{.max_expression_bytes = 1 << 20, .max_depth = 1'000'000};
  EXPECT_TRUE(exceeds(deep, 257, {"nesting"}, huge));
  EXPECT_TRUE(exceeds(repeat("NOT ", 100'000) + "Active", 1025, {"nesting"}, huge));
}

// With the term limit raised, long AND/OR chains must not recurse once per term
// (20000 terms overflowed the stack while chains were nested binary nodes).
TEST(LimitsTest, LongChainsWithRaisedTermLimit) {
  const Limits huge{.max_expression_bytes = 1 << 22, .max_terms = 1 << 20};
  for (const char* junction : {" OR ", " AND "}) {
    const std::string where = "Age = 1" + repeat(std::string(junction) + "Age = 1", 19'999);
    const auto predicate = filter::compile_where(where, schema(), huge);
    ASSERT_TRUE(predicate) << junction;
    EXPECT_TRUE(predicate->matches(Record{.age = 1})) << junction;
    EXPECT_FALSE(predicate->matches(Record{.age = 2})) << junction;
  }
}

TEST(LimitsTest, InValues) {
  EXPECT_TRUE(compiles(in_list(1000)));
  EXPECT_TRUE(exceeds(in_list(1001), 5, {"1001 values", "limit of 1000"}));
  const Limits small{.max_in_values = 2};
  EXPECT_TRUE(compiles(in_list(2), small));
  EXPECT_TRUE(exceeds(in_list(3), 5, {"limit of 2"}, small));
}

// Pattern bytes are counted after unquoting: '' is one byte.
TEST(LimitsTest, PatternBytes) {
  for (const char* op : {"LIKE", "NOT ILIKE", "~", "!~*"}) {
    const std::string head = std::string("Name ") + op + " '";
    EXPECT_TRUE(compiles(head + std::string(1024, 'a') + "'")) << op;
    EXPECT_TRUE(compiles(head + repeat("''", 1024) + "'")) << op;
    EXPECT_TRUE(exceeds(head + std::string(1025, 'a') + "'",
                        static_cast<std::uint32_t>(head.size()), {"1025 bytes", "limit of 1024"}));
    EXPECT_TRUE(exceeds(head + repeat("''", 1025) + "'", static_cast<std::uint32_t>(head.size()),
                        {"limit of 1024"}));
  }
  const Limits small{.max_pattern_bytes = 3};
  EXPECT_TRUE(compiles("Name LIKE 'a%c'", small));
  EXPECT_TRUE(exceeds("Name LIKE 'a%cd'", 11, {"limit of 3"}, small));
}

TEST(LimitsTest, RegexRepeat) {
  EXPECT_TRUE(compiles("Name ~ 'a{255}'"));
  EXPECT_TRUE(compiles("Name ~ 'a{1,255}'"));
  EXPECT_TRUE(exceeds("Name ~ 'a{256}'", 8, {"limit of 255"}));
  EXPECT_TRUE(exceeds("Name ~ 'a{1,256}'", 8, {"limit of 255"}));
  EXPECT_TRUE(exceeds("Name ~* 'x|[{]b{256,}'", 9, {"limit of 255"}));
  // Escaped or bracketed braces are not repetitions.
  EXPECT_TRUE(compiles(R"(Name ~ 'a\{256}')"));
  EXPECT_TRUE(compiles("Name ~ '[{]256}'"));
  const Limits small{.max_regex_repeat = 3};
  EXPECT_TRUE(compiles("Name ~ 'a{3}'", small));
  EXPECT_TRUE(exceeds("Name ~ 'a{4}'", 8, {"limit of 3"}, small));
}

TEST(LimitsTest, RegexMemory) {
  EXPECT_TRUE(compiles(R"(Name ~ '\pL{50}')"));
  EXPECT_TRUE(exceeds(R"(Name ~ '\pL{100}')", 8, {"limit of 1048576 bytes"}));
  const Limits large{.max_regex_memory_bytes = 8 << 20};
  EXPECT_TRUE(compiles(R"(Name ~ '\pL{100}')", large));
  const Limits small{.max_regex_memory_bytes = 1 << 16};
  EXPECT_TRUE(exceeds(R"(Name ~ '\pL{10}')", 8, {"limit of 65536 bytes"}, small));
}

}  // namespace
}  // namespace rollcall::test
