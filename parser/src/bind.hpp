// Stage 2: syntax tree + schema -> bound expression. Resolves attribute names,
// checks operators against types, types and validates literals.
#pragma once

#include <string_view>

#include "rollcall/filter/error.hpp"
#include "rollcall/filter/expr.hpp"
#include "rollcall/filter/limits.hpp"
#include "rollcall/filter/schema.hpp"
#include "syntax.hpp"

namespace rollcall::filter::detail {

// `text` is the expression the tree was parsed from (for columns); a null root
// binds to ExprKind::kTrue.
Result<Expr> bind_where(const syntax::Node* root, std::string_view text, const Schema& schema,
                        const Limits& limits);

}  // namespace rollcall::filter::detail
