// Operand readers: how an evaluation step gets one side's value from a record.
// Each is a small struct with read(record) -> std::optional<value_type>, so steps
// can be specialized per reader and the common case inlines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/filter/schema.hpp"

namespace rollcall::filter::detail {

template <class T>
struct AttributeReader {
  using value_type = T;
  std::optional<T> (*get)(RecordRef);
  std::optional<T> read(RecordRef record) const { return get(record); }
};

struct MapEntryReader {
  using value_type = std::string_view;
  std::optional<std::string_view> (*find)(RecordRef, std::string_view);
  std::string key;
  std::optional<std::string_view> read(RecordRef record) const { return find(record, key); }
};

struct LengthReader {
  using value_type = std::int64_t;
  std::size_t (*size)(RecordRef);
  std::optional<std::int64_t> read(RecordRef record) const {
    return static_cast<std::int64_t>(size(record));
  }
};

template <class T, class Stored = T>
struct ConstantReader {
  using value_type = T;
  Stored value;
  std::optional<T> read(RecordRef /*record*/) const { return T(value); }
};

}  // namespace rollcall::filter::detail
