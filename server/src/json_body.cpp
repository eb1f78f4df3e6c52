#include "json_body.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

namespace rollcall::server {

namespace {

std::string_view media_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

HttpError wrong_type(std::string_view name, const char* expected) {
  return bad_request("member \"" + std::string(name) + "\" must be " + expected);
}

}  // namespace

struct JsonBody::Impl {
  rapidjson::Document document;

  const rapidjson::Value* find(std::string_view name) const {
    const auto member =
        document.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    return member == document.MemberEnd() ? nullptr : &member->value;
  }
};

JsonBody::JsonBody(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonBody::~JsonBody() = default;
JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;

Outcome<JsonBody> JsonBody::parse(const Request& request,
                                  std::initializer_list<std::string_view> allowed,
                                  std::initializer_list<std::string_view> also_accepted) {
  const std::string_view type = media_type(request.header("Content-Type"));
  const bool accepted =
      equals_ignoring_case(type, "application/json") ||
      std::any_of(also_accepted.begin(), also_accepted.end(),
                  [&](std::string_view other) { return equals_ignoring_case(type, other); });
  if (!accepted) return HttpError{415, "the body must be JSON (Content-Type: application/json)"};
  auto impl = std::make_unique<Impl>();
  impl->document.Parse<rapidjson::kParseValidateEncodingFlag>(request.body.data(),
                                                              request.body.size());
  if (impl->document.HasParseError()) {
    return bad_request("malformed JSON at byte " + std::to_string(impl->document.GetErrorOffset()) +
                       ": " + rapidjson::GetParseError_En(impl->document.GetParseError()));
  }
  if (!impl->document.IsObject()) return bad_request("the body must be a JSON object");
  for (const auto& member : impl->document.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return bad_request("member \"" + std::string(name) + "\" is not accepted here");
    }
  }
  return JsonBody(std::move(impl));
}

bool JsonBody::has(std::string_view name) const { return impl_->find(name) != nullptr; }

bool JsonBody::is_null(std::string_view name) const {
  const rapidjson::Value* value = impl_->find(name);
  return value != nullptr && value->IsNull();
}

std::optional<HttpError> JsonBody::read(std::string_view name, std::string& out) const {
  const rapidjson::Value* value = impl_->find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->IsString()) return wrong_type(name, "a string");
  out.assign(value->GetString(), value->GetStringLength());
  return std::nullopt;
}

std::optional<HttpError> JsonBody::read(std::string_view name, bool& out) const {
  const rapidjson::Value* value = impl_->find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->IsBool()) return wrong_type(name, "true or false");
  out = value->GetBool();
  return std::nullopt;
}

std::optional<HttpError> JsonBody::read(std::string_view name,
                                        std::vector<index::Uuid>& out) const {
  const rapidjson::Value* value = impl_->find(name);
  if (value == nullptr) return std::nullopt;
  if (value->IsNull()) {
    out.clear();
    return std::nullopt;
  }
  if (!value->IsArray()) return wrong_type(name, "an array of uuids");
  std::vector<index::Uuid> ids;
  for (const auto& item : value->GetArray()) {
    auto id = item.IsString() ? index::Uuid::parse({item.GetString(), item.GetStringLength()})
                              : std::nullopt;
    if (!id) return wrong_type(name, "an array of uuids");
    if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  out = std::move(ids);
  return std::nullopt;
}

std::optional<HttpError> JsonBody::read(std::string_view name,
                                        std::optional<index::Uuid>& out) const {
  const rapidjson::Value* value = impl_->find(name);
  if (value == nullptr) return std::nullopt;
  if (value->IsNull()) {
    out.reset();
    return std::nullopt;
  }
  auto id = value->IsString() ? index::Uuid::parse({value->GetString(), value->GetStringLength()})
                              : std::nullopt;
  if (!id) return wrong_type(name, "a uuid string or null");
  out = *id;
  return std::nullopt;
}

std::optional<HttpError> JsonBody::read(std::string_view name, index::Labels& out) const {
  const rapidjson::Value* value = impl_->find(name);
  if (value == nullptr) return std::nullopt;
  out.clear();
  return merge(name, out);
}

std::optional<HttpError> JsonBody::merge(std::string_view name, index::Labels& out) const {
  const rapidjson::Value* value = impl_->find(name);
  if (value == nullptr) return std::nullopt;
  if (value->IsNull()) {
    out.clear();
    return std::nullopt;
  }
  if (!value->IsObject()) return wrong_type(name, "an object of strings");
  for (const auto& entry : value->GetObject()) {
    std::string key(entry.name.GetString(), entry.name.GetStringLength());
    auto at = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
    if (entry.value.IsNull()) {
      if (at != out.end()) out.erase(at);
      continue;
    }
    if (!entry.value.IsString()) return wrong_type(name, "an object of strings");
    std::string text(entry.value.GetString(), entry.value.GetStringLength());
    if (at != out.end()) {
      at->second = std::move(text);
    } else {
      out.emplace_back(std::move(key), std::move(text));
    }
  }
  std::sort(out.begin(), out.end());
  return std::nullopt;
}

}  // namespace rollcall::server
