// GET /where/explain: a `where` parsed, normalized and planned, or its error.
#pragma once

#include <string>

#include "rollcall/filter.hpp"

namespace rollcall::server {

// The bound expression as JSON: {"Kind": "And", "Children": [...]},
// {"Kind": "Compare", "Op": "=", "Left": {"Attribute": "Role", ...}, ...}.
std::string expression_json(const filter::Predicate& predicate);

}  // namespace rollcall::server
