// Text: a string in 8 bytes that reads, compares and copies like one.
#include "rollcall/index/text.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace rollcall::index {
namespace {

TEST(Text, IsOnePointer) { EXPECT_EQ(sizeof(Text), sizeof(void*)); }

TEST(Text, EmptyHoldsNoBlockAndReadsAsEmpty) {
  const Text none;
  const Text from_empty{std::string_view()};
  for (const Text* text : {&none, &from_empty}) {
    EXPECT_TRUE(text->empty());
    EXPECT_EQ(text->size(), 0u);
    EXPECT_EQ(text->view(), "");
  }
}

TEST(Text, KeepsEveryByte) {
  const std::string bytes("a\0b\xFF\xC3\xA5", 6);  // an embedded NUL, invalid and valid UTF-8
  const Text text(bytes);
  EXPECT_EQ(text.size(), 6u);
  EXPECT_EQ(text.view(), bytes);
  EXPECT_EQ(text.str(), bytes);

  const std::string long_text(200000, 'x');
  EXPECT_EQ(Text(long_text).view(), long_text);
}

TEST(Text, CopiesOwnTheirBytesAndMovesEmptyTheSource) {
  Text original("ada.lovelace");
  const Text copy = original;
  EXPECT_EQ(copy, original);
  EXPECT_NE(copy.data(), original.data());

  Text moved = std::move(original);
  EXPECT_EQ(moved, "ada.lovelace");
  EXPECT_TRUE(original.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty

  moved = copy;
  moved = moved;  // NOLINT(misc-redundant-expression): self-assignment keeps the text
  EXPECT_EQ(moved, "ada.lovelace");
  moved = "";
  EXPECT_TRUE(moved.empty());
}

TEST(Text, ComparesWithAnyText) {
  const Text text("Bob");
  EXPECT_TRUE(text == "Bob");
  EXPECT_TRUE(text == std::string("Bob"));
  EXPECT_TRUE(text == std::string_view("Bob"));
  EXPECT_FALSE(text == "bob");
  EXPECT_LT(Text("Ada"), text);
  EXPECT_LT(text, Text("Bobby"));
  EXPECT_LT(Text(""), Text(std::string_view("\0", 1)));
  EXPECT_LT(text, "Bobby");  // against other texts without making a Text
  EXPECT_GT(text, std::string_view("Ada"));
  EXPECT_LE(text, std::string("Bob"));

  std::ostringstream out;
  out << text;
  EXPECT_EQ(out.str(), "Bob");
}

// The length is kept in 31 bits. The bytes are mapped, never touched: the
// length is checked before anything is read or allocated.
TEST(Text, RefusesTextOf2GiBOrMore) {
  constexpr std::size_t kTooLong = std::size_t{1} << 31;
  void* pages =
      mmap(nullptr, kTooLong, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(pages, MAP_FAILED);
  EXPECT_THROW(Text(std::string_view(static_cast<const char*>(pages), kTooLong)),
               std::length_error);
  munmap(pages, kTooLong);
}

}  // namespace
}  // namespace rollcall::index
