#include "errors.hpp"

#include <algorithm>
#include <array>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace rollcall::server {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

struct LeadByte {
  unsigned char mask;
  unsigned char bits;
  std::size_t length;
  char32_t least;  // below this the encoding is overlong
};
constexpr std::array<LeadByte, 3> kLeadBytes{{
    {0xE0, 0xC0, 2, 0x80},
    {0xF0, 0xE0, 3, 0x800},
    {0xF8, 0xF0, 4, 0x10000},
}};

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0.
std::size_t utf8_length(std::string_view s) {
  const auto first = static_cast<unsigned char>(s.front());
  if (first < 0x80) return 1;
  const auto* lead = std::find_if(kLeadBytes.begin(), kLeadBytes.end(),
                                  [&](const LeadByte& l) { return (first & l.mask) == l.bits; });
  if (lead == kLeadBytes.end() || s.size() < lead->length) return 0;
  char32_t code = first & static_cast<unsigned char>(~lead->mask);
  for (std::size_t i = 1; i < lead->length; ++i) {
    const auto next = static_cast<unsigned char>(s[i]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return code < lead->least || code > 0x10FFFF || surrogate ? 0 : lead->length;
}

}  // namespace

bool is_utf8(std::string_view text) {
  while (!text.empty()) {
    const std::size_t length = utf8_length(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

std::string printable_utf8(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  while (!text.empty()) {
    const std::size_t length = utf8_length(text);
    const std::string_view piece = length == 0 ? kReplacement : text.substr(0, length);
    if (out.size() + piece.size() > max_bytes) {
      out += kEllipsis;
      break;
    }
    out += piece;
    text.remove_prefix(length == 0 ? 1 : length);
  }
  return out;
}

void error_response(Response& res, int status, std::string_view message) {
  const std::string code = std::to_string(status);
  const std::string text = printable_utf8(message);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("Code");
  writer.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  writer.Key("Message");
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  writer.EndObject();
  res.status = status;
  res.content_type = "application/json";
  res.body.assign(buffer.GetString(), buffer.GetSize());
  res.stream = nullptr;
}

}  // namespace rollcall::server
