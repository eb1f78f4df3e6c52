#include "list_spec.hpp"

#include <array>
#include <utility>

namespace rollcall::index::detail {

namespace {

using Compiled = filter::Result<CompiledList, StoreError>;

StoreError bad_request(std::string_view parameter, std::string_view what) {
  std::string message(parameter);
  message.append(": ").append(what);
  return StoreError{StoreErrorCode::kBadRequest, std::move(message)};
}

StoreError unknown_attribute(std::string_view parameter, std::string_view name) {
  std::string what("unknown attribute '");
  what.append(name).append("'");
  return bad_request(parameter, what);
}

filter::Result<filter::Predicate, StoreError> compile(std::string_view parameter,
                                                      std::string_view where, const View& view) {
  auto compiled = filter::compile_where(where, view.schema);
  if (!compiled) return bad_request(parameter, compiled.error().message());
  return std::move(*compiled);
}

filter::Result<filter::Predicate, StoreError> predicate_of(
    const ListSpec& spec, const View& view, const std::optional<std::string>& saved_where) {
  std::vector<filter::Predicate> parts;
  if (!spec.where.empty()) {
    auto where = compile("where", spec.where, view);
    if (!where) return where.error();
    parts.push_back(std::move(*where));
  }
  if (saved_where) {
    auto saved = compile("filter", *saved_where, view);
    if (!saved) return saved.error();
    parts.push_back(std::move(*saved));
  }
  if (!spec.contains.empty()) parts.push_back(filter::compile_contains(spec.contains, view.schema));
  if (view.scope) parts.push_back(*view.scope);
  if (parts.empty()) return compile("where", "", view);
  return filter::all_of(parts);
}

std::optional<StoreError> check_order(const std::vector<SortKey>& order_by, const View& view) {
  for (const SortKey& key : order_by) {
    if (view.schema.find(key.attribute) == nullptr) {
      return unknown_attribute("order_by", key.attribute);
    }
  }
  return std::nullopt;
}

filter::Result<FieldMask, StoreError> fields_of(const std::vector<std::string>& select,
                                                const View& view) {
  if (select.empty()) return view.fields;
  FieldMask mask = view.field_bit(view.id_field);
  for (const std::string& name : select) {
    const FieldMask bit = view.field_bit(name);
    if ((bit & view.fields) == 0) return unknown_attribute("select", name);
    mask |= bit;
  }
  return mask;
}

std::string binding_of(const ListSpec& spec, FieldMask fields, const View& view) {
  std::string binding = "fields=" + std::to_string(fields);
  binding.append(view.scope ? ";scoped=1" : ";scoped=0");
  if (!spec.filter.empty()) binding.append(";filter=").append(spec.filter);
  return binding;
}

}  // namespace

Compiled compile_list(const ListSpec& spec, const View& view,
                      const std::optional<std::string>& saved_where) {
  auto predicate = predicate_of(spec, view, saved_where);
  if (!predicate) return predicate.error();
  if (auto bad = check_order(spec.order_by, view)) return *bad;
  auto fields = fields_of(spec.select, view);
  if (!fields) return fields.error();
  CompiledList compiled;
  compiled.predicate = std::move(*predicate);
  compiled.order_by = spec.order_by;
  compiled.fields = *fields;
  compiled.binding = binding_of(spec, *fields, view);
  return compiled;
}

filter::Predicate within_view(filter::Predicate where, const View& view) {
  if (!view.scope) return where;
  const std::array<filter::Predicate, 2> parts{std::move(where), *view.scope};
  return filter::all_of(parts);
}

}  // namespace rollcall::index::detail
