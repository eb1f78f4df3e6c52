// Deterministic synthetic OrganizationMember records for benchmarks: the same
// options give byte-identical records on every machine and standard library.
//
// Record i depends only on (options, i), so a stream of any length can be
// generated without holding it in memory, and a benchmark can name a value that
// exists (member(0).username) without generating the rest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rollcall/index/entities.hpp"

namespace rollcall::bench {

struct GeneratorOptions {
  std::size_t members = 1000;
  std::size_t organizations = 10;
  std::uint64_t seed = 1;
  // Fraction of the members in organization 0; the rest spread over the others
  // with Zipf-like sizes (organization k gets about 1/k of them).
  double big_org_share = 0.5;
};

// The index benchmarks' data set: 1,000,000 members in 1,000 organizations
// (half in one), or `--members N` from the command line.
GeneratorOptions index_bench_options(int argc, char** argv);

// Vocabularies the records draw from, for benchmarks that need existing values.
inline constexpr std::array<std::string_view, 3> kRoles = {"OWNER", "ADMIN", "MEMBER"};
inline constexpr std::array<std::string_view, 2> kStatuses = {"active", "pending"};
// Keys in the sorted order Labels keeps; each key is absent from some records.
inline constexpr std::array<std::string_view, 4> kLabelKeys = {"environment", "region", "team",
                                                               "tier"};
inline constexpr std::array<std::string_view, 4> kEnvironments = {"prod", "staging", "dev", "test"};
inline constexpr std::array<std::string_view, 4> kRegions = {"us-east-1", "eu-west-1", "ap-south-1",
                                                             "sa-east-1"};
inline constexpr std::array<std::string_view, 8> kTeams = {"sre",    "data", "core",   "infra",
                                                           "growth", "ml",   "design", "security"};
inline constexpr std::array<std::string_view, 6> kTiers = {"backend",  "frontend", "data",
                                                           "platform", "edge",     "Backend"};
inline constexpr std::array<std::string_view, 4> kEmailDomains = {"example.com", "corp.example.org",
                                                                  "mail.test", "EXAMPLE.NET"};

class MemberGenerator {
 public:
  explicit MemberGenerator(const GeneratorOptions& options);

  // Record `index` (0-based) of the data set.
  index::OrganizationMember member(std::size_t index) const;

  const filter::Uuid& organization_id(std::size_t organization) const;
  // The organization holding big_org_share of the members.
  const filter::Uuid& big_organization_id() const { return organization_id(0); }
  // The pool RoleIDs are drawn from.
  std::span<const filter::Uuid> role_ids() const { return role_ids_; }

 private:
  std::size_t pick_organization(std::uint64_t draw_big, std::uint64_t draw_rest) const;

  GeneratorOptions options_;
  std::uint64_t big_threshold_;  // a 32-bit draw below this selects organization 0
  std::vector<filter::Uuid> organization_ids_;
  std::vector<std::uint64_t> zipf_cumulative_;  // over organizations 1..n-1
  std::vector<filter::Uuid> role_ids_;
  std::vector<filter::Uuid> actor_ids_;  // CreatedBy / UpdatedBy
};

std::vector<index::OrganizationMember> generate_members(const GeneratorOptions& options);

}  // namespace rollcall::bench
