#include "list_paging.hpp"

#include <openssl/rand.h>

#include <cstring>

#include "page_token.hpp"

namespace rollcall::index::detail {

std::uint64_t list_query_hash(const Uuid& scope, const filter::Predicate& predicate,
                              std::string_view binding, const std::vector<SortKey>& order_by) {
  std::string text(reinterpret_cast<const char*>(scope.bytes.data()), scope.bytes.size());
  text.append(1, '\0').append(predicate.normalized()).append(1, '\0').append(binding);
  for (const SortKey& key : order_by) {
    text.append(1, '\0').append(key.attribute).append(key.descending ? ":desc" : ":asc");
  }
  return fnv1a(text);
}

namespace {

StoreError bad_token() {
  return StoreError{StoreErrorCode::kBadRequest,
                    "page_token is malformed or belongs to another query"};
}

}  // namespace

std::variant<ListCursor, StoreError> open_list_cursor(std::string_view token_key,
                                                      std::uint64_t epoch, std::uint64_t query_hash,
                                                      std::string_view page_token,
                                                      const std::vector<ResolvedSortKey>& keys) {
  if (page_token.empty()) return ListCursor{};
  auto bytes = open_page_token(token_key, query_hash, page_token);
  if (!bytes || bytes->size() < 16) return bad_token();
  std::uint64_t made_by = 0;
  std::uint64_t as_of = 0;
  std::memcpy(&made_by, bytes->data(), 8);
  std::memcpy(&as_of, bytes->data() + 8, 8);
  auto after = decode_cursor(std::string_view(*bytes).substr(16), keys);
  if (!after) return bad_token();
  if (made_by != epoch) return expired_walk();
  return ListCursor{std::move(after), as_of};
}

std::string next_list_token(std::string_view token_key, std::uint64_t epoch,
                            std::uint64_t query_hash, std::uint64_t as_of, const OrderKey& last) {
  std::string cursor(16, '\0');
  std::memcpy(cursor.data(), &epoch, 8);
  std::memcpy(cursor.data() + 8, &as_of, 8);
  cursor.append(encode_cursor(last));
  return seal_page_token(token_key, query_hash, cursor);
}

StoreError expired_walk() {
  return StoreError{StoreErrorCode::kBadRequest,
                    "page_token has expired: the store no longer keeps the state its walk "
                    "started from (after a restart, or too many or too old writes); start "
                    "the walk again"};
}

std::uint64_t random_epoch() {
  std::uint64_t epoch = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&epoch), sizeof(epoch));
  return epoch;
}

}  // namespace rollcall::index::detail
