#include "rollcall/index/text.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <ostream>
#include <stdexcept>

namespace rollcall::index {

Text::Text(std::string_view text) {
  if (text.empty()) return;
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("Text: longer than 4 GiB");
  }
  const auto size = static_cast<std::uint32_t>(text.size());
  block_ = static_cast<char*>(::operator new(kHeader + text.size() + 1));
  std::memcpy(block_, &size, kHeader);
  std::memcpy(block_ + kHeader, text.data(), text.size());
  block_[kHeader + text.size()] = '\0';  // for c_str()
}

Text::~Text() { ::operator delete(block_); }

std::ostream& operator<<(std::ostream& out, const Text& text) { return out << text.view(); }

}  // namespace rollcall::index
