#include "like.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace rollcall::filter::detail {
namespace {

using Shape = LikePattern::Shape;

// `text LIKE pattern`; a rejected pattern fails the test.
bool Like(std::string_view text, std::string_view pattern) {
  const auto compiled = LikePattern::compile(pattern);
  EXPECT_TRUE(compiled.has_value()) << "pattern rejected: " << pattern;
  return compiled.has_value() && compiled->matches(text);
}

bool NotLike(std::string_view text, std::string_view pattern) { return !Like(text, pattern); }

// From PostgreSQL's strings.sql.
TEST(LikeTest, StringsSqlBasics) {
  EXPECT_TRUE(Like("hawkeye", "h%"));
  EXPECT_FALSE(NotLike("hawkeye", "h%"));

  EXPECT_FALSE(Like("hawkeye", "H%"));
  EXPECT_TRUE(NotLike("hawkeye", "H%"));

  EXPECT_FALSE(Like("hawkeye", "indio%"));
  EXPECT_TRUE(NotLike("hawkeye", "indio%"));

  EXPECT_TRUE(Like("hawkeye", "h%eye"));
  EXPECT_FALSE(NotLike("hawkeye", "h%eye"));

  EXPECT_TRUE(Like("indio", "_ndio"));
  EXPECT_FALSE(NotLike("indio", "_ndio"));

  EXPECT_TRUE(Like("indio", "in__o"));
  EXPECT_FALSE(NotLike("indio", "in__o"));

  EXPECT_FALSE(Like("indio", "in_o"));
  EXPECT_TRUE(NotLike("indio", "in_o"));

  EXPECT_TRUE(Like("abc", "_b_"));
  EXPECT_FALSE(NotLike("abc", "_b_"));

  EXPECT_FALSE(Like("abc", "_B_"));
  EXPECT_TRUE(NotLike("abc", "_B_"));
}

// strings.sql's "E061-05 like predicate with escape clause", with '\' as the escape.
TEST(LikeTest, StringsSqlEscapes) {
  EXPECT_TRUE(Like("h%", R"(h\%)"));
  EXPECT_FALSE(NotLike("h%", R"(h\%)"));

  EXPECT_FALSE(Like("h%wkeye", R"(h\%)"));
  EXPECT_TRUE(NotLike("h%wkeye", R"(h\%)"));

  EXPECT_TRUE(Like("h%wkeye", R"(h\%%)"));
  EXPECT_FALSE(NotLike("h%wkeye", R"(h\%%)"));

  EXPECT_TRUE(Like("h%awkeye", R"(h\%a%k%e)"));
  EXPECT_FALSE(NotLike("h%awkeye", R"(h\%a%k%e)"));

  EXPECT_TRUE(Like("indio", R"(_ndio)"));
  EXPECT_FALSE(NotLike("indio", R"(_ndio)"));

  EXPECT_TRUE(Like("i_dio", R"(i\_d_o)"));
  EXPECT_FALSE(NotLike("i_dio", R"(i\_d_o)"));

  EXPECT_FALSE(Like("i_dio", R"(i\_nd_o)"));
  EXPECT_TRUE(NotLike("i_dio", R"(i\_nd_o)"));

  EXPECT_TRUE(Like("i_dio", R"(i\_d%o)"));
  EXPECT_FALSE(NotLike("i_dio", R"(i\_d%o)"));

  EXPECT_FALSE(Like("indio", R"(i\_d%o)"));
  EXPECT_TRUE(NotLike("indio", R"(i\_d%o)"));
}

TEST(LikeTest, EscapedWildcardsAreLiterals) {
  EXPECT_TRUE(Like("50%", R"(50\%)"));
  EXPECT_FALSE(NotLike("50%", R"(50\%)"));

  EXPECT_FALSE(Like("500", R"(50\%)"));
  EXPECT_TRUE(NotLike("500", R"(50\%)"));

  EXPECT_FALSE(Like("50% off", R"(50\%)"));
  EXPECT_TRUE(NotLike("50% off", R"(50\%)"));

  EXPECT_TRUE(Like("x_y", R"(x\_y%)"));
  EXPECT_FALSE(NotLike("x_y", R"(x\_y%)"));

  EXPECT_TRUE(Like("x_yz", R"(x\_y%)"));
  EXPECT_FALSE(NotLike("x_yz", R"(x\_y%)"));

  EXPECT_FALSE(Like("xzyz", R"(x\_y%)"));
  EXPECT_TRUE(NotLike("xzyz", R"(x\_y%)"));

  EXPECT_TRUE(Like(R"(\)", R"(\\)"));
  EXPECT_FALSE(NotLike(R"(\)", R"(\\)"));

  EXPECT_FALSE(Like(R"(\\)", R"(\\)"));
  EXPECT_TRUE(NotLike(R"(\\)", R"(\\)"));

  EXPECT_TRUE(Like(R"(a\b)", R"(%\\%)"));
  EXPECT_FALSE(NotLike(R"(a\b)", R"(%\\%)"));

  EXPECT_FALSE(Like("ab", R"(%\\%)"));
  EXPECT_TRUE(NotLike("ab", R"(%\\%)"));

  EXPECT_TRUE(Like("%_", R"(%\%\_)"));
  EXPECT_FALSE(NotLike("%_", R"(%\%\_)"));

  EXPECT_FALSE(Like("%x", R"(%\%\_)"));
  EXPECT_TRUE(NotLike("%x", R"(%\%\_)"));
}

TEST(LikeTest, BackslashBeforeOrdinaryCharIsThatChar) {
  EXPECT_TRUE(Like("abc", R"(\a\b\c)"));
  EXPECT_FALSE(NotLike("abc", R"(\a\b\c)"));

  EXPECT_FALSE(Like(R"(\abc)", R"(\abc)"));
  EXPECT_TRUE(NotLike(R"(\abc)", R"(\abc)"));

  EXPECT_TRUE(Like("aöz", R"(a\öz)"));
  EXPECT_FALSE(NotLike("aöz", R"(a\öz)"));
}

TEST(LikeTest, LoneTrailingBackslashIsRejected) {
  EXPECT_FALSE(LikePattern::compile(R"(\)").has_value());
  EXPECT_FALSE(LikePattern::compile(R"(abc\)").has_value());
  EXPECT_FALSE(LikePattern::compile(R"(%\)").has_value());
  EXPECT_FALSE(LikePattern::compile(R"(a\\\)").has_value());
  EXPECT_TRUE(LikePattern::compile(R"(\\)").has_value());
  EXPECT_TRUE(LikePattern::compile(R"(a\\\\)").has_value());
}

// strings.sql's "test %_ combination".
TEST(LikeTest, StringsSqlPercentUnderscoreCombinations) {
  EXPECT_TRUE(Like("foo", "_%"));
  EXPECT_FALSE(NotLike("foo", "_%"));
  EXPECT_TRUE(Like("f", "_%"));
  EXPECT_FALSE(NotLike("f", "_%"));
  EXPECT_FALSE(Like("", "_%"));
  EXPECT_TRUE(NotLike("", "_%"));

  EXPECT_TRUE(Like("foo", "%_"));
  EXPECT_FALSE(NotLike("foo", "%_"));
  EXPECT_TRUE(Like("f", "%_"));
  EXPECT_FALSE(NotLike("f", "%_"));
  EXPECT_FALSE(Like("", "%_"));
  EXPECT_TRUE(NotLike("", "%_"));

  EXPECT_TRUE(Like("foo", "__%"));
  EXPECT_FALSE(NotLike("foo", "__%"));
  EXPECT_TRUE(Like("foo", "___%"));
  EXPECT_FALSE(NotLike("foo", "___%"));
  EXPECT_FALSE(Like("foo", "____%"));
  EXPECT_TRUE(NotLike("foo", "____%"));

  EXPECT_TRUE(Like("foo", "%__"));
  EXPECT_FALSE(NotLike("foo", "%__"));
  EXPECT_TRUE(Like("foo", "%___"));
  EXPECT_FALSE(NotLike("foo", "%___"));
  EXPECT_FALSE(Like("foo", "%____"));
  EXPECT_TRUE(NotLike("foo", "%____"));

  EXPECT_TRUE(Like("jack", "%____%"));
  EXPECT_FALSE(NotLike("jack", "%____%"));
  EXPECT_FALSE(Like("jac", "%____%"));
  EXPECT_TRUE(NotLike("jac", "%____%"));
}

TEST(LikeTest, ShapeAndLiteral) {
  struct Case {
    std::string_view pattern;
    Shape shape;
    std::string_view literal;
  };
  const Case cases[] = {
      {"abc", Shape::Exact, "abc"},
      {"", Shape::Exact, ""},
      {R"(a\%b\_c\\)", Shape::Exact, R"(a%b_c\)"},
      {"abc%", Shape::Prefix, "abc"},
      {"abc%%%", Shape::Prefix, "abc"},
      {R"(50\%%)", Shape::Prefix, "50%"},
      {"%", Shape::Prefix, ""},
      {"%%", Shape::Prefix, ""},
      {"%abc", Shape::Suffix, "abc"},
      {R"(%%\_x)", Shape::Suffix, "_x"},
      {"%abc%", Shape::Infix, "abc"},
      {"%%abc%%", Shape::Infix, "abc"},
      {"a%b", Shape::General, ""},
      {"%a%b%", Shape::General, ""},
      {"_", Shape::General, ""},
      {"%_%", Shape::General, ""},
      {"ab_", Shape::General, ""},
  };
  for (const Case& c : cases) {
    const auto compiled = LikePattern::compile(c.pattern);
    ASSERT_TRUE(compiled.has_value()) << c.pattern;
    EXPECT_EQ(compiled->shape(), c.shape) << c.pattern;
    EXPECT_EQ(compiled->literal(), c.literal) << c.pattern;
  }
}

TEST(LikeTest, ExactShape) {
  EXPECT_TRUE(Like("abc", "abc"));
  EXPECT_FALSE(NotLike("abc", "abc"));

  EXPECT_FALSE(Like("abcd", "abc"));
  EXPECT_TRUE(NotLike("abcd", "abc"));

  EXPECT_FALSE(Like("ab", "abc"));
  EXPECT_TRUE(NotLike("ab", "abc"));
}

TEST(LikeTest, PrefixShape) {
  EXPECT_TRUE(Like("abc", "abc%"));
  EXPECT_FALSE(NotLike("abc", "abc%"));

  EXPECT_TRUE(Like("abcdef", "abc%"));
  EXPECT_FALSE(NotLike("abcdef", "abc%"));

  EXPECT_FALSE(Like("xabc", "abc%"));
  EXPECT_TRUE(NotLike("xabc", "abc%"));

  EXPECT_TRUE(Like("anything", "%"));
  EXPECT_FALSE(NotLike("anything", "%"));

  EXPECT_TRUE(Like("anything", "%%"));
  EXPECT_FALSE(NotLike("anything", "%%"));
}

TEST(LikeTest, SuffixShape) {
  EXPECT_TRUE(Like("hawkeye", "%eye"));
  EXPECT_FALSE(NotLike("hawkeye", "%eye"));

  EXPECT_TRUE(Like("eye", "%eye"));
  EXPECT_FALSE(NotLike("eye", "%eye"));

  EXPECT_FALSE(Like("eyes", "%eye"));
  EXPECT_TRUE(NotLike("eyes", "%eye"));
}

TEST(LikeTest, InfixShape) {
  EXPECT_TRUE(Like("hawkeye", "%wke%"));
  EXPECT_FALSE(NotLike("hawkeye", "%wke%"));

  EXPECT_TRUE(Like("wke", "%wke%"));
  EXPECT_FALSE(NotLike("wke", "%wke%"));

  EXPECT_FALSE(Like("hawk eye", "%wke%"));
  EXPECT_TRUE(NotLike("hawk eye", "%wke%"));
}

TEST(LikeTest, GeneralShape) {
  EXPECT_TRUE(Like("hawkeye", "h%e"));
  EXPECT_FALSE(NotLike("hawkeye", "h%e"));

  EXPECT_FALSE(Like("hawkeyes", "h%e"));
  EXPECT_TRUE(NotLike("hawkeyes", "h%e"));

  EXPECT_TRUE(Like("abcabd", "%ab_%d"));
  EXPECT_FALSE(NotLike("abcabd", "%ab_%d"));

  EXPECT_TRUE(Like("abXcdYab", "ab%cd%ab"));
  EXPECT_FALSE(NotLike("abXcdYab", "ab%cd%ab"));

  EXPECT_FALSE(Like("abXcdY", "ab%cd%ab"));
  EXPECT_TRUE(NotLike("abXcdY", "ab%cd%ab"));
}

TEST(LikeTest, AnchoredSegmentsDoNotOverlap) {
  EXPECT_TRUE(Like("aa", "a%a"));
  EXPECT_FALSE(NotLike("aa", "a%a"));

  EXPECT_FALSE(Like("a", "a%a"));
  EXPECT_TRUE(NotLike("a", "a%a"));

  EXPECT_FALSE(Like("ab", "a%_b"));
  EXPECT_TRUE(NotLike("ab", "a%_b"));

  EXPECT_TRUE(Like("aöb", "a%_b"));
  EXPECT_FALSE(NotLike("aöb", "a%_b"));

  EXPECT_FALSE(Like("abab", "aba%bab"));
  EXPECT_TRUE(NotLike("abab", "aba%bab"));

  EXPECT_FALSE(Like("xyz", "%xy%yz"));
  EXPECT_TRUE(NotLike("xyz", "%xy%yz"));
}

TEST(LikeTest, UnderscoreMatchesOneCodePoint) {
  EXPECT_TRUE(Like("ö", "_"));
  EXPECT_FALSE(NotLike("ö", "_"));

  EXPECT_FALSE(Like("ö", "__"));
  EXPECT_TRUE(NotLike("ö", "__"));

  EXPECT_TRUE(Like("höhle", "h_hle"));
  EXPECT_FALSE(NotLike("höhle", "h_hle"));

  EXPECT_FALSE(Like("höhle", "h__hle"));
  EXPECT_TRUE(NotLike("höhle", "h__hle"));

  EXPECT_TRUE(Like("日本語", "___"));
  EXPECT_FALSE(NotLike("日本語", "___"));

  EXPECT_FALSE(Like("日本語", "__"));
  EXPECT_TRUE(NotLike("日本語", "__"));

  EXPECT_TRUE(Like("a😀b", "a_b"));
  EXPECT_FALSE(NotLike("a😀b", "a_b"));

  EXPECT_TRUE(Like("😀", "_"));
  EXPECT_FALSE(NotLike("😀", "_"));
}

TEST(LikeTest, UnderscoreAnchoredAtEndMatchesBackwards) {
  EXPECT_TRUE(Like("xöy", "%_y"));
  EXPECT_FALSE(NotLike("xöy", "%_y"));

  EXPECT_TRUE(Like("Straße", "%a_e"));
  EXPECT_FALSE(NotLike("Straße", "%a_e"));

  EXPECT_FALSE(Like("Strasse", "%a_e"));
  EXPECT_TRUE(NotLike("Strasse", "%a_e"));

  EXPECT_TRUE(Like("日本語", "%本_"));
  EXPECT_FALSE(NotLike("日本語", "%本_"));

  EXPECT_TRUE(Like("x😀ö", "%x__"));
  EXPECT_FALSE(NotLike("x😀ö", "%x__"));

  EXPECT_FALSE(Like("x😀ö", "%x___"));
  EXPECT_TRUE(NotLike("x😀ö", "%x___"));

  EXPECT_TRUE(Like("aöböc", "a%_b_c"));
  EXPECT_FALSE(NotLike("aöböc", "a%_b_c"));
}

TEST(LikeTest, UnderscoreInMiddleSegments) {
  EXPECT_TRUE(Like("xxaöbyy", "%a_b%"));
  EXPECT_FALSE(NotLike("xxaöbyy", "%a_b%"));

  EXPECT_FALSE(Like("xxaööbyy", "%a_b%"));
  EXPECT_TRUE(NotLike("xxaööbyy", "%a_b%"));

  EXPECT_TRUE(Like("aaab", "%_ab%"));
  EXPECT_FALSE(NotLike("aaab", "%_ab%"));

  EXPECT_FALSE(Like("ab", "%_ab%"));
  EXPECT_TRUE(NotLike("ab", "%_ab%"));

  EXPECT_TRUE(Like("日本語", "%__%"));
  EXPECT_FALSE(NotLike("日本語", "%__%"));

  EXPECT_FALSE(Like("日", "%__%"));
  EXPECT_TRUE(NotLike("日", "%__%"));
}

TEST(LikeTest, InvalidUtf8ByteIsOneCharacter) {
  EXPECT_TRUE(
      Like("a\xff"
           "b",
           "a_b"));
  EXPECT_FALSE(
      NotLike("a\xff"
              "b",
              "a_b"));

  EXPECT_TRUE(Like("\xc3", "_"));
  EXPECT_FALSE(NotLike("\xc3", "_"));

  EXPECT_TRUE(
      Like("\xe2\x82"
           "x",
           "%__x"));
  EXPECT_FALSE(
      NotLike("\xe2\x82"
              "x",
              "%__x"));
}

TEST(LikeTest, EmptyTextAndPattern) {
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(NotLike("", ""));

  EXPECT_FALSE(Like("a", ""));
  EXPECT_TRUE(NotLike("a", ""));

  EXPECT_TRUE(Like("", "%"));
  EXPECT_FALSE(NotLike("", "%"));

  EXPECT_TRUE(Like("", "%%"));
  EXPECT_FALSE(NotLike("", "%%"));

  EXPECT_FALSE(Like("", "_"));
  EXPECT_TRUE(NotLike("", "_"));

  EXPECT_FALSE(Like("", "a%"));
  EXPECT_TRUE(NotLike("", "a%"));

  EXPECT_FALSE(Like("", "%a"));
  EXPECT_TRUE(NotLike("", "%a"));

  EXPECT_FALSE(Like("", "%a%"));
  EXPECT_TRUE(NotLike("", "%a%"));
}

TEST(LikeTest, ManySegmentsOverLongText) {
  std::string text(5000, 'x');
  text += "a";
  text += std::string(5000, 'x');
  text += "b";
  text += std::string(5000, 'x');
  text += "c";

  EXPECT_TRUE(Like(text, "%a%b%c%"));
  EXPECT_FALSE(NotLike(text, "%a%b%c%"));

  EXPECT_TRUE(Like(text, "%a%b%c"));
  EXPECT_FALSE(NotLike(text, "%a%b%c"));

  EXPECT_FALSE(Like(text, "%c%b%a%"));
  EXPECT_TRUE(NotLike(text, "%c%b%a%"));

  EXPECT_FALSE(Like(text, "%a%b%c%d%"));
  EXPECT_TRUE(NotLike(text, "%a%b%c%d%"));

  EXPECT_TRUE(Like(text, "x%x_b%_c"));
  EXPECT_FALSE(NotLike(text, "x%x_b%_c"));
}

TEST(LikeTest, PathologicalPatternsStayLinear) {
  const std::string as(10000, 'a');

  EXPECT_FALSE(Like(as, "%a%a%a%a%a%a%a%a%b"));
  EXPECT_TRUE(NotLike(as, "%a%a%a%a%a%a%a%a%b"));

  EXPECT_TRUE(Like(as + "b", "%a%a%a%a%a%a%a%a%b"));
  EXPECT_FALSE(NotLike(as + "b", "%a%a%a%a%a%a%a%a%b"));

  EXPECT_FALSE(Like(as, "%a%a%a%a%a%a%a%a%b%"));
  EXPECT_TRUE(NotLike(as, "%a%a%a%a%a%a%a%a%b%"));

  EXPECT_FALSE(Like(as, "%a_a_a_a_b%"));
  EXPECT_TRUE(NotLike(as, "%a_a_a_a_b%"));

  EXPECT_FALSE(Like(as, "%_%_%_%_%_%_%_%_b"));
  EXPECT_TRUE(NotLike(as, "%_%_%_%_%_%_%_%_b"));

  EXPECT_FALSE(Like(as, "%aaaaaaaaaaaaaaaaaaaab%"));
  EXPECT_TRUE(NotLike(as, "%aaaaaaaaaaaaaaaaaaaab%"));
}

// PostgreSQL's like_match.c MatchText for UTF-8 (backslash escape, deterministic
// collation), kept recursive and unoptimised as a reference.
enum class Ref { kFalse, kTrue, kAbort };

void NextChar(std::string_view& s) {
  s.remove_prefix(1);
  while (!s.empty() && (static_cast<unsigned char>(s[0]) & 0xC0) == 0x80) s.remove_prefix(1);
}

Ref ReferenceMatch(std::string_view t, std::string_view p) {
  if (p == "%") return Ref::kTrue;
  while (!t.empty() && !p.empty()) {
    if (p[0] == '\\') {
      p.remove_prefix(1);
      if (p[0] != t[0]) return Ref::kFalse;
    } else if (p[0] == '%') {
      p.remove_prefix(1);
      while (!p.empty() && (p[0] == '%' || p[0] == '_')) {
        if (p[0] == '_') {
          if (t.empty()) return Ref::kAbort;
          NextChar(t);
        }
        p.remove_prefix(1);
      }
      if (p.empty()) return Ref::kTrue;
      const char first = p[0] == '\\' ? p[1] : p[0];
      while (!t.empty()) {
        if (t[0] == first) {
          const Ref matched = ReferenceMatch(t, p);
          if (matched != Ref::kFalse) return matched;
        }
        NextChar(t);
      }
      return Ref::kAbort;
    } else if (p[0] == '_') {
      NextChar(t);
      p.remove_prefix(1);
      continue;
    } else if (p[0] != t[0]) {
      return Ref::kFalse;
    }
    t.remove_prefix(1);
    p.remove_prefix(1);
  }
  if (!t.empty()) return Ref::kFalse;
  while (!p.empty() && p[0] == '%') p.remove_prefix(1);
  return p.empty() ? Ref::kTrue : Ref::kAbort;
}

TEST(LikeTest, AgreesWithPostgresMatchTextOnRandomInputs) {
  static constexpr std::string_view kTextTokens[] = {"a", "b", "ö", "😀", "%", "_", "\\"};
  static constexpr std::string_view kPatternTokens[] = {"a", "b",   "ö",   "😀",   "%",    "%",  "_",
                                                        "_", "\\%", "\\_", "\\a", "\\\\", "\\ö"};
  std::mt19937 random(20240229);
  const auto build = [&random](const auto& tokens, int max_tokens) {
    std::string out;
    const int count = std::uniform_int_distribution<int>(0, max_tokens)(random);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(tokens) - 1);
    for (int i = 0; i < count; ++i) out += tokens[pick(random)];
    return out;
  };
  for (int i = 0; i < 50000; ++i) {
    const std::string text = build(kTextTokens, 9);
    const std::string pattern = build(kPatternTokens, 7);
    const bool expected = ReferenceMatch(text, pattern) == Ref::kTrue;
    EXPECT_EQ(Like(text, pattern), expected) << "'" << text << "' LIKE '" << pattern << "'";
    EXPECT_EQ(NotLike(text, pattern), !expected) << "'" << text << "' NOT LIKE '" << pattern << "'";
  }
}

}  // namespace
}  // namespace rollcall::filter::detail
