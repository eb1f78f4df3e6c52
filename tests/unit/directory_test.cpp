// Directory: users, tokens, organizations and the membership rules, durable
// across reopening.
#include "rollcall/index/directory.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "directory_fixture.hpp"

namespace rollcall::index {
namespace {

using test::created;
using test::DirectoryTest;

TEST_F(DirectoryTest, TokensAuthenticateTheirUserOnly) {
  const CreatedUser ada = user("ada");
  EXPECT_EQ(directory_->authenticate(ada.token)->user_id, ada.user.user_id);
  EXPECT_FALSE(directory_->authenticate(ada.token + "x"));
  const std::string second = created(directory_->issue_token(ada.user.user_id));
  EXPECT_EQ(directory_->authenticate(second)->user_id, ada.user.user_id);
  EXPECT_EQ(directory_->create_user({"ada", "other@example.com", "", "", "", ""}).error().code,
            StoreErrorCode::kConflict);
  EXPECT_EQ(directory_->create_user({"bob", "ADA@example.COM", "", "", "", ""}).error().code,
            StoreErrorCode::kConflict);
}

TEST_F(DirectoryTest, CreatorOwnsTheOrganization) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  EXPECT_EQ(directory_->standing(Actor::user(ada.user.user_id), org.organization_id),
            Standing::kOwner);
  EXPECT_EQ(directory_->standing(Actor::user(user("bob").user.user_id), org.organization_id),
            Standing::kNone);
  EXPECT_EQ(directory_->standing(Actor::admin(), org.organization_id), Standing::kServerAdmin);
  auto orgs = directory_->organizations(Actor::user(ada.user.user_id), {});
  ASSERT_TRUE(orgs);
  ASSERT_EQ(orgs->items.size(), 1U);
  EXPECT_EQ(orgs->items[0].organization_id, org.organization_id);
}

TEST_F(DirectoryTest, InvitationIsAcceptedByTheUserWithThatEmail) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser bob = user("bob");
  MemberPtr pending = invite(Actor::user(ada.user.user_id), org, "BOB@example.com");
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->status, "pending");
  EXPECT_FALSE(pending->user_id);
  auto mine = directory_->memberships(bob.user, {}, std::string_view("pending"));
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->items.size(), 1U);
  auto accepted = directory_->accept_invitation(bob.user, org.organization_id);
  ASSERT_TRUE(accepted);
  EXPECT_EQ((*accepted)->status, "active");
  EXPECT_EQ((*accepted)->user_id, bob.user.user_id);
  EXPECT_EQ((*accepted)->username, "bob");
  EXPECT_EQ((*accepted)->version, 2);
  EXPECT_EQ(directory_->accept_invitation(bob.user, org.organization_id).error().code,
            StoreErrorCode::kConflict);
}

TEST_F(DirectoryTest, AnEmailHasOneMembershipPerOrganization) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  invite(Actor::admin(), org, "x@example.com");
  EXPECT_EQ(
      directory_->invite(Actor::admin(), org.organization_id, {"X@EXAMPLE.com", {}}).error().code,
      StoreErrorCode::kConflict);
}

TEST_F(DirectoryTest, AdminsCannotTouchOwners) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser admin = member(org, "adm", "ADMIN");
  const Actor as_admin = Actor::user(admin.user.user_id);
  Invitation owner_invite{"o@example.com", {}};
  owner_invite.settings.role = "OWNER";
  EXPECT_EQ(directory_->invite(as_admin, org.organization_id, owner_invite).error().code,
            StoreErrorCode::kForbidden);
  const MemberPtr ada_membership = directory_->membership(ada.user, org.organization_id);
  EXPECT_EQ(directory_
                ->update_member(as_admin, org.organization_id,
                                ada_membership->organization_member_id, {}, 1)
                .error()
                .code,
            StoreErrorCode::kForbidden);
  EXPECT_EQ(directory_
                ->remove_member(as_admin, org.organization_id,
                                ada_membership->organization_member_id, std::nullopt)
                .error()
                .code,
            StoreErrorCode::kForbidden);
  MemberPtr plain = invite(as_admin, org, "m@example.com");
  MemberSettings grant;
  grant.role = "OWNER";
  EXPECT_EQ(directory_
                ->update_member(as_admin, org.organization_id, plain->organization_member_id, grant,
                                plain->version)
                .error()
                .code,
            StoreErrorCode::kForbidden);
}

TEST_F(DirectoryTest, MembersMayOnlyLeave) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser bob = member(org, "bob", "MEMBER");
  const Actor as_bob = Actor::user(bob.user.user_id);
  EXPECT_EQ(directory_->invite(as_bob, org.organization_id, {"z@example.com", {}}).error().code,
            StoreErrorCode::kForbidden);
  const MemberPtr own = directory_->membership(bob.user, org.organization_id);
  EXPECT_TRUE(directory_->remove_member(as_bob, org.organization_id, own->organization_member_id,
                                        std::nullopt));
  EXPECT_EQ(directory_->standing(as_bob, org.organization_id), Standing::kNone);
}

TEST_F(DirectoryTest, TheLastOwnerStays) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  EXPECT_EQ(directory_->leave(ada.user, org.organization_id).error().code,
            StoreErrorCode::kRuleViolation);
  const MemberPtr own = directory_->membership(ada.user, org.organization_id);
  EXPECT_EQ(directory_
                ->update_member(Actor::admin(), org.organization_id, own->organization_member_id,
                                {}, own->version)
                .error()
                .code,
            StoreErrorCode::kRuleViolation);
}

TEST_F(DirectoryTest, TransferMakesTheTargetOwnerAndTheCallerAdmin) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser bob = member(org, "bob", "MEMBER");
  const MemberPtr target = directory_->membership(bob.user, org.organization_id);
  auto moved = directory_->transfer_ownership(Actor::user(ada.user.user_id), org.organization_id,
                                              target->organization_member_id, std::nullopt);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ((*moved)->role, "OWNER");
  EXPECT_EQ(directory_->membership(ada.user, org.organization_id)->role, "ADMIN");
  EXPECT_EQ(directory_->members().active_owner_count(org.organization_id), 1U);
}

TEST_F(DirectoryTest, StaleVersionsAreRefused) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const MemberPtr invited = invite(Actor::admin(), org, "v@example.com");
  MemberSettings admin;
  admin.role = "ADMIN";
  ASSERT_TRUE(directory_->update_member(Actor::admin(), org.organization_id,
                                        invited->organization_member_id, admin, 1));
  EXPECT_EQ(directory_
                ->update_member(Actor::admin(), org.organization_id,
                                invited->organization_member_id, admin, 1)
                .error()
                .code,
            StoreErrorCode::kVersionMismatch);
}

TEST_F(DirectoryTest, IdempotentInvitesAnswerTheFirstAnswer) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  IdempotentCreate<OrganizationMember> request{
      "ada key-1", {1}, [](const OrganizationMember& m) {
        return StoredAnswer{201, m.organization_member_id.to_string()};
      }};
  auto first =
      directory_->invite(Actor::admin(), org.organization_id, {"i@example.com", {}}, &request);
  ASSERT_TRUE(first);
  const std::string id = std::get<MemberPtr>(*first)->organization_member_id.to_string();
  reopen();
  auto again =
      directory_->invite(Actor::admin(), org.organization_id, {"i@example.com", {}}, &request);
  ASSERT_TRUE(again);
  EXPECT_EQ(std::get<StoredAnswer>(*again).body, id);
  EXPECT_EQ(std::get<StoredAnswer>(*again).status, 201);
  request.request_hash[0] = 2;
  EXPECT_EQ(directory_->invite(Actor::admin(), org.organization_id, {"i@example.com", {}}, &request)
                .error()
                .code,
            StoreErrorCode::kRuleViolation);
}

bool no_random_bytes(std::uint8_t* /*bytes*/, std::size_t /*size*/) { return false; }

TEST(RandomSecretTest, Is64HexDigitsAfterThePrefixOrEmptyWithoutRandomBytes) {
  const std::string secret = random_secret("k-");
  ASSERT_EQ(secret.size(), 2U + 64U);
  EXPECT_EQ(secret.substr(0, 2), "k-");
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef", 2), std::string::npos);
  EXPECT_NE(random_secret("k-"), secret);
  EXPECT_EQ(random_secret("k-", &no_random_bytes), "");
}

TEST_F(DirectoryTest, WithoutRandomBytesNoTokenIsMadeAndNothingChanges) {
  const CreatedUser ada = user("ada");
  DirectoryOptions options;
  options.random = &no_random_bytes;
  options.token_key = "a fixed page token key";
  reopen(options);
  auto refused = directory_->create_user({"bob", "bob@example.com", "Bob", "", "", ""});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StoreErrorCode::kUnavailable);
  EXPECT_EQ(directory_->user_count(), 1U);
  auto no_token = directory_->issue_token(ada.user.user_id);
  ASSERT_FALSE(no_token);
  EXPECT_EQ(no_token.error().code, StoreErrorCode::kUnavailable);
  EXPECT_TRUE(directory_->authenticate(ada.token));  // the old token still works
}

TEST_F(DirectoryTest, WithoutRandomBytesForThePageTokenKeyOpenFails) {
  directory_.reset();
  DirectoryOptions options;
  options.random = &no_random_bytes;
  auto opened = Directory::open(dir_.path(), options);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.status().message().find("token_key"), std::string::npos);
}

// Idempotent invites of i@example.com for i in [first, last), each with its own key.
void invite_idempotently(Directory& directory, const Organization& org, int first, int last) {
  for (int i = first; i < last; ++i) {
    std::string email = std::to_string(i);
    email.append("@example.com");
    IdempotentCreate<OrganizationMember> request{email, {}, [](const OrganizationMember&) {
                                                   return StoredAnswer{201, "{}"};
                                                 }};
    ASSERT_TRUE(directory.invite(Actor::admin(), org.organization_id, {email, {}}, &request));
  }
}

TEST_F(DirectoryTest, ExpiredAnswersArePrunedAtTheNthNewAnswer) {
  DirectoryOptions options;
  options.idempotency_retention = std::chrono::seconds(0);  // every answer has expired
  options.idempotency_prune_every = 3;
  reopen(options);
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  invite_idempotently(*directory_, org, 0, 2);
  EXPECT_EQ(directory_->idempotent_answer_count(), 2U);  // below the bound: kept
  invite_idempotently(*directory_, org, 2, 3);
  EXPECT_EQ(directory_->idempotent_answer_count(), 0U);  // the third prunes them all
}

TEST_F(DirectoryTest, PruningKeepsAnswersWithinTheRetention) {
  DirectoryOptions options;
  options.idempotency_prune_every = 1;
  reopen(options);
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  invite_idempotently(*directory_, org, 0, 3);
  EXPECT_EQ(directory_->idempotent_answer_count(), 3U);
}

TEST_F(DirectoryTest, AReplayIsRefusedToACallerWhoLostTheRight) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser bob = member(org, "bob", "ADMIN");
  IdempotentCreate<OrganizationMember> request{"bob key", {3}, [](const OrganizationMember& m) {
                                                 return StoredAnswer{201, m.email.str()};
                                               }};
  const Actor as_bob = Actor::user(bob.user.user_id);
  ASSERT_TRUE(directory_->invite(as_bob, org.organization_id, {"r@example.com", {}}, &request));
  const MemberPtr bobs = directory_->membership(bob.user, org.organization_id);
  ASSERT_TRUE(directory_->update_member(Actor::user(ada.user.user_id), org.organization_id,
                                        bobs->organization_member_id, {}, bobs->version));
  EXPECT_EQ(
      directory_->invite(as_bob, org.organization_id, {"r@example.com", {}}, &request).error().code,
      StoreErrorCode::kForbidden);
}

// A write of several records is seen whole: while ownership moves back and
// forth, a reader always counts exactly one active OWNER.
TEST_F(DirectoryTest, ReadersSeeAMultiRecordWriteWholeOrNotAtAll) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser bob = member(org, "bob", "ADMIN");
  std::atomic<bool> done{false};
  std::atomic<std::size_t> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::size_t owners = directory_->members().active_owner_count(org.organization_id);
      ++reads;
      if (owners != 1U) {
        ADD_FAILURE() << owners << " active owners";
        done.store(true);
      }
    }
  });
  while (reads.load() == 0) std::this_thread::yield();
  const std::size_t before = reads.load();
  const CreatedUser* owner = &ada;
  const CreatedUser* next = &bob;
  // 200 transfers, and more until the reader has read during 20 of them.
  for (int i = 0; !done.load() && i < 2000 && (i < 200 || reads.load() - before < 20); ++i) {
    const MemberPtr target = directory_->membership(next->user, org.organization_id);
    ASSERT_TRUE(directory_->transfer_ownership(Actor::user(owner->user.user_id),
                                               org.organization_id, target->organization_member_id,
                                               std::nullopt));
    std::swap(owner, next);
  }
  done.store(true);
  reader.join();
  EXPECT_GE(reads.load() - before, 20U);
}

TEST_F(DirectoryTest, EverythingSurvivesReopeningFromLogAndSnapshot) {
  const CreatedUser ada = user("ada");
  const Organization org = organization(ada.user);
  const CreatedUser bob = member(org, "bob", "ADMIN");
  for (bool with_snapshot : {false, true}) {
    if (with_snapshot) {
      ASSERT_TRUE(directory_->snapshot());
    }
    reopen();
    EXPECT_EQ(directory_->authenticate(ada.token)->username, "ada");
    EXPECT_EQ(directory_->find_organization(org.organization_id)->display_name, "Acme");
    EXPECT_EQ(directory_->standing(Actor::user(bob.user.user_id), org.organization_id),
              Standing::kAdmin);
    EXPECT_EQ(directory_->members().size(), 2U);
  }
}

TEST_F(DirectoryTest, ImportCreatesTheUsersAndOrganizationsNamed) {
  OrganizationMember record;
  record.organization_member_id = *Uuid::parse("11111111-1111-4111-8111-111111111111");
  record.organization_id = *Uuid::parse("22222222-2222-4222-8222-222222222222");
  record.user_id = *Uuid::parse("33333333-3333-4333-8333-333333333333");
  record.username = "imported";
  record.email = "imp@example.com";
  record.role = "OWNER";
  record.status = "active";
  record.version = 7;
  EXPECT_FALSE(directory_->import_members({record}));
  EXPECT_EQ(directory_->members().find(record.organization_member_id)->version, 7);
  EXPECT_EQ(directory_->members().find_by_email("IMP@example.com").size(), 1U);
  reopen();
  EXPECT_TRUE(directory_->find_organization(record.organization_id));
  EXPECT_EQ(directory_->find_user(*record.user_id)->username, "imported");
  EXPECT_EQ(directory_->members().find(record.organization_member_id)->version, 7);
  EXPECT_TRUE(directory_->import_members({record}));  // the ID exists
}

// Into an empty store the memberships are indexed at once when the import
// ends, also when it stops early.
TEST_F(DirectoryTest, ImportIntoAnEmptyStoreStopsAtARepeatedIdWithTheRecordsBeforeIt) {
  std::vector<OrganizationMember> batch;
  for (std::uint64_t n : {1, 2, 1, 3}) batch.push_back(test::sample_member(n));
  const auto failed = directory_->import_members(batch);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->index, 2U);
  EXPECT_EQ(failed->error.code, StoreErrorCode::kConflict);
  EXPECT_EQ(directory_->members().size(), 2U);
  for (std::uint64_t n : {1, 2}) {
    EXPECT_TRUE(directory_->members().find(test::sample_member(n).organization_member_id)) << n;
  }
  reopen();
  EXPECT_EQ(directory_->members().size(), 2U);
}

}  // namespace
}  // namespace rollcall::index
