#include "casefold.hpp"

#include <gtest/gtest.h>
#include <locale.h>
#include <wctype.h>

#include <string>

namespace rollcall::filter::detail {
namespace {

std::string utf8(char32_t c) {
  if (c < 0x80) return std::string(1, static_cast<char>(c));
  if (c < 0x800) return {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
  if (c < 0x10000) {
    return {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
            static_cast<char>(0x80 | (c & 0x3F))};
  }
  return {static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
          static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
}

TEST(SimpleLowercase, Ascii) {
  EXPECT_EQ(simple_lowercase(U'A'), U'a');
  EXPECT_EQ(simple_lowercase(U'Z'), U'z');
  EXPECT_EQ(simple_lowercase(U'a'), U'a');
  EXPECT_EQ(simple_lowercase(U'@'), U'@');
  EXPECT_EQ(simple_lowercase(U'['), U'[');
  EXPECT_EQ(simple_lowercase(U'0'), U'0');
  EXPECT_EQ(simple_lowercase(0), 0);
  EXPECT_EQ(simple_lowercase(0x7F), 0x7F);
}

TEST(SimpleLowercase, NonAscii) {
  EXPECT_EQ(simple_lowercase(U'É'), U'é');
  EXPECT_EQ(simple_lowercase(U'é'), U'é');
  EXPECT_EQ(simple_lowercase(U'Ā'), U'ā');  // alternating upper/lower block
  EXPECT_EQ(simple_lowercase(U'ā'), U'ā');
  EXPECT_EQ(simple_lowercase(U'Σ'), U'σ');
  EXPECT_EQ(simple_lowercase(U'ς'), U'ς');
  EXPECT_EQ(simple_lowercase(U'ß'), U'ß');
  EXPECT_EQ(simple_lowercase(U'ẞ'), U'ß');
  EXPECT_EQ(simple_lowercase(U'İ'), U'i');
  EXPECT_EQ(simple_lowercase(U'ı'), U'ı');
  EXPECT_EQ(simple_lowercase(U'\u212A'), U'k');  // Kelvin sign
  EXPECT_EQ(simple_lowercase(U'\u023A'), U'\u2C65');
  EXPECT_EQ(simple_lowercase(U'𐐀'), U'𐐨');  // Deseret, outside the BMP
  EXPECT_EQ(simple_lowercase(U'中'), U'中');
  EXPECT_EQ(simple_lowercase(0x10FFFF), 0x10FFFF);
}

TEST(ToLowercase, Empty) { EXPECT_EQ(to_lowercase(""), ""); }

TEST(ToLowercase, Ascii) {
  EXPECT_EQ(to_lowercase("Hello, WORLD! 123 @[`{"), "hello, world! 123 @[`{");
  EXPECT_EQ(to_lowercase("already lower"), "already lower");
}

TEST(ToLowercase, AllAsciiBytesThroughWordPath) {
  std::string text, want;
  for (char32_t c = 0; c < 0x80; ++c) {
    text += static_cast<char>(c);
    want += static_cast<char>(simple_lowercase(c));
  }
  EXPECT_EQ(to_lowercase(text), want);
}

TEST(ToLowercase, Latin) {
  EXPECT_EQ(to_lowercase("ÉCOLE Über"), "école über");
  EXPECT_EQ(to_lowercase("Straße STRAẞE"), "straße straße");
}

TEST(ToLowercase, GreekAndCyrillic) {
  EXPECT_EQ(to_lowercase("ΣΟΦΊΑ"), "σοφία");
  EXPECT_EQ(to_lowercase("МОСКВА Ёж"), "москва ёж");
}

TEST(ToLowercase, LengthChanges) {
  EXPECT_EQ(to_lowercase("İSTANBUL"), "istanbul");  // 2 bytes -> 1
  EXPECT_EQ(to_lowercase("\u212A"), "k");           // 3 bytes -> 1
  EXPECT_EQ(to_lowercase("x\u023Ay"), "x\u2C65y");  // 2 bytes -> 3
}

TEST(ToLowercase, NonLettersUnchanged) {
  const std::string text = "12:30 — €5 ✓ 中文 🙂 \t\n";
  EXPECT_EQ(to_lowercase(text), text);
}

TEST(ToLowercase, InvalidBytesCopied) {
  EXPECT_EQ(to_lowercase("A\x80Z"), "a\x80z");                      // stray continuation
  EXPECT_EQ(to_lowercase("A\xC3"), "a\xC3");                        // truncated at the end
  EXPECT_EQ(to_lowercase("\xC3X\xC9"), "\xC3x\xC9");                // truncated in the middle
  EXPECT_EQ(to_lowercase("\xC0\x81\xC1\xBF"), "\xC0\x81\xC1\xBF");  // overlong
  EXPECT_EQ(to_lowercase("\xE0\x80\x80"), "\xE0\x80\x80");          // overlong 3-byte
  EXPECT_EQ(to_lowercase("\xED\xA0\x80"), "\xED\xA0\x80");          // surrogate U+D800
  EXPECT_EQ(to_lowercase("\xF4\x90\x80\x80"), "\xF4\x90\x80\x80");  // above U+10FFFF
  EXPECT_EQ(to_lowercase("\xF5\xFF\xFE"), "\xF5\xFF\xFE");
  EXPECT_EQ(to_lowercase("\xC3\xC3\x89"), "\xC3\xC3\xA9");  // invalid byte, then 'É'
}

TEST(ToLowercase, AppendsToExistingOutput) {
  std::string out = "Keep:";
  append_lowercase("ABC", out);
  EXPECT_EQ(out, "Keep:abc");
}

TEST(ToLowercase, LongAsciiRunsAroundMultibyteAtEveryAlignment) {
  const std::string upper_run = "THE QUICK BROWN FOX JUMPS";
  const std::string lower_run = "the quick brown fox jumps";
  for (std::size_t offset = 0; offset < 16; ++offset) {
    const std::string pad_upper(offset, 'Q');
    const std::string pad_lower(offset, 'q');
    const std::string text = pad_upper + "É" + upper_run + "Σ\x80" + upper_run + "İ" + pad_upper;
    const std::string want = pad_lower + "é" + lower_run + "σ\x80" + lower_run + "i" + pad_lower;
    EXPECT_EQ(to_lowercase(text), want) << "offset " << offset;
  }
}

TEST(ToLowercase, EveryCodePointMatchesSimpleLowercase) {
  int mismatches = 0;
  for (char32_t c = 0; c <= 0x10FFFF && mismatches < 10; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const std::string got = to_lowercase(utf8(c));
    if (got != utf8(simple_lowercase(c))) {
      ADD_FAILURE() << std::hex << "U+" << static_cast<unsigned>(c);
      ++mismatches;
    }
  }
}

TEST(SimpleLowercase, MatchesGlibcForEveryCodePoint) {
  const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (utf8 == static_cast<locale_t>(nullptr)) GTEST_SKIP() << "C.UTF-8 locale unavailable";
  int mismatches = 0;
  for (char32_t c = 0; c <= 0x10FFFF && mismatches < 10; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const auto want = static_cast<char32_t>(towlower_l(c, utf8));
    if (simple_lowercase(c) != want) {
      ADD_FAILURE() << std::hex << "U+" << static_cast<unsigned>(c) << " -> U+"
                    << static_cast<unsigned>(simple_lowercase(c)) << ", glibc U+"
                    << static_cast<unsigned>(want);
      ++mismatches;
    }
  }
  freelocale(utf8);
}

// Against lowering the text first: needles of 1 to 20 bytes at every offset
// of texts with letters, digits and non-ASCII bytes, found or one byte off.
TEST(ContainsAsciiFolded, AgreesWithLoweringFirst) {
  const std::string alphabet = "aAbBzZ.@09\xC3\xA5 ";
  std::uint64_t state = 7;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  int found = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (std::size_t n = next() % 40; n > 0; --n) text += alphabet[next() % alphabet.size()];
    std::string lowered(text.size(), '\0');
    lower_ascii_letters(text, lowered.data());
    std::string needle;
    if (!lowered.empty() && next() % 2 == 0) {
      const std::size_t at = next() % lowered.size();
      needle = lowered.substr(at, 1 + next() % 20);
      if (next() % 2 == 0) needle.back() = alphabet[next() % alphabet.size()];
    } else {
      for (std::size_t n = 1 + next() % 3; n > 0; --n) needle += alphabet[next() % alphabet.size()];
    }
    std::string needle_lowered(needle.size(), '\0');
    lower_ascii_letters(needle, needle_lowered.data());
    const bool want = lowered.find(needle_lowered) != std::string::npos;
    found += want ? 1 : 0;
    ASSERT_EQ(contains_ascii_folded(text, needle_lowered), want)
        << "text '" << text << "' needle '" << needle_lowered << "'";
  }
  EXPECT_GT(found, 2000) << "the cases found something often enough to test it";
  EXPECT_TRUE(contains_ascii_folded("", ""));
  EXPECT_FALSE(contains_ascii_folded("Ada", "adal"));
  EXPECT_TRUE(contains_ascii_folded("ADA.LOVELACE@EXAMPLE.NET", "lovelace@example"));
}

}  // namespace
}  // namespace rollcall::filter::detail
