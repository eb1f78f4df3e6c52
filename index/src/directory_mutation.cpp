#include "directory_mutation.hpp"

#include <span>

namespace rollcall::index::detail {

using persist::EntityType;
using persist::Result;
using persist::Status;

namespace {

EntityType entity_of(const AnyRecord& record) {
  return std::visit(
      [](const auto& r) { return persist::entity_type_of<std::decay_t<decltype(r)>>; }, record);
}

std::string encode_one(const Mutation& mutation) {
  std::string out;
  if (mutation.upsert) {
    std::visit([&](const auto& record) { persist::encode_upsert(record, out); }, *mutation.upsert);
  } else {
    persist::encode_delete(mutation.entity, mutation.id, out);
  }
  return out;
}

template <class Record>
Result<Mutation> decode_upsert(std::string_view payload) {
  Record record;
  if (Status decoded = persist::decode_record(payload, record); !decoded) return decoded;
  return Mutation::put(std::move(record));
}

Result<Mutation> decode_one(const persist::MutationView& view) {
  if (view.op == persist::Op::kDelete) return Mutation::erase(view.entity, view.id);
  switch (view.entity) {
    case EntityType::kUser:
      return decode_upsert<User>(view.payload);
    case EntityType::kOrganization:
      return decode_upsert<Organization>(view.payload);
    case EntityType::kAccessToken:
      return decode_upsert<AccessToken>(view.payload);
    case EntityType::kIdempotency:
      return decode_upsert<IdempotencyEntry>(view.payload);
    case EntityType::kOrganizationMember:
      return decode_upsert<OrganizationMember>(view.payload);
    case EntityType::kSpace:
      return decode_upsert<Space>(view.payload);
    case EntityType::kSpaceMember:
      return decode_upsert<SpaceMember>(view.payload);
    case EntityType::kFilter:
      return decode_upsert<Filter>(view.payload);
    default:
      return Status::error(std::string(persist::to_string(view.entity)) +
                           " records are not supported by this version");
  }
}

}  // namespace

Mutation Mutation::put(AnyRecord record) {
  Mutation mutation;
  mutation.entity = entity_of(record);
  mutation.upsert = std::move(record);
  return mutation;
}

Mutation Mutation::erase(EntityType entity, const Uuid& id) {
  Mutation mutation;
  mutation.entity = entity;
  mutation.id = id;
  return mutation;
}

std::string encode_mutations(const std::vector<Mutation>& mutations) {
  if (mutations.size() == 1) return encode_one(mutations.front());
  std::vector<std::string> encoded;
  encoded.reserve(mutations.size());
  for (const Mutation& mutation : mutations) encoded.push_back(encode_one(mutation));
  std::string out;
  persist::encode_batch(std::span<const std::string>(encoded), out);
  return out;
}

Result<std::vector<Mutation>> decode_mutations(std::string_view payload) {
  auto view = persist::decode_mutation(payload);
  if (!view) return view.status();
  std::vector<Mutation> mutations;
  if (view->entity != EntityType::kBatch) {
    auto one = decode_one(*view);
    if (!one) return one.status();
    mutations.push_back(std::move(*one));
    return mutations;
  }
  Status each = persist::for_each_in_batch(view->payload, [&](std::string_view nested) -> Status {
    auto inner = persist::decode_mutation(nested);
    if (!inner) return inner.status();
    auto one = decode_one(*inner);
    if (!one) return one.status();
    mutations.push_back(std::move(*one));
    return {};
  });
  if (!each) return each;
  return mutations;
}

}  // namespace rollcall::index::detail
