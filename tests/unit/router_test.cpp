// Router: literal and {placeholder} segments, 404 / 405 decisions, HEAD.
#include "router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace rollcall::server {
namespace {

Handler named(std::string name) {
  return [name = std::move(name)](const Request&, Response& res) { res.body = name; };
}

// The name of the handler `match` found, or "" when none.
std::string called(const Router::Match& match) {
  if (match.handler == nullptr) return "";
  Response res;
  (*match.handler)(Request{}, res);
  return res.body;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add("GET", "/organization", named("list orgs"));
    router_.add("POST", "/organization", named("create org"));
    router_.add("GET", "/organization/{org}", named("get org"));
    router_.add("GET", "/organization/{org}/organization_member/{id}", named("get member"));
    router_.add("DELETE", "/organization/{org}/organization_member/{id}", named("delete member"));
    router_.add("GET", "/me/memberships", named("my memberships"));
    router_.add("GET", "/me/{x}/details", named("details"));
    router_.add("POST", "/me/{x}", named("post me x"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoutes) {
  const auto match = router_.match("GET", "/organization");
  EXPECT_EQ(called(match), "list orgs");
  ASSERT_NE(match.pattern, nullptr);
  EXPECT_EQ(*match.pattern, "/organization");
  EXPECT_TRUE(match.params.empty());
  EXPECT_EQ(called(router_.match("POST", "/organization")), "create org");
}

TEST_F(RouterTest, CapturesPlaceholdersInOrder) {
  const auto match = router_.match("DELETE", "/organization/acme/organization_member/42");
  EXPECT_EQ(called(match), "delete member");
  EXPECT_EQ(*match.pattern, "/organization/{org}/organization_member/{id}");
  EXPECT_EQ(match.params, (std::vector<std::string>{"acme", "42"}));
}

TEST_F(RouterTest, PlaceholderMatchesExactlyOneNonEmptySegment) {
  EXPECT_EQ(router_.match("GET", "/organization//organization_member/42").pattern, nullptr);
  EXPECT_EQ(router_.match("GET", "/organization/a/b").pattern, nullptr);
  EXPECT_EQ(router_.match("GET", "/organization/a/organization_member/1/2").pattern, nullptr);
  EXPECT_EQ(called(router_.match("GET", "/organization/a%2Fb")), "get org");
}

TEST_F(RouterTest, TrailingSlashAndOddPathsAreUnknown) {
  for (const char* path : {"/organization/", "/organization//", "", "organization", "//",
                           "/Organization", "/organizations", "/"}) {
    const auto match = router_.match("GET", path);
    EXPECT_EQ(match.pattern, nullptr) << path;
    EXPECT_EQ(match.handler, nullptr) << path;
    EXPECT_TRUE(match.params.empty()) << path;
  }
}

TEST_F(RouterTest, LiteralSegmentsWinOverPlaceholders) {
  const auto literal = router_.match("GET", "/me/memberships");
  EXPECT_EQ(called(literal), "my memberships");
  EXPECT_TRUE(literal.params.empty());
  // The literal branch leads nowhere here: the placeholder one is tried next.
  const auto fallback = router_.match("GET", "/me/memberships/details");
  EXPECT_EQ(called(fallback), "details");
  EXPECT_EQ(fallback.params, (std::vector<std::string>{"memberships"}));
  // The literal path exists, so a method only the placeholder route has is a 405.
  const auto wrong_method = router_.match("POST", "/me/memberships");
  EXPECT_EQ(wrong_method.handler, nullptr);
  EXPECT_EQ(*wrong_method.pattern, "/me/memberships");
  EXPECT_EQ(called(router_.match("POST", "/me/other")), "post me x");
}

TEST_F(RouterTest, WrongMethodNamesTheAllowedOnes) {
  const auto match = router_.match("PUT", "/organization/acme/organization_member/42");
  EXPECT_EQ(match.handler, nullptr);
  ASSERT_NE(match.pattern, nullptr);
  EXPECT_EQ(*match.pattern, "/organization/{org}/organization_member/{id}");
  EXPECT_EQ(match.allow, "GET, HEAD, DELETE");
  EXPECT_EQ(router_.match("DELETE", "/organization").allow, "GET, HEAD, POST");
  EXPECT_EQ(router_.match("GET", "/organization").allow, "");
}

TEST_F(RouterTest, HeadIsServedByGetUnlessItHasItsOwnRoute) {
  EXPECT_EQ(called(router_.match("HEAD", "/organization/acme")), "get org");
  router_.add("HEAD", "/organization", named("head orgs"));
  EXPECT_EQ(called(router_.match("HEAD", "/organization")), "head orgs");
  EXPECT_EQ(router_.match("DELETE", "/organization").allow, "GET, HEAD, POST");
  EXPECT_EQ(router_.match("HEAD", "/me/other").allow, "POST");
}

TEST_F(RouterTest, MethodsAreCaseSensitive) {
  EXPECT_EQ(router_.match("get", "/organization").handler, nullptr);
}

TEST(RouterRootTest, RootPatternMatchesOnlySlash) {
  Router router;
  router.add("GET", "/", named("root"));
  EXPECT_EQ(called(router.match("GET", "/")), "root");
  EXPECT_EQ(router.match("GET", "//").pattern, nullptr);
  EXPECT_EQ(router.match("GET", "/x").pattern, nullptr);
}

TEST(RouterAddTest, RejectsMalformedPatternsAndDuplicates) {
  Router router;
  for (const char* pattern :
       {"", "x", "/a/", "//a", "/a//b", "/{}", "/{a", "/a}", "/{a}b", "/{a{b}}", "/x{y}"}) {
    EXPECT_THROW(router.add("GET", pattern, named("x")), std::invalid_argument) << pattern;
  }
  router.add("GET", "/a/{id}", named("x"));
  EXPECT_THROW(router.add("GET", "/a/{other}", named("y")), std::invalid_argument);
  EXPECT_NO_THROW(router.add("POST", "/a/{other}", named("y")));
  EXPECT_THROW(router.add("", "/b", named("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/b", Handler{}), std::invalid_argument);
}

TEST(RouterLongPathTest, HugePathsFailFast) {
  Router router;
  router.add("GET", "/a/{b}/c", named("x"));
  constexpr std::size_t k32KiB = 32768;
  std::string path;
  while (path.size() < k32KiB) path += "/a";
  EXPECT_EQ(router.match("GET", path).pattern, nullptr);
  EXPECT_EQ(called(router.match("GET", "/a/" + std::string(k32KiB, 'b') + "/c")), "x");
}

}  // namespace
}  // namespace rollcall::server
