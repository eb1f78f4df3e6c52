#include "rollcall/filter/schema.hpp"

#include <stdexcept>

namespace rollcall::filter {

struct Schema::Data {
  std::string entity;
  const std::type_info* record_type;
  std::vector<Attribute> attributes;
};

const char* to_string(AttributeType type) noexcept {
  switch (type) {
    case AttributeType::kString:
      return "string";
    case AttributeType::kInt:
      return "int";
    case AttributeType::kBool:
      return "bool";
    case AttributeType::kUuid:
      return "uuid";
    case AttributeType::kTime:
      return "time";
    case AttributeType::kUuidArray:
      return "uuid array";
    case AttributeType::kStringArray:
      return "string array";
    case AttributeType::kStringMap:
      return "map";
  }
  return "?";
}

Schema::Schema(std::string entity, const std::type_info& record_type,
               std::vector<Attribute> attributes) {
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (attributes[i].name == attributes[j].name) {
        throw std::invalid_argument("schema " + entity + " names attribute '" + attributes[i].name +
                                    "' twice");
      }
    }
  }
  data_ =
      std::make_shared<const Data>(Data{std::move(entity), &record_type, std::move(attributes)});
}

const std::string& Schema::entity() const noexcept { return data_->entity; }

const std::type_info& Schema::record_type() const noexcept { return *data_->record_type; }

std::span<const Attribute> Schema::attributes() const noexcept { return data_->attributes; }

int Schema::index_of(std::string_view name) const noexcept {
  const auto& attributes = data_->attributes;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Attribute* Schema::find(std::string_view name) const noexcept {
  const int index = index_of(name);
  return index < 0 ? nullptr : &data_->attributes[static_cast<std::size_t>(index)];
}

Schema Schema::restricted_to(std::span<const std::string_view> names) const {
  std::vector<Attribute> kept;
  for (const Attribute& attribute : data_->attributes) {
    for (std::string_view name : names) {
      if (attribute.name == name) kept.push_back(attribute);
    }
  }
  return Schema(data_->entity, *data_->record_type, std::move(kept));
}

}  // namespace rollcall::filter
