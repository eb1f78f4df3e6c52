// Directory reads through the caller's view: lists, single records and list
// plans of organization and space memberships.
#include "directory_state.hpp"
#include "list_spec.hpp"
#include "membership_rules.hpp"

namespace rollcall::index {

namespace {

using detail::not_found;

constexpr std::string_view kMemberEntity = "OrganizationMember";
constexpr std::string_view kSpaceMemberEntity = "SpaceMember";

// The space memberships a read covers, and the view it reads them through.
struct SpaceReader {
  const View* view = nullptr;
  Uuid organization_id;
  std::optional<Uuid> space_id;

  bool covers(const SpaceMember& member) const {
    return space_id ? member.space_id == *space_id : member.organization_id == organization_id;
  }
  // A store request over the memberships it covers.
  SpaceMemberListRequest request() const {
    SpaceMemberListRequest out;
    out.organization_id = organization_id;
    out.space_id = space_id;
    return out;
  }
};

// Whoever may not read these space memberships is refused before any lookup,
// so that 403 and 404 tell them nothing about the records.
DirectoryResult<SpaceReader> space_reader(const Directory& directory, const Actor& actor,
                                          const SpaceScope& scope) {
  if (!scope.space_id) {
    if (!scope.organization_id) {
      return detail::error(StoreErrorCode::kBadRequest, "a space or an organization is required");
    }
    const Uuid& org = *scope.organization_id;
    auto standing = detail::visible_standing(directory, actor, org);
    if (!standing) return standing.error();
    if (!detail::manages_members(*standing)) {
      return detail::error(StoreErrorCode::kForbidden,
                           "only an OWNER or ADMIN may read every space's members");
    }
    return SpaceReader{&space_member_view(*standing), org, std::nullopt};
  }
  auto access = directory.space_access(actor, *scope.space_id);
  if (!access) return access.error();
  if (scope.organization_id && *scope.organization_id != access->space.organization_id) {
    return not_found("Space", *scope.space_id);
  }
  if (access->standing == SpaceStanding::kOrgMember) {
    return detail::error(
        StoreErrorCode::kForbidden,
        "only the space's members and the organization's OWNER or ADMIN may read its members");
  }
  return SpaceReader{&space_member_view(access->organization_standing),
                     access->space.organization_id, scope.space_id};
}

// The Where of the spec's saved filter, when it names one this list may use.
DirectoryResult<std::optional<std::string>> saved_where(const Directory& directory,
                                                        const Actor& actor, const Uuid& org,
                                                        const ListSpec& spec,
                                                        std::string_view entity,
                                                        const std::optional<Uuid>& space) {
  if (spec.filter.empty()) return std::optional<std::string>();
  auto found = directory.filter_for_list(actor, org, spec.filter, entity, space);
  if (!found) return found.error();
  return std::optional<std::string>(std::move(found->where));
}

std::optional<StoreError> check_limit(const ListSpec& spec, std::size_t max_limit) {
  if (spec.limit >= 1 && spec.limit <= max_limit) return std::nullopt;
  return detail::error(StoreErrorCode::kBadRequest, "limit must be from 1 to " +
                                                        std::to_string(max_limit) + ", not " +
                                                        std::to_string(spec.limit));
}

template <class StoreRequest>
DirectoryResult<FieldMask> prepare(const Directory& directory, const Actor& actor,
                                   const ListSpec& spec, const View& view, std::string_view entity,
                                   const std::optional<Uuid>& space, StoreRequest& request) {
  auto saved = saved_where(directory, actor, request.organization_id, spec, entity, space);
  if (!saved) return saved.error();
  auto compiled = detail::compile_list(spec, view, *saved);
  if (!compiled) return compiled.error();
  const FieldMask fields = compiled->fields;
  detail::fill_request(spec, std::move(*compiled), request);
  return fields;
}

template <class Ptr, class Store, class StoreRequest>
DirectoryResult<Listing<Ptr>> run_list(const Store& store, const StoreRequest& request,
                                       FieldMask fields) {
  auto page = store.list(request);
  if (auto* failed = std::get_if<StoreError>(&page)) return std::move(*failed);
  auto& result = std::get<0>(page);
  return Listing<Ptr>{std::move(result.items), std::move(result.next_page_token), result.total,
                      fields};
}

std::optional<StoreError> check_compiled_for(const filter::Predicate& where, const View& view) {
  if (where.schema().same_as(view.schema)) return std::nullopt;
  return detail::error(StoreErrorCode::kBadRequest,
                       "where: compiled against another schema than the caller's view");
}

// `count_visible()`: the matches a scoped caller may see, which replace the
// planner's candidate counts.
template <class Store, class StoreRequest, class CountVisible>
ListPlan plan_of(const Store& store, const StoreRequest& request, const View& view,
                 CountVisible count_visible) {
  ListPlan plan{store.explain(request), view.scope.has_value()};
  if (plan.scoped) {
    plan.explanation.estimated_rows = count_visible();
    // Which path the planner picks, and so what is left as the residual,
    // depends on counts of records outside the view: neither is shown.
    plan.explanation.access_path.clear();
    plan.explanation.residual.clear();
  }
  return plan;
}

}  // namespace

DirectoryResult<const View*> Directory::view_of_members(const Actor& actor,
                                                        const Uuid& organization_id) const {
  auto standing = detail::visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  return &organization_member_view(*standing);
}

DirectoryResult<const View*> Directory::view_of_space_members(const Actor& actor,
                                                              const SpaceScope& scope) const {
  auto reader = space_reader(*this, actor, scope);
  if (!reader) return reader.error();
  return reader->view;
}

DirectoryResult<Listing<MemberPtr>> Directory::list_members(const Actor& actor,
                                                            const Uuid& organization_id,
                                                            const ListSpec& spec) const {
  auto view = view_of_members(actor, organization_id);
  if (!view) return view.error();
  if (auto bad = check_limit(spec, max_list_limit())) return *bad;
  ListRequest request;
  request.organization_id = organization_id;
  auto fields = prepare(*this, actor, spec, **view, kMemberEntity, std::nullopt, request);
  if (!fields) return fields.error();
  return run_list<MemberPtr>(state_->store, request, *fields);
}

std::size_t Directory::max_list_limit() const {
  return std::max<std::size_t>(state_->options.max_list_limit, 1);
}

DirectoryResult<Seen<MemberPtr>> Directory::member(const Actor& actor, const Uuid& organization_id,
                                                   const Uuid& member_id) const {
  auto standing = detail::visible_standing(*this, actor, organization_id);
  if (!standing) return standing.error();
  auto found = state_->visible_member(*standing, organization_id, member_id);
  if (!found) return found.error();
  return Seen<MemberPtr>{std::move(*found), organization_member_view(*standing).fields};
}

DirectoryResult<Listing<SpaceMemberPtr>> Directory::list_space_members(const Actor& actor,
                                                                       const SpaceScope& scope,
                                                                       const ListSpec& spec) const {
  auto reader = space_reader(*this, actor, scope);
  if (!reader) return reader.error();
  if (auto bad = check_limit(spec, max_list_limit())) return *bad;
  SpaceMemberListRequest request = reader->request();
  auto fields =
      prepare(*this, actor, spec, *reader->view, kSpaceMemberEntity, reader->space_id, request);
  if (!fields) return fields.error();
  return run_list<SpaceMemberPtr>(state_->space_store, request, *fields);
}

DirectoryResult<Seen<SpaceMemberPtr>> Directory::space_member(const Actor& actor,
                                                              const SpaceScope& scope,
                                                              const Uuid& space_member_id) const {
  auto reader = space_reader(*this, actor, scope);
  if (!reader) return reader.error();
  SpaceMemberPtr found = state_->space_store.find(space_member_id);
  const bool covered = found && reader->covers(*found);
  auto shown =
      detail::shown(std::move(found), covered, *reader->view, "SpaceMember", space_member_id);
  if (!shown) return shown.error();
  return Seen<SpaceMemberPtr>{std::move(*shown), reader->view->fields};
}

DirectoryResult<ListPlan> Directory::explain_members(const Actor& actor,
                                                     const Uuid& organization_id,
                                                     const filter::Predicate& where) const {
  auto view = view_of_members(actor, organization_id);
  if (!view) return view.error();
  if (auto bad = check_compiled_for(where, **view)) return *bad;
  ListRequest request;
  request.organization_id = organization_id;
  request.predicate = detail::within_view(where, **view);
  return plan_of(state_->store, request, **view,
                 [&] { return state_->store.count(organization_id, request.predicate); });
}

DirectoryResult<ListPlan> Directory::explain_space_members(const Actor& actor,
                                                           const SpaceScope& scope,
                                                           const filter::Predicate& where) const {
  auto reader = space_reader(*this, actor, scope);
  if (!reader) return reader.error();
  if (auto bad = check_compiled_for(where, *reader->view)) return *bad;
  SpaceMemberListRequest request = reader->request();
  request.predicate = detail::within_view(where, *reader->view);
  return plan_of(state_->space_store, request, *reader->view, [&] {
    SpaceMemberListRequest count = request;
    count.limit = 1;
    count.include_total = true;
    auto page = run_list<SpaceMemberPtr>(state_->space_store, count, kAllFields);
    return page ? page->total.value_or(0) : 0;
  });
}

}  // namespace rollcall::index
