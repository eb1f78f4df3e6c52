// UserTable: one record per ID, found by ID, Username and Email (ignoring
// ASCII case only); a replaced user's old keys find nothing.
#include "user_table.hpp"

#include <gtest/gtest.h>

namespace rollcall::index::detail {
namespace {

User make_user(std::uint8_t id, std::string username, std::string email) {
  User user;
  user.user_id.bytes[15] = id;
  user.username = std::move(username);
  user.email = std::move(email);
  return user;
}

TEST(UserTable, FindsByIdUsernameAndFoldedEmail) {
  UserTable users;
  users.put(make_user(1, "ada", "Ada@Example.com"));
  users.put(make_user(2, "\xC3\x85sa", "\xC3\x85sa@example.com"));  // Åsa
  EXPECT_EQ(users.size(), 2u);
  EXPECT_EQ(users.find(make_user(1, "", "").user_id)->username, "ada");
  EXPECT_EQ(users.find(make_user(3, "", "").user_id), nullptr);
  EXPECT_TRUE(users.has_username("ada"));
  EXPECT_FALSE(users.has_username("Ada"));  // usernames compare exactly
  EXPECT_TRUE(users.has_email("ADA@example.COM"));
  EXPECT_TRUE(users.has_email("\xC3\x85SA@example.com"));
  EXPECT_FALSE(users.has_email("\xC3\xA5sa@example.com"));  // åsa: not ASCII
}

TEST(UserTable, ReplacingOrErasingAUserDropsItsOldKeys) {
  UserTable users;
  users.put(make_user(1, "ada", "ada@example.com"));
  users.put(make_user(1, "countess", "countess@example.com"));
  EXPECT_EQ(users.size(), 1u);
  EXPECT_FALSE(users.has_username("ada"));
  EXPECT_FALSE(users.has_email("ada@example.com"));
  EXPECT_TRUE(users.has_username("countess"));
  EXPECT_EQ(users.all().size(), 1u);
  users.erase(make_user(1, "", "").user_id);
  EXPECT_EQ(users.size(), 0u);
  EXPECT_FALSE(users.has_email("countess@example.com"));
}

// The Directory refuses a taken Username or Email; a log that broke that rule
// still loads every user, and a name stays taken while one of them has it.
TEST(UserTable, TwoUsersMayShareANameAndEmail) {
  UserTable users;
  users.put(make_user(1, "ada", "ada@example.com"));
  users.put(make_user(2, "ada", "ADA@example.com"));
  EXPECT_EQ(users.size(), 2u);
  users.erase(make_user(1, "", "").user_id);
  EXPECT_TRUE(users.has_username("ada"));
  EXPECT_TRUE(users.has_email("ada@example.com"));
  users.erase(make_user(2, "", "").user_id);
  EXPECT_FALSE(users.has_username("ada"));
}

}  // namespace
}  // namespace rollcall::index::detail
