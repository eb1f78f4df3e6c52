// "Did you mean ...?" for misspelt attribute names.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "rollcall/filter/schema.hpp"

namespace rollcall::filter::detail {

// The attribute closest to `name` (case-insensitive equality first, then edit
// distance up to a third of the name's length), or empty when none is close.
std::string closest_attribute(std::string_view name, std::span<const Attribute> attributes);

}  // namespace rollcall::filter::detail
