// Error responses, {"Code": "<status>", "Message": "…"}, and making client text
// safe to echo in JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http.hpp"

namespace rollcall::server {

// Sets the status, the JSON error body and its content type, and drops any
// stream. Invalid UTF-8 in `message` becomes U+FFFD.
void error_response(Response& res, int status, std::string_view message);

bool is_utf8(std::string_view text);

// `text` with each byte that is not part of valid UTF-8 replaced by U+FFFD; when
// that is longer than `max_bytes`, cut at a character boundary and ended with "…".
std::string printable_utf8(std::string_view text, std::size_t max_bytes = std::string_view::npos);

}  // namespace rollcall::server
