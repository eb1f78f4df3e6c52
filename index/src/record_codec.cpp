#include "rollcall/index/record_codec.hpp"

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "bytes.hpp"

namespace rollcall::persist {
namespace {

using index::Labels;
using index::Timestamp;

constexpr std::size_t kUuidBytes = 16;
constexpr std::size_t kEnvelopeBytes = 3 + kUuidBytes;
// A batch's element: a length byte at least, and a whole envelope.
constexpr std::size_t kMinBatchElementBytes = 1 + kEnvelopeBytes;

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  template <std::size_t N>
  bool byte_array(const std::array<std::uint8_t, N>& value) {
    out_.append(reinterpret_cast<const char*>(value.data()), N);
    return true;
  }
  bool uuid(const Uuid& value) { return byte_array(value.bytes); }
  bool optional_uuid(const std::optional<Uuid>& value) {
    boolean(value.has_value());
    return !value || uuid(*value);
  }
  bool string(std::string_view value) {
    put_varint(out_, value.size());
    out_.append(value);
    return true;
  }
  bool boolean(bool value) {
    out_.push_back(value ? 1 : 0);
    return true;
  }
  bool int32(std::int32_t value) { return fixed(value); }
  bool int64(std::int64_t value) { return fixed(value); }
  bool timestamp(const Timestamp& value) { return int64(value.micros); }
  bool uuids(const std::vector<Uuid>& values) {
    put_varint(out_, values.size());
    for (const Uuid& value : values) uuid(value);
    return true;
  }
  bool labels(const Labels& values) {
    put_varint(out_, values.size());
    for (const auto& [key, value] : values) {
      string(key);
      string(value);
    }
    return true;
  }

 private:
  template <class T>
  bool fixed(T value) {
    put_fixed(out_, value);
    return true;
  }

  std::string& out_;
};

// Reads fields from untrusted bytes; the first failure sticks and names its offset.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  template <std::size_t N>
  bool byte_array(std::array<std::uint8_t, N>& value) {
    if (!need(N)) return false;
    std::copy_n(in_.data() + pos_, N, reinterpret_cast<char*>(value.data()));
    pos_ += N;
    return true;
  }
  bool uuid(Uuid& value) { return byte_array(value.bytes); }
  bool optional_uuid(std::optional<Uuid>& value) {
    bool present = false;
    if (!boolean(present)) return false;
    if (!present) {
      value.reset();
      return true;
    }
    return uuid(value.emplace());
  }
  bool string(std::string& value) {
    std::string_view bytes;
    if (!length_prefixed(bytes)) return false;
    value.assign(bytes);
    return true;
  }
  // A varint length and that many bytes, viewed in place.
  bool length_prefixed(std::string_view& value) {
    std::uint64_t size = 0;
    if (!count(size, 1)) return false;
    value = in_.substr(pos_, size);
    pos_ += size;
    return true;
  }
  bool boolean(bool& value) {
    if (!need(1)) return false;
    const auto byte = static_cast<unsigned char>(in_[pos_]);
    if (byte > 1) return fail("invalid boolean " + std::to_string(byte));
    value = byte == 1;
    ++pos_;
    return true;
  }
  bool int32(std::int32_t& value) { return fixed(value); }
  bool int64(std::int64_t& value) { return fixed(value); }
  bool timestamp(Timestamp& value) { return int64(value.micros); }
  bool uuids(std::vector<Uuid>& values) {
    std::uint64_t size = 0;
    if (!count(size, kUuidBytes)) return false;
    values.resize(size);
    for (Uuid& value : values) uuid(value);
    return true;
  }
  bool labels(Labels& values) {
    std::uint64_t size = 0;
    if (!count(size, 2)) return false;
    values.resize(size);
    for (auto& [key, value] : values) {
      if (!string(key) || !string(value)) return false;
    }
    return true;
  }
  bool string(index::Text& value) {
    std::string_view bytes;
    if (!length_prefixed(bytes)) return false;
    if (bytes.size() > index::Text::kMaxSize) {
      return fail("a text of " + std::to_string(bytes.size()) + " bytes (at most " +
                  std::to_string(index::Text::kMaxSize) + ")");
    }
    value = bytes;
    return true;
  }
  bool string(index::SharedText& value) { return interned(value, &Reader::string); }
  bool uuids(index::SharedRoleIds& values) { return interned(values, &Reader::uuids); }
  bool labels(index::SharedLabels& values) { return interned(values, &Reader::labels); }

  // A varint count of elements of at least `element_bytes` each that must fit
  // in what is left, so corrupt counts cannot trigger huge allocations.
  bool count(std::uint64_t& size, std::size_t element_bytes) {
    const char* begin = in_.data() + pos_;
    const std::size_t taken = load_varint(begin, in_.data() + in_.size(), size);
    if (taken == 0) return fail("malformed varint");
    const std::size_t left = in_.size() - pos_ - taken;
    if (size > left / element_bytes) {
      return fail("count " + std::to_string(size) + " exceeds the " + std::to_string(left) +
                  " bytes left");
    }
    pos_ += taken;
    return true;
  }

  // The outcome once every field is read: an error, or trailing bytes.
  Status finish() {
    if (error_.empty() && pos_ != in_.size()) {
      fail(std::to_string(in_.size() - pos_) + " bytes after the record");
    }
    return error_.empty() ? Status() : Status::error(error_);
  }

 private:
  // Reads into a buffer the thread reuses: a value the pool has is not copied.
  template <class T>
  bool interned(index::Interned<T>& field, bool (Reader::*read)(T&)) {
    thread_local T value;
    if (!(this->*read)(value)) return false;
    field = index::Interned<T>(std::as_const(value));
    return true;
  }
  template <class T>
  bool fixed(T& value) {
    if (!need(sizeof value)) return false;
    value = load_fixed<T>(in_.data() + pos_);
    pos_ += sizeof value;
    return true;
  }
  bool need(std::size_t size) {
    if (in_.size() - pos_ >= size) return true;
    return fail("truncated (" + std::to_string(size) + " bytes needed, " +
                std::to_string(in_.size() - pos_) + " left)");
  }
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(pos_);
    return false;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string error_;
};

// R is Record or const Record: one field list serves encoding and decoding.
template <class R, class Record>
concept RecordOf = std::same_as<std::remove_const_t<R>, Record>;

template <class Codec, RecordOf<OrganizationMember> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.uuid(r.organization_member_id) && codec.uuid(r.organization_id) &&
         codec.optional_uuid(r.user_id) && codec.string(r.username) && codec.string(r.email) &&
         codec.string(r.display_name) && codec.string(r.slug) && codec.string(r.external_id) &&
         codec.string(r.external_organization_id) && codec.string(r.profile_picture_url) &&
         codec.string(r.role) && codec.string(r.status) && codec.uuids(r.role_ids) &&
         codec.labels(r.labels) && codec.boolean(r.required_sso_auth) &&
         codec.boolean(r.required_mfa_auth) && codec.timestamp(r.created_at) &&
         codec.optional_uuid(r.created_by) && codec.timestamp(r.updated_at) &&
         codec.optional_uuid(r.updated_by) && codec.int64(r.version);
}

template <class Codec, RecordOf<SpaceMember> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.uuid(r.space_member_id) && codec.uuid(r.space_id) && codec.uuid(r.organization_id) &&
         codec.uuid(r.organization_member_id) && codec.optional_uuid(r.user_id) &&
         codec.string(r.username) && codec.string(r.email) && codec.string(r.display_name) &&
         codec.boolean(r.admin) && codec.uuids(r.role_ids) && codec.labels(r.labels) &&
         codec.timestamp(r.created_at) && codec.optional_uuid(r.created_by) &&
         codec.timestamp(r.updated_at) && codec.optional_uuid(r.updated_by) &&
         codec.int64(r.version);
}

template <class Codec, RecordOf<User> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.uuid(r.user_id) && codec.string(r.username) && codec.string(r.email) &&
         codec.string(r.display_name) && codec.string(r.slug) && codec.string(r.external_id) &&
         codec.string(r.profile_picture_url) && codec.timestamp(r.created_at) &&
         codec.timestamp(r.updated_at);
}

template <class Codec, RecordOf<Organization> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.uuid(r.organization_id) && codec.string(r.slug) && codec.string(r.display_name) &&
         codec.string(r.external_organization_id) && codec.timestamp(r.created_at) &&
         codec.timestamp(r.updated_at) && codec.int64(r.version);
}

template <class Codec, RecordOf<AccessToken> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.byte_array(r.hash) && codec.uuid(r.user_id) && codec.timestamp(r.created_at);
}

template <class Codec, RecordOf<IdempotencyEntry> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.string(r.scope) && codec.byte_array(r.request_hash) && codec.int32(r.status) &&
         codec.string(r.response_body) && codec.timestamp(r.created_at);
}

template <class Codec, RecordOf<Space> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.uuid(r.space_id) && codec.uuid(r.organization_id) && codec.string(r.slug) &&
         codec.string(r.display_name) && codec.timestamp(r.created_at) &&
         codec.timestamp(r.updated_at) && codec.int64(r.version);
}

template <class Codec, RecordOf<Filter> R>
bool visit_fields(Codec& codec, R& r) {
  return codec.uuid(r.filter_id) && codec.uuid(r.organization_id) && codec.string(r.slug) &&
         codec.string(r.display_name) && codec.string(r.from) &&
         codec.optional_uuid(r.from_space_id) && codec.string(r.where) &&
         codec.timestamp(r.created_at) && codec.timestamp(r.updated_at) && codec.int64(r.version);
}

// The id a record's mutations carry in their envelope.
Uuid envelope_id(const OrganizationMember& record) { return record.organization_member_id; }
Uuid envelope_id(const SpaceMember& record) { return record.space_member_id; }
Uuid envelope_id(const User& record) { return record.user_id; }
Uuid envelope_id(const Organization& record) { return record.organization_id; }
Uuid envelope_id(const AccessToken& record) { return record.user_id; }
Uuid envelope_id(const IdempotencyEntry& /*record*/) { return {}; }
Uuid envelope_id(const Space& record) { return record.space_id; }
Uuid envelope_id(const Filter& record) { return record.filter_id; }

template <class R>
void encode_body(const R& record, std::string& out) {
  Writer writer(out);
  visit_fields(writer, record);
}

template <class R>
Status decode_body(std::string_view in, R& out) {
  Reader reader(in);
  visit_fields(reader, out);
  return reader.finish();
}

void put_envelope(EntityType entity, Op op, const Uuid& id, std::string& out) {
  out.push_back(static_cast<char>(kCodecVersion));
  out.push_back(static_cast<char>(entity));
  out.push_back(static_cast<char>(op));
  Writer(out).uuid(id);
}

template <class R>
void encode_upsert_of(const R& record, std::string& out) {
  put_envelope(entity_type_of<R>, Op::kUpsert, envelope_id(record), out);
  encode_body(record, out);
}

bool valid_entity(std::uint8_t value) {
  return value >= static_cast<std::uint8_t>(EntityType::kOrganizationMember) &&
         value <= static_cast<std::uint8_t>(EntityType::kFilter);
}

bool valid_op(std::uint8_t value) {
  return value == static_cast<std::uint8_t>(Op::kUpsert) ||
         value == static_cast<std::uint8_t>(Op::kDelete);
}

Status check_payload(const MutationView& view) {
  if (view.op == Op::kDelete && !view.payload.empty()) {
    return Status::error("delete mutation carries a " + std::to_string(view.payload.size()) +
                         "-byte payload");
  }
  if (view.entity == EntityType::kBatch && view.op != Op::kUpsert) {
    return Status::error("a batch can only be an upsert");
  }
  return {};
}

// The mutations of a batch payload, each with a sound envelope and none a batch.
Result<std::vector<std::string_view>> split_batch(std::string_view payload) {
  Reader reader(payload);
  std::uint64_t count = 0;
  if (!reader.count(count, kMinBatchElementBytes)) return reader.finish();
  std::vector<std::string_view> mutations(count);
  for (std::size_t i = 0; i < mutations.size(); ++i) {
    if (!reader.length_prefixed(mutations[i])) return reader.finish();
    auto view = decode_mutation(mutations[i]);
    if (!view) {
      return Status::error("batch mutation " + std::to_string(i) + ": " + view.status().message());
    }
    if (view->entity == EntityType::kBatch) {
      return Status::error("batch mutation " + std::to_string(i) + " is itself a batch");
    }
  }
  if (Status framed = reader.finish(); !framed) return framed;
  return mutations;
}

}  // namespace

const char* to_string(EntityType type) noexcept {
  switch (type) {
    case EntityType::kOrganizationMember:
      return "OrganizationMember";
    case EntityType::kSpaceMember:
      return "SpaceMember";
    case EntityType::kUser:
      return "User";
    case EntityType::kOrganization:
      return "Organization";
    case EntityType::kAccessToken:
      return "AccessToken";
    case EntityType::kIdempotency:
      return "IdempotencyEntry";
    case EntityType::kBatch:
      return "Batch";
    case EntityType::kSpace:
      return "Space";
    case EntityType::kFilter:
      return "Filter";
  }
  return "unknown entity";
}

void encode_record(const OrganizationMember& record, std::string& out) { encode_body(record, out); }
void encode_record(const SpaceMember& record, std::string& out) { encode_body(record, out); }
void encode_record(const User& record, std::string& out) { encode_body(record, out); }
void encode_record(const Organization& record, std::string& out) { encode_body(record, out); }
void encode_record(const AccessToken& record, std::string& out) { encode_body(record, out); }
void encode_record(const IdempotencyEntry& record, std::string& out) { encode_body(record, out); }
void encode_record(const Space& record, std::string& out) { encode_body(record, out); }
void encode_record(const Filter& record, std::string& out) { encode_body(record, out); }

Status decode_record(std::string_view in, OrganizationMember& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, SpaceMember& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, User& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, Organization& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, AccessToken& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, IdempotencyEntry& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, Space& out) { return decode_body(in, out); }
Status decode_record(std::string_view in, Filter& out) { return decode_body(in, out); }

void encode_upsert(const OrganizationMember& record, std::string& out) {
  encode_upsert_of(record, out);
}
void encode_upsert(const SpaceMember& record, std::string& out) { encode_upsert_of(record, out); }
void encode_upsert(const User& record, std::string& out) { encode_upsert_of(record, out); }
void encode_upsert(const Organization& record, std::string& out) { encode_upsert_of(record, out); }
void encode_upsert(const AccessToken& record, std::string& out) { encode_upsert_of(record, out); }
void encode_upsert(const IdempotencyEntry& record, std::string& out) {
  encode_upsert_of(record, out);
}
void encode_upsert(const Space& record, std::string& out) { encode_upsert_of(record, out); }
void encode_upsert(const Filter& record, std::string& out) { encode_upsert_of(record, out); }

void encode_delete(EntityType entity, const Uuid& id, std::string& out) {
  put_envelope(entity, Op::kDelete, id, out);
}

void encode_batch(std::span<const std::string> mutations, std::string& out) {
  put_envelope(EntityType::kBatch, Op::kUpsert, Uuid{}, out);
  put_varint(out, mutations.size());
  for (const std::string& mutation : mutations) Writer(out).string(mutation);
}

Status for_each_in_batch(std::string_view payload,
                         const std::function<Status(std::string_view mutation)>& fn) {
  auto mutations = split_batch(payload);
  if (!mutations) return mutations.status();
  for (std::string_view mutation : *mutations) {
    if (Status applied = fn(mutation); !applied) return applied;
  }
  return {};
}

Result<MutationView> decode_mutation(std::string_view in) {
  if (in.size() < kEnvelopeBytes) {
    return Status::error("mutation of " + std::to_string(in.size()) + " bytes is truncated");
  }
  const auto version = static_cast<std::uint8_t>(in[0]);
  const auto entity = static_cast<std::uint8_t>(in[1]);
  const auto op = static_cast<std::uint8_t>(in[2]);
  if (version != kCodecVersion) {
    return Status::error("unsupported record codec version " + std::to_string(version));
  }
  if (!valid_entity(entity)) return Status::error("unknown entity type " + std::to_string(entity));
  if (!valid_op(op)) return Status::error("unknown mutation op " + std::to_string(op));
  MutationView view{
      static_cast<EntityType>(entity), static_cast<Op>(op), {}, in.substr(kEnvelopeBytes)};
  Reader(in.substr(3, kUuidBytes)).uuid(view.id);
  if (Status payload = check_payload(view); !payload) return payload;
  return view;
}

}  // namespace rollcall::persist
