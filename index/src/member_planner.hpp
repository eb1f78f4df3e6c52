// The planner: from a bound `where` expression, the cheapest way to find the
// candidate records of one organization. The chosen path only narrows the
// records; the executor still evaluates the whole predicate on each candidate,
// so a plan can never change an answer, only its cost.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "member_indexes.hpp"

namespace rollcall::index::detail {

struct AccessPath {
  enum class Kind : std::uint8_t {
    kScan,           // every record of the organization, in (CreatedAt, ID) order
    kCreatedRange,   // CreatedAt within [from, to], same order
    kRole,           // (organization, Role) range, same order
    kPostings,       // an inverted index's posting list, same order
    kUsernameRange,  // (organization, Username) range: unordered candidates
    kIds,            // record IDs: unordered candidates
    kUnion,          // several paths ORed: unordered candidates
  };
  Kind kind = Kind::kScan;
  std::uint64_t estimate = 0;  // size of the candidate set (kUnion: sum of its parts')
  // Every candidate matches the whole expression (no residual to evaluate).
  bool exact = false;

  std::string role;
  const PostingList* postings = nullptr;
  std::string postings_name;
  // kUsernameRange, for describe(): the range's low end, or with `prefix` the
  // prefix its names start with (first and last are the range itself).
  std::string low;
  bool prefix = false;
  Timestamp from{INT64_MIN};
  Timestamp to{INT64_MAX};  // inclusive bounds
  // Paths in created order and kUsernameRange: the candidates' entries in the
  // index the path reads (kPostings: its posting list; kRole: by_role;
  // kUsernameRange: by_username; else by_created), found while planning;
  // valid while the lock the plan was made under is held.
  BlockList::const_iterator first;
  BlockList::const_iterator last;
  std::vector<Uuid> ids;
  std::vector<AccessPath> parts;

  // Candidates come in (CreatedAt, ID) order within the organization.
  bool in_created_order() const {
    return kind == Kind::kScan || kind == Kind::kCreatedRange || kind == Kind::kRole ||
           kind == Kind::kPostings;
  }
  // The path in words, with each part's estimated candidates unless told not.
  std::string describe() const;
};

// `page_in_created_order`: the rows wanted when results go out in (CreatedAt,
// ID) order (limit + 1), which favours paths that yield that order; 0 to
// visit every match (counts, other orders).
AccessPath plan_access(const filter::Expr& expr, const filter::Schema& schema,
                       const Uuid& organization, const MemberSet& members, const Inverted& inverted,
                       std::size_t page_in_created_order = 0);

}  // namespace rollcall::index::detail
