// Idempotency-Key on the routes that create something: one helper for all of
// them, so that every create scopes, hashes and replays keys the same way.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "api_support.hpp"
#include "rollcall/index/directory.hpp"

namespace rollcall::server {

// Caller, method, route pattern, the path's parameters (IDs in canonical
// form, so every spelling of one path is one scope) and key; none without an
// Idempotency-Key header.
std::optional<std::string> idempotency_scope(const Caller& caller, const Request& request);
// SHA-256 of the body as sent: the same key with another body is 422.
std::array<std::uint8_t, 32> body_digest(const Request& request);

// The request's Idempotency-Key as the Directory takes it; none without the
// header. `render` makes, from the record created, what a repeat gets back.
template <class T>
std::optional<index::IdempotentCreate<T>> idempotent_create(
    const Caller& caller, const Request& request,
    std::function<index::StoredAnswer(const T&)> render) {
  auto scope = idempotency_scope(caller, request);
  if (!scope) return std::nullopt;
  return index::IdempotentCreate<T>{std::move(*scope), body_digest(request), std::move(render)};
}

// The pointer the Directory's create functions take.
template <class T>
const index::IdempotentCreate<T>* pointer_to(const std::optional<index::IdempotentCreate<T>>& key) {
  return key ? &*key : nullptr;
}

// A stored first answer, with Idempotent-Replayed: true, and the ETag of the
// entity it holds when that has a Version.
void replay(const index::StoredAnswer& stored, Response& response);

// Writes a stored first answer and answers null; otherwise answers the record
// the create made.
template <class T>
const T* fresh_or_replay(const index::Created<T>& created, Response& response) {
  if (const auto* stored = std::get_if<index::StoredAnswer>(&created)) {
    replay(*stored, response);
    return nullptr;
  }
  return &std::get<T>(created);
}

// What every create route does once it has read its input: the Directory's
// `create(key)` with the request's Idempotency-Key, then `answer(created)` for
// a first answer, or the stored first answer for a repeat. `stored(record)` is
// what a repeat gets back.
template <class T, class Create, class Answer>
std::optional<HttpError> answer_create(const Caller& caller, const Request& request,
                                       Response& response,
                                       std::function<index::StoredAnswer(const T&)> stored,
                                       Create create, Answer answer) {
  const auto key = idempotent_create<T>(caller, request, std::move(stored));
  auto created = create(pointer_to(key));
  if (!created) return from_store(created.error());
  if (const auto* fresh = fresh_or_replay(*created, response)) answer(*fresh);
  return std::nullopt;
}

}  // namespace rollcall::server
