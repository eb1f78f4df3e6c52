#include "sort_key.hpp"

#include <cstring>

namespace rollcall::index::detail {
namespace {

using filter::AttributeType;
using filter::Value;

Value read_value(const filter::Attribute& attribute, filter::RecordRef record) {
  const auto& get = attribute.get;
  const auto wrap = [](auto optional) -> Value {
    if (!optional) return std::monostate{};
    return Value(*optional);
  };
  switch (attribute.type) {
    case AttributeType::kString: {
      auto text = get.string(record);
      return text ? Value(std::string(*text)) : Value(std::monostate{});
    }
    case AttributeType::kInt:
      return wrap(get.integer(record));
    case AttributeType::kBool:
      return wrap(get.boolean(record));
    case AttributeType::kUuid:
      return wrap(get.uuid(record));
    case AttributeType::kTime:
      return wrap(get.time(record));
    default:
      return std::monostate{};
  }
}

int compare_values(const Value& a, const Value& b) {
  const bool a_null = std::holds_alternative<std::monostate>(a);
  const bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) return a_null == b_null ? 0 : (a_null ? 1 : -1);  // NULLs are largest
  return std::visit(
      [&](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, std::monostate>) {
          return 0;
        } else {
          return x < y ? -1 : (y < x ? 1 : 0);
        }
      },
      a);
}

void append_bytes(std::string& out, const void* data, std::size_t size) {
  out.append(static_cast<const char*>(data), size);
}

bool take_bytes(std::string_view& in, void* data, std::size_t size) {
  if (in.size() < size) return false;
  std::memcpy(data, in.data(), size);
  in.remove_prefix(size);
  return true;
}

}  // namespace

std::variant<std::vector<ResolvedSortKey>, StoreError> resolve_sort_keys(
    const std::vector<SortKey>& keys, const filter::Schema& schema) {
  std::vector<ResolvedSortKey> resolved;
  for (const SortKey& key : keys) {
    const filter::Attribute* attribute = schema.find(key.attribute);
    if (attribute == nullptr) {
      return StoreError{StoreErrorCode::kBadRequest,
                        "unknown attribute '" + key.attribute + "' in order_by"};
    }
    if (attribute->type == AttributeType::kUuidArray ||
        attribute->type == AttributeType::kStringArray ||
        attribute->type == AttributeType::kStringMap) {
      return StoreError{StoreErrorCode::kBadRequest,
                        "attribute '" + key.attribute + "' is not sortable"};
    }
    resolved.push_back({attribute, key.descending});
  }
  if (resolved.empty()) resolved.push_back({schema.find("CreatedAt"), false});
  return resolved;
}

bool in_created_order(const std::vector<ResolvedSortKey>& keys) {
  return keys.size() == 1 && keys[0].attribute->name == "CreatedAt";
}

OrderKey order_key(filter::RecordRef record, const Uuid& id,
                   const std::vector<ResolvedSortKey>& keys) {
  OrderKey key;
  key.values.reserve(keys.size());
  for (const ResolvedSortKey& sort : keys)
    key.values.push_back(read_value(*sort.attribute, record));
  key.id = id;
  return key;
}

int compare_order(const OrderKey& a, const OrderKey& b, const std::vector<ResolvedSortKey>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const int order = compare_values(a.values[i], b.values[i]);
    if (order != 0) return keys[i].descending ? -order : order;
  }
  const int order = a.id < b.id ? -1 : (b.id < a.id ? 1 : 0);
  return keys.back().descending ? -order : order;
}

std::string encode_cursor(const OrderKey& key) {
  std::string out;
  for (const Value& value : key.values) {
    out.push_back(static_cast<char>(value.index()));
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            const auto size = static_cast<std::uint32_t>(v.size());
            append_bytes(out, &size, sizeof(size));
            out.append(v);
          } else if constexpr (!std::is_same_v<T, std::monostate>) {
            append_bytes(out, &v, sizeof(v));
          }
        },
        value);
  }
  append_bytes(out, key.id.bytes.data(), key.id.bytes.size());
  return out;
}

std::optional<OrderKey> decode_cursor(std::string_view in,
                                      const std::vector<ResolvedSortKey>& keys) {
  OrderKey key;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (in.empty()) return std::nullopt;
    const auto tag = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    bool ok = true;
    switch (tag) {
      case 0:
        key.values.emplace_back(std::monostate{});
        break;
      case 1: {
        std::uint32_t size = 0;
        ok = take_bytes(in, &size, sizeof(size)) && in.size() >= size;
        if (ok) key.values.emplace_back(std::string(in.substr(0, size)));
        if (ok) in.remove_prefix(size);
        break;
      }
      case 2: {
        std::int64_t v = 0;
        ok = take_bytes(in, &v, sizeof(v));
        key.values.emplace_back(v);
        break;
      }
      case 3: {
        std::uint8_t v = 0;
        ok = take_bytes(in, &v, 1);
        key.values.emplace_back(v != 0);
        break;
      }
      case 4: {
        Uuid v;
        ok = take_bytes(in, v.bytes.data(), 16);
        key.values.emplace_back(v);
        break;
      }
      case 5: {
        Timestamp v;
        ok = take_bytes(in, &v.micros, 8);
        key.values.emplace_back(v);
        break;
      }
      default:
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
  }
  if (!take_bytes(in, key.id.bytes.data(), 16) || !in.empty()) return std::nullopt;
  return key;
}

}  // namespace rollcall::index::detail
