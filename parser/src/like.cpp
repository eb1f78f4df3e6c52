#include "like.hpp"

#include <cstddef>
#include <span>

namespace rollcall::filter::detail {
namespace {

constexpr std::size_t kNoMatch = std::string_view::npos;

// A pattern segment (the text between two '%'): literal bytes with '_' wildcards at
// the byte offsets listed in `wildcards`.
struct SegmentView {
  std::string_view text;
  std::span<const std::size_t> wildcards;
};

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t DeclaredLength(char lead) {
  const auto byte = static_cast<unsigned char>(lead);
  if (byte < 0x80) return 1;
  if ((byte & 0xE0) == 0xC0) return 2;
  if ((byte & 0xF0) == 0xE0) return 3;
  if ((byte & 0xF8) == 0xF0) return 4;
  return 1;
}

// Byte length of the code point starting at `pos` (< text.size()). A byte that does
// not begin a well-formed sequence counts as one character, so stepping forwards
// and backwards (PrevCodePoint) always agree on the character boundaries.
std::size_t CodePointLength(std::string_view text, std::size_t pos) {
  const std::size_t length = DeclaredLength(text[pos]);
  if (length > text.size() - pos) return 1;
  for (std::size_t i = 1; i < length; ++i) {
    if (!IsContinuation(text[pos + i])) return 1;
  }
  return length;
}

// Start of the code point that ends at `end` (> 0).
std::size_t PrevCodePoint(std::string_view text, std::size_t end) {
  for (std::size_t back = 1; back <= 4 && back <= end; ++back) {
    const char c = text[end - back];
    if (!IsContinuation(c)) return DeclaredLength(c) == back ? end - back : end - 1;
  }
  return end - 1;
}

// Position `count` code points after `pos`, or kNoMatch if the text runs out.
std::size_t Advance(std::string_view text, std::size_t pos, std::size_t count) {
  for (; count > 0; --count) {
    if (pos >= text.size()) return kNoMatch;
    pos += CodePointLength(text, pos);
  }
  return pos;
}

// Position `count` code points before `pos`, or kNoMatch if that is before `floor`.
std::size_t Retreat(std::string_view text, std::size_t pos, std::size_t count, std::size_t floor) {
  for (; count > 0; --count) {
    if (pos <= floor) return kNoMatch;
    pos = PrevCodePoint(text, pos);
  }
  return pos < floor ? kNoMatch : pos;
}

// Matches `segment` starting exactly at `pos`; returns where the match ends.
std::size_t MatchAt(const SegmentView& segment, std::string_view text, std::size_t pos) {
  std::size_t from = 0;
  for (const std::size_t wildcard : segment.wildcards) {
    const std::string_view run = segment.text.substr(from, wildcard - from);
    if (!text.substr(pos).starts_with(run)) return kNoMatch;
    pos = Advance(text, pos + run.size(), 1);
    if (pos == kNoMatch) return kNoMatch;
    from = wildcard + 1;
  }
  const std::string_view tail = segment.text.substr(from);
  return text.substr(pos).starts_with(tail) ? pos + tail.size() : kNoMatch;
}

// Matches `segment` so that it ends exactly at the end of `text` and starts no
// earlier than `floor`, walking backwards because '_' spans 1 to 4 bytes.
bool MatchAtEnd(const SegmentView& segment, std::string_view text, std::size_t floor) {
  std::size_t end = text.size();
  std::size_t to = segment.text.size();
  for (auto it = segment.wildcards.rbegin(); it != segment.wildcards.rend(); ++it) {
    const std::string_view run = segment.text.substr(*it + 1, to - *it - 1);
    if (end - floor < run.size() || !text.substr(0, end).ends_with(run)) return false;
    end = Retreat(text, end - run.size(), 1, floor);
    if (end == kNoMatch) return false;
    to = *it;
  }
  const std::string_view head = segment.text.substr(0, to);
  return end - floor >= head.size() && text.substr(0, end).ends_with(head);
}

// Leftmost match of `segment` starting at or after `pos`; returns where it ends.
// Leftmost is enough: a later start can never end earlier, so it leaves the rest of
// the pattern no more room.
std::size_t FindFrom(const SegmentView& segment, std::string_view text, std::size_t pos) {
  std::size_t leading = 0;
  while (leading < segment.wildcards.size() && segment.wildcards[leading] == leading) ++leading;
  if (leading == segment.text.size()) return Advance(text, pos, leading);
  const std::size_t anchor_end =
      leading < segment.wildcards.size() ? segment.wildcards[leading] : segment.text.size();
  const std::string_view anchor = segment.text.substr(leading, anchor_end - leading);
  std::size_t from = Advance(text, pos, leading);
  while (from != kNoMatch && (from = text.find(anchor, from)) != kNoMatch) {
    const std::size_t start = Retreat(text, from, leading, pos);
    const std::size_t end = start == kNoMatch ? kNoMatch : MatchAt(segment, text, start);
    if (end != kNoMatch) return end;
    ++from;
  }
  return kNoMatch;
}

SegmentView View(const auto& segment) { return {segment.text, segment.any_char_at}; }

// The general case: the first segment anchored at the start unless the pattern starts
// with '%', middle segments leftmost-first, the last anchored at the end unless the
// pattern ends with '%'.
bool MatchSegments(const auto& segments, bool anchored_start, bool anchored_end,
                   std::string_view text) {
  if (anchored_start && anchored_end && segments.size() == 1) {
    return MatchAt(View(segments.front()), text, 0) == text.size();
  }
  std::size_t first = 0;
  std::size_t last = segments.size();
  std::size_t pos = 0;
  if (anchored_start) {
    pos = MatchAt(View(segments[first++]), text, 0);
    if (pos == kNoMatch) return false;
  }
  if (anchored_end) --last;
  for (std::size_t i = first; i < last; ++i) {
    pos = FindFrom(View(segments[i]), text, pos);
    if (pos == kNoMatch) return false;
  }
  return !anchored_end || MatchAtEnd(View(segments.back()), text, pos);
}

// Shape of a pattern without '_'.
LikePattern::Shape LiteralShape(bool has_percent, std::size_t segments, bool anchored_start,
                                bool anchored_end) {
  using Shape = LikePattern::Shape;
  if (!has_percent) return Shape::Exact;
  if (segments == 0) return Shape::Prefix;
  if (segments > 1) return Shape::General;
  if (anchored_start) return Shape::Prefix;
  return anchored_end ? Shape::Suffix : Shape::Infix;
}

}  // namespace

std::optional<LikePattern> LikePattern::compile(std::string_view pattern) {
  std::vector<Segment> pieces(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    Segment& current = pieces.back();
    const char c = pattern[i];
    if (c == '%') {
      pieces.emplace_back();
    } else if (c == '_') {
      current.any_char_at.push_back(current.text.size());
      current.text.push_back('_');
    } else if (c != '\\') {
      current.text.push_back(c);
    } else if (++i < pattern.size()) {
      current.text.push_back(pattern[i]);
    } else {
      return std::nullopt;
    }
  }
  LikePattern result;
  result.anchored_start_ = pieces.size() == 1 || !pieces.front().text.empty();
  result.anchored_end_ = pieces.size() == 1 || !pieces.back().text.empty();
  bool has_wildcard = false;
  for (Segment& piece : pieces) {
    has_wildcard = has_wildcard || !piece.any_char_at.empty();
    if (pieces.size() == 1 || !piece.text.empty()) result.segments_.push_back(std::move(piece));
  }
  result.shape_ = has_wildcard ? Shape::General
                               : LiteralShape(pieces.size() > 1, result.segments_.size(),
                                              result.anchored_start_, result.anchored_end_);
  if (result.shape_ != Shape::General && !result.segments_.empty()) {
    result.literal_ = result.segments_.front().text;
  }
  return result;
}

bool LikePattern::matches(std::string_view text) const noexcept {
  switch (shape_) {
    case Shape::Exact:
      return text == literal_;
    case Shape::Prefix:
      return text.starts_with(literal_);
    case Shape::Suffix:
      return text.ends_with(literal_);
    case Shape::Infix:
      return text.find(literal_) != std::string_view::npos;
    case Shape::General:
      break;
  }
  return MatchSegments(segments_, anchored_start_, anchored_end_, text);
}

}  // namespace rollcall::filter::detail
