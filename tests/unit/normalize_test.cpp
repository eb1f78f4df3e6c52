// Predicate::normalized(): canonical text that compiles back to itself and
// selects the same records as the original.
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::test {
namespace {

TEST(NormalizeTest, CanonicalText) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},
      {" \t", ""},
      {"Name = 'alice'", "Name = 'alice'"},
      {"Name<>'a'", "Name != 'a'"},
      {"  Age>=18  and  Active ", "Age >= 18 AND Active = true"},
      {"Active = TRUE", "Active = true"},
      {"ID = '7C61626F-DDBE-41AF-93F6-B69F4AB6D308'",
       "ID = '7c61626f-ddbe-41af-93f6-b69f4ab6d308'"},
      {"ID in ('{7c61626fddbe41af93f6b69f4ab6d308}')",
       "ID IN ('7c61626f-ddbe-41af-93f6-b69f4ab6d308')"},
      {"CreatedAt > '2025-02-18T23:16:34.5+02:00'", "CreatedAt > '2025-02-18T21:16:34.500Z'"},
      {"CreatedAt = '2025-02-18'", "CreatedAt = '2025-02-18T00:00:00Z'"},
      {"CreatedAt < '2025-02-18 01:02:03.0000016-01:30'",
       "CreatedAt < '2025-02-18T02:32:03.000002Z'"},
      {"Name ~~ 'a%'", "Name LIKE 'a%'"},
      {"Name !~~* 'a%'", "Name NOT ILIKE 'a%'"},
      {"Name not like 'x'", "Name NOT LIKE 'x'"},
      {"Name ~* 'x'", "Name ~* 'x'"},
      {"Name !~ 'x'", "Name !~ 'x'"},
      {"Age in (3,1,2)", "Age IN (3, 1, 2)"},
      {"Name = 'O''Brien'", "Name = 'O''Brien'"},
      {"((Age = 1))", "Age = 1"},
      {"(Age = 1 OR Age = 2) AND Active", "(Age = 1 OR Age = 2) AND Active = true"},
      {"Age = 1 OR (Age = 2 AND Active)", "Age = 1 OR Age = 2 AND Active = true"},
      {"(Age = 1 OR Age = 2) OR Age = 3", "Age = 1 OR Age = 2 OR Age = 3"},
      {"NOT (Age = 1 AND Active)", "NOT (Age = 1 AND Active = true)"},
      {"not not Active", "NOT NOT Active = true"},
      {"Active is not true", "(Active = true) IS NOT TRUE"},
      {"Labels.team is not null", "Labels.team IS NOT NULL"},
      {"len(Tags) > 0", "LEN(Tags) > 0"},
      {"Tags?'x'", "Tags ? 'x'"},
      {"UpdatedAt>CreatedAt", "UpdatedAt > CreatedAt"},
  };
  for (const auto& [where, canonical] : cases) {
    EXPECT_EQ(compiled(where).normalized(), canonical) << "`" << where << "`";
  }
}

const char* const kVaried[] = {
    "Name = 'it''s' OR Email LIKE '%@example.com'",
    "Age >= -9223372036854775808 AND Version < 9223372036854775807",
    "NOT Active IS FALSE",
    "NOT (Active IS FALSE)",
    "(NOT Active) IS NOT FALSE",
    "NOT (Age = 1 OR Age = 2) AND NOT NOT Active",
    "Name ILIKE 'ÉMILE%' OR Name ~* '^é' OR Name !~* 'x$'",
    "Labels.app.kubernetes.io/name = 'api' AND Labels ? 'team'",
    "Labels.team IS NULL OR Labels.team NOT IN ('a', 'b')",
    "RoleIDs ? '7C61626F-DDBE-41AF-93F6-B69F4AB6D308' AND LEN(RoleIDs) = 1",
    "ManagerID IS NULL OR ManagerID = ID",
    "CreatedAt IN ('2025-01-01', '2025-01-01T12:00:00.123456789+05:45')",
    "UpdatedAt > CreatedAt AND LEN(Tags) >= LEN(Labels)",
    R"(Name LIKE '50\%' OR Name ~ '\d+\.\d*')",
    "((Age = 1 OR Age = 2) AND (Age = 3 OR (Age = 4 AND Active))) IS TRUE",
};

TEST(NormalizeTest, NormalizedTextIsAFixedPoint) {
  for (const char* where : kVaried) {
    const std::string once = compiled(where).normalized();
    EXPECT_EQ(compiled(once).normalized(), once) << "`" << where << "`";
  }
}

TEST(NormalizeTest, NormalizedTextSelectsTheSameRecords) {
  const std::vector<Record> people = {
      {.name = "it's", .age = 1, .active = true, .labels = {{"team", "a"}}},
      {.name = "ÉMILE", .email = "e@example.com", .age = 2, .tags = {"x"}},
      {.name = "50%", .age = 4, .active = true, .manager_id = Uuid{}},
      {.name = "émile 3.5",
       .age = 3,
       .created_at = instant("2025-01-01"),
       .updated_at = instant("2025-01-02"),
       .labels = {{"app.kubernetes.io/name", "api"}, {"team", "c"}}},
  };
  for (const char* where : kVaried) {
    const std::string once = compiled(where).normalized();
    EXPECT_EQ(matching(once, people), matching(where, people)) << "`" << where << "`";
  }
}

// The text is made on first use; threads asking at once all get it whole.
TEST(NormalizeTest, FirstUseFromManyThreadsAtOnce) {
  for (const char* where : kVaried) {
    const auto predicate = compiled(where);
    const std::string expected = compiled(where).normalized();
    std::atomic<int> ready{0};
    std::vector<std::string> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < static_cast<int>(seen.size())) std::this_thread::yield();
        seen[i] = predicate.normalized();
      });
    }
    for (auto& thread : threads) thread.join();
    for (const std::string& text : seen) EXPECT_EQ(text, expected) << "`" << where << "`";
  }
}

}  // namespace
}  // namespace rollcall::test
