#include "member_list.hpp"

#include <array>
#include <string_view>
#include <vector>

#include "errors.hpp"
#include "query_params.hpp"
#include "render.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::server {

namespace {

constexpr std::array<std::string_view, 10> kMemberVisible = {
    "OrganizationMemberID", "OrganizationID", "UserID", "Username", "DisplayName", "Slug",
    "ProfilePictureURL",    "Role",           "Status", "CreatedAt"};

constexpr std::size_t kMaxListLimit = 1000;
constexpr std::size_t kStreamBatch = 1000;

MemberView make_member_scope() {
  static const filter::Schema schema =
      index::organization_member_schema().restricted_to(std::span(kMemberVisible));
  MemberView view;
  view.schema = &schema;
  view.fields = 0;
  for (std::string_view name : kMemberVisible)
    view.fields |= index::organization_member_field(name);
  view.active_only = true;
  return view;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

HttpError unknown_attribute(std::string_view parameter, std::string_view name) {
  return bad_request(std::string(parameter) + ": unknown attribute '" + std::string(name) + "'");
}

Outcome<std::vector<index::SortKey>> order_by_param(const Request& request,
                                                    const MemberView& view) {
  std::vector<index::SortKey> keys;
  const std::string* text = request.query_value("order_by");
  if (text == nullptr || text->empty()) return keys;
  for (std::string_view item : split(*text, ',')) {
    index::SortKey key;
    if (item.starts_with("ASC:")) {
      item.remove_prefix(4);
    } else if (item.starts_with("DESC:")) {
      item.remove_prefix(5);
      key.descending = true;
    }
    if (view.schema->find(item) == nullptr) return unknown_attribute("order_by", item);
    key.attribute = std::string(item);
    keys.push_back(std::move(key));
  }
  return keys;
}

Outcome<index::FieldMask> select_param(const Request& request, const MemberView& view) {
  const std::string* text = request.query_value("select");
  if (text == nullptr || text->empty()) return view.fields;
  index::FieldMask mask = index::organization_member_field("OrganizationMemberID");
  for (std::string_view name : split(*text, ',')) {
    const index::FieldMask bit = index::organization_member_field(name);
    if ((bit & view.fields) == 0) return unknown_attribute("select", name);
    mask |= bit;
  }
  return mask;
}

Outcome<filter::Predicate> predicate_params(const Request& request, const MemberView& view) {
  std::vector<filter::Predicate> parts;
  if (const std::string* where = request.query_value("where")) {
    auto compiled = filter::compile_where(*where, *view.schema);
    if (!compiled) return bad_request("where: " + compiled.error().message());
    parts.push_back(std::move(*compiled));
  }
  if (request.query_value("filter") != nullptr) {
    return bad_request("filter: saved filters are not available yet");
  }
  if (const std::string* text = request.query_value("contains");
      text != nullptr && !text->empty()) {
    parts.push_back(filter::compile_contains(*text, *view.schema));
  }
  if (view.active_only) {
    auto active = filter::compile_where("Status = 'active'", *view.schema);
    parts.push_back(std::move(*active));
  }
  if (parts.empty()) {
    auto everything = filter::compile_where("", *view.schema);
    return std::move(*everything);
  }
  return filter::all_of(parts);
}

bool wants_ndjson(const Request& request) {
  return request.header("Accept").find("application/x-ndjson") != std::string_view::npos;
}

}  // namespace

const MemberView& member_view(index::Standing standing) {
  static const MemberView full{&index::organization_member_schema(), index::kAllFields, false};
  static const MemberView scoped = make_member_scope();
  return standing == index::Standing::kMember ? scoped : full;
}

Outcome<MemberListQuery> parse_member_list(const Request& request, const MemberView& view,
                                           const index::Uuid& organization_id) {
  MemberListQuery query;
  auto predicate = predicate_params(request, view);
  if (!predicate) return predicate.error();
  auto order_by = order_by_param(request, view);
  if (!order_by) return order_by.error();
  auto fields = select_param(request, view);
  if (!fields) return fields.error();
  auto limit = limit_param(request, kMaxListLimit, 100);
  if (!limit) return limit.error();
  auto total = bool_param(request, "include_total");
  if (!total) return total.error();
  index::ListRequest& list = query.request;
  list.organization_id = organization_id;
  list.predicate = std::move(*predicate);
  list.order_by = std::move(*order_by);
  list.limit = *limit;
  list.include_total = *total;
  if (const std::string* token = request.query_value("page_token")) list.page_token = *token;
  list.binding = "fields=" + std::to_string(*fields) + ";scoped=" + (view.active_only ? "1" : "0");
  query.fields = *fields;
  query.stream = wants_ndjson(request);
  return query;
}

void answer_member_list(const index::OrganizationMemberStore& store, MemberListQuery query,
                        Response& response) {
  if (query.stream) {
    response.content_type = "application/x-ndjson";
    query.request.limit = kStreamBatch;
    query.request.page_token.clear();
    query.request.include_total = false;
    response.stream = [&store, query = std::move(query)](const ChunkSink& sink) mutable {
      while (true) {
        auto page = store.list(query.request);
        if (!std::holds_alternative<index::ListResult>(page)) return;
        auto& result = std::get<index::ListResult>(page);
        std::string chunk;
        for (const index::MemberPtr& member : result.items) {
          chunk += member_json(*member, query.fields);
          chunk += '\n';
        }
        if (!chunk.empty() && !sink(chunk)) return;
        if (result.next_page_token.empty()) return;
        query.request.page_token = std::move(result.next_page_token);
      }
    };
    return;
  }
  auto page = store.list(query.request);
  if (auto* failed = std::get_if<index::StoreError>(&page)) {
    const HttpError error = from_store(*failed);
    error_response(response, error.status, error.message);
    return;
  }
  auto& result = std::get<index::ListResult>(page);
  std::vector<std::string> items;
  items.reserve(result.items.size());
  for (const index::MemberPtr& member : result.items) {
    items.push_back(member_json(*member, query.fields));
  }
  response.body = list_envelope(items, result.next_page_token, result.total);
}

}  // namespace rollcall::server
