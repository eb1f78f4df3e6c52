// Directory: saved filters.
#include "directory_state.hpp"
#include "membership_rules.hpp"
#include "rollcall/filter.hpp"
#include "rollcall/index/schemas.hpp"
#include "small_page.hpp"

namespace rollcall::index {

using detail::error;
using detail::Mutation;
using detail::not_found;
using detail::now;
using detail::random_uuid;
using persist::EntityType;

namespace {

StoreError bad_request(std::string message) {
  return error(StoreErrorCode::kBadRequest, std::move(message));
}

// The spec alone: From names an entity, FromSpaceID only for SpaceMember,
// Where compiles against From's schema.
std::optional<StoreError> check_spec(const FilterSpec& spec) {
  if (spec.slug.empty()) return bad_request("Slug is required");
  const filter::Schema* schema = schema_for_entity(spec.from);
  if (schema == nullptr) {
    return bad_request("From must be OrganizationMember or SpaceMember, not '" + spec.from + "'");
  }
  if (spec.from_space_id && spec.from != "SpaceMember") {
    return bad_request("FromSpaceID is only for filters From SpaceMember");
  }
  auto compiled = filter::compile_where(spec.where, *schema);
  if (!compiled) return bad_request("Where: " + compiled.error().message());
  return std::nullopt;
}

Filter filter_of(FilterSpec spec, Filter filter) {
  filter.slug = std::move(spec.slug);
  filter.display_name = std::move(spec.display_name);
  filter.from = std::move(spec.from);
  filter.from_space_id = spec.from_space_id;
  filter.where = std::move(spec.where);
  return filter;
}

}  // namespace

// --- reads and checks under `tables` -----------------------------------------

namespace detail {

// The filter with this ID (any organization) or this Slug (in `org`).
const Filter* find_filter(const std::map<Uuid, Filter>& filters, const Uuid& org,
                          std::string_view id_or_slug) {
  if (auto id = Uuid::parse(id_or_slug)) {
    auto found = filters.find(*id);
    if (found != filters.end()) return &found->second;
  }
  for (const auto& [id, filter] : filters) {
    if (filter.organization_id == org && filter.slug == id_or_slug) return &filter;
  }
  return nullptr;
}

// What the spec's references need in the organization: a free Slug, a space of it.
std::optional<StoreError> check_references(const std::map<Uuid, Filter>& filters,
                                           const std::map<Uuid, Space>& spaces, const Uuid& org,
                                           const FilterSpec& spec, const Uuid* replacing) {
  for (const auto& [id, other] : filters) {
    if (other.organization_id == org && other.slug == spec.slug &&
        (replacing == nullptr || id != *replacing)) {
      return error(StoreErrorCode::kConflict, "Slug '" + spec.slug + "' is taken");
    }
  }
  if (spec.from_space_id) {
    auto space = spaces.find(*spec.from_space_id);
    if (space == spaces.end() || space->second.organization_id != org) {
      return bad_request("FromSpaceID " + spec.from_space_id->to_string() +
                         " is not a space of this organization");
    }
  }
  return std::nullopt;
}

}  // namespace detail

DirectoryResult<Created<Filter>> Directory::create_filter(
    const Actor& actor, const Uuid& organization_id, FilterSpec spec,
    const IdempotentCreate<Filter>* idempotent) {
  std::unique_lock guard(state_->writer);
  if (auto refused = detail::check_manager(*this, actor, organization_id, "save filters")) {
    return *refused;
  }
  if (auto repeat = state_->replay<Filter>(idempotent)) return *repeat;
  if (auto bad = check_spec(spec)) return *bad;
  {
    std::shared_lock read(state_->tables);
    if (auto bad = detail::check_references(state_->filters, state_->spaces, organization_id, spec,
                                            nullptr))
      return *bad;
  }
  Filter fresh;
  fresh.filter_id = random_uuid();
  fresh.organization_id = organization_id;
  fresh.created_at = fresh.updated_at = now();
  Filter filter = filter_of(std::move(spec), std::move(fresh));
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(filter));
  State::remember(mutations, idempotent, filter);
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return Created<Filter>(std::move(filter));
}

DirectoryResult<Filter> Directory::update_filter(const Actor& actor, const Uuid& organization_id,
                                                 const Uuid& filter_id, FilterSpec spec,
                                                 std::int64_t expected_version) {
  std::unique_lock guard(state_->writer);
  auto current = filter(actor, organization_id, filter_id.to_string());
  if (!current) return current.error();
  if (auto refused = detail::check_manager(*this, actor, organization_id, "change filters")) {
    return *refused;
  }
  if (auto stale = detail::check_version(*current, expected_version)) return *stale;
  if (auto bad = check_spec(spec)) return *bad;
  {
    std::shared_lock read(state_->tables);
    if (auto bad = detail::check_references(state_->filters, state_->spaces, organization_id, spec,
                                            &filter_id)) {
      return *bad;
    }
  }
  Filter next = filter_of(std::move(spec), detail::next_version(*current, actor));
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::put(next));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return next;
}

DirectoryResult<std::monostate> Directory::remove_filter(
    const Actor& actor, const Uuid& organization_id, const Uuid& filter_id,
    std::optional<std::int64_t> expected_version) {
  std::unique_lock guard(state_->writer);
  auto current = filter(actor, organization_id, filter_id.to_string());
  if (!current) return current.error();
  if (auto refused = detail::check_manager(*this, actor, organization_id, "delete filters")) {
    return *refused;
  }
  if (auto stale = detail::check_version(*current, expected_version)) return *stale;
  std::vector<Mutation> mutations;
  mutations.push_back(Mutation::erase(EntityType::kFilter, filter_id));
  if (auto failed = finish_write(guard, std::move(mutations))) return *failed;
  return std::monostate{};
}

DirectoryResult<Filter> Directory::filter(const Actor& actor, const Uuid& organization_id,
                                          std::string_view id_or_slug) const {
  std::shared_lock read(state_->tables);
  if (state_->standing_locked(actor, organization_id) == Standing::kNone) {
    return not_found("Organization", organization_id);
  }
  const Filter* found = detail::find_filter(state_->filters, organization_id, id_or_slug);
  if (found == nullptr || found->organization_id != organization_id) {
    return error(StoreErrorCode::kNotFound, "Filter '" + std::string(id_or_slug) + "' not found");
  }
  return *found;
}

DirectoryResult<Page<Filter>> Directory::filters(const Actor& actor, const Uuid& organization_id,
                                                 const PageRequest& page) const {
  return state_->organization_page(state_->filters, "filters", actor, organization_id, page,
                                   [](const Filter& f) { return f.filter_id; });
}

DirectoryResult<Filter> Directory::filter_for_list(const Actor& actor, const Uuid& organization_id,
                                                   std::string_view id_or_slug,
                                                   std::string_view entity,
                                                   const std::optional<Uuid>& space_id) const {
  std::shared_lock read(state_->tables);
  if (state_->standing_locked(actor, organization_id) == Standing::kNone) {
    return not_found("Organization", organization_id);
  }
  const Filter* found = detail::find_filter(state_->filters, organization_id, id_or_slug);
  const std::string named = "filter '" + std::string(id_or_slug) + "'";
  if (found == nullptr) return bad_request(named + " does not exist");
  if (found->organization_id != organization_id) {
    return bad_request(named + " belongs to another organization");
  }
  if (found->from != entity) {
    return bad_request(named + " is From " + found->from + ", not " + std::string(entity));
  }
  if (found->from_space_id && found->from_space_id != space_id) {
    return bad_request(named + " is for space " + found->from_space_id->to_string() +
                       (space_id ? ", not this space" : ", not lists across spaces"));
  }
  return *found;
}

std::size_t Directory::filter_count() const {
  std::shared_lock read(state_->tables);
  return state_->filters.size();
}

}  // namespace rollcall::index
