// GET …/organization_member: the list parameters of the API (where, contains,
// order_by, limit, page_token, include_total, select, Accept) turned into a
// store query, seen through the caller's view of the entity.
#pragma once

#include <string>

#include "http.hpp"
#include "http_error.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/json.hpp"

namespace rollcall::server {

// What a caller may see of OrganizationMember records.
struct MemberView {
  const filter::Schema* schema = nullptr;  // attributes they may name
  index::FieldMask fields = index::kAllFields;
  bool active_only = false;
};

// A MEMBER sees only active memberships and a few of their fields (so that no
// filter becomes a side channel); OWNER, ADMIN and the admin token see all.
const MemberView& member_view(index::Standing standing);

struct MemberListQuery {
  index::ListRequest request;
  index::FieldMask fields = index::kAllFields;  // select, within the view
  bool stream = false;                          // Accept: application/x-ndjson
};

Outcome<MemberListQuery> parse_member_list(const Request& request, const MemberView& view,
                                           const index::Uuid& organization_id);

// Answers the list: one page as the JSON envelope, or every match as NDJSON.
void answer_member_list(const index::OrganizationMemberStore& store, MemberListQuery query,
                        Response& response);

}  // namespace rollcall::server
