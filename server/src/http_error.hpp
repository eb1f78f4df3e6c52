// An answer that is an error: the HTTP status and a message for the client.
#pragma once

#include <string>

#include "rollcall/filter/error.hpp"
#include "rollcall/index/member_store.hpp"

namespace rollcall::server {

struct HttpError {
  int status = 400;
  std::string message;
};

template <class T>
using Outcome = filter::Result<T, HttpError>;

// 404 not found, 403 forbidden, 409 conflict, 412 version mismatch, 422 rule,
// 400 bad request, 503 the log is unavailable.
HttpError from_store(const index::StoreError& error);

inline HttpError bad_request(std::string message) { return {400, std::move(message)}; }

}  // namespace rollcall::server
