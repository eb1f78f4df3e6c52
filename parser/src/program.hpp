// Stage 3 output: the executable form of a bound expression. Each node is one
// evaluation step specialized at compile time for its operand kinds and types.
#pragma once

#include <memory>

#include "rollcall/filter.hpp"

namespace rollcall::filter::detail {

class EvalNode {
 public:
  virtual ~EvalNode() = default;
  virtual Truth eval(RecordRef record) const = 0;
};

struct Program {
  Program(Schema schema_in, Expr expr_in, std::unique_ptr<EvalNode> root_in)
      : schema(std::move(schema_in)), expr(std::move(expr_in)), root(std::move(root_in)) {}

  static Predicate wrap(std::shared_ptr<const Program> program) {
    return Predicate(std::move(program));
  }

  Schema schema;
  Expr expr;
  std::unique_ptr<EvalNode> root;
};

}  // namespace rollcall::filter::detail
