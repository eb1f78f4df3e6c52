// PEGTL's static analysis of the grammar: no rule can loop without consuming
// input and no left recursion.
#include <tao/pegtl/contrib/analyze.hpp>

#include <gtest/gtest.h>

#include "rollcall/grammar/where_grammar.hpp"

namespace rollcall::grammar {
namespace {

TEST(GrammarTest, AnalyzeFindsNoProblems) { EXPECT_EQ(tao::pegtl::analyze<where>(), 0u); }

// analyze() must be able to fail: a rule that repeats an empty match is a problem.
struct empty_loop : tao::pegtl::star<tao::pegtl::opt<tao::pegtl::one<'x'>>> {};

TEST(GrammarTest, AnalyzeDetectsAnEmptyLoop) { EXPECT_GT(tao::pegtl::analyze<empty_loop>(-1), 0u); }

}  // namespace
}  // namespace rollcall::grammar
