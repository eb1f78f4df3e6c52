// rollcall's filter engine: compile a `where` expression against a schema once,
// evaluate it on many records. See README.md, "The where language".
//
//   auto schema = rollcall::filter::SchemaBuilder<Person>("Person")
//                     .string("Name", [](const Person& p) -> const std::string& { return p.name; })
//                     .integer("Age", [](const Person& p) { return p.age; })
//                     .build();
//   auto where = rollcall::filter::compile_where("Age >= 18 AND Name LIKE 'A%'", schema);
//   if (!where) std::cerr << where.error().message() << '\n';
//   else for (const Person& p : people) if (where->matches(p)) ...
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "rollcall/filter/error.hpp"
#include "rollcall/filter/expr.hpp"
#include "rollcall/filter/limits.hpp"
#include "rollcall/filter/schema.hpp"
#include "rollcall/filter/values.hpp"

namespace rollcall::filter {

// SQL three-valued logic: a record matches only when the expression is kTrue.
enum class Truth : std::uint8_t { kFalse, kTrue, kUnknown };

namespace detail {
struct Program;
}

// A compiled expression. Immutable; cheap to copy; safe to evaluate from many
// threads at once.
class Predicate {
 public:
  Predicate();  // matches every record

  template <class Record>
  bool matches(const Record& record) const {
    return evaluate(record) == Truth::kTrue;
  }

  template <class Record>
  Truth evaluate(const Record& record) const {
#ifndef NDEBUG
    check_record_type(typeid(Record));
#endif
    return evaluate_erased(&record);
  }

  // For callers that erase the record type themselves (indexes, bindings).
  Truth evaluate_erased(RecordRef record) const;

  const Expr& expression() const noexcept;
  const Schema& schema() const noexcept;
  // Canonical text (see to_string(const Expr&, const Schema&)).
  const std::string& normalized() const;  // lives as long as the Predicate
  // Names of the attributes evaluation reads (for `contains`: every string and
  // map attribute), each once, in schema order.
  std::vector<std::string> attributes_read() const;

 private:
  friend struct detail::Program;
  friend Predicate all_of(std::span<const Predicate> predicates);
  explicit Predicate(std::shared_ptr<const detail::Program> program);
  void check_record_type(const std::type_info& type) const;

  std::shared_ptr<const detail::Program> program_;
};

// Parses, binds and compiles `where` against `schema`. An empty or all-blank
// expression matches everything.
Result<Predicate> compile_where(std::string_view where, const Schema& schema,
                                const Limits& limits = {});

// `contains=TEXT`: TEXT occurs, compared after Unicode simple lowercase mapping,
// as a substring of some string attribute or some map key or value of `schema`.
Predicate compile_contains(std::string_view text, const Schema& schema);

// The conjunction of compiled predicates over one schema (a `where`, a saved
// filter's `Where`, a `contains`, ...).
Predicate all_of(std::span<const Predicate> predicates);

}  // namespace rollcall::filter
