// Stage 3 output: the executable form of a bound expression. Each node is one
// evaluation step specialized at compile time for its operand kinds and types.
#pragma once

#include <memory>
#include <mutex>
#include <string>

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

  const std::string& normalized() const {
    std::call_once(normalized_once_, [this] { normalized_ = to_string(expr, schema); });
    return normalized_;
  }

  Schema schema;
  Expr expr;
  std::unique_ptr<EvalNode> root;

 private:
  mutable std::once_flag normalized_once_;
  mutable std::string normalized_;
};

}  // namespace rollcall::filter::detail
