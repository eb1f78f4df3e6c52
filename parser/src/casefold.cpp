#include "casefold.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace rollcall::filter::detail {
namespace {

// Code points first, first + step, ... up to last map to code point + delta; step is 1 or 2.
struct LowercaseRange {
  char32_t first;
  char32_t last;
  int32_t delta;
  char32_t step;
};

constexpr LowercaseRange kRanges[] = {
#include "casefold_table.inc"
};

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

constexpr uint64_t repeat_byte(uint8_t byte) { return 0x0101010101010101ULL * byte; }

// Lowercases 8 ASCII bytes at once: per byte, b + (0x80 - 'A') sets the high bit iff b >= 'A'
// and b + (0x80 - 'Z' - 1) iff b > 'Z'. No byte carries into the next since all b < 0x80.
uint64_t lowercase_ascii_word(uint64_t word) {
  const uint64_t at_least_a = word + repeat_byte(0x80 - 'A');
  const uint64_t above_z = word + repeat_byte(0x80 - 'Z' - 1);
  return word | (((at_least_a & ~above_z) & kHighBits) >> 2);
}

void lowercase_ascii(char* text, std::size_t size) {
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, text + i, 8);
    word = lowercase_ascii_word(word);
    std::memcpy(text + i, &word, 8);
  }
  for (; i < size; ++i) {
    if (text[i] >= 'A' && text[i] <= 'Z') text[i] += 'a' - 'A';
  }
}

// Length of the valid UTF-8 sequence at `p` (storing its code point), or 0 if there is none.
std::size_t decode_utf8(const unsigned char* p, std::size_t available, char32_t& code_point) {
  std::size_t length;
  char32_t min;
  if (p[0] < 0xC2) return 0;  // continuation byte or overlong 2-byte lead
  if (p[0] < 0xE0) {
    length = 2, code_point = p[0] & 0x1F, min = 0x80;
  } else if (p[0] < 0xF0) {
    length = 3, code_point = p[0] & 0x0F, min = 0x800;
  } else if (p[0] < 0xF5) {
    length = 4, code_point = p[0] & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (available < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (p[i] & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    const char bytes[] = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    out.append(bytes, 2);
  } else if (c < 0x10000) {
    const char bytes[] = {static_cast<char>(0xE0 | (c >> 12)),
                          static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                          static_cast<char>(0x80 | (c & 0x3F))};
    out.append(bytes, 3);
  } else {
    const char bytes[] = {
        static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    out.append(bytes, 4);
  }
}

std::size_t encode_utf8(char32_t c, char* out) {
  if (c < 0x80) {
    out[0] = static_cast<char>(c);
    return 1;
  }
  if (c < 0x800) {
    out[0] = static_cast<char>(0xC0 | (c >> 6));
    out[1] = static_cast<char>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (c >> 12));
    out[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (c >> 18));
  out[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (c & 0x3F));
  return 4;
}

// Code points below U+0800 (one or two UTF-8 bytes) by direct lookup.
constexpr char32_t kTableEnd = 0x800;
constexpr auto kSmallTable = [] {
  std::array<char16_t, kTableEnd> table{};
  for (char32_t c = 0; c < kTableEnd; ++c) table[c] = static_cast<char16_t>(c);
  for (const LowercaseRange& range : kRanges) {
    for (char32_t c = range.first; c <= range.last && c < kTableEnd; c += range.step) {
      table[c] = static_cast<char16_t>(static_cast<int32_t>(c) + range.delta);
    }
  }
  return table;
}();

}  // namespace

std::size_t lowercase_to(std::string_view text, char* out) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  char* o = out;
  while (p < end) {
    if (*p < 0x80) {
      *o++ = static_cast<char>(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p);
      ++p;
      continue;
    }
    char32_t code_point;
    const std::size_t length = decode_utf8(p, end - p, code_point);
    if (length == 0) {
      *o++ = static_cast<char>(*p++);
      continue;
    }
    o += encode_utf8(simple_lowercase(code_point), o);
    p += length;
  }
  return static_cast<std::size_t>(o - out);
}

bool is_ascii(std::string_view text) noexcept {
  std::size_t i = 0;
  uint64_t bits = 0;
  for (uint64_t word; i + 8 <= text.size(); i += 8) {
    std::memcpy(&word, text.data() + i, 8);
    bits |= word;
  }
  for (; i < text.size(); ++i) bits |= static_cast<unsigned char>(text[i]);
  return (bits & kHighBits) == 0;
}

// lowercase_ascii_word for words that may hold non-ASCII bytes, which stay unchanged.
static uint64_t lower_ascii_letters_word(uint64_t word) {
  const uint64_t ascii = ~word & kHighBits;
  const uint64_t low7 = word & ~kHighBits;
  const uint64_t at_least_a = low7 + repeat_byte(0x80 - 'A');
  const uint64_t above_z = low7 + repeat_byte(0x80 - 'Z' - 1);
  return word | (((at_least_a & ~above_z & ascii) & kHighBits) >> 2);
}

void lower_ascii_letters(std::string_view text, char* out) noexcept {
  const std::size_t size = text.size();
  uint64_t word = 0;
  if (size < 8) {
    for (std::size_t i = 0; i < size; ++i) {
      const char c = text[i];
      out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    return;
  }
  for (std::size_t i = 0; i < size; i += 8) {
    const std::size_t at = std::min(i, size - 8);  // the last word may overlap
    std::memcpy(&word, text.data() + at, 8);
    word = lower_ascii_letters_word(word);
    std::memcpy(out + at, &word, 8);
  }
}

// lower_ascii_letters(text[0, size)) == lowered[0, size), a word at a time.
static bool equal_ascii_folded(const char* text, const char* lowered, std::size_t size) noexcept {
  if (size < 8) {
    for (std::size_t i = 0; i < size; ++i) {
      const char c = text[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c) != lowered[i]) {
        return false;
      }
    }
    return true;
  }
  for (std::size_t i = 0; i < size; i += 8) {
    const std::size_t at = std::min(i, size - 8);  // the last word may overlap
    uint64_t word = 0;
    uint64_t expected = 0;
    std::memcpy(&word, text + at, 8);
    std::memcpy(&expected, lowered + at, 8);
    if (lower_ascii_letters_word(word) != expected) return false;
  }
  return true;
}

// Candidates for where `lowered` starts are the bytes that equal its first
// byte ignoring ASCII case, found 8 at a time: a letter is compared with bit
// 0x20 set on both sides, which lets through only the same letter's capital.
bool contains_ascii_folded(std::string_view text, std::string_view lowered) noexcept {
  static_assert(std::endian::native == std::endian::little, "the first byte is the lowest");
  if (lowered.empty()) return true;
  if (lowered.size() > text.size()) return false;
  const char first = lowered[0];
  const bool letter = first >= 'a' && first <= 'z';
  const uint64_t case_bit = letter ? repeat_byte(0x20) : 0;
  const uint64_t pattern = repeat_byte(static_cast<unsigned char>(first));
  const std::size_t last = text.size() - lowered.size();  // the last place it can start
  const auto found_at = [&](std::size_t at) {
    return equal_ascii_folded(text.data() + at, lowered.data(), lowered.size());
  };
  std::size_t at = 0;
  for (; at + 8 <= text.size() && at <= last; at += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + at, 8);
    const uint64_t diff = (word | case_bit) ^ pattern;
    // A zero byte of diff sets its high bit (bytes above a zero byte may be
    // set too: each candidate is checked).
    for (uint64_t zero = (diff - repeat_byte(1)) & ~diff & kHighBits; zero != 0; zero &= zero - 1) {
      const std::size_t candidate = at + static_cast<std::size_t>(std::countr_zero(zero)) / 8;
      if (candidate <= last && found_at(candidate)) return true;
    }
  }
  for (; at <= last; ++at) {
    if (((static_cast<unsigned char>(text[at]) | (letter ? 0x20U : 0U)) ==
         static_cast<unsigned char>(first)) &&
        found_at(at)) {
      return true;
    }
  }
  return false;
}

bool folds_as_ascii(std::string_view literal) noexcept {
  return is_ascii(literal) && literal.find_first_of("ik") == std::string_view::npos;
}

char32_t simple_lowercase(char32_t code_point) noexcept {
  if (code_point < kTableEnd) return kSmallTable[code_point];
  const auto* next =
      std::upper_bound(std::begin(kRanges), std::end(kRanges), code_point,
                       [](char32_t c, const LowercaseRange& range) { return c < range.first; });
  if (next == std::begin(kRanges)) return code_point;
  const LowercaseRange& range = *std::prev(next);
  if (code_point > range.last || ((code_point - range.first) & (range.step - 1)) != 0) {
    return code_point;
  }
  return static_cast<char32_t>(static_cast<int32_t>(code_point) + range.delta);
}

void append_lowercase(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p < end) {
    const auto* const run = p;
    for (uint64_t word; end - p >= 8; p += 8) {
      std::memcpy(&word, p, 8);
      if ((word & kHighBits) != 0) break;
    }
    while (p < end && *p < 0x80) ++p;
    if (p != run) {
      const std::size_t at = out.size();
      out.append(reinterpret_cast<const char*>(run), p - run);
      lowercase_ascii(out.data() + at, p - run);
      if (p == end) break;
    }
    char32_t code_point;
    const std::size_t length = decode_utf8(p, end - p, code_point);
    if (length == 0) {
      out.push_back(static_cast<char>(*p++));
      continue;
    }
    const char32_t lower = simple_lowercase(code_point);
    if (lower == code_point) {
      out.append(reinterpret_cast<const char*>(p), length);
    } else {
      append_utf8(lower, out);
    }
    p += length;
  }
}

}  // namespace rollcall::filter::detail
