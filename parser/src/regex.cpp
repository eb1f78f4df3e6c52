#include "regex.hpp"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>

#include "casefold.hpp"

namespace rollcall::filter::detail {
namespace {

// The largest m or n of any {m}, {m,} or {m,n} repetition, found by the same
// lexical rules RE2 uses: skipping escapes and bracketed classes, and treating
// a '{' that does not start a valid repetition as a literal.
std::size_t largest_repeat(std::string_view pattern) {
  std::size_t largest = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // ']' first is literal
    } else if (c == '{') {
      std::size_t j = i + 1;
      std::size_t local = 0;
      bool digits = false;
      bool valid = true;
      for (; j < pattern.size() && pattern[j] != '}'; ++j) {
        const char d = pattern[j];
        if (d >= '0' && d <= '9') {
          local = std::min<std::size_t>(local * 10 + static_cast<std::size_t>(d - '0'), 1u << 30);
          digits = true;
        } else if (d == ',' && digits) {
          largest = std::max(largest, local);
          local = 0;
        } else {
          valid = false;
          break;
        }
      }
      if (valid && digits && j < pattern.size()) largest = std::max(largest, local);
    }
  }
  return largest;
}

constexpr std::size_t kMaxPrefilterAtoms = 8;

// RE2's prefilter (lowercased literals in an AND/OR tree every match satisfies),
// tabulated by the set of atoms present. Kept only where searching the atoms in
// the ASCII-lowered text is exact: a case-sensitive regex (a case-insensitive
// one also matches U+212A for 'k' and U+017F for 's'), ASCII atoms, few enough
// to tabulate, and no atom-free way to match.
RegexPrefilter make_prefilter(std::string_view pattern, const RE2::Options& options) {
  if (!options.case_sensitive() || pattern.find("(?") != std::string_view::npos) return {};
  re2::FilteredRE2 filter(/*min_atom_len=*/3);
  int id = 0;
  if (filter.Add(re2::StringPiece(pattern.data(), pattern.size()), options, &id) != RE2::NoError) {
    return {};
  }
  RegexPrefilter prefilter;
  filter.Compile(&prefilter.atoms);
  const auto& atoms = prefilter.atoms;
  if (atoms.empty() || atoms.size() > kMaxPrefilterAtoms ||
      !std::all_of(atoms.begin(), atoms.end(), [](const auto& atom) { return is_ascii(atom); })) {
    return {};
  }
  for (std::size_t mask = 0; mask < (std::size_t{1} << atoms.size()); ++mask) {
    std::vector<int> found, passed;
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      if (mask >> i & 1) found.push_back(static_cast<int>(i));
    }
    filter.AllPotentials(found, &passed);
    prefilter.passes.push_back(!passed.empty());
  }
  if (prefilter.passes.front()) return {};
  return prefilter;
}

}  // namespace

RegexResult compile_regex(std::string_view pattern, bool case_insensitive, const Limits& limits) {
  if (largest_repeat(pattern) > limits.max_regex_repeat) {
    return {nullptr,
            "repetition count above the limit of " + std::to_string(limits.max_regex_repeat) +
                " in {m,n}",
            true,
            {}};
  }
  RE2::Options options;
  options.set_dot_nl(true);
  options.set_case_sensitive(!case_insensitive);
  options.set_max_mem(limits.max_regex_memory_bytes);
  options.set_log_errors(false);
  auto regex = std::make_shared<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex->ok()) {
    std::string error = regex->error();
    const bool too_large = regex->error_code() == RE2::ErrorPatternTooLarge;
    if (too_large) {
      error += " (the compiled regex needs more than the limit of " +
               std::to_string(limits.max_regex_memory_bytes) + " bytes)";
    }
    return {nullptr, std::move(error), too_large, {}};
  }
  return {std::move(regex), {}, false, make_prefilter(pattern, options)};
}

bool RegexPrefilter::may_match(std::string_view folded_text) const {
  std::size_t mask = 0;
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (folded_text.find(atoms[i]) != std::string_view::npos) mask |= std::size_t{1} << i;
  }
  return passes[mask];
}

bool regex_search(const re2::RE2& regex, std::string_view text) {
  return regex.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                     nullptr, 0);
}

}  // namespace rollcall::filter::detail
