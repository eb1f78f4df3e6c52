#include "list_query.hpp"

#include <array>
#include <span>

#include "errors.hpp"
#include "query_params.hpp"
#include "render.hpp"
#include "rollcall/index/directory.hpp"
#include "rollcall/index/schemas.hpp"

namespace rollcall::server {

namespace {

constexpr std::array<std::string_view, 10> kOrganizationMemberVisible = {
    "OrganizationMemberID", "OrganizationID", "UserID", "Username", "DisplayName", "Slug",
    "ProfilePictureURL",    "Role",           "Status", "CreatedAt"};

constexpr std::array<std::string_view, 9> kSpaceMemberVisible = {
    "SpaceMemberID", "SpaceID", "OrganizationID", "OrganizationMemberID", "UserID", "Username",
    "DisplayName",   "Admin",   "CreatedAt"};

constexpr std::size_t kMaxListLimit = 1000;

constexpr std::array<std::string_view, 8> kListParameters = {
    "where", "filter", "contains", "order_by", "select", "limit", "page_token", "include_total"};

// `full` seen through a scope: only `visible` attributes, only records `scope` matches.
ListView restrict(const ListView& full, std::span<const std::string_view> visible,
                  std::string_view scope) {
  ListView view{full.schema.restricted_to(visible), 0, full.field_bit, full.id_field, {}};
  for (std::string_view name : visible) view.fields |= full.field_bit(name);
  view.scope = *filter::compile_where(scope, view.schema);
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
  std::string message(parameter);
  message.append(": unknown attribute '").append(name).append("'");
  return bad_request(std::move(message));
}

Outcome<std::vector<index::SortKey>> order_by_param(const Request& request, const ListView& view) {
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
    if (view.schema.find(item) == nullptr) return unknown_attribute("order_by", item);
    key.attribute = std::string(item);
    keys.push_back(std::move(key));
  }
  return keys;
}

Outcome<index::FieldMask> select_param(const Request& request, const ListView& view) {
  const std::string* text = request.query_value("select");
  if (text == nullptr || text->empty()) return view.fields;
  index::FieldMask mask = view.field_bit(view.id_field);
  for (std::string_view name : split(*text, ',')) {
    const index::FieldMask bit = view.field_bit(name);
    if ((bit & view.fields) == 0) return unknown_attribute("select", name);
    mask |= bit;
  }
  return mask;
}

Outcome<filter::Predicate> compile(std::string_view parameter, std::string_view where,
                                   const ListView& view) {
  auto compiled = filter::compile_where(where, view.schema);
  if (compiled) return std::move(*compiled);
  std::string message(parameter);
  message.append(": ").append(compiled.error().message());
  return bad_request(std::move(message));
}

// where AND the saved filter AND contains AND the view's scope.
Outcome<filter::Predicate> predicate_params(const Request& request, const ListView& view,
                                            const SavedFilter& saved_filter) {
  std::vector<filter::Predicate> parts;
  if (const std::string* where = request.query_value("where")) {
    auto compiled = compile("where", *where, view);
    if (!compiled) return compiled.error();
    parts.push_back(std::move(*compiled));
  }
  if (const std::string* name = request.query_value("filter"); name != nullptr && !name->empty()) {
    auto saved = saved_filter(*name);
    if (!saved) return saved.error();
    auto compiled = compile("filter", *saved, view);
    if (!compiled) return compiled.error();
    parts.push_back(std::move(*compiled));
  }
  if (const std::string* text = request.query_value("contains");
      text != nullptr && !text->empty()) {
    if (!is_utf8(*text)) return bad_request("contains: invalid UTF-8");
    parts.push_back(filter::compile_contains(*text, view.schema));
  }
  if (view.scope) parts.push_back(*view.scope);
  if (parts.empty()) return compile("where", "", view);
  return filter::all_of(parts);
}

bool wants_ndjson(const Request& request) {
  return request.header("Accept").find("application/x-ndjson") != std::string_view::npos;
}

std::string binding_of(const Request& request, index::FieldMask fields, const ListView& view) {
  std::string binding = "fields=" + std::to_string(fields);
  binding.append(view.scope ? ";scoped=1" : ";scoped=0");
  if (const std::string* name = request.query_value("filter"))
    binding.append(";filter=").append(*name);
  return binding;
}

}  // namespace

const ListView& organization_member_view(index::Standing standing) {
  static const ListView full{index::organization_member_schema(),
                             index::kAllFields,
                             &index::organization_member_field,
                             "OrganizationMemberID",
                             {}};
  static const ListView scoped = restrict(full, kOrganizationMemberVisible, "Status = 'active'");
  return standing == index::Standing::kMember ? scoped : full;
}

const ListView& space_member_view(index::Standing organization_standing) {
  static const ListView full{index::space_member_schema(),
                             index::kAllFields,
                             &index::space_member_field,
                             "SpaceMemberID",
                             {}};
  static const ListView scoped = restrict(full, kSpaceMemberVisible, "UserID IS NOT NULL");
  return organization_standing == index::Standing::kMember ? scoped : full;
}

SavedFilter saved_filter(const index::Directory& directory, const index::Actor& actor,
                         const index::Uuid& organization_id, std::string_view entity,
                         std::optional<index::Uuid> space_id) {
  return [&directory, &actor, organization_id, entity,
          space_id](std::string_view id_or_slug) -> Outcome<std::string> {
    auto found = directory.filter_for_list(actor, organization_id, id_or_slug, entity, space_id);
    if (!found) return from_store(found.error());
    return std::move(found->where);
  };
}

Outcome<ListQuery> parse_list(const Request& request, const ListView& view,
                              const SavedFilter& saved_filter) {
  if (auto repeated = given_twice(request, kListParameters)) return *repeated;
  ListQuery query;
  auto predicate = predicate_params(request, view, saved_filter);
  if (!predicate) return predicate.error();
  auto order_by = order_by_param(request, view);
  if (!order_by) return order_by.error();
  auto fields = select_param(request, view);
  if (!fields) return fields.error();
  auto limit = limit_param(request, kMaxListLimit, 100);
  if (!limit) return limit.error();
  auto total = bool_param(request, "include_total");
  if (!total) return total.error();
  query.predicate = std::move(*predicate);
  query.order_by = std::move(*order_by);
  query.limit = *limit;
  query.include_total = *total;
  if (const std::string* token = request.query_value("page_token")) query.page_token = *token;
  query.binding = binding_of(request, *fields, view);
  query.fields = *fields;
  query.stream = wants_ndjson(request);
  return query;
}

filter::Predicate within_view(filter::Predicate predicate, const ListView& view) {
  if (!view.scope) return predicate;
  const std::array<filter::Predicate, 2> parts{std::move(predicate), *view.scope};
  return filter::all_of(parts);
}

void answer_page(Response& response, const std::vector<std::string>& items,
                 std::string_view next_page_token, std::optional<std::uint64_t> total) {
  response.body = list_envelope(items, next_page_token, total);
}

void answer_refusal(Response& response, const index::StoreError& error) {
  const HttpError http = from_store(error);
  error_response(response, http.status, http.message);
}

}  // namespace rollcall::server
