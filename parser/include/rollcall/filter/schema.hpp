// A schema names the attributes a `where` expression may use on one record type
// and how to read each one. Build one with SchemaBuilder<Record>; accessors are
// captureless lambdas, stored as plain function pointers on a type-erased record.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "rollcall/filter/values.hpp"

namespace rollcall::filter {

enum class AttributeType : std::uint8_t {
  kString,
  kInt,
  kBool,
  kUuid,
  kTime,
  kUuidArray,
  kStringArray,
  kStringMap,
};

const char* to_string(AttributeType type) noexcept;

using RecordRef = const void*;

// How to read one attribute. Only the members for the attribute's type are set.
// A scalar accessor returns nullopt for NULL.
struct Accessors {
  using MapVisitor = bool (*)(void* context, std::string_view key, std::string_view value);

  std::optional<std::string_view> (*string)(RecordRef) = nullptr;
  std::optional<std::int64_t> (*integer)(RecordRef) = nullptr;
  std::optional<bool> (*boolean)(RecordRef) = nullptr;
  std::optional<Uuid> (*uuid)(RecordRef) = nullptr;
  std::optional<Timestamp> (*time)(RecordRef) = nullptr;
  bool (*array_has_uuid)(RecordRef, const Uuid&) = nullptr;
  bool (*array_has_string)(RecordRef, std::string_view) = nullptr;
  std::size_t (*size)(RecordRef) = nullptr;  // arrays and maps
  std::optional<std::string_view> (*map_find)(RecordRef, std::string_view key) = nullptr;
  // Calls visitor(context, key, value) per entry until it returns false.
  void (*map_visit)(RecordRef, void* context, MapVisitor visitor) = nullptr;
};

struct Attribute {
  std::string name;
  AttributeType type = AttributeType::kString;
  Accessors get;
};

class Schema {
 public:
  Schema(std::string entity, const std::type_info& record_type, std::vector<Attribute> attributes);

  const std::string& entity() const noexcept;
  const std::type_info& record_type() const noexcept;
  std::span<const Attribute> attributes() const noexcept;
  const Attribute* find(std::string_view name) const noexcept;
  // Index of `name` in attributes(), or -1.
  int index_of(std::string_view name) const noexcept;

  // The same schema seen through a scope: only the named attributes exist, so an
  // expression naming any other one fails with "unknown attribute".
  Schema restricted_to(std::span<const std::string_view> names) const;

  // True for copies of one schema (expressions index its attributes).
  bool same_as(const Schema& other) const noexcept { return data_ == other.data_; }

 private:
  struct Data;
  std::shared_ptr<const Data> data_;
};

namespace detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T, class V>
std::optional<T> to_optional(V&& value) {
  if constexpr (IsOptional<std::remove_cvref_t<V>>::value) {
    if (!value) return std::nullopt;
    return T(*value);
  } else {
    return T(std::forward<V>(value));
  }
}

// Accessors are captureless lambdas: their type alone is enough to call them.
template <class Get, class Record>
concept Accessor = std::is_empty_v<Get> && std::default_initializable<Get> &&
    std::invocable<const Get&, const Record&>;

template <class Record, class Get>
decltype(auto) read(RecordRef record) {
  return Get{}(*static_cast<const Record*>(record));
}

template <class Range, class T>
bool range_contains(const Range& range, const T& wanted) {
  for (const auto& element : range) {
    if (element == wanted) return true;
  }
  return false;
}

}  // namespace detail

template <class Record>
class SchemaBuilder {
 public:
  explicit SchemaBuilder(std::string entity) : entity_(std::move(entity)) {}

  // Get: const Record& -> something convertible to std::string_view (a reference
  // into the record, never a temporary string), optionally wrapped in std::optional.
  template <detail::Accessor<Record> Get>
  SchemaBuilder& string(std::string name, Get) {
    using R = std::invoke_result_t<Get, const Record&>;
    static_assert(!std::is_same_v<R, std::string>, "return a reference, not a temporary string");
    Accessors get;
    get.string = [](RecordRef r) {
      return detail::to_optional<std::string_view>(detail::read<Record, Get>(r));
    };
    return add(std::move(name), AttributeType::kString, get);
  }

  template <detail::Accessor<Record> Get>
  SchemaBuilder& integer(std::string name, Get) {
    Accessors get;
    get.integer = [](RecordRef r) {
      return detail::to_optional<std::int64_t>(detail::read<Record, Get>(r));
    };
    return add(std::move(name), AttributeType::kInt, get);
  }

  template <detail::Accessor<Record> Get>
  SchemaBuilder& boolean(std::string name, Get) {
    Accessors get;
    get.boolean = [](RecordRef r) {
      return detail::to_optional<bool>(detail::read<Record, Get>(r));
    };
    return add(std::move(name), AttributeType::kBool, get);
  }

  template <detail::Accessor<Record> Get>
  SchemaBuilder& uuid(std::string name, Get) {
    Accessors get;
    get.uuid = [](RecordRef r) { return detail::to_optional<Uuid>(detail::read<Record, Get>(r)); };
    return add(std::move(name), AttributeType::kUuid, get);
  }

  template <detail::Accessor<Record> Get>
  SchemaBuilder& time(std::string name, Get) {
    Accessors get;
    get.time = [](RecordRef r) {
      return detail::to_optional<Timestamp>(detail::read<Record, Get>(r));
    };
    return add(std::move(name), AttributeType::kTime, get);
  }

  // Get returns a range of Uuid.
  template <detail::Accessor<Record> Get>
  SchemaBuilder& uuid_array(std::string name, Get) {
    Accessors get;
    get.array_has_uuid = [](RecordRef r, const Uuid& wanted) {
      return detail::range_contains(detail::read<Record, Get>(r), wanted);
    };
    get.size = [](RecordRef r) { return std::size(detail::read<Record, Get>(r)); };
    return add(std::move(name), AttributeType::kUuidArray, get);
  }

  // Get returns a range of elements comparable with std::string_view.
  template <detail::Accessor<Record> Get>
  SchemaBuilder& string_array(std::string name, Get) {
    Accessors get;
    get.array_has_string = [](RecordRef r, std::string_view wanted) {
      return detail::range_contains(detail::read<Record, Get>(r), wanted);
    };
    get.size = [](RecordRef r) { return std::size(detail::read<Record, Get>(r)); };
    return add(std::move(name), AttributeType::kStringArray, get);
  }

  // Get returns a range of pairs whose .first/.second convert to std::string_view
  // (std::map<std::string, std::string>, a vector of pairs, ...). Lookups scan the
  // range: label maps are small.
  template <detail::Accessor<Record> Get>
  SchemaBuilder& string_map(std::string name, Get) {
    Accessors get;
    get.size = [](RecordRef r) { return std::size(detail::read<Record, Get>(r)); };
    get.map_find = [](RecordRef r, std::string_view key) -> std::optional<std::string_view> {
      for (const auto& [k, v] : detail::read<Record, Get>(r)) {
        if (std::string_view(k) == key) return std::string_view(v);
      }
      return std::nullopt;
    };
    get.map_visit = [](RecordRef r, void* context, Accessors::MapVisitor visit) {
      for (const auto& [k, v] : detail::read<Record, Get>(r)) {
        if (!visit(context, std::string_view(k), std::string_view(v))) return;
      }
    };
    return add(std::move(name), AttributeType::kStringMap, get);
  }

  Schema build() const { return Schema(entity_, typeid(Record), attributes_); }

 private:
  SchemaBuilder& add(std::string name, AttributeType type, Accessors get) {
    attributes_.push_back(Attribute{std::move(name), type, get});
    return *this;
  }

  std::string entity_;
  std::vector<Attribute> attributes_;
};

}  // namespace rollcall::filter
