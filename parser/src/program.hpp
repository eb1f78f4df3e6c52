// Stage 3 output: the executable form of a bound expression. Each node is one
// evaluation step specialized at compile time for its operand kinds and types.
#pragma once

#include <atomic>
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

  // Made on first use. Not std::call_once: glibc's pthread_once makes a futex
  // syscall when it first runs, which is once per request that compiles a query.
  const std::string& normalized() const {
    if (!normalized_ready_.load(std::memory_order_acquire)) {
      const std::lock_guard lock(normalized_mutex_);
      if (!normalized_ready_.load(std::memory_order_relaxed)) {
        normalized_ = to_string(expr, schema);
        normalized_ready_.store(true, std::memory_order_release);
      }
    }
    return normalized_;
  }

  Schema schema;
  Expr expr;
  std::unique_ptr<EvalNode> root;

 private:
  mutable std::mutex normalized_mutex_;
  mutable std::atomic<bool> normalized_ready_{false};
  mutable std::string normalized_;
};

}  // namespace rollcall::filter::detail
