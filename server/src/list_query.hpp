// The list parameters of the API (where, filter, contains, order_by, limit,
// page_token, include_total, select, Accept) turned into a store query, seen
// through the caller's view of the entity; and the answer, one page as the
// JSON envelope or every match as NDJSON. OrganizationMember and SpaceMember
// lists share all of it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "errors.hpp"
#include "http.hpp"
#include "http_error.hpp"
#include "render.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/json.hpp"

namespace rollcall::server {

// What a caller may see of one entity's records.
struct ListView {
  filter::Schema schema;  // the attributes they may name
  index::FieldMask fields = index::kAllFields;
  index::FieldMask (*field_bit)(std::string_view name) = nullptr;
  std::string_view id_field;               // `select` always keeps it
  std::optional<filter::Predicate> scope;  // the records they may see; none: all

  template <class Record>
  bool shows(const Record& record) const {
    return !scope || scope->matches(record);
  }
};

// A MEMBER sees only active memberships and ten of their fields; OWNER, ADMIN
// and the admin token see everything.
const ListView& organization_member_view(index::Standing standing);
// A plain space member (organization MEMBER, not a space admin) sees only
// space memberships of active organization members and nine of their fields;
// organization OWNER/ADMIN, the admin token and space admins see everything.
const ListView& space_member_view(index::SpaceStanding standing);

// `filter=`: the Where of a saved filter by FilterID or Slug, or the 400 (or
// 404) that says why this list may not use it.
using SavedFilter = std::function<Outcome<std::string>(std::string_view id_or_slug)>;
// Through Directory::filter_for_list, for a list of `entity` in the
// organization (and the space, for one space's list).
SavedFilter saved_filter(const index::Directory& directory, const index::Actor& actor,
                         const index::Uuid& organization_id, std::string_view entity,
                         std::optional<index::Uuid> space_id = std::nullopt);

struct ListQuery {
  filter::Predicate predicate;  // where AND filter AND contains AND the view's scope
  std::vector<index::SortKey> order_by;
  std::size_t limit = 100;
  std::string page_token;
  bool include_total = false;
  std::string binding;                          // the page token is bound to it
  index::FieldMask fields = index::kAllFields;  // select, within the view
  bool stream = false;                          // Accept: application/x-ndjson
};

Outcome<ListQuery> parse_list(const Request& request, const ListView& view,
                              const SavedFilter& saved_filter);

// `where` compiled against the view's schema and ANDed with its scope: what a
// list with only this `where` would run (GET /where/explain).
Outcome<filter::Predicate> view_predicate(std::string_view where, const ListView& view);

// Moves the query's common members into a store's list request.
template <class StoreRequest>
void fill_request(ListQuery& query, StoreRequest& out) {
  out.predicate = std::move(query.predicate);
  out.order_by = std::move(query.order_by);
  out.limit = query.limit;
  out.page_token = std::move(query.page_token);
  out.include_total = query.include_total;
  out.binding = std::move(query.binding);
}

// Records per store call while streaming NDJSON.
inline constexpr std::size_t kStreamBatch = 1000;

// Answers the list: `encode(record)` is one item's JSON. The store must
// outlive the response (it does: the Directory outlives the server).
template <class Store, class StoreRequest, class Encode>
void answer_list(const Store& store, StoreRequest request, bool stream, Encode encode,
                 Response& response) {
  using Result = std::variant_alternative_t<0, decltype(store.list(request))>;
  if (stream) {
    response.content_type = "application/x-ndjson";
    request.limit = kStreamBatch;
    request.page_token.clear();
    request.include_total = false;
    response.stream = [&store, request = std::move(request),
                       encode = std::move(encode)](const ChunkSink& sink) mutable {
      while (true) {
        auto page = store.list(request);
        if (!std::holds_alternative<Result>(page)) return;
        auto& result = std::get<Result>(page);
        std::string chunk;
        for (const auto& record : result.items) chunk.append(encode(*record)).append("\n");
        if (!chunk.empty() && !sink(chunk)) return;
        if (result.next_page_token.empty()) return;
        request.page_token = std::move(result.next_page_token);
      }
    };
    return;
  }
  auto page = store.list(request);
  if (auto* failed = std::get_if<index::StoreError>(&page)) {
    const HttpError error = from_store(*failed);
    error_response(response, error.status, error.message);
    return;
  }
  auto& result = std::get<Result>(page);
  std::vector<std::string> items;
  items.reserve(result.items.size());
  for (const auto& record : result.items) items.push_back(encode(*record));
  response.body = list_envelope(items, result.next_page_token, result.total);
}

}  // namespace rollcall::server
