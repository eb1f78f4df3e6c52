#include "rollcall/index/json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

namespace rollcall::index {
namespace {

template <class R>
using Member = std::variant<std::string R::*, Uuid R::*, std::optional<Uuid> R::*, bool R::*,
                            std::int64_t R::*, Timestamp R::*, SharedRoleIds R::*,
                            SharedLabels R::*, SharedText R::*, Text R::*>;

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

const Field<User> kUserFields[] = {
    {"UserID", &User::user_id},
    {"Username", &User::username},
    {"Email", &User::email},
    {"DisplayName", &User::display_name},
    {"Slug", &User::slug},
    {"ExternalID", &User::external_id},
    {"ProfilePictureURL", &User::profile_picture_url},
    {"CreatedAt", &User::created_at},
    {"UpdatedAt", &User::updated_at},
};

const Field<Space> kSpaceFields[] = {
    {"SpaceID", &Space::space_id},
    {"OrganizationID", &Space::organization_id},
    {"Slug", &Space::slug},
    {"DisplayName", &Space::display_name},
    {"Version", &Space::version},
    {"CreatedAt", &Space::created_at},
    {"UpdatedAt", &Space::updated_at},
};

const Field<Filter> kFilterFields[] = {
    {"FilterID", &Filter::filter_id},
    {"OrganizationID", &Filter::organization_id},
    {"Slug", &Filter::slug},
    {"DisplayName", &Filter::display_name},
    {"From", &Filter::from},
    {"FromSpaceID", &Filter::from_space_id},
    {"Where", &Filter::where},
    {"Version", &Filter::version},
    {"CreatedAt", &Filter::created_at},
    {"UpdatedAt", &Filter::updated_at},
};

const Field<Organization> kOrganizationFields[] = {
    {"OrganizationID", &Organization::organization_id},
    {"Slug", &Organization::slug},
    {"DisplayName", &Organization::display_name},
    {"ExternalOrganizationID", &Organization::external_organization_id},
    {"Version", &Organization::version},
    {"CreatedAt", &Organization::created_at},
    {"UpdatedAt", &Organization::updated_at},
};

template <class R>
void reset(R& record, std::span<const Field<R>> fields) {
  for (const Field<R>& field : fields) {
    std::visit(
        [&](auto member) {
          auto& value = record.*member;
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string>) {
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

const char* kind_of(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

// What each alternative of Member expects, by its index.
const char* expected(std::size_t member_index) {
  static_assert(std::variant_size_v<Member<OrganizationMember>> == 10,
                "a new kind of member needs its line here");
  switch (member_index) {
    case 0:
      return "a string";
    case 1:
      return "a uuid string";
    case 2:
      return "a uuid string or null";
    case 3:
      return "a boolean";
    case 4:
      return "an integer";
    case 5:
      return "an RFC 3339 time string";
    case 6:
      return "an array of uuid strings";
    case 7:
      return "an object of strings";
    default:
      return "a string";  // SharedText, Text
  }
}

// Fills one record from a parsed object through the field table. Each
// assign() returns "" or what is wrong with the member.
template <class R>
class Decoder {
 public:
  Decoder(R& record, const Field<R>& field) : record_(record), field_(field) {}

  std::string operator()(std::string R::*member, simdjson::dom::element value) {
    std::string_view text;
    if (value.get_string().get(text)) return wrong(value);
    (record_.*member).assign(text);
    return {};
  }
  std::string operator()(Uuid R::*member, simdjson::dom::element value) {
    return uuid(value, [&](const Uuid& id) { record_.*member = id; });
  }
  std::string operator()(std::optional<Uuid> R::*member, simdjson::dom::element value) {
    if (value.is_null()) {
      (record_.*member).reset();
      return {};
    }
    return uuid(value, [&](const Uuid& id) { record_.*member = id; });
  }
  std::string operator()(bool R::*member, simdjson::dom::element value) {
    return value.get_bool().get(record_.*member) ? wrong(value) : std::string();
  }
  std::string operator()(std::int64_t R::*member, simdjson::dom::element value) {
    return value.get_int64().get(record_.*member) ? wrong(value) : std::string();
  }
  std::string operator()(Timestamp R::*member, simdjson::dom::element value) {
    std::string_view text;
    if (value.get_string().get(text)) return wrong(value);
    auto time = Timestamp::parse(text);
    if (!time) return malformed("time", text);
    record_.*member = *time;
    return {};
  }
  // Text and SharedText, which take any text as it is.
  template <class String>
  requires std::is_same_v<String, Text> || std::is_same_v<String, SharedText> std::string
  operator()(String R::*member, simdjson::dom::element value) {
    std::string_view text;
    if (value.get_string().get(text)) return wrong(value);
    record_.*member = text;
    return {};
  }
  std::string operator()(SharedRoleIds R::*member, simdjson::dom::element value) {
    simdjson::dom::array array;
    if (value.get_array().get(array)) return wrong(value);
    std::vector<Uuid> ids;  // a repeated member replaces the earlier one
    for (simdjson::dom::element element : array) {
      if (auto error = uuid(element, [&](const Uuid& id) { ids.push_back(id); }); !error.empty()) {
        return error;
      }
    }
    record_.*member = std::move(ids);
    return {};
  }
  std::string operator()(SharedLabels R::*member, simdjson::dom::element value) {
    simdjson::dom::object object;
    if (value.get_object().get(object)) return wrong(value);
    Labels labels;
    for (auto [key, text] : object) {
      std::string_view label;
      if (text.get_string().get(label)) return wrong(text);
      labels.emplace_back(key, label);
    }
    // A repeated key: the last one wins, as in PostgreSQL's jsonb.
    std::stable_sort(labels.begin(), labels.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto kept = std::unique(labels.rbegin(), labels.rend(),
                            [](const auto& a, const auto& b) { return a.first == b.first; });
    labels.erase(labels.begin(), kept.base());
    record_.*member = std::move(labels);
    return {};
  }

 private:
  template <class Store>
  std::string uuid(simdjson::dom::element value, Store store) {
    std::string_view text;
    if (value.get_string().get(text)) return wrong(value);
    auto id = Uuid::parse(text);
    if (!id) return malformed("uuid", text);
    store(*id);
    return {};
  }

  std::string wrong(simdjson::dom::element value) const {
    return "member \"" + std::string(field_.name) + "\" has " + kind_of(value) + " where " +
           expected(field_.member.index()) + " was expected";
  }

  std::string malformed(const char* what, std::string_view text) const {
    return "member \"" + std::string(field_.name) + "\" has a malformed " + what + " \"" +
           std::string(text) + "\"";
  }

  R& record_;
  const Field<R>& field_;
};

// JSON text straight into the caller's string. A record's text is written
// through a pointer into room made for it once, from an upper bound of its
// length: no capacity check per byte. Strings are escaped as RFC 8259 requires
// (quote, backslash, control characters); UTF-8 passes through, as every
// stored string was valid UTF-8 when it came in.
constexpr std::size_t kMaxEscapeBytes = 6;                // \u00XX
constexpr std::size_t kUuidBytes = Uuid::kTextBytes + 2;  // quoted
constexpr std::size_t kMaxInt64Bytes = 20;
// Fixed-size copies may write this far past the text they copy (later text
// overwrites it; the string is cut to its end).
constexpr std::size_t kWriteSlack = 32;

std::size_t max_string_bytes(std::string_view text) { return kMaxEscapeBytes * text.size() + 2; }

char* write_literal(char* at, std::string_view text) {
  std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

char* write_escape(char* at, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";  // as RapidJSON wrote them
  switch (c) {
    case '"':
      return write_literal(at, "\\\"");
    case '\\':
      return write_literal(at, "\\\\");
    case '\b':
      return write_literal(at, "\\b");
    case '\f':
      return write_literal(at, "\\f");
    case '\n':
      return write_literal(at, "\\n");
    case '\r':
      return write_literal(at, "\\r");
    case '\t':
      return write_literal(at, "\\t");
    default: {
      const char text[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      return write_literal(at, {text, sizeof text});
    }
  }
}

// Whether any of 8 bytes is a control character, a quote or a backslash
// (SWAR: a byte's high bit marks it): the common text, none of them, is then
// copied 8 bytes at a time rather than tested byte by byte.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
bool needs_escape(std::uint64_t bytes) {
  constexpr std::uint64_t kHigh = kOnes * 0x80;
  const auto zero_in = [&](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const std::uint64_t control = (bytes - kOnes * 0x20) & ~bytes & kHigh;  // below 0x20
  return (control | zero_in(bytes ^ (kOnes * '"')) | zero_in(bytes ^ (kOnes * '\\'))) != 0;
}

std::uint64_t load64(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

// The last n (1 to 7) bytes of `text` as the low bytes of a word, the rest
// 'a' (which needs no escape). Loads only: a memcpy of n bytes into a word on
// the stack had made its load wait for the stores to forward, the hottest
// instruction of a list request.
std::uint64_t tail_word(std::string_view text, std::size_t n) {
  static_assert(std::endian::native == std::endian::little);
  const char* p = text.data() + text.size() - n;
  std::uint64_t word = 0;
  if (text.size() >= 8) {
    word = load64(text.data() + text.size() - 8) >> (8 * (8 - n));
  } else if (n >= 4) {  // two loads of 4 that overlap in the middle
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    std::memcpy(&low, p, 4);
    std::memcpy(&high, p + n - 4, 4);
    word = low | std::uint64_t{high} << (8 * (n - 4));
  } else {  // first, middle and last byte: each of 1 to 3 bytes is one of them
    const auto byte = [&](std::size_t i) {
      return std::uint64_t{static_cast<unsigned char>(p[i])};
    };
    word = byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1));
  }
  return word | (kOnes * 'a') << (8 * n);
}

// Writes up to 7 bytes past its text (kWriteSlack).
char* write_string(char* at, std::string_view text) {
  *at++ = '"';
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8, at += 8) {
    const std::uint64_t bytes = load64(text.data() + i);
    if (needs_escape(bytes)) break;
    std::memcpy(at, &bytes, 8);
  }
  if (const std::size_t n = text.size() - i; n > 0 && n < 8) {
    const std::uint64_t bytes = tail_word(text, n);
    if (!needs_escape(bytes)) {
      std::memcpy(at, &bytes, 8);
      at[n] = '"';
      return at + n + 1;
    }
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *at++ = static_cast<char>(c);
    } else {
      at = write_escape(at, c);
    }
  }
  *at++ = '"';
  return at;
}

char* write_uuid(char* at, const Uuid& uuid) {
  *at++ = '"';
  at = uuid.write_to(at);
  *at++ = '"';
  return at;
}

template <class T>
constexpr bool kInterned = false;
template <class T>
constexpr bool kInterned<Interned<T>> = true;

// The most bytes write_value(at, value) writes.
template <class T>
std::size_t max_bytes(const T& value) {
  if constexpr (kInterned<T>) {
    return max_bytes(value.value());
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Text>) {
    return max_string_bytes(value);
  } else if constexpr (std::is_same_v<T, Uuid> || std::is_same_v<T, std::optional<Uuid>>) {
    return kUuidBytes;
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    return Timestamp::kMaxTextBytes + 2;
  } else if constexpr (std::is_same_v<T, bool>) {
    return 5;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return kMaxInt64Bytes;
  } else if constexpr (std::is_same_v<T, std::vector<Uuid>>) {
    return 2 + value.size() * (kUuidBytes + 1);
  } else {
    std::size_t bytes = 2;
    for (const auto& [key, text] : value)
      bytes += max_string_bytes(key) + max_string_bytes(text) + 2;
    return bytes;
  }
}

template <class T>
char* write_value(char* at, const T& value) {
  if constexpr (kInterned<T>) {
    return write_value(at, value.value());
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Text>) {
    return write_string(at, value);
  } else if constexpr (std::is_same_v<T, Uuid>) {
    return write_uuid(at, value);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    *at++ = '"';
    at = value.write_to(at);
    *at++ = '"';
    return at;
  } else if constexpr (std::is_same_v<T, std::optional<Uuid>>) {
    return value ? write_uuid(at, *value) : write_literal(at, "null");
  } else if constexpr (std::is_same_v<T, bool>) {
    return write_literal(at, value ? "true" : "false");
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return std::to_chars(at, at + kMaxInt64Bytes, value).ptr;
  } else if constexpr (std::is_same_v<T, std::vector<Uuid>>) {
    *at++ = '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i != 0) *at++ = ',';
      at = write_uuid(at, value[i]);
    }
    *at++ = ']';
    return at;
  } else {
    *at++ = '{';
    bool first = true;
    for (const auto& [key, text] : value) {
      if (!first) *at++ = ',';
      first = false;
      at = write_string(at, key);
      *at++ = ':';
      at = write_string(at, text);
    }
    *at++ = '}';
    return at;
  }
}

// simdjson validates UTF-8 and JSON several times faster than a SAX parser
// (the whole cost of `rollcall query`); the parser is reused per thread.
template <class R>
std::string decode(std::string_view json, R& out, std::span<const Field<R>> fields,
                   std::optional<std::span<const std::string>> only = std::nullopt) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root)) {
    return std::string("invalid JSON: ") + simdjson::error_message(error);
  }
  simdjson::dom::object object;
  if (root.get_object().get(object)) return "a record must be a JSON object";
  reset(out, fields);
  for (const simdjson::dom::key_value_pair entry : object) {
    // Named, not structured bindings: clang 14 cannot capture those in lambdas.
    const std::string_view key = entry.key;
    const simdjson::dom::element value = entry.value;
    const auto field = std::find_if(fields.begin(), fields.end(),
                                    [&](const Field<R>& f) { return f.name == key; });
    if (field == fields.end()) continue;
    if (only && std::find(only->begin(), only->end(), field->name) == only->end()) continue;
    Decoder<R> decoder(out, *field);
    std::string error =
        std::visit([&](auto member) { return decoder(member, value); }, field->member);
    if (!error.empty()) return error;
  }
  return {};
}

// `"Name":`, padded to be copied in one fixed-size move.
struct NamePrefix {
  std::array<char, kWriteSlack> text{};
  std::size_t size = 0;
};

// The name prefixes of `fields`, made on first use: each record type has one
// field table.
template <class R>
std::span<const NamePrefix> name_prefixes(std::span<const Field<R>> fields) {
  static const std::pair<const Field<R>*, std::vector<NamePrefix>> made{
      fields.data(), [&] {
        std::vector<NamePrefix> prefixes(fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
          const std::string text = "\"" + std::string(fields[i].name) + "\":";
          if (text.size() > prefixes[i].text.size()) throw std::logic_error("field name too long");
          std::memcpy(prefixes[i].text.data(), text.data(), text.size());
          prefixes[i].size = text.size();
        }
        return prefixes;
      }()};
  if (made.first != fields.data()) throw std::logic_error("a second field table for a type");
  return made.second;
}

template <class R>
void encode(const R& record, std::span<const Field<R>> fields, std::string& out,
            FieldMask mask = kAllFields) {
  const auto selected = [&](std::size_t i) { return (mask & (FieldMask{1} << i)) != 0; };
  const std::span<const NamePrefix> names = name_prefixes(fields);
  std::size_t bound = 2 + kWriteSlack;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!selected(i)) continue;
    bound += names[i].size + 1;  // and a comma
    std::visit([&](auto member) { bound += max_bytes(record.*member); }, fields[i].member);
  }
  const std::size_t start = out.size();
  out.resize(start + bound);
  char* at = out.data() + start;
  *at++ = '{';
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!selected(i)) continue;
    if (!first) *at++ = ',';
    first = false;
    std::memcpy(at, names[i].text.data(), kWriteSlack);
    at += names[i].size;
    std::visit([&](auto member) { at = write_value(at, record.*member); }, fields[i].member);
  }
  *at++ = '}';
  const auto written = static_cast<std::size_t>(at - out.data());
  if (written > start + bound - kWriteSlack) std::abort();  // a bound is wrong: memory is not safe
  out.resize(written);
}

template <class R>
FieldMask field_bit(std::span<const Field<R>> fields, std::string_view name) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return FieldMask{1} << i;
  }
  return 0;
}

}  // namespace

std::string decode_json(std::string_view json, OrganizationMember& out) {
  return decode<OrganizationMember>(json, out, kOrganizationMemberFields);
}

std::string decode_json(std::string_view json, SpaceMember& out) {
  return decode<SpaceMember>(json, out, kSpaceMemberFields);
}

std::string decode_json(std::string_view json, OrganizationMember& out,
                        std::span<const std::string> only) {
  return decode<OrganizationMember>(json, out, kOrganizationMemberFields, only);
}

std::string decode_json(std::string_view json, SpaceMember& out,
                        std::span<const std::string> only) {
  return decode<SpaceMember>(json, out, kSpaceMemberFields, only);
}

void encode_json(const OrganizationMember& record, std::string& out) {
  encode<OrganizationMember>(record, kOrganizationMemberFields, out);
}

void encode_json(const SpaceMember& record, std::string& out) {
  encode<SpaceMember>(record, kSpaceMemberFields, out);
}

FieldMask organization_member_field(std::string_view name) {
  return field_bit<OM>(kOrganizationMemberFields, name);
}

FieldMask space_member_field(std::string_view name) {
  return field_bit<SM>(kSpaceMemberFields, name);
}

void encode_json(const OrganizationMember& record, std::string& out, FieldMask fields) {
  encode<OrganizationMember>(record, kOrganizationMemberFields, out, fields);
}

void encode_json(const SpaceMember& record, std::string& out, FieldMask fields) {
  encode<SpaceMember>(record, kSpaceMemberFields, out, fields);
}

void encode_json(const User& record, std::string& out) { encode<User>(record, kUserFields, out); }

void encode_json(const Organization& record, std::string& out) {
  encode<Organization>(record, kOrganizationFields, out);
}

void encode_json(const Space& record, std::string& out) {
  encode<Space>(record, kSpaceFields, out);
}

void encode_json(const Filter& record, std::string& out) {
  encode<Filter>(record, kFilterFields, out);
}

}  // namespace rollcall::index
