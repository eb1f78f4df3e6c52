#include "rollcall/index/text.hpp"

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
  block_ = static_cast<char*>(::operator new(kHeader + text.size()));
  std::memcpy(block_, &size, kHeader);
  std::memcpy(block_ + kHeader, text.data(), text.size());
}

Text::~Text() {
  if (!empty() && (header() & kPacked) == 0) ::operator delete(block_);
}

Text Text::packed_into(char* at) const noexcept {
  Text packed;
  if (empty()) return packed;
  const std::uint32_t header = static_cast<std::uint32_t>(size()) | kPacked;
  std::memcpy(at, &header, kHeader);
  std::memcpy(at + kHeader, block_ + kHeader, size());
  packed.block_ = at;
  return packed;
}

std::ostream& operator<<(std::ostream& out, const Text& text) { return out << text.view(); }

}  // namespace rollcall::index
