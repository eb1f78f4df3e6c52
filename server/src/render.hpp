// JSON answers: entities, list envelopes, messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/json.hpp"

namespace rollcall::server {

// `"<version>"`, the ETag of a versioned entity.
std::string etag_of(std::int64_t version);

// Sets the body (and ETag for versioned entities).
void render(Response& response, const index::OrganizationMember& member,
            index::FieldMask fields = index::kAllFields, int status = 200);
void render(Response& response, const index::Organization& org, int status = 200);
void render(Response& response, const index::Space& space, int status = 200);
void render(Response& response, const index::Filter& filter, int status = 200);
void render(Response& response, const index::SpaceMember& member, index::FieldMask fields,
            int status = 200);
void render_message(Response& response, std::string_view message);

// One member, with the organization embedded as "Organization" when given.
std::string member_json(const index::OrganizationMember& member, index::FieldMask fields,
                        const index::Organization* embedded = nullptr);
std::string user_json(const index::User& user, std::optional<std::string_view> token = {});
std::string organization_json(const index::Organization& org);
// {"UserID": …, "Token": …}: a token just issued.
std::string token_json(const index::Uuid& user_id, std::string_view token);
std::string space_json(const index::Space& space);
std::string filter_json(const index::Filter& filter);
std::string space_member_json(const index::SpaceMember& member, index::FieldMask fields);

// {"Items": [items...], "NextPageToken": …, "TotalCount": …}, each item's
// JSON appended to the body in place (a page of 100 members is about 80 KB).
class ListEnvelope {
 public:
  ListEnvelope() : body_("{\"Items\":[") {}
  // The body, to append the next item's JSON to.
  std::string& next_item();
  // After the first item: makes room for `items` items about its size at once
  // (at most kMaxReservedBytes), rather than copying the body each time it
  // outgrows its buffer.
  void expect(std::size_t items);
  static constexpr std::size_t kMaxReservedBytes = std::size_t{4} << 20;
  std::string finish(std::string_view next_page_token, std::optional<std::uint64_t> total) &&;

 private:
  std::string body_;
  bool empty_ = true;
};

// The envelope of items that are JSON texts.
std::string list_envelope(const std::vector<std::string>& items, std::string_view next_page_token,
                          std::optional<std::uint64_t> total = std::nullopt);

// A page of a small list (organizations, spaces, filters) as the envelope;
// TotalCount when `include_total`.
template <class T, class ToJson>
std::string page_envelope(const index::Page<T>& page, bool include_total, ToJson to_json) {
  std::vector<std::string> items;
  items.reserve(page.items.size());
  for (const T& item : page.items) items.push_back(to_json(item));
  return list_envelope(items, page.next_page_token,
                       include_total ? std::optional(page.total) : std::nullopt);
}

}  // namespace rollcall::server
