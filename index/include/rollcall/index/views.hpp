// The scoped views of the API: what a caller may see of an entity's records.
// OWNER, ADMIN and the admin token see everything; an organization MEMBER sees
// only active memberships (and the space memberships of active members) and a
// few of their fields, and may name only those fields in `where`, `contains`,
// `order_by` and `select`, so that no filter becomes a side channel. The
// Directory applies them to every read; see Directory::list_members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/filter.hpp"
#include "rollcall/index/json.hpp"
#include "rollcall/index/member_store.hpp"

namespace rollcall::index {

enum class Standing : std::uint8_t;

struct View {
  filter::Schema schema;  // the attributes the caller may name
  FieldMask fields = kAllFields;
  FieldMask (*field_bit)(std::string_view name) = nullptr;
  std::string_view id_field;               // `select` always keeps it
  std::optional<filter::Predicate> scope;  // the records they may see; none: all

  template <class Record>
  bool shows(const Record& record) const {
    return !scope || scope->matches(record);
  }
};

const View& organization_member_view(Standing standing);
// By the caller's standing in the space's organization: a MEMBER sees the
// same way whether a plain space member or a space admin.
const View& space_member_view(Standing organization_standing);

// A list's parameters as the client wrote them. The Directory compiles them
// against the caller's view: `where`, the saved `filter` (FilterID or Slug)
// and `contains` are ANDed with the view's scope.
struct ListSpec {
  std::string where;
  std::string filter;    // empty: none
  std::string contains;  // empty: none
  std::vector<SortKey> order_by;
  std::vector<std::string> select;  // empty: every field of the view
  std::size_t limit = 100;
  std::string page_token;
  bool include_total = false;
};

// A page of a list, and the fields of each record the caller may be shown.
template <class Ptr>
struct Listing {
  std::vector<Ptr> items;
  std::string next_page_token;  // empty on the last page
  std::optional<std::uint64_t> total;
  FieldMask fields = kAllFields;
};

// One record as the caller may see it.
template <class Ptr>
struct Seen {
  Ptr record;
  FieldMask fields = kAllFields;
};

}  // namespace rollcall::index
