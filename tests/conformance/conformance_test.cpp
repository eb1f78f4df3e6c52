// Runs every case in queries.txt / expected.jsonl (answers computed by
// PostgreSQL 15) against members.ndjson. Cases we knowingly disagree on would be
// listed in kSkipped with the reason; there are none.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "rollcall/filter.hpp"
#include "rollcall/index/json.hpp"
#include "rollcall/index/schemas.hpp"

namespace {

using rollcall::index::OrganizationMember;

const std::set<std::string> kSkipped = {};

std::vector<std::string> read_lines(const std::string& name) {
  std::ifstream in(std::string(ROLLCALL_CONFORMANCE_DIR) + "/" + name);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// queries.txt ends with an empty line on purpose (the empty expression).
std::vector<std::string> read_queries() {
  std::ifstream in(std::string(ROLLCALL_CONFORMANCE_DIR) + "/queries.txt");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> queries;
  std::string all = text.str();
  for (std::size_t start = 0;;) {
    const auto end = all.find('\n', start);
    queries.push_back(all.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return queries;
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

struct Case {
  std::string where;
  rapidjson::Document expected;
};

class ConformanceTest : public testing::TestWithParam<std::size_t> {
 public:
  static void SetUpTestSuite() {
    for (const std::string& line : read_lines("members.ndjson")) {
      OrganizationMember member;
      ASSERT_EQ(rollcall::index::decode_json(line, member), "");
      members_->push_back(std::move(member));
    }
  }

 protected:
  static std::vector<OrganizationMember>* members_;
};

std::vector<OrganizationMember>* ConformanceTest::members_ = new std::vector<OrganizationMember>;

const std::vector<std::string>& queries() {
  static const auto* all = new std::vector<std::string>(read_queries());
  return *all;
}

const std::vector<std::string>& expectations() {
  static const auto* all = new std::vector<std::string>(read_lines("expected.jsonl"));
  return *all;
}

TEST(ConformanceData, QueriesAndExpectationsLineUp) {
  ASSERT_FALSE(expectations().empty());
  ASSERT_GE(queries().size(), expectations().size());
  for (std::size_t i = 0; i < expectations().size(); ++i) {
    rapidjson::Document expected;
    expected.Parse(expectations()[i].c_str());
    ASSERT_FALSE(expected.HasParseError()) << expectations()[i];
    EXPECT_EQ(expected["where"].GetString(), queries()[i]);
  }
}

TEST_P(ConformanceTest, MatchesPostgreSQL) {
  const std::string& where = queries()[GetParam()];
  if (kSkipped.count(where)) GTEST_SKIP() << "listed in kSkipped";
  rapidjson::Document expected;
  expected.Parse(expectations()[GetParam()].c_str());
  SCOPED_TRACE("where: " + where);

  auto predicate =
      rollcall::filter::compile_where(where, rollcall::index::organization_member_schema());
  if (expected.HasMember("error")) {
    EXPECT_FALSE(predicate.ok()) << "PostgreSQL rejects this expression";
    return;
  }
  ASSERT_TRUE(predicate.ok()) << predicate.error().message();
  std::vector<std::string> ids;
  for (const OrganizationMember& member : *members_) {
    if (predicate->matches(member)) ids.push_back(member.organization_member_id.to_string());
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids.size(), expected["count"].GetUint64());
  std::string joined;
  for (const std::string& id : ids) joined += (joined.empty() ? "" : "\n") + id;
  EXPECT_EQ(sha256_hex(joined), expected["sha256"].GetString());
  if (expected.HasMember("ids")) {
    std::vector<std::string> expected_ids;
    for (const auto& id : expected["ids"].GetArray()) expected_ids.emplace_back(id.GetString());
    std::sort(expected_ids.begin(), expected_ids.end());
    EXPECT_EQ(ids, expected_ids);
  }
}

INSTANTIATE_TEST_SUITE_P(AllCases, ConformanceTest,
                         testing::Range<std::size_t>(0, expectations().size()));

}  // namespace
