#include "rollcall/index/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <variant>

namespace rollcall::index {
namespace {

template <class R>
using Member = std::variant<std::string R::*, Uuid R::*, std::optional<Uuid> R::*, bool R::*,
                            std::int64_t R::*, Timestamp R::*, std::vector<Uuid> R::*,
                            Labels R::*>;

template <class R>
struct Field {
  std::string_view name;
  Member<R> member;
};

using OM = OrganizationMember;
const Field<OM> kOrganizationMemberFields[] = {
    {"OrganizationMemberID", &OM::organization_member_id},
    {"OrganizationID", &OM::organization_id},
    {"UserID", &OM::user_id},
    {"Username", &OM::username},
    {"DisplayName", &OM::display_name},
    {"Email", &OM::email},
    {"Slug", &OM::slug},
    {"ExternalID", &OM::external_id},
    {"ExternalOrganizationID", &OM::external_organization_id},
    {"ProfilePictureURL", &OM::profile_picture_url},
    {"Role", &OM::role},
    {"Status", &OM::status},
    {"RoleIDs", &OM::role_ids},
    {"Labels", &OM::labels},
    {"RequiredSSOAuth", &OM::required_sso_auth},
    {"RequiredMFAAuth", &OM::required_mfa_auth},
    {"Version", &OM::version},
    {"CreatedAt", &OM::created_at},
    {"CreatedBy", &OM::created_by},
    {"UpdatedAt", &OM::updated_at},
    {"UpdatedBy", &OM::updated_by},
};

using SM = SpaceMember;
const Field<SM> kSpaceMemberFields[] = {
    {"SpaceMemberID", &SM::space_member_id},
    {"SpaceID", &SM::space_id},
    {"OrganizationID", &SM::organization_id},
    {"OrganizationMemberID", &SM::organization_member_id},
    {"UserID", &SM::user_id},
    {"Username", &SM::username},
    {"Email", &SM::email},
    {"DisplayName", &SM::display_name},
    {"Admin", &SM::admin},
    {"RoleIDs", &SM::role_ids},
    {"Labels", &SM::labels},
    {"Version", &SM::version},
    {"CreatedAt", &SM::created_at},
    {"CreatedBy", &SM::created_by},
    {"UpdatedAt", &SM::updated_at},
    {"UpdatedBy", &SM::updated_by},
};

template <class R>
void reset(R& record, std::span<const Field<R>> fields) {
  for (const Field<R>& field : fields) {
    std::visit(
        [&](auto member) {
          auto& value = record.*member;
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<Uuid>> ||
                        std::is_same_v<T, Labels>) {
            value.clear();  // keeps capacity
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            value = 0;
          } else {
            value = T{};
          }
        },
        field.member);
  }
}

// RapidJSON SAX handler filling one record. Depth 1 holds the record's members;
// depth 2 the elements of RoleIDs and the entries of Labels. Unknown members are
// skipped whatever they hold. Returning false stops the parse.
template <class R>
class Decoder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Decoder<R>> {
 public:
  Decoder(R& record, std::span<const Field<R>> fields) : record_(record), fields_(fields) {}

  const std::string& error() const { return error_; }

  bool StartObject() { return open<Labels R::*>("an object"); }
  bool StartArray() { return open<std::vector<Uuid> R::*>("an array"); }
  bool EndObject(rapidjson::SizeType /*count*/) {
    if (--depth_ == 1 && field_ && holds<Labels R::*>()) finish_labels();
    return true;
  }
  bool EndArray(rapidjson::SizeType /*count*/) {
    --depth_;
    return true;
  }
  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    const std::string_view key(text, length);
    if (depth_ == 1) {
      field_ = find(key);
    } else if (field_ && holds<Labels R::*>()) {
      labels().emplace_back(key, std::string());
    }
    return true;
  }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (!field_) return top_level_ok();
    const std::string_view value(text, length);
    return std::visit([&](auto member) { return assign_string(member, value); }, field_->member);
  }
  bool Bool(bool value) {
    if (!field_) return top_level_ok();
    if (depth_ == 1 && holds<bool R::*>()) {
      record_.*std::get<bool R::*>(field_->member) = value;
      return true;
    }
    return wrong_type("a boolean");
  }
  bool Null() {
    if (!field_) return top_level_ok();
    if (depth_ == 1 && holds<std::optional<Uuid> R::*>()) {
      (record_.*std::get<std::optional<Uuid> R::*>(field_->member)).reset();
      return true;
    }
    return wrong_type("null");
  }
  bool Int(int value) { return integer(value); }
  bool Uint(unsigned value) { return integer(value); }
  bool Int64(std::int64_t value) { return integer(value); }
  bool Uint64(std::uint64_t value) {
    if (value > static_cast<std::uint64_t>(INT64_MAX)) {
      return field_ ? wrong_type("an out-of-range number") : top_level_ok();
    }
    return integer(static_cast<std::int64_t>(value));
  }
  bool Double(double /*value*/) { return field_ ? wrong_type("a fraction") : top_level_ok(); }

 private:
  template <class M>
  bool holds() const {
    return std::holds_alternative<M>(field_->member);
  }

  Labels& labels() { return record_.*std::get<Labels R::*>(field_->member); }

  template <class Container>
  bool open(const char* what) {
    ++depth_;
    if (depth_ == 1) {
      if constexpr (std::is_same_v<Container, Labels R::*>) return true;
      error_ = "a record must be a JSON object";
      return false;
    }
    if (!field_) return true;
    if (depth_ == 2 && holds<Container>()) {
      (record_.*std::get<Container>(field_->member)).clear();  // a repeated member replaces
      return true;
    }
    return wrong_type(what);
  }

  bool top_level_ok() {
    if (depth_ > 0) return true;
    error_ = "a record must be a JSON object";
    return false;
  }

  const Field<R>* find(std::string_view key) const {
    for (const Field<R>& field : fields_) {
      if (field.name == key) return &field;
    }
    return nullptr;
  }

  bool wrong_type(const char* what) {
    error_ = "member \"" + std::string(field_->name) + "\" has " + what + " where " +
             expected(field_->member) + " was expected";
    return false;
  }

  static const char* expected(const Member<R>& member) {
    switch (member.index()) {
      case 0: return "a string";
      case 1: return "a uuid string";
      case 2: return "a uuid string or null";
      case 3: return "a boolean";
      case 4: return "an integer";
      case 5: return "an RFC 3339 time string";
      case 6: return "an array of uuid strings";
      default: return "an object of strings";
    }
  }

  bool integer(std::int64_t value) {
    if (!field_) return top_level_ok();
    if (depth_ == 1 && holds<std::int64_t R::*>()) {
      record_.*std::get<std::int64_t R::*>(field_->member) = value;
      return true;
    }
    return wrong_type("a number");
  }

  template <class M>
  bool assign_string(M member, std::string_view value) {
    using T = std::decay_t<decltype(record_.*member)>;
    const bool element = depth_ == 2;
    if constexpr (std::is_same_v<T, Labels>) {
      if (!element || labels().empty()) return wrong_type("a string");
      labels().back().second.assign(value);
    } else if constexpr (std::is_same_v<T, std::vector<Uuid>>) {
      if (!element) return wrong_type("a string");
      auto uuid = Uuid::parse(value);
      if (!uuid) return malformed("uuid", value);
      (record_.*member).push_back(*uuid);
    } else if constexpr (std::is_same_v<T, std::string>) {
      (record_.*member).assign(value);
    } else if constexpr (std::is_same_v<T, Timestamp>) {
      auto time = Timestamp::parse(value);
      if (!time) return malformed("time", value);
      record_.*member = *time;
    } else if constexpr (std::is_same_v<T, Uuid> || std::is_same_v<T, std::optional<Uuid>>) {
      auto uuid = Uuid::parse(value);
      if (!uuid) return malformed("uuid", value);
      record_.*member = *uuid;
    } else {
      return wrong_type("a string");
    }
    return true;
  }

  bool malformed(const char* what, std::string_view value) {
    error_ = "member \"" + std::string(field_->name) + "\" has a malformed " + what + " \"" +
             std::string(value) + "\"";
    return false;
  }

  // A JSON object may repeat a key; the last one wins, as in PostgreSQL's jsonb.
  void finish_labels() {
    Labels& entries = labels();
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto kept = std::unique(entries.rbegin(), entries.rend(),
                            [](const auto& a, const auto& b) { return a.first == b.first; });
    entries.erase(entries.begin(), kept.base());
  }

  R& record_;
  std::span<const Field<R>> fields_;
  const Field<R>* field_ = nullptr;
  int depth_ = 0;
  std::string error_;
};

template <class Writer>
void write_string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <class Writer, class T>
void write_value(Writer& writer, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    write_string(writer, value);
  } else if constexpr (std::is_same_v<T, Uuid> || std::is_same_v<T, Timestamp>) {
    write_string(writer, value.to_string());
  } else if constexpr (std::is_same_v<T, std::optional<Uuid>>) {
    if (value) write_string(writer, value->to_string());
    else writer.Null();
  } else if constexpr (std::is_same_v<T, bool>) {
    writer.Bool(value);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    writer.Int64(value);
  } else if constexpr (std::is_same_v<T, std::vector<Uuid>>) {
    writer.StartArray();
    for (const Uuid& uuid : value) write_string(writer, uuid.to_string());
    writer.EndArray();
  } else {
    writer.StartObject();
    for (const auto& [key, text] : value) {
      write_string(writer, key);
      write_string(writer, text);
    }
    writer.EndObject();
  }
}

// Offset of the first byte that is not part of well-formed UTF-8, or npos. Words
// of ASCII are skipped 8 bytes at a time: records are mostly ASCII.
std::size_t invalid_utf8_at(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    std::uint64_t word;
    if (n - i >= 8 && (std::memcpy(&word, p + i, 8), (word & 0x8080808080808080ULL) == 0)) {
      i += 8;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (n - i < length || p[i + 1] < low || p[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

template <class R>
std::string decode(std::string_view json, R& out, std::span<const Field<R>> fields) {
  if (const std::size_t bad = invalid_utf8_at(json); bad != std::string_view::npos) {
    return "invalid JSON at byte " + std::to_string(bad) + ": Invalid encoding in string.";
  }
  reset(out, fields);
  Decoder<R> decoder(out, fields);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(json.data(), json.size());
  const rapidjson::ParseResult result =
      reader.Parse<rapidjson::kParseNoFlags>(stream, decoder);
  if (!decoder.error().empty()) return decoder.error();
  if (result.IsError()) {
    return std::string("invalid JSON at byte ") + std::to_string(result.Offset()) + ": " +
           rapidjson::GetParseError_En(result.Code());
  }
  return {};
}

template <class R>
void encode(const R& record, std::span<const Field<R>> fields, std::string& out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const Field<R>& field : fields) {
    writer.Key(field.name.data(), static_cast<rapidjson::SizeType>(field.name.size()));
    std::visit([&](auto member) { write_value(writer, record.*member); }, field.member);
  }
  writer.EndObject();
  out.append(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string decode_json(std::string_view json, OrganizationMember& out) {
  return decode<OrganizationMember>(json, out, kOrganizationMemberFields);
}

std::string decode_json(std::string_view json, SpaceMember& out) {
  return decode<SpaceMember>(json, out, kSpaceMemberFields);
}

void encode_json(const OrganizationMember& record, std::string& out) {
  encode<OrganizationMember>(record, kOrganizationMemberFields, out);
}

void encode_json(const SpaceMember& record, std::string& out) {
  encode<SpaceMember>(record, kSpaceMemberFields, out);
}

}  // namespace rollcall::index
