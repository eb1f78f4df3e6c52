// The case folding of emails: ASCII letters only, as fold_email (directory.hpp).
#pragma once

namespace rollcall::index::detail {

constexpr char fold_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace rollcall::index::detail
