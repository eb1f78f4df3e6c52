// Evaluation steps. Each returns SQL three-valued truth; NULL operands give
// kUnknown except in the steps that observe NULL explicitly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "casefold.hpp"
#include "like.hpp"
#include "program.hpp"
#include "readers.hpp"
#include "regex.hpp"

namespace rollcall::filter::detail {

inline Truth truth(bool value) { return value ? Truth::kTrue : Truth::kFalse; }

// Scratch space for lowercasing record values; one per thread keeps steps const.
inline std::string& lowercase_buffer() {
  thread_local std::string buffer;
  return buffer;
}

inline std::string_view lowercase(std::string_view text) {
  std::string& buffer = lowercase_buffer();
  buffer.clear();
  append_lowercase(text, buffer);
  return buffer;
}

// Byte equality without a memcmp call for the short values most attributes hold.
inline bool same_bytes(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const auto load = [](const char* p, auto word) {
    std::memcpy(&word, p, sizeof(word));
    return word;
  };
  if (n >= 8 && n <= 16) {
    return load(a.data(), std::uint64_t{}) == load(b.data(), std::uint64_t{}) &&
           load(a.data() + n - 8, std::uint64_t{}) == load(b.data() + n - 8, std::uint64_t{});
  }
  if (n >= 4 && n < 8) {
    return load(a.data(), std::uint32_t{}) == load(b.data(), std::uint32_t{}) &&
           load(a.data() + n - 4, std::uint32_t{}) == load(b.data() + n - 4, std::uint32_t{});
  }
  if (n < 4) {
    for (std::size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  return std::memcmp(a.data(), b.data(), n) == 0;
}

struct Equal {
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    if constexpr (std::is_convertible_v<const A&, std::string_view>) {
      return same_bytes(a, b);
    } else {
      return a == b;
    }
  }
};

struct NotEqual {
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return !Equal{}(a, b);
  }
};

template <class Left, class Right, class Compare>
class CompareStep final : public EvalNode {
 public:
  CompareStep(Left left, Right right) : left_(std::move(left)), right_(std::move(right)) {}
  Truth eval(RecordRef record) const override {
    const auto a = left_.read(record);
    if (!a) return Truth::kUnknown;
    const auto b = right_.read(record);
    if (!b) return Truth::kUnknown;
    return truth(Compare{}(*a, *b));
  }

 private:
  Left left_;
  Right right_;
};

// Values are sorted: short lists are scanned, long ones binary-searched.
template <class Left, class Stored>
class InStep final : public EvalNode {
 public:
  InStep(Left left, std::vector<Stored> values, bool negated)
      : left_(std::move(left)), values_(std::move(values)), negated_(negated) {
    std::sort(values_.begin(), values_.end());
  }
  Truth eval(RecordRef record) const override {
    const auto value = left_.read(record);
    if (!value) return Truth::kUnknown;
    return truth(contains(*value) != negated_);
  }

 private:
  template <class T>
  bool contains(const T& value) const {
    if (values_.size() <= 8) {
      for (const Stored& candidate : values_) {
        if (Equal{}(candidate, value)) return true;
      }
      return false;
    }
    return std::binary_search(values_.begin(), values_.end(), value, std::less<>{});
  }

  Left left_;
  std::vector<Stored> values_;
  bool negated_;
};

// A record value with only its ASCII letters lowered, on the stack when short.
class AsciiFolded {
 public:
  explicit AsciiFolded(std::string_view text) {
    char* out =
        text.size() <= sizeof(small_) ? small_ : (large_.resize(text.size()), large_.data());
    lower_ascii_letters(text, out);
    view_ = std::string_view(out, text.size());
  }
  std::string_view view() const { return view_; }

 private:
  char small_[256];
  std::string large_;
  std::string_view view_;
};

// A record value lowercased, on the stack when short.
class Lowered {
 public:
  explicit Lowered(std::string_view text) {
    if (text.size() * kMaxLowercaseGrowth > sizeof(small_)) {
      view_ = lowercase(text);
    } else {
      view_ = std::string_view(small_, lowercase_to(text, small_));
    }
  }
  std::string_view view() const { return view_; }

 private:
  char small_[512];
  std::string_view view_;
};

// How ILIKE and `contains` compare a lowercase literal with a record value
// without the full Unicode lowercasing when the literal allows it.
class CaseInsensitive {
 public:
  explicit CaseInsensitive(std::string_view literal, bool literal_only)
      : ascii_fold_(literal_only && folds_as_ascii(literal)),
        needs_non_ascii_(literal_only && !is_ascii(literal)) {}

  // Calls match(lowercased value), or returns false when no lowercase can match.
  template <class Match>
  bool apply(std::string_view text, const Match& match) const {
    if (ascii_fold_) return match(AsciiFolded(text).view());
    // The lowercase of ASCII text is ASCII: it cannot hold a non-ASCII literal.
    if (needs_non_ascii_ && is_ascii(text)) return false;
    return match(Lowered(text).view());
  }
  // Whether `lowered` (the lowercased literal) occurs in the lowercase of
  // `text`; with an ASCII-folding literal, without lowering the text.
  bool contains(std::string_view text, std::string_view lowered) const {
    return ascii_fold_ ? contains_ascii_folded(text, lowered) : contains_lowered(text, lowered);
  }

 private:
  // Kept out of line: scans call contains() for every value.
  [[gnu::noinline]] bool contains_lowered(std::string_view text, std::string_view lowered) const {
    return apply(text, [&](std::string_view lowered_text) {
      return lowered_text.find(lowered) != std::string_view::npos;
    });
  }

  bool ascii_fold_;
  bool needs_non_ascii_;
};

inline bool literal_shape(const LikePattern& pattern) {
  return pattern.shape() != LikePattern::Shape::General;
}

template <class Left>
class LikeStep final : public EvalNode {
 public:
  LikeStep(Left left, LikePattern pattern, bool negated, bool case_insensitive)
      : left_(std::move(left)),
        pattern_(std::move(pattern)),
        negated_(negated),
        case_insensitive_(case_insensitive),
        fold_(pattern_.literal(), literal_shape(pattern_)) {}
  Truth eval(RecordRef record) const override {
    const auto value = left_.read(record);
    if (!value) return Truth::kUnknown;
    if (!case_insensitive_) return truth(pattern_.matches(*value) != negated_);
    const bool found =
        pattern_.shape() == LikePattern::Shape::Infix
            ? fold_.contains(*value, pattern_.literal())
            : fold_.apply(*value, [&](std::string_view text) { return pattern_.matches(text); });
    return truth(found != negated_);
  }

 private:
  Left left_;
  LikePattern pattern_;
  bool negated_;
  bool case_insensitive_;
  CaseInsensitive fold_;
};

template <class Left>
class RegexStep final : public EvalNode {
 public:
  RegexStep(Left left, std::shared_ptr<const re2::RE2> regex, RegexPrefilter prefilter,
            bool negated)
      : left_(std::move(left)),
        regex_(std::move(regex)),
        prefilter_(std::move(prefilter)),
        negated_(negated) {}
  Truth eval(RecordRef record) const override {
    const auto value = left_.read(record);
    if (!value) return Truth::kUnknown;
    return truth((may_match(*value) && regex_search(*regex_, *value)) != negated_);
  }

 private:
  // Most values lack the literals a match needs: substring searches reject them
  // for a fraction of the cost of running the regex.
  bool may_match(std::string_view text) const {
    return prefilter_.atoms.empty() || prefilter_.may_match(AsciiFolded(text).view());
  }

  Left left_;
  std::shared_ptr<const re2::RE2> regex_;
  RegexPrefilter prefilter_;
  bool negated_;
};

template <class Left>
class IsNullStep final : public EvalNode {
 public:
  IsNullStep(Left left, bool negated) : left_(std::move(left)), negated_(negated) {}
  Truth eval(RecordRef record) const override {
    return truth(left_.read(record).has_value() == negated_);
  }

 private:
  Left left_;
  bool negated_;
};

class ConstantStep final : public EvalNode {
 public:
  explicit ConstantStep(Truth value) : value_(value) {}
  Truth eval(RecordRef /*record*/) const override { return value_; }

 private:
  Truth value_;
};

class HasUuidStep final : public EvalNode {
 public:
  HasUuidStep(bool (*has)(RecordRef, const Uuid&), Uuid wanted) : has_(has), wanted_(wanted) {}
  Truth eval(RecordRef record) const override { return truth(has_(record, wanted_)); }

 private:
  bool (*has_)(RecordRef, const Uuid&);
  Uuid wanted_;
};

class HasStringStep final : public EvalNode {
 public:
  HasStringStep(bool (*has)(RecordRef, std::string_view), std::string wanted)
      : has_(has), wanted_(std::move(wanted)) {}
  Truth eval(RecordRef record) const override { return truth(has_(record, wanted_)); }

 private:
  bool (*has_)(RecordRef, std::string_view);
  std::string wanted_;
};

class HasKeyStep final : public EvalNode {
 public:
  explicit HasKeyStep(MapEntryReader entry) : entry_(std::move(entry)) {}
  Truth eval(RecordRef record) const override { return truth(entry_.read(record).has_value()); }

 private:
  MapEntryReader entry_;
};

class ContainsStep final : public EvalNode {
 public:
  using StringGetter = std::optional<std::string_view> (*)(RecordRef);
  using MapVisit = void (*)(RecordRef, void*, Accessors::MapVisitor);

  ContainsStep(std::string needle, std::vector<StringGetter> strings, std::vector<MapVisit> maps)
      : needle_(std::move(needle)),
        strings_(std::move(strings)),
        maps_(std::move(maps)),
        fold_(needle_, /*literal_only=*/true) {}
  Truth eval(RecordRef record) const override;

 private:
  bool found_in(std::string_view text) const { return fold_.contains(text, needle_); }

  std::string needle_;  // lowercased
  std::vector<StringGetter> strings_;
  std::vector<MapVisit> maps_;
  CaseInsensitive fold_;
};

class NotStep final : public EvalNode {
 public:
  explicit NotStep(std::unique_ptr<EvalNode> child) : child_(std::move(child)) {}
  Truth eval(RecordRef record) const override {
    switch (child_->eval(record)) {
      case Truth::kTrue:
        return Truth::kFalse;
      case Truth::kFalse:
        return Truth::kTrue;
      default:
        return Truth::kUnknown;
    }
  }

 private:
  std::unique_ptr<EvalNode> child_;
};

class TruthTestStep final : public EvalNode {
 public:
  TruthTestStep(std::unique_ptr<EvalNode> child, bool truth, bool negated)
      : child_(std::move(child)),
        wanted_(truth ? Truth::kTrue : Truth::kFalse),
        negated_(negated) {}
  Truth eval(RecordRef record) const override {
    return truth((child_->eval(record) == wanted_) != negated_);
  }

 private:
  std::unique_ptr<EvalNode> child_;
  Truth wanted_;
  bool negated_;
};

// Kleene AND (Dominant = kFalse) and OR (Dominant = kTrue): the dominant value
// decides at once; otherwise any kUnknown makes the result unknown.
template <Truth Dominant>
class JunctionStep final : public EvalNode {
 public:
  explicit JunctionStep(std::vector<std::unique_ptr<EvalNode>> children)
      : children_(std::move(children)) {}
  Truth eval(RecordRef record) const override {
    constexpr Truth kOther = Dominant == Truth::kFalse ? Truth::kTrue : Truth::kFalse;
    Truth result = kOther;
    for (const auto& child : children_) {
      const Truth value = child->eval(record);
      if (value == Dominant) return Dominant;
      if (value == Truth::kUnknown) result = Truth::kUnknown;
    }
    return result;
  }

 private:
  std::vector<std::unique_ptr<EvalNode>> children_;
};

using AndStep = JunctionStep<Truth::kFalse>;
using OrStep = JunctionStep<Truth::kTrue>;

}  // namespace rollcall::filter::detail
