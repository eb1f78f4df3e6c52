#include "render.hpp"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace rollcall::server {

namespace {

// Appends `,"name":value}` in place of the object's closing brace.
void append_member(std::string& object, std::string_view name, std::string_view json_value) {
  object.pop_back();
  object += ",\"";
  object += name;
  object += "\":";
  object += json_value;
  object += '}';
}

std::string quoted(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return {buffer.GetString(), buffer.GetSize()};
}

// The body of a versioned entity and its ETag.
void render_versioned(Response& response, std::string body, std::int64_t version, int status) {
  response.status = status;
  response.body = std::move(body);
  response.set_header("ETag", etag_of(version));
}

template <class T>
std::string json_of(const T& record) {
  std::string out;
  index::encode_json(record, out);
  return out;
}

}  // namespace

std::string etag_of(std::int64_t version) {
  std::string etag = "\"";
  etag.append(std::to_string(version)).append("\"");
  return etag;
}

std::string member_json(const index::OrganizationMember& member, index::FieldMask fields,
                        const index::Organization* embedded) {
  std::string out;
  index::encode_json(member, out, fields);
  if (embedded != nullptr) append_member(out, "Organization", organization_json(*embedded));
  return out;
}

std::string user_json(const index::User& user, std::optional<std::string_view> token) {
  std::string out;
  index::encode_json(user, out);
  if (token) append_member(out, "Token", quoted(*token));
  return out;
}

std::string organization_json(const index::Organization& org) { return json_of(org); }

std::string token_json(const index::Uuid& user_id, std::string_view token) {
  std::string out = "{\"UserID\":";
  out.append(quoted(user_id.to_string())).append(",\"Token\":").append(quoted(token)).append("}");
  return out;
}

std::string space_json(const index::Space& space) { return json_of(space); }

std::string filter_json(const index::Filter& filter) { return json_of(filter); }

std::string space_member_json(const index::SpaceMember& member, index::FieldMask fields) {
  std::string out;
  index::encode_json(member, out, fields);
  return out;
}

void render(Response& response, const index::OrganizationMember& member, index::FieldMask fields,
            int status) {
  render_versioned(response, member_json(member, fields), member.version, status);
}

void render(Response& response, const index::Organization& org, int status) {
  render_versioned(response, organization_json(org), org.version, status);
}

void render(Response& response, const index::Space& space, int status) {
  render_versioned(response, space_json(space), space.version, status);
}

void render(Response& response, const index::Filter& filter, int status) {
  render_versioned(response, filter_json(filter), filter.version, status);
}

void render(Response& response, const index::SpaceMember& member, index::FieldMask fields,
            int status) {
  render_versioned(response, space_member_json(member, fields), member.version, status);
}

void render_message(Response& response, std::string_view message) {
  response.status = 200;
  // append, not operator+: GCC 12 warns falsely (-Wrestrict) on the chain.
  response.body = "{\"Message\":";
  response.body.append(quoted(message)).append("}");
}

std::string& ListEnvelope::next_item() {
  if (!empty_) body_.push_back(',');
  empty_ = false;
  return body_;
}

void ListEnvelope::expect(std::size_t items) {
  // A margin for longer items; a huge first item must not reserve gigabytes.
  body_.reserve(std::min(body_.size() * (items + items / 4 + 4), kMaxReservedBytes));
}

std::string ListEnvelope::finish(std::string_view next_page_token,
                                 std::optional<std::uint64_t> total) && {
  body_.push_back(']');
  if (!next_page_token.empty()) body_.append(",\"NextPageToken\":").append(quoted(next_page_token));
  if (total) body_.append(",\"TotalCount\":").append(std::to_string(*total));
  body_.push_back('}');
  return std::move(body_);
}

std::string list_envelope(const std::vector<std::string>& items, std::string_view next_page_token,
                          std::optional<std::uint64_t> total) {
  ListEnvelope envelope;
  for (const std::string& item : items) envelope.next_item().append(item);
  return std::move(envelope).finish(next_page_token, total);
}

}  // namespace rollcall::server
