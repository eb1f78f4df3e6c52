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

// Sets the body (and ETag for versioned entities).
void render(Response& response, const index::OrganizationMember& member,
            index::FieldMask fields = index::kAllFields, int status = 200);
void render(Response& response, const index::Organization& org, int status = 200);
void render_message(Response& response, std::string_view message);

// One member, with the organization embedded as "Organization" when given.
std::string member_json(const index::OrganizationMember& member, index::FieldMask fields,
                        const index::Organization* embedded = nullptr);
std::string user_json(const index::User& user, std::optional<std::string_view> token = {});
std::string organization_json(const index::Organization& org);

// {"Items": [items...], "NextPageToken": …, "TotalCount": …}; items are JSON texts.
std::string list_envelope(const std::vector<std::string>& items, std::string_view next_page_token,
                          std::optional<std::uint64_t> total = std::nullopt);

}  // namespace rollcall::server
