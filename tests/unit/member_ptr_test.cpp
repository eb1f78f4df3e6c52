// MemberPtr: one counted block holding the record and its texts; MemberRef
// makes a MemberPtr again; a copy of a stored record owns its texts.
#include "rollcall/index/member_ptr.hpp"

#include <gtest/gtest.h>

#include <string>

#include "record_arena.hpp"

namespace rollcall::index {
namespace {

OrganizationMember sample() {
  OrganizationMember m;
  m.username = "ada.lovelace";
  m.email = "ada.lovelace@example.com";
  m.display_name = "Ada Lovelace";
  m.profile_picture_url = std::string(300, 'p');  // longer than the others together
  m.role = "OWNER";
  return m;
}

TEST(MemberPtr, PacksTheTextsBehindTheRecord) {
  const MemberPtr member = make_member(sample());
  const auto* record = reinterpret_cast<const char*>(member.get());
  for (const Text* text :
       {&member->username, &member->email, &member->display_name, &member->profile_picture_url}) {
    const char* bytes = text->data();
    EXPECT_GT(bytes, record + sizeof(OrganizationMember));
    EXPECT_LT(bytes, record + sizeof(OrganizationMember) + 512);
  }
  EXPECT_EQ(member->username, "ada.lovelace");
  EXPECT_EQ(member->email, "ada.lovelace@example.com");
  EXPECT_EQ(member->display_name, "Ada Lovelace");
  EXPECT_EQ(member->profile_picture_url, std::string(300, 'p'));
  EXPECT_TRUE(member->slug.empty());
  EXPECT_TRUE(member->external_id.empty());
  // Packed one after the other, the bytes alone: each Text holds its length.
  EXPECT_EQ(member->email.data(), member->username.data() + member->username.size());
  EXPECT_EQ(member->display_name.data(), member->email.data() + member->email.size());
}

TEST(MemberPtr, ACopyOfTheRecordOwnsItsTexts) {
  MemberPtr member = make_member(sample());
  const OrganizationMember copy = *member;
  EXPECT_NE(copy.email.data(), member->email.data());
  member = nullptr;  // frees the block and the packed texts
  EXPECT_EQ(copy.email, "ada.lovelace@example.com");
  EXPECT_EQ(copy.profile_picture_url, std::string(300, 'p'));
  OrganizationMember changed = copy;
  changed.email = "grace@example.com";  // frees only the copy's own bytes
  EXPECT_EQ(copy.email, "ada.lovelace@example.com");
}

// Records in a block are const; were a packed Text moved anyway (a cast), it
// copies its bytes rather than carry a distance that is wrong elsewhere.
TEST(MemberPtr, MovingAPackedTextCopiesIt) {
  const MemberPtr member = make_member(sample());
  auto& record = const_cast<OrganizationMember&>(*member);  // NOLINT: the point of the test
  const Text moved(std::move(record.email));
  EXPECT_EQ(moved, "ada.lovelace@example.com");
  EXPECT_NE(moved.data(), member->email.data());
  Text assigned("x");
  assigned = std::move(record.display_name);
  EXPECT_EQ(assigned, "Ada Lovelace");
  EXPECT_EQ(member->email, "ada.lovelace@example.com");  // the packed bytes stay
  EXPECT_EQ(member->display_name, "Ada Lovelace");
}

TEST(MemberPtr, CopiesAndRefsShareOneRecord) {
  const MemberPtr member = make_member(sample());
  const MemberPtr copy = member;  // NOLINT(performance-unnecessary-copy-initialization)
  const MemberRef ref = member;
  EXPECT_EQ(copy, member);
  EXPECT_EQ(ref.get(), member.get());
  EXPECT_EQ(MemberPtr(ref), member);
  EXPECT_FALSE(MemberPtr());
  EXPECT_EQ(MemberPtr(), nullptr);
  EXPECT_FALSE(make_member(sample()) == member);  // equal values, another record
  EXPECT_EQ(sizeof(MemberRef), 4U) << "a handle into the record arena";
}

// The record and its count and handle (8 bytes) head the block.
constexpr std::size_t kHead = sizeof(OrganizationMember) + 8;
constexpr std::size_t kMaxBlock = detail::RecordArena::kMaxBlockBytes;

bool packed_behind(const MemberPtr& member, const Text& text) {
  const auto* block = reinterpret_cast<const char*>(member.get());
  return text.data() >= block + kHead && text.data() < block + kMaxBlock;
}

// Texts pack while the block stays within the arena's largest; one that would
// take it past keeps its own block, and the texts after it still pack. Each
// block is given back at the size it was taken (the texts with blocks of
// their own count for none of it): the arena's live bytes return to where
// they were.
TEST(MemberPtr, ATextPastTheLargestBlockKeepsItsOwn) {
  const std::size_t live_before = record_memory().live_bytes;
  {
    OrganizationMember fits = sample();
    fits.profile_picture_url = {};
    const std::size_t before_last =
        kHead + fits.username.size() + fits.email.size() + fits.display_name.size();
    fits.profile_picture_url = std::string(kMaxBlock - before_last, 'p');
    const MemberPtr at_edge = make_member(fits);
    EXPECT_TRUE(packed_behind(at_edge, at_edge->profile_picture_url))
        << "exactly the largest block";
    EXPECT_EQ(record_memory().live_bytes - live_before, kMaxBlock);

    OrganizationMember over = fits;
    over.profile_picture_url = std::string(kMaxBlock - before_last + 1, 'p');
    const MemberPtr past_edge = make_member(over);
    EXPECT_FALSE(packed_behind(past_edge, past_edge->profile_picture_url)) << "one byte more";
    EXPECT_EQ(past_edge->profile_picture_url, over.profile_picture_url);

    OrganizationMember long_first = sample();
    long_first.username = std::string(5000, 'u');
    const MemberPtr member = make_member(long_first);
    EXPECT_FALSE(packed_behind(member, member->username));
    EXPECT_TRUE(packed_behind(member, member->email));
    EXPECT_EQ(member->username, long_first.username);
    EXPECT_EQ(member->email, "ada.lovelace@example.com");
  }
  EXPECT_EQ(record_memory().live_bytes, live_before);
}

}  // namespace
}  // namespace rollcall::index
