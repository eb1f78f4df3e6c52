// The list parameters of the API (where, filter, contains, order_by, limit,
// page_token, include_total, select, Accept) turned into a store query, seen
// through the caller's view of the entity; and the answer, one page as the
// JSON envelope or every match as NDJSON. OrganizationMember and SpaceMember
// lists share all of it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http.hpp"
#include "http_error.hpp"
#include "rollcall/index/json.hpp"

namespace rollcall::index {
class Directory;
struct Actor;
enum class Standing : std::uint8_t;
}  // namespace rollcall::index

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
// Whoever is a MEMBER of the space's organization (a space member or a space
// admin alike) sees only space memberships of active organization members and
// nine of their fields; OWNER, ADMIN and the admin token see everything.
const ListView& space_member_view(index::Standing organization_standing);

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

// `predicate` ANDed with the view's scope: what a list with only this
// predicate would run (GET /where/explain).
filter::Predicate within_view(filter::Predicate predicate, const ListView& view);

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

// The list's JSON envelope; the error a store refused the list with.
void answer_page(Response& response, const std::vector<std::string>& items,
                 std::string_view next_page_token, std::optional<std::uint64_t> total);
void answer_refusal(Response& response, const index::StoreError& error);

// Streams the records of `first` and of every later batch as NDJSON. A batch
// the store refuses cuts the stream: the exception ends the chunked body
// without its last chunk, so the client cannot take it for the whole list.
template <class Store, class StoreRequest, class Encode, class Result>
void stream_list(const Store& store, StoreRequest request, Encode encode, Result first,
                 Response& response) {
  response.content_type = "application/x-ndjson";
  response.stream = [&store, request = std::move(request), encode = std::move(encode),
                     result = std::move(first)](const ChunkSink& sink) mutable {
    while (true) {
      std::string chunk;
      for (const auto& record : result.items) chunk.append(encode(*record)).append("\n");
      if (!chunk.empty() && !sink(chunk)) return;
      if (result.next_page_token.empty()) return;
      request.page_token = std::move(result.next_page_token);
      auto next = store.list(request);
      if (auto* failed = std::get_if<index::StoreError>(&next)) {
        throw std::runtime_error("NDJSON stream cut: " + failed->message);
      }
      result = std::move(std::get<Result>(next));
    }
  };
}

// Answers the list: `encode(record)` is one item's JSON. The store must
// outlive the response (it does: the Directory outlives the server). A stream
// starts only once the store has answered its first batch, so a list it
// refuses is the same error with or without NDJSON.
template <class Store, class StoreRequest, class Encode>
void answer_list(const Store& store, StoreRequest request, bool stream, Encode encode,
                 Response& response) {
  using Result = std::variant_alternative_t<0, decltype(store.list(request))>;
  if (stream) {
    request.limit = kStreamBatch;
    request.page_token.clear();
    request.include_total = false;
  }
  auto page = store.list(request);
  if (auto* failed = std::get_if<index::StoreError>(&page)) {
    answer_refusal(response, *failed);
    return;
  }
  auto& result = std::get<Result>(page);
  if (stream) {
    stream_list(store, std::move(request), std::move(encode), std::move(result), response);
    return;
  }
  std::vector<std::string> items;
  items.reserve(result.items.size());
  for (const auto& record : result.items) items.push_back(encode(*record));
  answer_page(response, items, result.next_page_token, result.total);
}

}  // namespace rollcall::server
