// A Directory in a temporary data dir, and the steps most Directory tests
// start from: users, an organization, invitations, accepted memberships.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>

#include "persist_test_util.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::test {

// The record a create made (tests that want the stored answer use std::get).
template <class T>
T created(index::DirectoryResult<index::Created<T>>&& result) {
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  if (!result) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(*result)) << "a stored answer, not a new record";
  return std::holds_alternative<T>(*result) ? std::get<T>(std::move(*result)) : T{};
}

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen(const index::DirectoryOptions& options = {}) {
    directory_.reset();
    auto opened = index::Directory::open(dir_.path(), options);
    ASSERT_TRUE(opened) << opened.status().message();
    directory_ = std::move(*opened);
  }

  index::CreatedUser user(const std::string& name) {
    return created(
        directory_->create_user({name, name + "@Example.com", "User " + name, "", "", ""}));
  }

  index::Organization organization(const index::User& owner) {
    return created(directory_->create_organization(owner, {"Acme", "acme", "ext-1"}));
  }

  index::MemberPtr invite(const index::Actor& actor, const index::Organization& org,
                          std::string_view email, const std::string& role = "MEMBER") {
    index::Invitation invitation{std::string(email), {}};
    invitation.settings.role = role;
    return created(directory_->invite(actor, org.organization_id, invitation));
  }

  // A user with an accepted membership of `role` in `org`.
  index::CreatedUser member(const index::Organization& org, const std::string& name,
                            const std::string& role) {
    index::CreatedUser made = user(name);
    invite(index::Actor::admin(), org, made.user.email, role);
    auto accepted = directory_->accept_invitation(made.user, org.organization_id);
    EXPECT_TRUE(accepted) << accepted.error().message;
    return made;
  }

  TempDir dir_;
  std::unique_ptr<index::Directory> directory_;
};

}  // namespace rollcall::test
