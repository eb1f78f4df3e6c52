// Heap bytes per organization member: the deterministic data set loaded into an
// OrganizationMemberStore, measured with glibc's mallinfo2() (bytes in use,
// mmapped blocks and malloc's own per-chunk overhead included), split into the
// records alone and the indexes (store minus records). Also the time to load
// the store one insert at a time.
//
// usage: memory_bench [--members N]   (default 1,000,000; half in one organization)

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "datagen.hpp"
#include "heap_in_use.hpp"
#include "rollcall/index/member_store.hpp"

namespace {

using rollcall::index::OrganizationMember;
using Clock = std::chrono::steady_clock;

using rollcall::bench::heap_in_use;

double per_member(std::size_t bytes, std::size_t members) {
  return static_cast<double>(bytes) / static_cast<double>(members);
}

// Bytes of the shared records alone, without any index: what the store's
// indexes add is measured against it. The records stay alive: freed, the
// record arena would keep their chunks and give them to the store's records,
// which the heap would then not see.
std::size_t records_bytes(const std::vector<OrganizationMember>& members,
                          std::vector<rollcall::index::MemberPtr>& records) {
  records.reserve(members.size());
  const std::size_t before = heap_in_use();
  for (const auto& m : members) records.push_back(make_member(m));
  return heap_in_use() - before;
}

// Heap bytes of a value held once in an intern pool: its node and what the
// value points to, with malloc's 16 bytes a block (an estimate: the values
// were allocated before the heap was first read, with the generated data).
std::size_t block(std::size_t bytes) { return (bytes + 8 + 15) / 16 * 16; }
std::size_t string_heap(const std::string& s) { return s.size() < 16 ? 0 : block(s.size() + 1); }

template <class T>
std::size_t interned_bytes(const rollcall::index::Interned<T>& value) {
  std::size_t bytes = block(sizeof(T) + 16);  // the node: the value, its hash and count
  if constexpr (std::is_same_v<T, std::string>) {
    bytes += string_heap(value.value());
  } else {
    bytes += block(value.size() * sizeof(value[0]));
    if constexpr (std::is_same_v<T, rollcall::index::Labels>) {
      for (const auto& [key, text] : value) bytes += string_heap(key) + string_heap(text);
    }
  }
  return bytes;
}

// Every distinct interned value the members hold, once.
std::size_t interned_bytes(const std::vector<OrganizationMember>& members) {
  std::unordered_set<const void*> seen;
  std::size_t bytes = 0;
  const auto add = [&](const auto& value) {
    if (!value.empty() && seen.insert(&value.value()).second) bytes += interned_bytes(value);
  };
  for (const auto& m : members) {
    add(m.role);
    add(m.status);
    add(m.role_ids);
    add(m.labels);
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = rollcall::bench::index_bench_options(argc, argv);
  const auto members = rollcall::bench::generate_members(options);
  std::vector<rollcall::index::MemberPtr> alone;
  const std::size_t records = records_bytes(members, alone);

  const std::size_t before = heap_in_use();
  rollcall::index::OrganizationMemberStore store;
  const auto start = Clock::now();
  for (const auto& m : members) store.insert(m);
  const double load_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::size_t total = heap_in_use() - before;

  const std::size_t n = members.size();
  std::printf("%zu members loaded in %.2f s (%.0f inserts/s)\n", n, load_seconds,
              static_cast<double>(n) / load_seconds);
  std::printf("store:   %7.0f bytes/member\n", per_member(total, n));
  std::printf("records: %7.0f bytes/member (shared records alone)\n", per_member(records, n));
  std::printf("indexes: %7.0f bytes/member (store minus records)\n",
              per_member(total - records, n));
  std::printf(
      "interned: %zu label sets, %zu role-ID lists, %zu texts, held once: about %.1f "
      "bytes/member more (not in the figures above)\n",
      rollcall::index::SharedLabels::distinct(), rollcall::index::SharedRoleIds::distinct(),
      rollcall::index::SharedText::distinct(), per_member(interned_bytes(members), n));
  return 0;
}
