#include "rollcall/index/member_ptr.hpp"

#include <new>
#include <type_traits>

#include "record_arena.hpp"

namespace rollcall::index {
namespace {

// Every Text of a membership, in the order they are packed.
template <class Record, class Visit>
void for_each_text(Record& m, Visit visit) {
  for (auto* text : {&m.username, &m.email, &m.display_name, &m.slug, &m.external_id,
                     &m.external_organization_id, &m.profile_picture_url}) {
    visit(*text);
  }
}

}  // namespace

// One block of the record arena where there were up to eight allocations,
// with the texts beside the record: a scan that reads them touches the
// record's own cache lines.
MemberPtr make_member(OrganizationMember value) {
  using Arena = detail::RecordArena;
  static_assert(std::is_nothrow_move_constructible_v<OrganizationMember>,
                "the block would leak if moving the record in threw");
  static_assert(sizeof(OrganizationMember) == 200,
                "a field was added or changed: pack any new Text in for_each_text");
  static_assert(sizeof(MemberPtr::Block) <= Arena::kMaxBlockBytes);
  static_assert(alignof(MemberPtr::Block) <= Arena::kUnitBytes, "blocks start at a unit");
  // A text that would take the block past the arena's largest keeps a block
  // of its own. The rule is the same in both passes.
  const auto packs = [](std::size_t block_bytes, const Text& text) {
    return block_bytes + text.packed_size() <= Arena::kMaxBlockBytes;
  };
  std::size_t block_bytes = sizeof(MemberPtr::Block);
  for_each_text(value, [&](const Text& text) {
    if (packs(block_bytes, text)) block_bytes += text.packed_size();
  });
  const Arena::Block place = detail::record_arena().allocate(block_bytes);
  auto* block = new (place.address) MemberPtr::Block{std::move(value)};
  block->handle = place.handle;
  char* const record_start = reinterpret_cast<char*>(block);
  std::size_t packed_bytes = sizeof(MemberPtr::Block);
  for_each_text(block->value, [&](Text& text) {
    if (!packs(packed_bytes, text)) return;
    const std::size_t size = text.packed_size();
    text.pack_into(record_start + packed_bytes);
    packed_bytes += size;
  });
  return MemberPtr(block);
}

void MemberPtr::destroy(Block* block) noexcept {
  std::size_t block_bytes = sizeof(Block);
  for_each_text(block->value, [&](const Text& text) { block_bytes += text.bytes_packed(); });
  const detail::RecordArena::Block place{block->handle, block};
  block->~Block();
  detail::record_arena().free(place, block_bytes);
}

}  // namespace rollcall::index
