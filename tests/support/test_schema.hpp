// A small record type whose schema has one attribute of every type, and the
// helpers the `where` unit tests share: compile-and-match, truth of one
// record, and compile-error checks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "rollcall/filter.hpp"

// Tests build records with designated initializers naming only the fields a
// case needs; GCC's -Wextra would flag every omitted one.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace rollcall::filter {

// Lets gtest print Truth values in failure messages.
inline void PrintTo(Truth truth, std::ostream* out) {
  switch (truth) {
    case Truth::kTrue:
      *out << "TRUE";
      return;
    case Truth::kFalse:
      *out << "FALSE";
      return;
    case Truth::kUnknown:
      *out << "UNKNOWN";
      return;
  }
}

inline void PrintTo(ErrorCode code, std::ostream* out) { *out << to_string(code); }

}  // namespace rollcall::filter

namespace rollcall::test {

using filter::ErrorCode;
using filter::Limits;
using filter::Timestamp;
using filter::Truth;
using filter::Uuid;

// Parses a uuid the test itself writes; a typo fails loudly.
inline Uuid uuid(std::string_view text) {
  const auto parsed = Uuid::parse(text);
  if (!parsed) ADD_FAILURE() << "bad uuid in test: " << text;
  return parsed.value_or(Uuid{});
}

// Parses a time the test itself writes; a typo fails loudly.
inline Timestamp instant(std::string_view text) {
  const auto parsed = Timestamp::parse(text);
  if (!parsed) ADD_FAILURE() << "bad time in test: " << text;
  return parsed.value_or(Timestamp{});
}

struct Record {
  std::string name;
  std::string email;
  std::string role;
  std::int64_t age = 0;
  std::int64_t version = 1;
  bool active = false;
  Uuid id;
  std::optional<Uuid> manager_id;
  Timestamp created_at;
  Timestamp updated_at;
  std::vector<Uuid> role_ids;
  std::vector<std::string> tags;
  std::map<std::string, std::string> labels;
};

inline const filter::Schema& schema() {
  static const filter::Schema kSchema =
      filter::SchemaBuilder<Record>("Record")
          .string("Name", [](const Record& r) -> const std::string& { return r.name; })
          .string("Email", [](const Record& r) -> const std::string& { return r.email; })
          .string("Role", [](const Record& r) -> const std::string& { return r.role; })
          .integer("Age", [](const Record& r) { return r.age; })
          .integer("Version", [](const Record& r) { return r.version; })
          .boolean("Active", [](const Record& r) { return r.active; })
          .uuid("ID", [](const Record& r) { return r.id; })
          .uuid("ManagerID",
                [](const Record& r) -> const std::optional<Uuid>& { return r.manager_id; })
          .time("CreatedAt", [](const Record& r) { return r.created_at; })
          .time("UpdatedAt", [](const Record& r) { return r.updated_at; })
          .uuid_array("RoleIDs",
                      [](const Record& r) -> const std::vector<Uuid>& { return r.role_ids; })
          .string_array("Tags",
                        [](const Record& r) -> const std::vector<std::string>& { return r.tags; })
          .string_map(
              "Labels",
              [](const Record& r) -> const std::map<std::string, std::string>& { return r.labels; })
          .build();
  return kSchema;
}

// Compiles `where` against schema(); a compile error fails the test.
inline filter::Predicate compiled(std::string_view where, const Limits& limits = {}) {
  auto result = filter::compile_where(where, schema(), limits);
  if (!result) {
    ADD_FAILURE() << "`" << where << "` did not compile: " << result.error().message();
    return filter::Predicate();
  }
  return std::move(result).value();
}

// `where` compiles; the failure message carries the compile error.
inline ::testing::AssertionResult compiles(std::string_view where, const Limits& limits = {}) {
  auto result = filter::compile_where(where, schema(), limits);
  if (result) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << result.error().message();
}

// The names of the records `where` matches, in order.
inline std::vector<std::string> matching(std::string_view where,
                                         const std::vector<Record>& records) {
  auto result = filter::compile_where(where, schema());
  if (!result) {
    ADD_FAILURE() << "`" << where << "` did not compile: " << result.error().message();
    return {"<compile error>"};
  }
  std::vector<std::string> names;
  for (const Record& record : records) {
    if (result->matches(record)) names.push_back(record.name);
  }
  return names;
}

using Names = std::vector<std::string>;

// The three-valued truth of `where` on one record.
inline Truth truth(std::string_view where, const Record& record) {
  return compiled(where).evaluate(record);
}

// `where` is `expected` on `record` and NOT (where) is its SQL negation.
inline ::testing::AssertionResult is(Truth expected, std::string_view where, const Record& record) {
  const Truth negated_expected = expected == Truth::kTrue    ? Truth::kFalse
                                 : expected == Truth::kFalse ? Truth::kTrue
                                                             : Truth::kUnknown;
  const Truth got = truth(where, record);
  const std::string negation = "NOT (" + std::string(where) + ")";
  const Truth negated = truth(negation, record);
  if (got == expected && negated == negated_expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "`" << where << "` is " << ::testing::PrintToString(got) << " (want "
         << ::testing::PrintToString(expected) << "); `" << negation << "` is "
         << ::testing::PrintToString(negated) << " (want "
         << ::testing::PrintToString(negated_expected) << ")";
}

inline ::testing::AssertionResult is_true(std::string_view where, const Record& record) {
  return is(Truth::kTrue, where, record);
}
inline ::testing::AssertionResult is_false(std::string_view where, const Record& record) {
  return is(Truth::kFalse, where, record);
}
inline ::testing::AssertionResult is_unknown(std::string_view where, const Record& record) {
  return is(Truth::kUnknown, where, record);
}

// The error compiling `where` gives; if it compiles, a test failure and a
// default Error.
inline filter::Error compile_error(std::string_view where, const Limits& limits = {}) {
  auto result = filter::compile_where(where, schema(), limits);
  if (result) {
    ADD_FAILURE() << "`" << where << "` compiled; an error was expected";
    return {};
  }
  return result.error();
}

// Compiling `where` fails with `code` at 1-based character `column`.
inline ::testing::AssertionResult fails_with(std::string_view where, ErrorCode code,
                                             std::uint32_t column, const Limits& limits = {}) {
  auto result = filter::compile_where(where, schema(), limits);
  if (result) return ::testing::AssertionFailure() << "`" << where << "` compiled";
  const filter::Error& error = result.error();
  if (error.code == code && error.column == column) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "`" << where << "` failed with " << to_string(error.code) << " at column "
         << error.column << " (want " << to_string(code) << " at column " << column
         << "): " << error.message();
}

// True when `text` contains `part`; for EXPECT_TRUE with a readable failure.
inline ::testing::AssertionResult has_substr(std::string_view text, std::string_view part) {
  if (text.find(part) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

}  // namespace rollcall::test
