// The API's JSON encoding of the built-in entities: decode_json / encode_json.
#include "rollcall/index/json.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "test_schema.hpp"

namespace rollcall::index {
namespace {

using test::has_substr;
using test::instant;
using test::uuid;

constexpr std::string_view kMember = R"({
  "OrganizationMemberID": "5C000284-9745-474E-84D5-ECAB3BE54DF3",
  "OrganizationID": "c2b9546e-0f02-40f3-adb7-f1d5cbf15150",
  "UserID": "abaa03fd-ba84-4b9e-8579-0fa7782c18b0",
  "Username": "frances.müller1", "DisplayName": "Frances \"Fran\" Müller",
  "Email": "f@example.org", "Slug": "frances", "ExternalID": "okta|1",
  "ExternalOrganizationID": "", "ProfilePictureURL": "https://img.example.com/1.png",
  "Role": "MEMBER", "Status": "active",
  "RoleIDs": ["260db342-ed25-4198-9c8d-81a9e520ad2a", "19dadcef-e0b3-427f-9059-49f304dca1ab"],
  "Labels": {"tier": "backend", "team": "sre"},
  "RequiredSSOAuth": true, "RequiredMFAAuth": false, "Version": 4,
  "CreatedAt": "2024-11-08T22:20:14.851+02:00", "CreatedBy": null,
  "UpdatedAt": "2025-04-02T04:54:39Z", "UpdatedBy": "d478af0f-9451-4dd7-aedf-cd5601731625"
})";

std::string encode(const auto& record) {
  std::string out;
  encode_json(record, out);
  return out;
}

OrganizationMember decoded(std::string_view json) {
  OrganizationMember member;
  EXPECT_EQ(decode_json(json, member), "") << json;
  return member;
}

std::string decode_error(std::string_view json) {
  OrganizationMember member;
  return decode_json(json, member);
}

TEST(JsonTest, DecodesEveryMember) {
  const OrganizationMember m = decoded(kMember);
  EXPECT_EQ(m.organization_member_id, uuid("5c000284-9745-474e-84d5-ecab3be54df3"));
  EXPECT_EQ(m.user_id, uuid("abaa03fd-ba84-4b9e-8579-0fa7782c18b0"));
  EXPECT_EQ(m.username, "frances.müller1");
  EXPECT_EQ(m.display_name, "Frances \"Fran\" Müller");
  EXPECT_EQ(m.external_id, "okta|1");
  EXPECT_EQ(m.role_ids.size(), 2u);
  EXPECT_EQ(m.labels, (Labels{{"team", "sre"}, {"tier", "backend"}}));
  EXPECT_TRUE(m.required_sso_auth);
  EXPECT_FALSE(m.required_mfa_auth);
  EXPECT_EQ(m.version, 4);
  EXPECT_EQ(m.created_at, instant("2024-11-08T20:20:14.851Z"));
  EXPECT_FALSE(m.created_by.has_value());
  EXPECT_EQ(m.updated_by, uuid("d478af0f-9451-4dd7-aedf-cd5601731625"));
}

TEST(JsonTest, RoundTrip) {
  const std::string once = encode(decoded(kMember));
  EXPECT_EQ(encode(decoded(once)), once);
  EXPECT_TRUE(has_substr(once, R"("OrganizationMemberID":"5c000284-9745-474e-84d5-ecab3be54df3")"));
  EXPECT_TRUE(has_substr(once, R"("CreatedAt":"2024-11-08T20:20:14.851Z")"));
  EXPECT_TRUE(has_substr(once, R"("CreatedBy":null)"));
  EXPECT_TRUE(has_substr(once, R"("Labels":{"team":"sre","tier":"backend"})"));
  EXPECT_EQ(once.find('\n'), std::string::npos);
}

TEST(JsonTest, StringsAreEscapedAsRfc8259Requires) {
  OrganizationMember member = decoded(kMember);
  member.display_name = std::string("q\"b\\n\nt\tc\x01\x1f\x7f ström", 19);
  member.labels = {{"k\"", "v\b\f\r"}};
  const std::string json = encode(member);
  EXPECT_TRUE(has_substr(json, R"("DisplayName":"q\"b\\n\nt\tc\u0001\u001F)"
                               "\x7f ström\""));
  EXPECT_TRUE(has_substr(json, R"("Labels":{"k\"":"v\b\f\r"})"));
  EXPECT_EQ(decoded(json).display_name, member.display_name);
  EXPECT_EQ(decoded(json).labels, member.labels);
}

// Texts are checked 8 bytes at a time: an escape at every position of a
// longer text, and bytes next to the escaped ones (space, '!', '#', '[', ']',
// DEL, UTF-8 bytes 0xA2 and 0xDC, which differ from '"' and '\\' in their high
// bit) passed through.
TEST(JsonTest, EscapesAtEveryPositionOfALongText) {
  OrganizationMember member = decoded(kMember);
  const std::string passed = "a !#[]\x7f\xc2\xa2\xdc\x80";
  for (const char special : {'"', '\\', '\x00', '\x1f', '\n'}) {
    for (std::size_t at = 0; at < 25; ++at) {
      std::string text(25, 'x');
      text[at] = special;
      member.display_name = text;
      const std::string json = encode(member);
      EXPECT_EQ(decoded(json).display_name, text) << int{special} << " at " << at;
    }
  }
  member.display_name = passed + passed;
  EXPECT_TRUE(has_substr(encode(member), "\"DisplayName\":\"" + passed + passed + "\""));
}

// Short texts and the tail of longer ones are copied 8 bytes at a time too:
// every length up to 24, clean and with an escape at each position.
TEST(JsonTest, TextsOfEveryLength) {
  OrganizationMember member = decoded(kMember);
  for (std::size_t length = 0; length <= 24; ++length) {
    std::string text(length, 'x');
    for (std::size_t i = 0; i < length; ++i) text[i] = static_cast<char>('a' + i);
    member.display_name = text;
    EXPECT_TRUE(has_substr(encode(member), ",\"DisplayName\":\"" + text + "\",\"Email\""))
        << length;
    for (std::size_t at = 0; at < length; ++at) {
      for (const char special : {'"', '\\', '\x01'}) {
        std::string escaped = text;
        escaped[at] = special;
        member.display_name = escaped;
        member.labels = {{escaped, text}, {text + "!", escaped}};
        const std::string json = encode(member);
        const OrganizationMember back = decoded(json);
        EXPECT_EQ(back.display_name, escaped) << length << " " << at;
        EXPECT_EQ(back.labels, member.labels) << length << " " << at;
        EXPECT_EQ(json.back(), '}');
      }
    }
  }
}

// Every ASCII byte at every position of texts up to 9 bytes, and UTF-8
// sequences ending them: the short-text and tail paths read no byte twice
// wrong.
TEST(JsonTest, EveryAsciiByteInShortTexts) {
  OrganizationMember member = decoded(kMember);
  for (std::size_t length = 1; length <= 9; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 128; ++byte) {
        std::string text(length, 'm');
        text[at] = static_cast<char>(byte);
        member.display_name = text;
        EXPECT_EQ(decoded(encode(member)).display_name, text) << length << " " << at << " " << byte;
      }
    }
    const std::string ending = std::string(length - 1, 'm') + "é";
    member.display_name = ending;
    EXPECT_TRUE(has_substr(encode(member), "\"" + ending + "\""));
  }
}

// Each record's room is reserved from a bound of its length: texts that are
// all escapes take the most, six bytes each.
TEST(JsonTest, TextsOfOnlyEscapes) {
  OrganizationMember member = decoded(kMember);
  member.display_name = std::string(1000, '\x01');
  member.labels = {{std::string(300, '\x02'), std::string(300, '\x1f')}};
  std::string out = "prefix";
  encode_json(member, out);
  EXPECT_TRUE(has_substr(out, "\"DisplayName\":\"\\u0001\\u0001"));
  const OrganizationMember back = decoded(out.substr(6));
  EXPECT_EQ(back.display_name, member.display_name);
  EXPECT_EQ(back.labels, member.labels);
}

TEST(JsonTest, EncodeAppends) {
  std::string out = "x";
  encode_json(OrganizationMember{}, out);
  EXPECT_EQ(out.substr(0, 2), "x{");
}

TEST(JsonTest, SpaceMemberRoundTrip) {
  SpaceMember member;
  ASSERT_EQ(decode_json(R"({"SpaceID": "c2b9546e-0f02-40f3-adb7-f1d5cbf15150", "Admin": true,
                            "UserID": null, "Labels": {"b": "2", "a": "1"}, "Version": -3})",
                        member),
            "");
  EXPECT_TRUE(member.admin);
  EXPECT_EQ(member.version, -3);
  EXPECT_EQ(member.labels, (Labels{{"a", "1"}, {"b", "2"}}));
  SpaceMember again;
  ASSERT_EQ(decode_json(encode(member), again), "");
  EXPECT_EQ(encode(again), encode(member));
  EXPECT_NE(decode_json(R"({"Admin": 1})", again), "");
}

TEST(JsonTest, UnknownMembersIgnored) {
  const OrganizationMember m = decoded(
      R"({"Extra": {"a": [1, {"Username": 5}], "b": null}, "Username": "x", "More": null,
          "Fraction": 1.5, "Big": 18446744073709551615, "List": [[], {}], "Flag": true})");
  EXPECT_EQ(m.username, "x");
}

TEST(JsonTest, WrongTypesNameTheMember) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"Username": 5})", "\"Username\""},
      {R"({"Username": null})", "\"Username\""},
      {R"({"Username": ["a"]})", "\"Username\""},
      {R"({"Version": "5"})", "\"Version\""},
      {R"({"Version": 1.5})", "\"Version\""},
      {R"({"Version": 9223372036854775808})", "\"Version\""},
      {R"({"RequiredSSOAuth": "true"})", "\"RequiredSSOAuth\""},
      {R"({"OrganizationID": null})", "\"OrganizationID\""},
      {R"({"UserID": 7})", "\"UserID\""},
      {R"({"CreatedAt": 1700000000})", "\"CreatedAt\""},
      {R"({"RoleIDs": "260db342-ed25-4198-9c8d-81a9e520ad2a"})", "\"RoleIDs\""},
      {R"({"RoleIDs": [1]})", "\"RoleIDs\""},
      {R"({"RoleIDs": [["260db342-ed25-4198-9c8d-81a9e520ad2a"]]})", "\"RoleIDs\""},
      {R"({"Labels": ["a"]})", "\"Labels\""},
      {R"({"Labels": {"a": 1}})", "\"Labels\""},
      {R"({"Labels": {"a": {"b": "c"}}})", "\"Labels\""},
      {R"({"Labels": "a"})", "\"Labels\""},
  };
  for (const auto& [json, member] : cases) {
    EXPECT_TRUE(has_substr(decode_error(json), member)) << json;
  }
}

TEST(JsonTest, NullUserId) {
  OrganizationMember m = decoded(kMember);
  ASSERT_TRUE(m.user_id.has_value());
  ASSERT_EQ(decode_json(R"({"UserID": null})", m), "");
  EXPECT_FALSE(m.user_id.has_value());
  EXPECT_TRUE(has_substr(encode(m), R"("UserID":null)"));
}

TEST(JsonTest, MalformedUuidAndTime) {
  const std::string uuid_error = decode_error(R"({"OrganizationID": "c2b9546e"})");
  EXPECT_TRUE(has_substr(uuid_error, "\"OrganizationID\""));
  EXPECT_TRUE(has_substr(uuid_error, "malformed uuid \"c2b9546e\""));
  EXPECT_TRUE(has_substr(decode_error(R"({"RoleIDs": ["nope"]})"), "\"RoleIDs\""));
  EXPECT_TRUE(has_substr(decode_error(R"({"UserID": ""})"), "malformed uuid"));
  const std::string time_error = decode_error(R"({"UpdatedAt": "2025-02-30T00:00:00Z"})");
  EXPECT_TRUE(has_substr(time_error, "\"UpdatedAt\""));
  EXPECT_TRUE(has_substr(time_error, "malformed time"));
}

TEST(JsonTest, NotAnObject) {
  for (const char* json :
       {"[]", R"("x")", "5", "-5", "1.5", "null", "true", R"([{"Username": "x"}])"}) {
    EXPECT_EQ(decode_error(json), "a record must be a JSON object") << json;
  }
  EXPECT_TRUE(has_substr(decode_error(R"({"Username": )"), "invalid JSON"));
  EXPECT_TRUE(has_substr(decode_error(""), "invalid JSON"));
  EXPECT_TRUE(has_substr(decode_error("{} {}"), "invalid JSON"));
  EXPECT_TRUE(has_substr(decode_error("{\"Username\": \"\xFF\"}"), "invalid JSON"));
}

TEST(JsonTest, LabelsSortedAndDuplicateKeysLastWins) {
  const OrganizationMember m = decoded(R"({"Labels": {"b": "1", "a": "2", "c": "3", "b": "4"}})");
  EXPECT_EQ(m.labels, (Labels{{"a", "2"}, {"b", "4"}, {"c", "3"}}));
  const OrganizationMember same = decoded(R"({"Labels": {"k": "1", "k": "2", "k": "3"}})");
  EXPECT_EQ(same.labels, (Labels{{"k", "3"}}));
}

// As in PostgreSQL's jsonb, a repeated member replaces the earlier one whole.
// DISABLED: a repeated RoleIDs or Labels member is appended to the earlier one
// (index/src/json.cpp, Decoder::open does not clear the container); enable with the fix.
TEST(JsonTest, DuplicateMembersLastWins) {
  const OrganizationMember m = decoded(R"({"Username": "a", "Username": "b",
      "RoleIDs": ["260db342-ed25-4198-9c8d-81a9e520ad2a"], "RoleIDs": [],
      "Labels": {"x": "1"}, "Labels": {"y": "2"}})");
  EXPECT_EQ(m.username, "b");
  EXPECT_TRUE(m.role_ids.empty());
  EXPECT_EQ(m.labels, (Labels{{"y", "2"}}));
}

// Decoding into a used record resets what the new JSON leaves out.
TEST(JsonTest, AbsentMembersTakeZeroValues) {
  OrganizationMember m = decoded(kMember);
  ASSERT_EQ(decode_json("{}", m), "");
  EXPECT_EQ(encode(m), encode(OrganizationMember{.version = 0}));
}

TEST(JsonTest, SpaceMemberMaskKeepsOnlySelectedMembersInOrder) {
  SpaceMember member;
  member.username = "ada";
  member.email = "ada@example.com";
  member.admin = true;
  std::string out;
  encode_json(member, out,
              space_member_field("Admin") | space_member_field("Username") |
                  space_member_field("SpaceMemberID"));
  EXPECT_EQ(out, R"({"SpaceMemberID":"00000000-0000-0000-0000-000000000000","Username":"ada",)"
                 R"("Admin":true})");
  EXPECT_EQ(space_member_field("Role"), 0u);
  EXPECT_NE(space_member_field("Email"), organization_member_field("Email"));
  std::string all;
  encode_json(member, all, kAllFields);
  EXPECT_EQ(all, encode(member));
}

TEST(JsonTest, SpaceAndFilter) {
  Space space{.space_id = uuid("c2b9546e-0f02-40f3-adb7-f1d5cbf15150"),
              .slug = "platform",
              .display_name = "Platform",
              .created_at = instant("2025-01-02T03:04:05Z"),
              .version = 2};
  EXPECT_TRUE(has_substr(encode(space), R"("SpaceID":"c2b9546e-0f02-40f3-adb7-f1d5cbf15150")"));
  EXPECT_TRUE(has_substr(encode(space), R"("Slug":"platform","DisplayName":"Platform")"));
  EXPECT_TRUE(has_substr(encode(space), R"("Version":2,"CreatedAt":"2025-01-02T03:04:05)"));
  Filter filter{.slug = "admins", .from = "SpaceMember", .where = "Admin = 'x'"};
  EXPECT_TRUE(has_substr(encode(filter), R"("From":"SpaceMember","FromSpaceID":null,)"
                                         R"("Where":"Admin = 'x'")"));
  filter.from_space_id = space.space_id;
  EXPECT_TRUE(
      has_substr(encode(filter), R"("FromSpaceID":"c2b9546e-0f02-40f3-adb7-f1d5cbf15150")"));
}

}  // namespace
}  // namespace rollcall::index
