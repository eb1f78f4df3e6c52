#include "rollcall/index/text.hpp"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <new>
#include <ostream>
#include <stdexcept>

namespace rollcall::index {

Text::Text(std::string_view text) {
  if (text.empty()) return;
  if (text.size() > kMaxSize) throw std::length_error("Text: 2 GiB or longer");
  const auto size = static_cast<std::uint32_t>(text.size());
  auto* block = static_cast<char*>(::operator new(kLengthBytes + text.size()));
  std::memcpy(block, &size, kLengthBytes);
  std::memcpy(block + kLengthBytes, text.data(), text.size());
  word_ = reinterpret_cast<std::uintptr_t>(block);
}

Text::~Text() {
  if (!empty() && !packed()) ::operator delete(const_cast<char*>(owned_block()));
}

void Text::pack_into(char* at) noexcept {
  if (empty()) return;
  const std::uint64_t size = this->size();
  const auto distance = static_cast<std::uint64_t>(at - reinterpret_cast<char*>(this));
  assert(can_pack_at(distance));
  std::memcpy(at, data(), size);
  if (!packed()) ::operator delete(const_cast<char*>(owned_block()));
  word_ = size << 32 | distance << 1 | kPacked;
}

std::ostream& operator<<(std::ostream& out, const Text& text) { return out << text.view(); }

}  // namespace rollcall::index
