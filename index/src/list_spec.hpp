// A ListSpec compiled against a caller's view: the predicate, order and fields
// a store list runs with, and the text its page tokens are bound to.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/index/views.hpp"

namespace rollcall::index::detail {

struct CompiledList {
  filter::Predicate predicate;  // where AND filter AND contains AND the view's scope
  std::vector<SortKey> order_by;
  FieldMask fields = kAllFields;
  std::string binding;
};

// `saved_where`: the Where of the spec's saved filter, already checked to
// belong to this list. Errors are kBadRequest naming the parameter.
filter::Result<CompiledList, StoreError> compile_list(
    const ListSpec& spec, const View& view, const std::optional<std::string>& saved_where);

// `where` ANDed with the view's scope.
filter::Predicate within_view(filter::Predicate where, const View& view);

// Copies what a store request shares with every list into `out`.
template <class StoreRequest>
void fill_request(const ListSpec& spec, CompiledList&& compiled, StoreRequest& out) {
  out.predicate = std::move(compiled.predicate);
  out.order_by = std::move(compiled.order_by);
  out.limit = spec.limit;
  out.page_token = spec.page_token;
  out.include_total = spec.include_total;
  out.binding = std::move(compiled.binding);
}

}  // namespace rollcall::index::detail
