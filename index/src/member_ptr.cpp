#include "rollcall/index/member_ptr.hpp"

#include <new>
#include <type_traits>

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

// One allocation where there were up to eight, with the texts beside the
// record: a scan that reads them touches the record's own cache lines.
MemberPtr make_member(OrganizationMember value) {
  static_assert(std::is_nothrow_move_constructible_v<OrganizationMember>,
                "the block would leak if moving the record in threw");
  static_assert(sizeof(OrganizationMember) == 200,
                "a field was added or changed: pack any new Text in for_each_text");
  // Texts past 2 GiB of packed texts would sit too far from their Text to
  // pack: they keep their own blocks. The bound is the same in both passes.
  const auto packs_after = [](std::size_t packed_bytes) {
    return Text::can_pack_at(sizeof(MemberPtr::Block) + packed_bytes);
  };
  std::size_t text_bytes = 0;
  for_each_text(value, [&](const Text& text) {
    if (packs_after(text_bytes)) text_bytes += text.packed_size();
  });
  void* memory = ::operator new(sizeof(MemberPtr::Block) + text_bytes);
  auto* block = new (memory) MemberPtr::Block{std::move(value)};
  char* const texts = reinterpret_cast<char*>(block + 1);
  std::size_t packed_bytes = 0;
  for_each_text(block->value, [&](Text& text) {
    if (!packs_after(packed_bytes)) return;
    const std::size_t size = text.packed_size();
    text.pack_into(texts + packed_bytes);
    packed_bytes += size;
  });
  return MemberPtr(block);
}

void MemberPtr::destroy(Block* block) noexcept {
  block->~Block();
  ::operator delete(block);
}

}  // namespace rollcall::index
