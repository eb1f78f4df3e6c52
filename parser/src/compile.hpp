// Stage 3: bound expression -> executable nodes (compiles LIKE matchers and
// regexes once; a bad regex is reported here).
#pragma once

#include <memory>

#include "program.hpp"
#include "rollcall/filter/error.hpp"

namespace rollcall::filter::detail {

Result<std::unique_ptr<EvalNode>> compile_expr(const Expr& expr, const Schema& schema,
                                               const Limits& limits);

}  // namespace rollcall::filter::detail
