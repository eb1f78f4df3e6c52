// /organization/{org}/filter…: saved filters. Members read them; OWNER and
// ADMIN write them (the Directory checks, and compiles `Where` on save).
#include "api_support.hpp"
#include "idempotency.hpp"
#include "json_body.hpp"
#include "query_params.hpp"
#include "render.hpp"
#include "small_list.hpp"

namespace rollcall::server {

namespace {

using Result = std::optional<HttpError>;
using index::Directory;

const std::initializer_list<std::string_view> kMembers = {"Slug", "DisplayName", "From",
                                                          "FromSpaceID", "Where"};

// Reads the members present onto `spec` (PUT starts from an empty spec, PATCH
// from the current one).
Result read_spec(const JsonBody& body, index::FilterSpec& spec) {
  for (auto [name, field] : {std::pair{"Slug", &spec.slug},
                             {"DisplayName", &spec.display_name},
                             {"From", &spec.from},
                             {"Where", &spec.where}}) {
    if (auto bad = body.read(name, *field)) return bad;
  }
  return body.read("FromSpaceID", spec.from_space_id);
}

index::FilterSpec spec_of(const index::Filter& filter) {
  return {filter.slug, filter.display_name, filter.from, filter.from_space_id, filter.where};
}

Result create(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto body = JsonBody::parse(request, kMembers);
  if (!body) return body.error();
  index::FilterSpec spec;
  if (auto bad = read_spec(*body, spec)) return bad;
  return answer_create<index::Filter>(
      caller, request, response,
      [](const index::Filter& made) {
        return index::StoredAnswer{201, filter_json(made)};
      },
      [&](const auto* key) {
        return directory.create_filter(caller.actor, *org, std::move(spec), key);
      },
      [&](const index::Filter& made) { render(response, made, 201); });
}

Result list(const Directory& directory, const Caller& caller, const Request& request,
            Response& response) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  return answer_small_list(
      request, response,
      [&](const index::PageRequest& page) { return directory.filters(caller.actor, *org, page); },
      filter_json);
}

// The filter the path names, by FilterID or Slug.
Outcome<index::Filter> filter_of(const Directory& directory, const Caller& caller,
                                 const Request& request) {
  auto org = uuid_param(request, 0, "Organization");
  if (!org) return org.error();
  auto found = directory.filter(caller.actor, *org, request.params.at(1));
  if (!found) return from_store(found.error());
  return std::move(*found);
}

Result get(const Directory& directory, const Caller& caller, const Request& request,
           Response& response) {
  auto filter = filter_of(directory, caller, request);
  if (!filter) return filter.error();
  render(response, *filter);
  return std::nullopt;
}

// PATCH (merge onto the current record) and PUT (replace the mutable fields).
Result change(Directory& directory, const Caller& caller, const Request& request,
              Response& response, bool merge) {
  auto current = filter_of(directory, caller, request);
  if (!current) return current.error();
  auto version = if_match(request, true);
  if (!version) return version.error();
  auto body = JsonBody::parse(request, kMembers, {"application/merge-patch+json"});
  if (!body) return body.error();
  index::FilterSpec spec = merge ? spec_of(*current) : index::FilterSpec{};
  if (auto bad = read_spec(*body, spec)) return bad;
  auto updated = directory.update_filter(caller.actor, current->organization_id, current->filter_id,
                                         std::move(spec), **version);
  if (!updated) return from_store(updated.error());
  render(response, *updated);
  return std::nullopt;
}

Result remove(Directory& directory, const Caller& caller, const Request& request,
              Response& response) {
  auto current = filter_of(directory, caller, request);
  if (!current) return current.error();
  auto version = if_match(request, false);
  if (!version) return version.error();
  auto removed =
      directory.remove_filter(caller.actor, current->organization_id, current->filter_id, *version);
  if (!removed) return from_store(removed.error());
  render_message(response, "Filter " + current->filter_id.to_string() + " removed");
  return std::nullopt;
}

}  // namespace

void routes_filters(Router& router, ApiContext& context) {
  add_collection(router, context, "/organization/{org}/filter", list, create, get, change, remove);
}

}  // namespace rollcall::server
